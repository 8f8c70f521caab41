/*
 * mock_store.c - the recording mock store (see mock_store.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "mock_store.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int same_path(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb)
            return 0;
    }
    return *a == *b;
}

static mock_call *log_call(mock_store *m, mock_kind kind)
{
    if (m->n_calls == m->cap_calls) {
        size_t cap = m->cap_calls ? m->cap_calls * 2 : 256;
        mock_call *c = realloc(m->calls, cap * sizeof *c);
        if (!c)
            abort();
        m->calls = c;
        m->cap_calls = cap;
    }
    mock_call *c = &m->calls[m->n_calls++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    m->count[kind]++;
    return c;
}

/* Does this call fail by request? */
static int fails(const mock_store *m, mock_kind kind)
{
    return m->fail_nth && m->fail_kind == kind && m->count[kind] == m->fail_nth;
}

static int dropped(const mock_store *m, const char *path)
{
    for (int i = 0; i < m->n_dropped; i++)
        if (same_path(m->dropped[i], path))
            return 1;
    return 0;
}

uint64_t mock_store_size(const mock_store *m, const char *path)
{
    size_t len = 0;
    return ddp_mem_store_get(m->mem, path, &len) ? len : 0;
}

static int32_t mock_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    mock_store *m = ctx;
    mock_call *c = log_call(m, MOCK_READ);
    c->path = dup_str(path);
    c->offset = offset;
    c->size = size;
    *got = 0;
    size_t len = 0;
    const uint8_t *data = ddp_mem_store_get(m->mem, path, &len);
    if (fails(m, MOCK_READ))
        c->hr = m->fail_hr;
    else if (!data || dropped(m, path))
        c->hr = MOCK_E_FILE_NOT_FOUND;
    if (c->hr)
        return c->hr;
    if (m->trunc_path[0] && same_path(m->trunc_path, path) && len > m->trunc_at)
        len = (size_t)m->trunc_at;
    uint64_t n = offset < len ? len - offset : 0;
    if (n > size)
        n = size;
    if (m->short_read && n > m->short_read)
        n = m->short_read;
    memcpy(buf, data + offset, (size_t)n);
    for (int i = 0; i < m->n_corrupt; i++) {
        const mock_corruption *k = &m->corrupt[i];
        if (same_path(k->path, path) && k->offset >= offset && k->offset < offset + n)
            buf[k->offset - offset] ^= k->xor_mask;
    }
    *got = (uint32_t)n;
    c->got = *got;
    return 0;
}

static int32_t mock_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries)
{
    mock_store *m = ctx;
    mock_call *c = log_call(m, MOCK_ORDER);
    c->n = n;
    c->paths = calloc(n ? n : 1, sizeof *c->paths);
    for (uint32_t i = 0; i < n; i++)
        c->paths[i] = dup_str(paths[i]);
    *plan = NULL;
    *entries = 0;
    if (fails(m, MOCK_ORDER))
        return c->hr = m->fail_hr;
    if (m->plan_fn)
        c->hr = m->plan_fn(m, m->count[MOCK_ORDER], n, paths, plan, entries);
    if (*plan && *entries) {
        c->plan = malloc(*entries * sizeof *c->plan);
        memcpy(c->plan, *plan, *entries * sizeof *c->plan);
        c->plan_entries = *entries;
    }
    return c->hr;
}

static void mock_free_plan(void *ctx, ddp_plan_extent *plan)
{
    mock_store *m = ctx;
    log_call(m, MOCK_FREE_PLAN);
    if (plan)
        m->plans_live--;
    free(plan);
}

ddp_plan_extent *mock_plan_alloc(mock_store *m, uint32_t entries)
{
    m->plans_live++;
    return calloc(entries ? entries : 1, sizeof(ddp_plan_extent));
}

static int32_t mock_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    mock_store *m = ctx;
    mock_call *c = log_call(m, MOCK_PREVIEW);
    c->path = dup_str(path);
    c->n = n;
    c->reads = malloc((n ? n : 1) * sizeof *reads);
    memcpy(c->reads, reads, n * sizeof *reads);
    if (fails(m, MOCK_PREVIEW))
        c->hr = m->fail_hr;
    return c->hr;
}

/* The directory callback: the one stored file in dir named for id (any generation). */
static int32_t mock_find(void *ctx, const char *dir, uint32_t id, char **path)
{
    mock_store *m = ctx;
    mock_call *c = log_call(m, MOCK_FIND);
    c->path = dup_str(dir);
    if (fails(m, MOCK_FIND))
        return c->hr = m->fail_hr;
    size_t dl = strlen(dir);
    for (size_t i = 0; ddp_mem_store_path(m->mem, i); i++) {
        const char *p = ddp_mem_store_path(m->mem, i);
        uint32_t fid, fgen;
        if (strlen(p) > dl + 1 && strncmp(p, dir, dl) == 0 && p[dl] == '\\' && !strchr(p + dl + 1, '\\') &&
            ddp_container_name_parse(p + dl + 1, &fid, &fgen) == 0 && fid == id && !dropped(m, p)) {
            *path = dup_str(p);
            return 0;
        }
    }
    return c->hr = 1;
}

void mock_store_init(mock_store *m, ddp_mem_store *mem)
{
    memset(m, 0, sizeof *m);
    m->mem = mem;
}

void mock_store_clone(const mock_store *src, mock_store *dst)
{
    *dst = *src;
    dst->calls = NULL;
    dst->n_calls = 0;
    dst->cap_calls = 0;
}

void mock_store_clear_log(mock_store *m)
{
    for (size_t i = 0; i < m->n_calls; i++) {
        mock_call *c = &m->calls[i];
        free(c->path);
        free(c->reads);
        free(c->plan);
        for (uint32_t k = 0; c->paths && k < c->n; k++)
            free(c->paths[k]);
        free(c->paths);
    }
    m->n_calls = 0;
    memset(m->count, 0, sizeof m->count);
}

void mock_store_free(mock_store *m)
{
    mock_store_clear_log(m);
    free(m->calls);
    m->calls = NULL;
    m->cap_calls = 0;
}

void mock_store_api(mock_store *m, ddp_store *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = m;
    out->read = mock_read;
    out->order = m->no_order ? NULL : mock_order;
    out->free_plan = mock_free_plan;
    out->preview = m->no_preview ? NULL : mock_preview;
    out->find_container = m->with_find ? mock_find : NULL;
}

void mock_store_drop(mock_store *m, const char *path)
{
    if (m->n_dropped < 8) {
        strncpy(m->dropped[m->n_dropped], path, sizeof m->dropped[0] - 1);
        m->n_dropped++;
    }
}

void mock_store_corrupt(mock_store *m, const char *path, uint64_t offset, uint8_t xor_mask)
{
    if (m->n_corrupt < 8) {
        mock_corruption *k = &m->corrupt[m->n_corrupt++];
        strncpy(k->path, path, sizeof k->path - 1);
        k->offset = offset;
        k->xor_mask = xor_mask;
    }
}

int mock_is_stream_path(const char *path)
{
    return strstr(path, ".ddp\\Stream\\") != NULL;
}

int mock_is_data_path(const char *path)
{
    return strstr(path, ".ddp\\Data\\") != NULL;
}
