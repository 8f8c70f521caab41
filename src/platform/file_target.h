/*
 * file_target.h - the engine's ddp_target over Linux files, in three modes:
 *  - in place: a raw stub is replaced by its content (temporary file beside it, fsync'd,
 *    renamed over the stub on finish); an ntfs-3g stub gets its content in its own $DATA
 *    and loses its reparse attribute on finish (ntfs3g_commit.h);
 *  - out: the reparse buffer is read from the source stub, the content written to a
 *    separate destination (temporary file + rename); the source is never touched;
 *  - verify: content is rebuilt and checked by the engine, only counted here.
 * Nothing is lost: until finish, nothing but a temporary file was written, and abandon
 * deletes it. Stub mode and times are kept on the restored file. Chunks arrive in
 * container order, so the open temporary files are kept in a bounded LRU fd cache.
 */
#ifndef DDP_PLATFORM_FILE_TARGET_H
#define DDP_PLATFORM_FILE_TARGET_H

#include <stdint.h>

#include "ddp/restore.h"
#include "stub_source.h"

typedef enum ddp_target_mode {
    DDP_TARGET_IN_PLACE = 0,
    DDP_TARGET_OUT,
    DDP_TARGET_VERIFY
} ddp_target_mode;

typedef struct ddp_target_file {
    const char *path;         /* the stub (borrowed until ddp_file_target_free) */
    ddp_stub_kind kind;       /* DDP_STUB_RAW or DDP_STUB_XATTR */
    const char *out_path;     /* DDP_TARGET_OUT: the destination (borrowed) */
} ddp_target_file;

typedef struct ddp_file_target ddp_file_target;

/* open_files: temporary files kept open (0: 64). */
ddp_status ddp_file_target_new(ddp_target_mode mode, uint32_t n, const ddp_target_file *files,
                               unsigned open_files, ddp_file_target **out);
void ddp_file_target_bind(ddp_file_target *t, ddp_target *target);
/* Bytes the engine wrote (or, in verify mode, delivered) for file i. */
uint64_t ddp_file_target_written(const ddp_file_target *t, uint32_t i);
/* Abandons every file begun and not finished, then frees t. */
void ddp_file_target_free(ddp_file_target *t);

#endif
