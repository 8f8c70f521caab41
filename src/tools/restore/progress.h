/*
 * progress.h - a progress bar for ddp-restore on a terminal (files, bytes, MB/s, ETA),
 * fed by a ddp_target that wraps the real one and counts what passes through it.
 */
#ifndef DDP_RESTORE_PROGRESS_H
#define DDP_RESTORE_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "ddp/restore.h"

typedef struct progress {
    FILE *out;                 /* NULL: no bar, counting only */
    uint64_t total_files, total_bytes;
    uint64_t done_files, done_bytes;
    double start, last_draw;
    ddp_target inner;          /* the target being wrapped */
} progress;

void progress_init(progress *p, FILE *out, uint64_t total_files, uint64_t total_bytes);
/* A target forwarding to inner that counts bytes written and files finished: a file
 * counts when its content is complete (finish), also when inner commits in batches. */
void progress_wrap(progress *p, const ddp_target *inner, ddp_target *wrapped);
/* Redraws at most five times a second (always when force). */
void progress_draw(progress *p, int force);
/* Clears the bar line. */
void progress_end(progress *p);
/* Seconds on a monotonic clock. */
double progress_now(void);

#endif
