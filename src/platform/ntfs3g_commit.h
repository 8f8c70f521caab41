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
 * the copy, the complete, fsync'd content is still in ".<name>.ddprestore-XXXXXX" beside
 * the stub. The price is that the content is written twice, and the volume needs free
 * room for the largest file being restored.
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

#endif
