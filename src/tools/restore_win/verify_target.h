/*
 * verify_target.h - ddp-restore.exe --verify: a ddp_target that reads each stub's reparse
 * buffer through another target (win_target.h) and only counts the content the engine
 * rebuilt and verified: nothing is written, the stubs stay as they are.
 */
#ifndef DDP_RESTORE_WIN_VERIFY_TARGET_H
#define DDP_RESTORE_WIN_VERIFY_TARGET_H

#include <stdint.h>

#include "ddp/restore.h"

typedef struct verify_target {
    ddp_target source;       /* where the reparse buffers are read */
    uint64_t *sizes;         /* per file: the size begin() announced; NULL when out of memory */
    uint32_t n;
} verify_target;

/* Sets up t over n files of source; fills target. Returns -1 when out of memory. */
int verify_target_init(verify_target *t, uint32_t n, const ddp_target *source, ddp_target *target);
/* The logical size of file i (0 when the engine never began it). */
uint64_t verify_target_size(const verify_target *t, uint32_t i);
void verify_target_cleanup(verify_target *t);

#endif
