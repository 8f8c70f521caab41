/*
 * dir_backup.c - the ddp_backup callbacks over a directory tree (dir_backup.h): positioned
 * reads, the optional plan, read-ahead hints. Container lookup is in container_find.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_find.h"
#include "dir_backup.h"
#include "fd_cache.h"
#include "path_resolve.h"

#define DIR_BACKUP_DEFAULT_FILES 16u

struct ddp_dir_backup {
    char *root;
    int plan;
    ddp_fd_cache fds;
};

static int32_t hr_from_errno(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EINVAL:
        return DDP_HR_FILE_NOT_FOUND;
    case ENOMEM:
        return DDP_HR_E_OUTOFMEMORY;
    default:
        return DDP_HR_READ_FAULT;
    }
}

static int open_volume_path(void *ctx, const char *path)
{
    ddp_dir_backup *ds = ctx;
    char *host;
    int fd;

    if (ddp_path_resolve(ds->root, path, &host) < 0)
        return -1;
    fd = open(host, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            fd = -1;
            errno = ENOENT;
        }
    }
    free(host);
    return fd;
}

static int32_t store_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf,
                          uint32_t *got)
{
    ddp_dir_backup *ds = ctx;
    int fd;

    *got = 0;
    if (!path || (!buf && size) || offset > (uint64_t)INT64_MAX)
        return DDP_HR_E_INVALIDARG;
    fd = ddp_fd_cache_get(&ds->fds, path);
    if (fd < 0)
        return hr_from_errno(errno);
    while (*got < size) {
        ssize_t n = pread(fd, buf + *got, size - *got, (off_t)(offset + *got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hr_from_errno(errno);
        if (n == 0)
            break;                  /* end of file: a short read */
        *got += (uint32_t)n;
    }
    return DDP_S_OK;
}


typedef struct plan_sort {
    uint32_t index;
    const char *path;
} plan_sort;

static int compare_plan_sort(const void *a, const void *b)
{
    const plan_sort *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int32_t store_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan,
                           uint32_t *entries)
{
    ddp_dir_backup *ds = ctx;
    plan_sort *sorted;

    *plan = NULL;
    *entries = 0;
    if (!ds->plan || n == 0)
        return DDP_S_OK;
    sorted = malloc(n * sizeof *sorted);
    *plan = malloc(n * sizeof **plan);
    if (!sorted || !*plan) {
        free(sorted);
        free(*plan);
        *plan = NULL;
        return DDP_HR_E_OUTOFMEMORY;
    }
    for (uint32_t i = 0; i < n; i++) {
        sorted[i].index = i;
        sorted[i].path = paths[i] ? paths[i] : "";
    }
    qsort(sorted, n, sizeof *sorted, compare_plan_sort);
    for (uint32_t i = 0; i < n; i++) {
        (*plan)[i].container_index = sorted[i].index;
        (*plan)[i].start = 0;
        (*plan)[i].length = INT64_MAX;
    }
    *entries = n;
    free(sorted);
    return DDP_S_OK;
}

static void store_free_plan(void *ctx, ddp_plan_extent *plan)
{
    (void)ctx;
    free(plan);
}

static int32_t store_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    ddp_dir_backup *ds = ctx;
    int fd = ddp_fd_cache_get(&ds->fds, path);

    if (fd < 0)
        return hr_from_errno(errno);
    for (uint32_t i = 0; i < n; i++)
        if (reads[i].offset >= 0 && reads[i].length > 0)
            (void)posix_fadvise(fd, (off_t)reads[i].offset, (off_t)reads[i].length, POSIX_FADV_WILLNEED);
    return DDP_S_OK;
}

static int32_t store_find_container(void *ctx, const char *dir, uint32_t id, char **path)
{
    ddp_dir_backup *ds = ctx;
    return ddp_container_find(ds->root, dir, id, path);
}

ddp_status ddp_dir_backup_open(const char *root, const ddp_dir_backup_options *opt, ddp_dir_backup **out)
{
    ddp_dir_backup *ds;
    struct stat st;

    *out = NULL;
    if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
        return DDP_ERR_NOT_FOUND;
    ds = calloc(1, sizeof *ds);
    if (!ds)
        return DDP_ERR_NO_MEMORY;
    ds->root = strdup(root);
    ds->plan = opt ? opt->plan : 0;
    if (!ds->root || ddp_fd_cache_init(&ds->fds, opt && opt->open_files ? opt->open_files : DIR_BACKUP_DEFAULT_FILES,
                                       open_volume_path, ds) < 0) {
        free(ds->root);
        free(ds);
        return DDP_ERR_NO_MEMORY;
    }
    *out = ds;
    return DDP_OK;
}

void ddp_dir_backup_bind(ddp_dir_backup *ds, ddp_backup *store)
{
    memset(store, 0, sizeof *store);
    store->ctx = ds;
    store->read = store_read;
    store->order = store_order;
    store->free_plan = store_free_plan;
    store->preview = store_preview;
    store->find_container = store_find_container;
}

void ddp_dir_backup_close(ddp_dir_backup *ds)
{
    if (!ds)
        return;
    ddp_fd_cache_cleanup(&ds->fds);
    free(ds->root);
    free(ds);
}
