/*
 * ntfs3g_commit.h - puts restored content into a stub on an ntfs-3g mount and removes
 * its dedup reparse point, without ever leaving the file with neither.
 *
 * What ntfs-3g (2022.10.3, no reparse plugin) does with a file carrying a non-symlink
 * reparse point, found on a real mount (see tests/ntfs):
 *  - the file is shown as a symbolic link to "unsupported reparse tag 0x80000013";
 *    open() with O_NOFOLLOW fails with ELOOP, without it with ENOENT (and O_CREAT would
 *    create a file named after that text): its $DATA cannot be written in place while the
 *    reparse point exists;
 *  - lgetxattr/lsetxattr/lremovexattr of "system.ntfs_reparse_data" work on it;
 *  - after lremovexattr the file is a regular file again with its $DATA as it was (a
 *    dedup stub's is sparse zeros of the logical size); the kernel's cached inode is still
 *    a symlink, so the next lookup may fail once with EIO before it is refreshed.
 * Hence the order: the content is first written to a temporary file beside the stub and
 * fsync'd; then the attribute is removed, the content copied into the stub's own $DATA
 * (keeping its MFT record, security descriptor, streams and times), the stub fsync'd and
 * the temporary file deleted. If anything fails after the removal (tests/ntfs makes the
 * copy fail with ENOSPC), the stub's $DATA is reset to zeros of its former size and the
 * reparse point is set again. Should the process die between the removal and the end of
 * the copy, the complete, fsync'd content is still beside the stub: just before the
 * removal the temporary file is renamed ".<name>.ddprestore-ready" (a name that says "the
 * complete, verified content of <name>") and the folder is synced; it is deleted (and the
 * folder synced) only once the stub's own copy is durable, or once a roll-back has put
 * the reparse point back. ddp_ntfs3g_recover, which ddp-restore runs before restoring in
 * place, finishes what such a crash left: a ready file beside a file without its reparse
 * point is copied into it; beside a stub that still has its reparse point, it is stale
 * and deleted. (Names longer than 200 bytes get a temporary name that is cut, and no
 * ready name: for them the content stays in the temporary file after such a crash.)
 * The price is that the content is written twice, and the volume needs free room for
 * the largest file being restored.
 */
#ifndef DDP_PLATFORM_NTFS3G_COMMIT_H
#define DDP_PLATFORM_NTFS3G_COMMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ddp/status.h"

/* stub: the reparse-point file; temp: its fsync'd content of size bytes; reparse/len:
 * the stub's reparse buffer (put back on failure); times: the stub's times, kept.
 * On success temp is gone; on failure temp is left for the caller to delete. */
ddp_status ddp_ntfs3g_commit(const char *stub, const char *temp, uint64_t size, const uint8_t *reparse,
                             size_t len, const struct stat *times);

#define DDP_READY_MARK ".ddprestore-ready"

/* ".<name>.ddprestore-ready" beside stub (malloc'd); NULL when out of memory or when the
 * name is too long to have one. */
char *ddp_ntfs3g_ready_path(const char *stub);

/* 1 when the last component of path is a ready name (".<name>.ddprestore-ready"). */
int ddp_ntfs3g_is_ready_name(const char *path);
/* The stub a ready file belongs to (malloc'd), or NULL when ready is not such a name. */
char *ddp_ntfs3g_stub_of_ready(const char *ready);

typedef enum ddp_recovery {
    DDP_RECOVERY_COMPLETED = 0,  /* the stub had lost its reparse point: its content was completed */
    DDP_RECOVERY_STALE,          /* the stub still has its reparse point: the ready file was deleted */
    DDP_RECOVERY_FAILED          /* nothing changed (no such stub, or copying failed: errno) */
} ddp_recovery;

/* Finishes an in-place restore that a crash interrupted (see above): ready is the ready
 * file of stub (ddp_ntfs3g_stub_of_ready). */
ddp_recovery ddp_ntfs3g_recover(const char *stub, const char *ready);

#endif
