/*
 * file_state.h - the life of one file being restored, as the restore engine's file table
 * (src/engine/restore/files.c) and the file targets (src/platform/file_target.c,
 * src/platform/win32/win_target.c) track it: one set of states for all of them, so the
 * engine and a target always agree on where a file stands.
 *
 * Transitions (target calls in brackets; the engine's file table makes every call):
 *   IDLE       -> BEGUN       [begin] the target prepared the file for its content
 *   IDLE       -> NOT_DEDUP   the file has no dedup reparse point (S_FALSE; engine only)
 *   IDLE       -> ABANDONED   it failed before anything was written (the stub untouched)
 *   BEGUN      -> BEGUN       [write] content written
 *   BEGUN      -> DONE        [finish] without commit(): final at once
 *   BEGUN      -> COMMITTING  [finish] with commit(): content complete, waiting for commit()
 *   BEGUN      -> ABANDONED   [abandon] it failed: what begin/write did is undone; or [finish]
 *                             failed: the target kept the stub (abandon is never called then)
 *   COMMITTING -> DONE        [commit] reported it final: content in place, reparse point gone
 *   COMMITTING -> ABANDONED   [commit] reported it failed, or never reported it: stub kept;
 *                             or only the folder flush after the rename failed: the content
 *                             is in place but not known to survive a crash (result says why)
 *   DONE, ABANDONED -> BEGUN  [begin] a target only: a later restore on the same target
 * DONE, ABANDONED and NOT_DEDUP end the file's life in one restore.
 */
#ifndef DDP_FILE_STATE_H
#define DDP_FILE_STATE_H

typedef enum ddp_file_state {
    DDP_FILE_IDLE = 0,      /* nothing done yet: the stub as it was */
    DDP_FILE_BEGUN,         /* begin() succeeded: content being written */
    DDP_FILE_COMMITTING,    /* finish() succeeded, the next commit() makes it final */
    DDP_FILE_DONE,          /* final: restored content, reparse point removed */
    DDP_FILE_ABANDONED,     /* failed: the stub and its reparse point kept */
    DDP_FILE_NOT_DEDUP      /* not a deduplicated file: nothing to do (engine only) */
} ddp_file_state;

/* 1 when a file in state s may be begun (no begin while its content is under way). */
static inline int ddp_file_may_begin(ddp_file_state s)
{
    return s == DDP_FILE_IDLE || s == DDP_FILE_DONE || s == DDP_FILE_ABANDONED;
}

#endif
