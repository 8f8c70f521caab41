/*
 * ntfs3g_commit.c - the xattr stub's finish step (ntfs3g_commit.h): remove the reparse
 * attribute, copy the verified content in place, and roll back if that fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "durable_batch.h"
#include "ntfs3g_commit.h"
#include "stub_source.h"

#define COPY_BLOCK (1u << 20)
#define REOPEN_TRIES 20

/* Opens the stub once it is a regular file again: FUSE may answer EIO (stale symlink
 * inode), ELOOP or ENOENT for a moment after the reparse point went away. */
static int open_stub(const char *stub)
{
    for (int i = 0; i < REOPEN_TRIES; i++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        struct stat st;
        int fd = open(stub, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            return fd;
        if (errno != EIO && errno != ELOOP && errno != ENOENT)
            return -1;
        (void)lstat(stub, &st);    /* makes the kernel look the name up again */
        nanosleep(&pause, NULL);
    }
    return -1;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* The stub's $DATA becomes the temp file's content: zeros first (sparse), then every
 * block that is not all zeros. */
static int copy_content(int in, int out, uint64_t size)
{
    uint8_t *buf = malloc(COPY_BLOCK);
    uint64_t at = 0;
    int rc = 0;

    if (!buf)
        return -1;
    if (ftruncate(out, 0) < 0 || ftruncate(out, (off_t)size) < 0)
        rc = -1;
    while (rc == 0 && at < size) {
        size_t want = size - at < COPY_BLOCK ? (size_t)(size - at) : COPY_BLOCK, got = 0;
        while (got < want) {
            ssize_t n = pread(in, buf + got, want - got, (off_t)(at + got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                rc = -1;
                break;
            }
            got += (size_t)n;
        }
        if (rc == 0 && !all_zero(buf, want)) {
            for (size_t done = 0; done < want;) {
                ssize_t n = pwrite(out, buf + done, want - done, (off_t)(at + done));
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    rc = -1;
                    break;
                }
                done += (size_t)n;
            }
        }
        at += want;
    }
    free(buf);
    return rc == 0 ? fsync(out) : -1;
}

/* fsyncs the folder holding path (durable_batch.c: folders a FUSE file system cannot
 * sync count as synced); 0 or -1. */
static int sync_folder_of(const char *path)
{
    ddp_sync_counts counts = {0, 0, 0};
    int err = 0;
    return ddp_sync_folders(&path, 1, &err, &counts) == 0 && err == 0 ? 0 : -1;
}

/* Deletes the ready file once it is no longer needed, durably. */
static void drop_ready(const char *ready)
{
    if (ready && unlink(ready) == 0)
        (void)sync_folder_of(ready);
}

/* Puts the stub back as it was: zeros of its former size, then the reparse point. The
 * ready file is deleted only when the reparse point is back (else it is the content). */
static void roll_back(const char *stub, int fd, off_t former_size, const uint8_t *reparse, size_t len,
                      const char *ready)
{
    if (fd >= 0) {
        if (ftruncate(fd, 0) == 0 && ftruncate(fd, former_size) == 0)
            (void)fsync(fd);
        close(fd);
    }
    if (lsetxattr(stub, DDP_NTFS_REPARSE_XATTR, reparse, len, 0) == 0)
        drop_ready(ready);
}

char *ddp_ntfs3g_ready_path(const char *stub)
{
    const char *slash = strrchr(stub, '/');
    size_t folder = slash ? (size_t)(slash - stub) + 1 : 0, base = strlen(stub + folder);
    if (base == 0 || base > 200)
        return NULL;
    char *p = malloc(folder + 1 + base + sizeof DDP_READY_MARK);
    if (!p)
        return NULL;
    memcpy(p, stub, folder);
    p[folder] = '.';
    memcpy(p + folder + 1, stub + folder, base);
    memcpy(p + folder + 1 + base, DDP_READY_MARK, sizeof DDP_READY_MARK);
    return p;
}

int ddp_ntfs3g_is_ready_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t n = strlen(name), mark = sizeof DDP_READY_MARK - 1;
    return name[0] == '.' && n > mark + 1 && strcmp(name + n - mark, DDP_READY_MARK) == 0;
}

char *ddp_ntfs3g_stub_of_ready(const char *ready)
{
    const char *slash = strrchr(ready, '/');
    size_t folder = slash ? (size_t)(slash - ready) + 1 : 0;
    size_t n = strlen(ready + folder), mark = sizeof DDP_READY_MARK - 1;
    if (!ddp_ntfs3g_is_ready_name(ready))
        return NULL;
    const char *name = ready + folder;
    char *p = malloc(folder + n - mark);
    if (!p)
        return NULL;
    memcpy(p, ready, folder);
    memcpy(p + folder, name + 1, n - mark - 1);
    p[folder + n - mark - 1] = '\0';
    return p;
}

ddp_recovery ddp_ntfs3g_recover(const char *stub, const char *ready)
{
    struct stat st, rst;
    ddp_recovery r = DDP_RECOVERY_FAILED;
    if (ddp_stub_detect(stub, DDP_STUBS_XATTR) == DDP_STUB_XATTR) {
        drop_ready(ready);           /* the stub is whole: the restore had not begun to change it */
        return DDP_RECOVERY_STALE;
    }
    int in = open(ready, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in >= 0 && fstat(in, &rst) == 0 && S_ISREG(rst.st_mode) && ddp_stub_lstat(stub, &st) == 0 &&
        S_ISREG(st.st_mode)) {
        int out = open_stub(stub);
        if (out >= 0) {
            int ok = copy_content(in, out, (uint64_t)rst.st_size) == 0;
            ok = close(out) == 0 && ok;
            if (ok) {
                drop_ready(ready);
                r = DDP_RECOVERY_COMPLETED;
            }
        }
    }
    if (in >= 0)
        close(in);
    return r;
}

ddp_status ddp_ntfs3g_commit(const char *stub, const char *temp, uint64_t size, const uint8_t *reparse,
                             size_t len, const struct stat *times)
{
    struct stat st;
    int in, out;
    char *ready;

    in = open(temp, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return DDP_ERR_IO;
    if (fsync(in) < 0 || fstat(in, &st) < 0 || (uint64_t)st.st_size != size) {
        close(in);
        return DDP_ERR_IO;
    }
    /* From here until the stub's copy is durable, the content has a name that says so. */
    ready = ddp_ntfs3g_ready_path(stub);
    if (ready && (rename(temp, ready) < 0 || sync_folder_of(ready) < 0)) {
        if (access(ready, F_OK) == 0)
            (void)rename(ready, temp);
        free(ready);
        close(in);
        return DDP_ERR_IO;
    }
    if (lremovexattr(stub, DDP_NTFS_REPARSE_XATTR) < 0) {
        if (ready)
            (void)rename(ready, temp);   /* the caller deletes temp on failure */
        free(ready);
        close(in);
        return DDP_ERR_IO;
    }
    out = open_stub(stub);
    if (out < 0 || fstat(out, &st) < 0) {
        close(in);
        roll_back(stub, out, 0, reparse, len, ready);
        free(ready);
        return DDP_ERR_IO;
    }
    if (copy_content(in, out, size) < 0) {
        close(in);
        roll_back(stub, out, st.st_size, reparse, len, ready);
        free(ready);
        return DDP_ERR_IO;
    }
    close(in);
    if (close(out) < 0) {
        roll_back(stub, -1, st.st_size, reparse, len, ready);
        free(ready);
        return DDP_ERR_IO;
    }
    if (times) {
        /* By path after close: ntfs-3g stamps the write time when the last handle closes. */
        struct timespec ts[2] = {times->st_atim, times->st_mtim};
        (void)utimensat(AT_FDCWD, stub, ts, AT_SYMLINK_NOFOLLOW);
    }
    if (ready)
        drop_ready(ready);
    else
        (void)unlink(temp);
    free(ready);
    return DDP_OK;
}
