/*
 * ntfs3g_commit.c - the xattr stub's finish step (ntfs3g_commit.h): remove the reparse
 * attribute, copy the verified content in place, and roll back if that fails; and the
 * recovery of one journal record after a crash.
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
 * block that is not all zeros (not yet synced: finish_stub). */
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
    return rc;
}

/* 1 when path has these times. */
static int has_times(const char *path, const struct timespec *atime, const struct timespec *mtime)
{
    struct stat st;
    return lstat(path, &st) == 0 && st.st_mtim.tv_sec == mtime->tv_sec && st.st_mtim.tv_nsec == mtime->tv_nsec &&
           st.st_atim.tv_sec == atime->tv_sec && st.st_atim.tv_nsec == atime->tv_nsec;
}

/* Ends the copy into the stub (out, open): its times become the given ones and both
 * content and times are made durable with one fsync; out is closed. Returns -1 only when
 * the content may not be durable. ntfs-3g keeps times set on the open handle after the
 * writes; should a close stamp the write time anyway, they are set again by path and
 * synced once more. */
static int finish_stub(const char *stub, int out, const struct timespec *atime, const struct timespec *mtime)
{
    struct timespec ts[2];
    int rc = 0;
    if (atime) {
        ts[0] = *atime;
        ts[1] = *mtime;
        (void)futimens(out, ts);
    }
    if (fsync(out) < 0)
        rc = -1;
    if (close(out) < 0)
        rc = -1;
    if (rc < 0 || !atime || has_times(stub, atime, mtime))
        return rc;
    /* the content is durable: from here the times are best effort */
    if (utimensat(AT_FDCWD, stub, ts, AT_SYMLINK_NOFOLLOW) == 0) {
        int fd = open(stub, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
    return 0;
}

/* Puts the stub back as it was: zeros of its former size, then the reparse point.
 * Returns 0 when the reparse point is back. */
static int roll_back(const char *stub, int fd, off_t former_size, const uint8_t *reparse, size_t len)
{
    if (fd >= 0) {
        if (ftruncate(fd, 0) == 0 && ftruncate(fd, former_size) == 0)
            (void)fsync(fd);
        close(fd);
    }
    return lsetxattr(stub, DDP_NTFS_REPARSE_XATTR, reparse, len, 0);
}

/* "folder/name" (malloc'd). */
static char *join(const char *folder, const char *name)
{
    size_t a = strlen(folder), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p) {
        memcpy(p, folder, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

/* Copies temp (size bytes) into stub, which no longer has its reparse point, with times. */
static int complete_from(const char *stub, const char *temp, uint64_t size, const struct timespec *atime,
                         const struct timespec *mtime)
{
    int in = open(temp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1, rc = -1;
    struct stat st;
    if (in >= 0 && fstat(in, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size) {
        out = open_stub(stub);
        if (out >= 0) {
            rc = copy_content(in, out, size);
            if (rc == 0)
                rc = finish_stub(stub, out, atime, mtime);
            else
                close(out);
        }
    } else if (in >= 0) {
        errno = EILSEQ;   /* not the recorded content */
    }
    if (in >= 0)
        close(in);
    return rc;
}

ddp_recovery ddp_ntfs3g_recover(const char *folder, const ddp_journal_rec *r, uint64_t *freed)
{
    struct stat st, tst;
    ddp_recovery result = DDP_RECOVERY_FAILED;
    char *stub = join(folder, r->name), *temp = join(folder, r->temp_name);

    *freed = 0;
    if (!stub || !temp) {
        errno = ENOMEM;
    } else if (lstat(temp, &tst) < 0) {
        if (errno == ENOENT)
            result = DDP_RECOVERY_NONE;
    } else if (ddp_stub_lstat(stub, &st) < 0) {
        /* errno says why: the file is gone or cannot be looked at; its content stays */
    } else if ((uint64_t)st.st_ino != r->ino) {
        errno = ESTALE;    /* another file has that name now */
    } else if (ddp_stub_detect(stub, DDP_STUB_MODE_XATTR) == DDP_STUB_XATTR) {
        if (unlink(temp) == 0) {   /* the stub is whole: its restore had not begun to change it */
            *freed = (uint64_t)tst.st_size;
            result = DDP_RECOVERY_STALE;
        }
    } else if (S_ISREG(st.st_mode) && st.st_size != 0 && (uint64_t)st.st_size != r->size) {
        errno = EILSEQ;    /* not the size its interrupted copy gives it: not that file */
    } else if (S_ISREG(st.st_mode) && complete_from(stub, temp, r->size, &r->atime, &r->mtime) == 0 &&
               unlink(temp) == 0) {
        *freed = (uint64_t)tst.st_size;
        result = DDP_RECOVERY_COMPLETED;
    }
    free(stub);
    free(temp);
    return result;
}

int ddp_ntfs3g_commit(const char *stub, const char *temp, uint64_t size, const uint8_t *reparse, size_t len,
                      const struct stat *times, int *keep_temp)
{
    struct stat st;
    int in, out, saved;

    *keep_temp = 0;
    in = open(temp, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int got = fstat(in, &st);
    if (got < 0 || (uint64_t)st.st_size != size) {
        saved = got < 0 ? errno : EIO;
        close(in);
        errno = saved;
        return -1;
    }
    /* From here until the stub's copy is durable, the journal says whose content temp is. */
    if (lremovexattr(stub, DDP_NTFS_REPARSE_XATTR) < 0) {
        saved = errno;
        close(in);
        errno = saved;
        return -1;
    }
    out = open_stub(stub);
    if (out < 0 || fstat(out, &st) < 0) {
        saved = errno;
        close(in);
        (void)roll_back(stub, out, 0, reparse, len);
        *keep_temp = 1;   /* the roll-back is not known durable: the next run decides */
        errno = saved;
        return -1;
    }
    if (copy_content(in, out, size) < 0) {
        saved = errno;
        close(in);
        (void)roll_back(stub, out, st.st_size, reparse, len);
        *keep_temp = 1;   /* the roll-back is not known durable: the next run decides */
        errno = saved;
        return -1;
    }
    close(in);
    if (finish_stub(stub, out, times ? &times->st_atim : NULL, times ? &times->st_mtim : NULL) < 0) {
        saved = errno;
        (void)roll_back(stub, -1, st.st_size, reparse, len);
        *keep_temp = 1;   /* the roll-back is not known durable: the next run decides */
        errno = saved;
        return -1;
    }
    (void)unlink(temp);
    return 0;
}
