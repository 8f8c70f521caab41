/*
 * same_threads.h - runs one restore scenario again with other thread counts and checks
 * that nothing the engine promises differs (options.threads: "every result is identical
 * for every value"): the overall code, every file's hr, status and message, every
 * statistic, the target's call sequence and resulting files, and the store's call log.
 */
#ifndef DDP_TEST_SAME_THREADS_H
#define DDP_TEST_SAME_THREADS_H

#include "mem_target.h"
#include "mock_store.h"

/* Runs ddp_restore over m and t (as fixture_restore does) with opt, and the same
 * scenario, from copies of m and t taken before the run, with two other thread counts
 * (1 and 4; 2 instead of the one opt names); fails the test on any difference. Returns
 * the overall code. */
int32_t same_threads_restore(mock_store *m, mem_target *t, const ddp_restore_options *opt,
                             ddp_file_result *results, ddp_restore_stats *stats);

#endif
