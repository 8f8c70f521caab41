/*
 * durable_batch.c - one syncfs per local file system (or one fsync per file where that is
 * not trusted), then one fsync per folder, for a batch of restored files (durable_batch.h).
 *
 * syncfs() is trusted only on file systems known to write every dirty page back and to
 * report write-back errors through it (ext2/3/4, XFS, Btrfs, F2FS on Linux >= 5.8); FUSE
 * (ntfs-3g) long made syncfs a no-op, and network file systems do not promise it, so
 * there each file is fsync'd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "durable_batch.h"

/* Fewer files than this on one file system are fsync'd one by one: syncfs also writes
 * back whatever else is dirty there (other programs' files), which a few fsyncs avoid. */
#define SYNCFS_MIN_FILES 16u

#define FS_EXT4 0xEF53u
#define FS_XFS 0x58465342u
#define FS_BTRFS 0x9123683Eu
#define FS_F2FS 0xF2F52010u
#define FS_TMPFS 0x01021994u   /* nothing is durable there; syncfs is as good as fsync */

static int syncfs_trusted(int fd)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return 0;
    switch ((unsigned long)sf.f_type & 0xFFFFFFFFul) {
    case FS_EXT4:
    case FS_XFS:
    case FS_BTRFS:
    case FS_F2FS:
    case FS_TMPFS:
        return 1;
    default:
        return 0;
    }
}

static int fsync_path(const char *path, ddp_sync_counts *counts)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    counts->file_syncs++;
    int err = fsync(fd) < 0 ? errno : 0;
    close(fd);
    return err;
}

int ddp_syncfs_trusted_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int trusted = syncfs_trusted(fd);
    close(fd);
    return trusted;
}

/* One syncfs through path's file system; 0 when done and trusted, else an errno. */
static int syncfs_through(const char *path, ddp_sync_counts *counts)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = EOPNOTSUPP;
    if (syncfs_trusted(fd)) {
        counts->fs_syncs++;
        err = syncfs(fd) < 0 ? errno : 0;
    }
    close(fd);
    return err;
}

/* 1 when a and b name files of the same folder (the same text before the last '/'). */
static int same_folder(const char *a, const char *b)
{
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    return sa && sb && sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

void ddp_sync_files(const char *const *paths, size_t n, int *err, ddp_sync_counts *counts)
{
    dev_t *dev = malloc((n ? n : 1) * sizeof *dev);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        /* a file of the folder of the one before is on its file system: no stat (a file
         * gone since is found by the fsync or the rename that follows) */
        if (dev && i > 0 && err[i - 1] == 0 && same_folder(paths[i], paths[i - 1])) {
            err[i] = 0;
            dev[i] = dev[i - 1];
            continue;
        }
        err[i] = stat(paths[i], &st) < 0 ? errno : 0;
        if (dev)
            dev[i] = err[i] ? 0 : st.st_dev;
    }
    /* -1: its file system was synced as a whole; -2: it needs its own fsync */
    for (size_t i = 0; dev && i < n; i++) {
        if (err[i] != 0)
            continue;
        size_t on_dev = 0;
        for (size_t j = i; j < n; j++)
            on_dev += err[j] == 0 && dev[j] == dev[i];
        int mark = on_dev >= SYNCFS_MIN_FILES && syncfs_through(paths[i], counts) == 0 ? -1 : -2;
        for (size_t j = i; j < n; j++) {
            if (err[j] == 0 && dev[j] == dev[i])
                err[j] = mark;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (err[i] == 0 || err[i] == -2)
            err[i] = fsync_path(paths[i], counts);
        else if (err[i] == -1)
            err[i] = 0;
    }
    free(dev);
}

typedef struct folder_ref {
    char *folder;
    size_t file;
} folder_ref;

static int folder_cmp(const void *a, const void *b)
{
    return strcmp(((const folder_ref *)a)->folder, ((const folder_ref *)b)->folder);
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static int fsync_folder(const char *folder, ddp_sync_counts *counts)
{
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    counts->folder_syncs++;
    int err = fsync(fd) < 0 ? errno : 0;
    if (err == EINVAL || err == ENOTSUP || err == ENOSYS)
        err = 0;            /* some file systems (FUSE) cannot sync a folder */
    close(fd);
    return err;
}

int ddp_sync_folders(const char *const *paths, size_t n, int *err, ddp_sync_counts *counts)
{
    folder_ref *refs = calloc(n ? n : 1, sizeof *refs);
    size_t m = 0;
    int rc = 0;

    for (size_t i = 0; refs && i < n; i++) {
        if (err[i] != 0)
            continue;
        refs[m].file = i;
        refs[m].folder = folder_of(paths[i]);
        if (!refs[m++].folder) {
            rc = -1;
            break;
        }
    }
    if (!refs || rc < 0) {
        for (size_t i = 0; i < n; i++)
            err[i] = err[i] ? err[i] : ENOMEM;
        rc = -1;
    } else {
        qsort(refs, m, sizeof *refs, folder_cmp);
        for (size_t k = 0; k < m;) {
            int e = fsync_folder(refs[k].folder, counts);
            size_t end = k;
            while (end < m && strcmp(refs[end].folder, refs[k].folder) == 0)
                err[refs[end++].file] = e;
            k = end;
        }
    }
    for (size_t k = 0; refs && k < m; k++)
        free(refs[k].folder);
    free(refs);
    return rc;
}
