/*
 * twins.h - one restore run again with other thread counts, every result compared: the
 * engine promises (options.threads) that every result is identical for every value.
 * Copies ("twins") of the fake backup and target are taken before the restore; each
 * then runs the same restore with its own thread count (1 and 4; 2 instead of the one
 * the options name), and the overall code, every file's hr, status and message, every
 * statistic, the target's call sequence, counters and files, and the backup's call
 * sequence and counters must come out identical. A difference fails the test (CMocka).
 */
#ifndef DDP_TEST_TWINS_H
#define DDP_TEST_TWINS_H

#include "ddp/restore.h"
#include "fake_backup.h"
#include "fake_target.h"

/* 0: comparisons off (allocation-failure sweeps, whose runs cannot match). Default 1. */
extern int twins_enabled;

/* Runs ddp_restore over b and t (all of t's files, no names) with opt (NULL: the
 * defaults), and the twins; results (NULL: none kept) as filled before the run are the
 * twins' starting point too. Without comparisons, or with a read hook (it acts once,
 * outside the scenario), only the one run. Returns its overall code. */
int32_t twins_restore(fake_backup *b, fake_target *t, const ddp_restore_options *opt, ddp_file_result *results,
                      ddp_restore_stats *stats);

#endif
