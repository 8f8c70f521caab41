/*
 * file_target.h - the engine's ddp_target over Linux files, in three modes:
 *  - in place: a raw stub is replaced by its content (temporary file beside it, renamed
 *    over the stub); an ntfs-3g stub gets its content in its own $DATA and loses its
 *    reparse attribute (ntfs3g_commit.h);
 *  - out: the reparse buffer is read from the source stub, the content written to a
 *    separate destination (temporary file + rename); the source is never touched;
 *  - verify: content is rebuilt and checked by the engine, only counted here.
 * finish() only closes the complete temporary file; the target's commit() makes every
 * file finished since the last one durable and final at once (durable_batch.h: one
 * syncfs per local file system, the renames, one fsync per folder), and fails a file
 * whose own step fails without touching the others. Nothing is lost: until its commit,
 * nothing but a temporary file was written, and abandon (or a failed commit) deletes
 * it. Stub mode and times are kept on the restored file. Chunks arrive in container
 * order, so the open temporary files are kept in a bounded LRU fd cache.
 * Refused, with the stub left as it is (SECURITY.md §2): a directory in a file's place
 * (DDP_ERR_IS_DIRECTORY), in place a stub with other hard links (DDP_ERR_HARD_LINK:
 * the rename would detach them, an ntfs-3g rewrite change them; --out and verify read
 * it only, so links are fine there), a file the system will not let us read or replace
 * (DDP_ERR_ACCESS_DENIED). The link check runs when the reparse point is read, at begin
 * and just before the commit replaces the stub; in place the commit also refuses a stub
 * that changed since its reparse point was read (ESTALE: its new content stays).
 */
#ifndef DDP_PLATFORM_FILE_TARGET_H
#define DDP_PLATFORM_FILE_TARGET_H

#include <stdint.h>

#include "ddp/restore.h"
#include "durable_batch.h"
#include "stub_source.h"

typedef enum ddp_target_mode {
    DDP_TARGET_IN_PLACE = 0,
    DDP_TARGET_OUT,
    DDP_TARGET_VERIFY
} ddp_target_mode;

typedef struct ddp_target_spec {
    const char *path;         /* the stub (borrowed until ddp_file_target_free) */
    ddp_stub_kind kind;       /* DDP_STUB_RAW or DDP_STUB_XATTR */
    const char *out_path;     /* DDP_TARGET_OUT: the destination (borrowed) */
} ddp_target_spec;

typedef struct ddp_file_target ddp_file_target;

/* open_files: temporary files kept open (0: 64). */
ddp_status ddp_file_target_new(ddp_target_mode mode, uint32_t n, const ddp_target_spec *files,
                               unsigned open_files, ddp_file_target **out);
void ddp_file_target_bind(ddp_file_target *t, ddp_target *target);
/* Raw stub i was read already (seen, borrowed until ddp_file_target_free): its reparse
 * point and status are taken from seen, not read again. In place, as for any stub, the
 * commit refuses (ESTALE) a stub that changed since its status was taken. */
void ddp_file_target_seen(ddp_file_target *t, uint32_t i, const ddp_stub_seen *seen);
/* Bytes the engine wrote (or, in verify mode, delivered) for file i. */
uint64_t ddp_file_target_written(const ddp_file_target *t, uint32_t i);
/* The syncs t's commits made so far. */
void ddp_file_target_syncs(const ddp_file_target *t, ddp_sync_counts *out);
/* Abandons every file begun and not committed, then frees t. */
void ddp_file_target_free(ddp_file_target *t);

#endif
