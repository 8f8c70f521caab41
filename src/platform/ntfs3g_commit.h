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
 * fsync'd; the folder's restore journal (restore_journal.h), naming the temporary file,
 * the stub, its inode number and its times, is written and synced with the folder; then
 * the attribute is removed, the content copied into the stub's own $DATA (keeping its MFT
 * record, security descriptor, streams and times), the stub and its times fsync'd and the
 * temporary file deleted. If anything fails after the removal (tests/ntfs makes the copy
 * fail with ENOSPC), the stub's $DATA is reset to zeros of its former size and the
 * reparse point is set again. Should the process (or the ntfs-3g daemon, or the machine)
 * die between the removal and the end of the copy, the complete, fsync'd content is still
 * beside the stub under a fixed-length name, and the journal says whose it is: whatever
 * the stub's name (any length, any Unicode), ddp_ntfs3g_recover, which ddp-restore runs
 * before restoring, copies it into a stub that lost its reparse point (with the recorded
 * times), or deletes it beside one that still has it. No rename takes part, so a torn
 * rename cannot arise. The price is that the content is written twice, and the volume
 * needs free room for the largest file being restored.
 */
#ifndef DDP_PLATFORM_NTFS3G_COMMIT_H
#define DDP_PLATFORM_NTFS3G_COMMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "restore_journal.h"

/* stub: the reparse-point file; temp: its fsync'd content of size bytes, already in a
 * synced journal; reparse/len: the stub's reparse buffer (put back on failure); times:
 * the stub's times, kept. Returns 0 with temp deleted, or -1 with errno set; then
 * *keep_temp is 1 once the reparse point was removed (whether or not it was put back:
 * the roll-back is not known durable, so temp and its journal stay, and the next run
 * deletes them when it finds the reparse point back), else temp is left for the caller
 * to delete. */
int ddp_ntfs3g_commit(const char *stub, const char *temp, uint64_t size, const uint8_t *reparse, size_t len,
                      const struct stat *times, int *keep_temp);

typedef enum ddp_recovery {
    DDP_RECOVERY_NONE = 0,       /* its temporary file is gone: that file was finished */
    DDP_RECOVERY_COMPLETED,      /* the stub had lost its reparse point: its content was completed */
    DDP_RECOVERY_STALE,          /* the stub still has its reparse point: the temporary file was deleted */
    DDP_RECOVERY_FAILED          /* nothing changed (the stub is not the recorded file, or copying failed: errno) */
} ddp_recovery;

/* Finishes an in-place restore that a crash interrupted (see above): r is a record of a
 * journal in folder. *freed gets the bytes of a temporary file it deleted. */
ddp_recovery ddp_ntfs3g_recover(const char *folder, const ddp_journal_rec *r, uint64_t *freed);

#endif
