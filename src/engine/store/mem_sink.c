/*
 * mem_sink.c - a store sink that keeps every written file in memory (ddp_sink_mem), for
 * tests and in-memory mock stores. Paths are compared case-insensitively (ASCII), like
 * the volume's; writes past the end grow the file with zeros in between.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/store_builder.h"

typedef struct mem_file {
    char *path;
    uint8_t *data;
    size_t len, cap;
} mem_file;

struct ddp_sink_mem {
    mem_file **files;
    size_t n, cap;
};

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int path_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static mem_file *find(const ddp_sink_mem *m, const char *path)
{
    for (size_t i = 0; i < m->n; i++)
        if (path_equal(m->files[i]->path, path))
            return m->files[i];
    return NULL;
}

ddp_sink_mem *ddp_sink_mem_new(void)
{
    return calloc(1, sizeof(ddp_sink_mem));
}

void ddp_sink_mem_free(ddp_sink_mem *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->files[i]->path);
        free(m->files[i]->data);
        free(m->files[i]);
    }
    free(m->files);
    free(m);
}

static ddp_status add_file(ddp_sink_mem *m, const char *path, mem_file **out)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        mem_file **files = realloc(m->files, cap * sizeof *files);
        if (!files)
            return DDP_ERR_NO_MEMORY;
        m->files = files;
        m->cap = cap;
    }
    mem_file *f = calloc(1, sizeof *f);
    size_t len = strlen(path);
    if (f)
        f->path = malloc(len + 1);
    if (!f || !f->path) {
        free(f);
        return DDP_ERR_NO_MEMORY;
    }
    memcpy(f->path, path, len + 1);
    m->files[m->n++] = f;
    *out = f;
    return DDP_OK;
}

/* Opening a file that exists truncates it, like creating it anew. */
static ddp_status mem_open(void *ctx, const char *path, void **handle)
{
    ddp_sink_mem *m = ctx;
    if (!path || !handle)
        return DDP_ERR_INVALID_ARG;
    mem_file *f = find(m, path);
    if (f) {
        f->len = 0;
    } else {
        ddp_status st = add_file(m, path, &f);
        if (st != DDP_OK)
            return st;
    }
    *handle = f;
    return DDP_OK;
}

static ddp_status mem_pwrite(void *ctx, void *handle, uint64_t offset, const uint8_t *data, size_t len)
{
    (void)ctx;
    mem_file *f = handle;
    if (!f || (!data && len) || offset > SIZE_MAX - len)
        return DDP_ERR_INVALID_ARG;
    size_t end = (size_t)offset + len;
    if (end > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        while (cap < end)
            cap = cap > SIZE_MAX / 2 ? end : cap * 2;
        uint8_t *grown = realloc(f->data, cap);
        if (!grown)
            return DDP_ERR_NO_MEMORY;
        f->data = grown;
        f->cap = cap;
    }
    if (offset > f->len)
        memset(f->data + f->len, 0, (size_t)offset - f->len);
    if (len)
        memcpy(f->data + offset, data, len);
    if (end > f->len)
        f->len = end;
    return DDP_OK;
}

static ddp_status mem_close(void *ctx, void *handle)
{
    (void)ctx;
    return handle ? DDP_OK : DDP_ERR_INVALID_ARG;
}

void ddp_sink_mem_sink(ddp_sink_mem *m, ddp_sink *sink)
{
    sink->ctx = m;
    sink->open = mem_open;
    sink->pwrite = mem_pwrite;
    sink->close = mem_close;
}

const uint8_t *ddp_sink_mem_get(const ddp_sink_mem *m, const char *path, size_t *len)
{
    const mem_file *f = m && path ? find(m, path) : NULL;
    if (!f)
        return NULL;
    if (len)
        *len = f->len;
    /* A file opened but never written still exists: give a valid pointer. */
    return f->data ? f->data : (const uint8_t *)f->path;
}

const char *ddp_sink_mem_path(const ddp_sink_mem *m, size_t i)
{
    return m && i < m->n ? m->files[i]->path : NULL;
}
