/*
 * dir_sink.c - the store builder's sink writing under a directory (dir_sink.h): the
 * volume-root-relative path "\System Volume Information\...\x.ccc" becomes
 * "<root>/System Volume Information/.../x.ccc", with the folders created as needed. Plain
 * C stdio with the platform's mkdir and 64-bit seek, so it builds natively and with MinGW
 * (hence here, outside the portable engine); paths are passed through as bytes.
 */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef _WIN32
#include <direct.h>
#define make_dir(p) _mkdir(p)
#define seek64(f, off) _fseeki64((f), (__int64)(off), SEEK_SET)
#else
#include <sys/types.h>
#define make_dir(p) mkdir((p), 0777)
#define seek64(f, off) fseeko((f), (off_t)(off), SEEK_SET)
#endif

#include "dir_sink.h"

typedef struct dir_sink {
    char *root;
} dir_sink;

/* root + path, backslashes turned into '/'. */
static char *full_path(const dir_sink *d, const char *path)
{
    size_t rl = strlen(d->root), pl = strlen(path);
    char *p = malloc(rl + pl + 2);
    if (!p)
        return NULL;
    memcpy(p, d->root, rl);
    size_t n = rl;
    if (path[0] != '\\' && path[0] != '/')
        p[n++] = '/';
    for (size_t i = 0; i <= pl; i++)
        p[n + i] = path[i] == '\\' ? '/' : path[i];
    return p;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Creates every folder above the file at p, the root included (p itself is left alone). */
static ddp_status make_parents(char *p)
{
    for (char *s = p + 1; *s; s++) {
        if (*s != '/' || s[-1] == '/' || s[-1] == ':')
            continue;
        *s = '\0';
        int ok = make_dir(p) == 0 || is_dir(p);
        *s = '/';
        if (!ok)
            return DDP_ERR_IO;
    }
    return DDP_OK;
}

static ddp_status dir_open(void *ctx, const char *path, void **handle)
{
    dir_sink *d = ctx;
    if (!path || !handle)
        return DDP_ERR_INVALID_ARG;
    char *p = full_path(d, path);
    if (!p)
        return DDP_ERR_NO_MEMORY;
    ddp_status st = make_parents(p);
    FILE *f = st == DDP_OK ? fopen(p, "w+b") : NULL;
    free(p);
    if (!f)
        return DDP_ERR_IO;
    *handle = f;
    return DDP_OK;
}

static ddp_status dir_pwrite(void *ctx, void *handle, uint64_t offset, const uint8_t *data, size_t len)
{
    (void)ctx;
    FILE *f = handle;
    if (!f || (!data && len) || offset > (uint64_t)INT64_MAX)
        return DDP_ERR_INVALID_ARG;
    if (seek64(f, offset) != 0)
        return DDP_ERR_IO;
    if (len && fwrite(data, 1, len, f) != len)
        return DDP_ERR_IO;
    return DDP_OK;
}

static ddp_status dir_close(void *ctx, void *handle)
{
    (void)ctx;
    if (!handle)
        return DDP_ERR_INVALID_ARG;
    return fclose((FILE *)handle) == 0 ? DDP_OK : DDP_ERR_IO;
}

ddp_status ddp_dir_sink_init(ddp_sink *sink, const char *root)
{
    if (!sink || !root || !*root)
        return DDP_ERR_INVALID_ARG;
    dir_sink *d = calloc(1, sizeof *d);
    size_t len = strlen(root);
    if (d)
        d->root = malloc(len + 1);
    if (!d || !d->root) {
        free(d);
        return DDP_ERR_NO_MEMORY;
    }
    memcpy(d->root, root, len + 1);
    while (len > 1 && (d->root[len - 1] == '/' || d->root[len - 1] == '\\'))
        d->root[--len] = '\0';
    sink->ctx = d;
    sink->open = dir_open;
    sink->pwrite = dir_pwrite;
    sink->close = dir_close;
    return DDP_OK;
}

void ddp_dir_sink_cleanup(ddp_sink *sink)
{
    if (!sink || !sink->ctx)
        return;
    dir_sink *d = sink->ctx;
    free(d->root);
    free(d);
    sink->ctx = NULL;
}
