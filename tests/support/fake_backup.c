/*
 * fake_backup.c - the fault-injecting, recording backup of fake_backup.h.
 *
 * Plans are allocated with a header extent holding a magic word that free_plan checks.
 * The log (keep_log) grows by doubling and aborts the test program when memory runs
 * out: a test that keeps it is not an allocation-failure sweep.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "fake_backup.h"

#define PLAN_MAGIC 0x504C414Eu
#define E_OUTOFMEMORY ((int32_t)0x8007000Eu)

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int fake_path_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int fake_is_stream_path(const char *path)
{
    return strstr(path, ".ddp\\Stream\\") != NULL;
}

int fake_is_data_path(const char *path)
{
    return strstr(path, ".ddp\\Data\\") != NULL;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void *dup_bytes(const void *p, size_t len)
{
    void *d = malloc(len ? len : 1);
    if (d && len)
        memcpy(d, p, len);
    return d;
}

/* ---- the record ---- */

/* Folds bytes into the call digest. */
static void digest_bytes(fake_backup *b, const void *p, size_t len)
{
    const uint8_t *s = p;
    uint64_t h = b->digest ? b->digest : 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    b->digest = h;
}

/* One call into the digest: its kind, path (or none) and four numbers. */
static void note_call(fake_backup *b, fake_kind kind, const char *path, uint64_t w, uint64_t x, uint64_t y, int64_t z)
{
    const uint64_t fields[5] = {(uint64_t)kind, w, x, y, (uint64_t)z};
    b->digest_calls++;
    digest_bytes(b, fields, sizeof fields);
    if (path)
        digest_bytes(b, path, strlen(path) + 1);
}

/* A new log entry (NULL without keep_log), path copied. */
static fake_call *log_call(fake_backup *b, fake_kind kind, const char *path)
{
    if (!b->keep_log)
        return NULL;
    if (b->n_log == b->cap_log) {
        size_t cap = b->cap_log ? b->cap_log * 2 : 256;
        fake_call *c = realloc(b->log, cap * sizeof *c);
        if (!c)
            abort();
        b->log = c;
        b->cap_log = cap;
    }
    fake_call *c = &b->log[b->n_log++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->path = path ? dup_string(path) : NULL;
    return c;
}

static void free_log(fake_backup *b)
{
    for (size_t i = 0; i < b->n_log; i++) {
        fake_call *c = &b->log[i];
        free(c->path);
        free(c->reads);
        free(c->plan);
        for (uint32_t k = 0; c->paths && k < c->n; k++)
            free(c->paths[k]);
        free(c->paths);
    }
    b->n_log = 0;
}

/* Counts the call; 1 when this one must fail. */
static int inject(fake_backup *b, fake_kind kind)
{
    uint32_t k = ++b->count[kind];
    uint32_t at = b->fail_at[kind];
    if (at && (k == at || (b->fail_from && k > at))) {
        b->failures_injected++;
        return 1;
    }
    return 0;
}

/* ---- files ---- */

fake_file *fake_backup_file(fake_backup *b, const char *path)
{
    for (size_t i = 0; i < b->n_files; i++)
        if (fake_path_equal(b->files[i].path, path))
            return &b->files[i];
    return NULL;
}

uint64_t fake_backup_size(fake_backup *b, const char *path)
{
    const fake_file *f = fake_backup_file(b, path);
    return f ? f->len : 0;
}

int fake_backup_xor(fake_backup *b, const char *path, uint64_t offset, uint8_t mask)
{
    fake_file *f = fake_backup_file(b, path);
    if (!f || offset >= f->len)
        return -1;
    f->data[offset] ^= mask;
    return 0;
}

int fake_backup_truncate(fake_backup *b, const char *path, size_t len)
{
    fake_file *f = fake_backup_file(b, path);
    if (!f || len > f->len)
        return -1;
    f->len = len;
    return 0;
}

int fake_backup_drop(fake_backup *b, const char *path)
{
    fake_file *f = fake_backup_file(b, path);
    if (!f)
        return -1;
    f->dropped = 1;
    return 0;
}

int fake_backup_put(fake_backup *b, const char *path, const uint8_t *data, size_t len)
{
    fake_file *f = fake_backup_file(b, path);
    uint8_t *copy = dup_bytes(data, len);
    if (!copy)
        return -1;
    if (!f) {
        fake_file *files = realloc(b->files, (b->n_files + 1) * sizeof *files);
        char *p = dup_string(path);
        if (files)
            b->files = files;
        if (!files || !p) {
            free(p);
            free(copy);
            return -1;
        }
        f = &b->files[b->n_files++];
        memset(f, 0, sizeof *f);
        f->path = p;
    }
    free(f->data);
    f->data = copy;
    f->len = len;
    return 0;
}

/* Copies n files (paths and bytes) from src into a new array; NULL when out of memory. */
static fake_file *copy_files(const fake_file *src, size_t n)
{
    fake_file *files = calloc(n ? n : 1, sizeof *files);
    for (size_t i = 0; files && i < n; i++) {
        files[i] = src[i];
        files[i].path = dup_string(src[i].path);
        files[i].data = dup_bytes(src[i].data, src[i].len);
        if (!files[i].path || !files[i].data) {
            for (size_t k = 0; k <= i; k++) {
                free(files[k].path);
                free(files[k].data);
            }
            free(files);
            return NULL;
        }
    }
    return files;
}

int fake_backup_init(fake_backup *b, const ddp_sink_mem *mem)
{
    size_t n = 0;
    memset(b, 0, sizeof *b);
    b->fail_hr = FAKE_E_FAIL;
    while (ddp_sink_mem_path(mem, n))
        n++;
    fake_file *view = calloc(n ? n : 1, sizeof *view);   /* the originals, not owned */
    if (!view)
        return -1;
    for (size_t i = 0; i < n; i++) {
        view[i].path = (char *)ddp_sink_mem_path(mem, i);
        view[i].data = (uint8_t *)ddp_sink_mem_get(mem, view[i].path, &view[i].len);
    }
    b->files = copy_files(view, n);
    free(view);
    if (!b->files)
        return -1;
    b->n_files = n;
    return 0;
}

int fake_backup_clone(const fake_backup *src, fake_backup *dst)
{
    *dst = *src;
    dst->log = NULL;
    dst->n_log = dst->cap_log = 0;
    dst->files = copy_files(src->files, src->n_files);
    if (!dst->files) {
        dst->n_files = 0;
        return -1;
    }
    return 0;
}

void fake_backup_free(fake_backup *b)
{
    for (size_t i = 0; b->files && i < b->n_files; i++) {
        free(b->files[i].path);
        free(b->files[i].data);
    }
    free(b->files);
    free_log(b);
    free(b->log);
    memset(b, 0, sizeof *b);
}

void fake_backup_reset_counts(fake_backup *b)
{
    memset(b->count, 0, sizeof b->count);
    b->failures_injected = 0;
    b->bytes_read = 0;
    b->digest_calls = 0;
    b->digest = 0;
    free_log(b);
}

/* ---- the callbacks ---- */

static int32_t b_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    fake_backup *b = ctx;
    fake_call *c = log_call(b, FAKE_READ, path);
    int32_t hr = 0;
    uint32_t n = 0;
    if (c) {
        c->offset = offset;
        c->size = size;
    }
    *got = 0;
    if (b->read_hook)
        b->read_hook(b, b->hook_ctx);
    const fake_file *f = fake_backup_file(b, path);
    if (inject(b, FAKE_READ)) {
        hr = b->fail_hr;
    } else if (!f || f->dropped) {
        hr = FAKE_E_FILE_NOT_FOUND;
    } else {
        uint64_t avail = offset < f->len ? f->len - offset : 0;
        n = avail < size ? (uint32_t)avail : size;
        if (b->short_read && n > b->short_read)
            n = b->short_read;
        if (n)
            memcpy(buf, f->data + offset, n);
        b->bytes_read += n;
        *got = b->over_report ? size + b->over_report : n;
    }
    note_call(b, FAKE_READ, path, offset, size, *got, hr);
    if (c) {
        c->got = *got;
        c->hr = hr;
    }
    return hr;
}

ddp_plan_extent *fake_plan_alloc(fake_backup *b, uint32_t entries)
{
    /* One leading extent holds the magic, the plan follows it. */
    ddp_plan_extent *p = calloc((size_t)entries + 1, sizeof *p);
    if (!p)
        return NULL;
    p[0].container_index = PLAN_MAGIC;
    b->plans_live++;
    return p + 1;
}

static void b_free_plan(void *ctx, ddp_plan_extent *plan)
{
    fake_backup *b = ctx;
    log_call(b, FAKE_FREE_PLAN, NULL);
    b->count[FAKE_FREE_PLAN]++;
    if (!plan)
        return;
    ddp_plan_extent *head = plan - 1;
    if (head->container_index != PLAN_MAGIC) {
        b->bad_free++;
        return;
    }
    head->container_index = 0;
    note_call(b, FAKE_FREE_PLAN, NULL, 0, 0, 0, 0);
    b->plans_live--;
    b->plans_freed++;
    free(head);
}

/* The plans of FAKE_PLAN_REVERSE and FAKE_PLAN_SAMPLE. */
static int32_t standard_plan(fake_backup *b, uint32_t n, const char *const *paths, ddp_plan_extent **plan,
                             uint32_t *entries)
{
    uint32_t per = b->plan_mode == FAKE_PLAN_SAMPLE ? 2 : 1;
    ddp_plan_extent *p = fake_plan_alloc(b, n * per);
    if (!p)
        return E_OUTOFMEMORY;
    for (uint32_t i = 0; i < n; i++) {
        if (b->plan_mode == FAKE_PLAN_REVERSE) {
            p[i] = (ddp_plan_extent){n - 1 - i, 0, INT64_MAX};
        } else {
            int64_t tenth = (int64_t)(fake_backup_size(b, paths[i]) / 10);
            p[2 * i] = (ddp_plan_extent){i, 0, tenth};
            p[2 * i + 1] = (ddp_plan_extent){i, tenth, INT64_MAX};
        }
    }
    *plan = p;
    *entries = n * per;
    return 0;
}

static int32_t b_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries)
{
    fake_backup *b = ctx;
    fake_call *c = log_call(b, FAKE_ORDER, NULL);
    uint32_t call_no = b->count[FAKE_ORDER] + 1;
    int32_t hr = 0;
    *plan = NULL;
    *entries = 0;
    if (c) {
        c->n = n;
        c->paths = calloc(n ? n : 1, sizeof *c->paths);
        for (uint32_t i = 0; c->paths && i < n; i++)
            c->paths[i] = dup_string(paths[i]);
    }
    note_call(b, FAKE_ORDER, n ? paths[0] : NULL, n, call_no, 0, 0);
    if (inject(b, FAKE_ORDER))
        hr = b->fail_hr;
    else if (b->plan_mode == FAKE_PLAN_HOOK && b->plan_hook)
        hr = b->plan_hook(b, call_no, n, paths, plan, entries);
    else if ((b->plan_mode == FAKE_PLAN_REVERSE || b->plan_mode == FAKE_PLAN_SAMPLE) && n)
        hr = standard_plan(b, n, paths, plan, entries);
    if (c) {
        c->hr = hr;
        if (*plan && *entries) {
            c->plan = dup_bytes(*plan, *entries * sizeof **plan);
            c->plan_entries = *entries;
        }
    }
    return hr;
}

static int32_t b_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    fake_backup *b = ctx;
    fake_call *c = log_call(b, FAKE_PREVIEW, path);
    /* Touch every announced extent: ASan reports an array shorter than n. */
    volatile int64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += reads[i].length + reads[i].offset;
    (void)sum;
    note_call(b, FAKE_PREVIEW, path, n, 0, 0, 0);
    digest_bytes(b, reads, n * sizeof *reads);
    int32_t hr = inject(b, FAKE_PREVIEW) ? b->fail_hr : 0;
    if (c) {
        c->n = n;
        c->reads = dup_bytes(reads, n * sizeof *reads);
        c->hr = hr;
    }
    return hr;
}

/* The answers of find_lie 1..5; 1 ("none") for anything else. */
static int32_t lie(fake_backup *b, char **path)
{
    switch (b->find_lie) {
    case 1:
        for (size_t i = 0; i < b->n_files; i++)
            if (strstr(b->files[i].path, "\\Data\\"))
                return (*path = dup_string(b->files[i].path)) ? 0 : E_OUTOFMEMORY;
        return 1;
    case 2:
        return (*path = dup_string("")) ? 0 : E_OUTOFMEMORY;
    case 3:
        return 0;
    case 5:
        return (*path = dup_string("..\\..\\Windows\\System32\\config\\SAM")) ? 0 : E_OUTOFMEMORY;
    default:
        return 1;
    }
}

/* 1 when f is a container file directly in dir (dl characters) named for id; *gen gets
 * its generation. */
static int container_in(const fake_file *f, const char *dir, size_t dl, uint32_t id, uint32_t *gen)
{
    char prefix[512];
    uint32_t fid;
    if (strlen(f->path) <= dl + 1 || f->dropped || f->path[dl] != '\\' || dl >= sizeof prefix)
        return 0;
    memcpy(prefix, f->path, dl);
    prefix[dl] = '\0';
    return fake_path_equal(prefix, dir) && !strchr(f->path + dl + 1, '\\') &&
           ddp_container_name_parse(f->path + dl + 1, &fid, gen) == 0 && fid == id;
}

/* The container file for id under dir, any generation (the lowest one present). */
static int32_t b_find(void *ctx, const char *dir, uint32_t id, char **path)
{
    fake_backup *b = ctx;
    fake_call *c = log_call(b, FAKE_FIND, dir);
    const fake_file *best = NULL;
    uint32_t best_gen = 0, gen;
    int32_t hr = 1;
    note_call(b, FAKE_FIND, dir, id, 0, 0, 0);
    if (inject(b, FAKE_FIND)) {
        hr = b->fail_hr;
    } else if (b->find_lie) {
        hr = lie(b, path);
    } else {
        for (size_t i = 0; i < b->n_files; i++) {
            if (container_in(&b->files[i], dir, strlen(dir), id, &gen) && (!best || gen < best_gen)) {
                best = &b->files[i];
                best_gen = gen;
            }
        }
        if (best)
            hr = (*path = dup_string(best->path)) ? 0 : E_OUTOFMEMORY;
    }
    if (c)
        c->hr = hr;
    return hr;
}

void fake_backup_api(fake_backup *b, ddp_backup *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = b;
    out->read = b_read;
    if (!b->no_order) {
        out->order = b_order;
        out->free_plan = b_free_plan;
    }
    if (!b->no_preview)
        out->preview = b_preview;
    if (b->with_find)
        out->find_container = b_find;
}
