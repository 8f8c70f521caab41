/*
 * out_target.h - ddp-restore.exe --out and --verify: a ddp_target that reads each stub's
 * reparse buffer through another target (win_target.h, which is never asked to write) and
 * sends the content elsewhere. With --verify, nowhere: it only keeps the sizes of what the
 * engine rebuilt and verified, and the stubs stay as they are. With --out, to a separate
 * destination: a temporary file "<out>.ddprestore-tmp" (folders
 * made as needed), flushed and moved over the destination (MOVEFILE_REPLACE_EXISTING |
 * MOVEFILE_WRITE_THROUGH) when the file is finished, deleted when it is abandoned. The
 * sources are never opened for writing. Every begun file keeps its handle until finish or
 * abandon (chunks arrive in container order; Windows handles are not a scarce resource
 * the way Linux fds are).
 */
#ifndef DDP_RESTORE_WIN_OUT_TARGET_H
#define DDP_RESTORE_WIN_OUT_TARGET_H

#include <windows.h>
#include <stdint.h>

#include "ddp/restore.h"

typedef struct out_target {
    ddp_target source;       /* where the reparse buffers are read */
    uint32_t n;
    WCHAR **out_paths;       /* per file: the destination (owned); NULL: --verify */
    HANDLE *handles;         /* per file: the open temporary file, or INVALID_HANDLE_VALUE */
    uint64_t *sizes;         /* per file: the size begin() announced */
} out_target;

/* out_paths (UTF-8, borrowed) are the n destinations; NULL verifies only, writing
 * nothing. Returns -1 when out of memory. */
int out_target_init(out_target *t, uint32_t n, const char *const *out_paths, const ddp_target *source,
                    ddp_target *target);
/* The logical size of file i (0 when the engine never began it). */
uint64_t out_target_size(const out_target *t, uint32_t i);
/* Abandons what is still open, frees t. */
void out_target_cleanup(out_target *t);

#endif
