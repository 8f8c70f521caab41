/*
 * fault_store.c - the fault-injecting store of fault_store.h.
 *
 * Reads past the end of a file return S_OK with fewer bytes (zero at the end), like the
 * public sample application. Failures are injected before the call does anything. Plans
 * are allocated with a header word that free_plan checks, so a plan freed twice or a
 * pointer the store never handed out is counted in bad_free rather than crashing.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "fault_store.h"

#define PLAN_MAGIC 0x504C414Eu

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int fault_path_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int fault_store_init(fault_store *s, const ddp_mem_store *mem)
{
    memset(s, 0, sizeof *s);
    s->fail_hr = FAULT_E_FAIL;
    size_t n = 0;
    while (ddp_mem_store_path(mem, n))
        n++;
    s->files = calloc(n ? n : 1, sizeof *s->files);
    if (!s->files)
        return -1;
    s->n_files = n;
    for (size_t i = 0; i < n; i++) {
        const char *path = ddp_mem_store_path(mem, i);
        size_t len = 0;
        const uint8_t *data = ddp_mem_store_get(mem, path, &len);
        fault_file *f = &s->files[i];
        f->path = dup_string(path);
        f->data = malloc(len ? len : 1);
        if (!f->path || !f->data) {
            fault_store_free(s);
            return -1;
        }
        if (len)
            memcpy(f->data, data, len);
        f->len = len;
    }
    return 0;
}

int fault_store_clone(const fault_store *src, fault_store *dst)
{
    *dst = *src;
    dst->files = calloc(src->n_files ? src->n_files : 1, sizeof *dst->files);
    if (!dst->files)
        return -1;
    for (size_t i = 0; i < src->n_files; i++) {
        const fault_file *a = &src->files[i];
        fault_file *b = &dst->files[i];
        *b = *a;
        b->path = dup_string(a->path);
        b->data = malloc(a->len ? a->len : 1);
        if (!b->path || !b->data) {
            dst->n_files = i + 1;
            fault_store_free(dst);
            return -1;
        }
        if (a->len)
            memcpy(b->data, a->data, a->len);
    }
    return 0;
}

/* Folds bytes into the call digest. */
static void digest_bytes(fault_store *s, const void *p, size_t len)
{
    const uint8_t *b = p;
    uint64_t h = s->log_digest ? s->log_digest : 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    s->log_digest = h;
}

/* One call: its kind, path (or "") and four numbers. */
static void note_call(fault_store *s, fault_kind kind, const char *path, uint64_t a, uint64_t b, uint64_t c,
                      int64_t d)
{
    const uint64_t fields[5] = {(uint64_t)kind, a, b, c, (uint64_t)d};
    s->log_calls++;
    digest_bytes(s, fields, sizeof fields);
    if (path)
        digest_bytes(s, path, strlen(path) + 1);
}

void fault_store_free(fault_store *s)
{
    for (size_t i = 0; s->files && i < s->n_files; i++) {
        free(s->files[i].path);
        free(s->files[i].data);
    }
    free(s->files);
    memset(s, 0, sizeof *s);
}

void fault_store_reset_counts(fault_store *s)
{
    memset(s->calls, 0, sizeof s->calls);
    s->failures_injected = 0;
    s->bytes_read = 0;
    s->log_calls = 0;
    s->log_digest = 0;
}

fault_file *fault_store_file(fault_store *s, const char *path)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (fault_path_equal(s->files[i].path, path))
            return &s->files[i];
    return NULL;
}

int fault_store_xor(fault_store *s, const char *path, uint64_t offset, uint8_t mask)
{
    fault_file *f = fault_store_file(s, path);
    if (!f || offset >= f->len)
        return -1;
    f->data[offset] ^= mask;
    return 0;
}

int fault_store_truncate(fault_store *s, const char *path, size_t len)
{
    fault_file *f = fault_store_file(s, path);
    if (!f || len > f->len)
        return -1;
    f->len = len;
    return 0;
}

int fault_store_drop(fault_store *s, const char *path)
{
    fault_file *f = fault_store_file(s, path);
    if (!f)
        return -1;
    f->dropped = 1;
    return 0;
}

/* Counts the call; 1 when this one must fail. */
static int inject(fault_store *s, fault_kind kind)
{
    uint32_t k = ++s->calls[kind];
    uint32_t at = s->fail_at[kind];
    if (at && (k == at || (s->fail_from && k > at))) {
        s->failures_injected++;
        return 1;
    }
    return 0;
}

static int32_t st_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    fault_store *s = ctx;
    if (s->read_hook)
        s->read_hook(s, s->hook_ctx);
    if (inject(s, FAULT_READ)) {
        note_call(s, FAULT_READ, path, offset, size, 0, s->fail_hr);
        return s->fail_hr;
    }
    const fault_file *f = fault_store_file(s, path);
    if (!f || f->dropped) {
        note_call(s, FAULT_READ, path, offset, size, 0, FAULT_E_FILE_NOT_FOUND);
        return FAULT_E_FILE_NOT_FOUND;
    }
    uint64_t avail = offset < f->len ? f->len - offset : 0;
    uint32_t n = avail < size ? (uint32_t)avail : size;
    if (s->short_read && n > s->short_read)
        n = s->short_read;
    if (n)
        memcpy(buf, f->data + offset, n);
    s->bytes_read += n;
    *got = s->over_report ? size + s->over_report : n;
    note_call(s, FAULT_READ, path, offset, size, *got, 0);
    return 0;
}

ddp_plan_extent *fault_plan_alloc(fault_store *s, uint32_t entries)
{
    /* One leading extent holds the magic, the plan follows it. */
    ddp_plan_extent *p = calloc((size_t)entries + 1, sizeof *p);
    if (!p)
        return NULL;
    p[0].container_index = PLAN_MAGIC;
    s->plans_live++;
    return p + 1;
}

static void st_free_plan(void *ctx, ddp_plan_extent *plan)
{
    fault_store *s = ctx;
    if (!plan)
        return;
    ddp_plan_extent *head = plan - 1;
    if (head->container_index != PLAN_MAGIC) {
        s->bad_free++;
        return;
    }
    head->container_index = 0;
    note_call(s, FAULT_KINDS, NULL, 0, 0, 0, 0);
    s->plans_live--;
    s->plans_freed++;
    free(head);
}

static uint64_t size_of(fault_store *s, const char *path)
{
    const fault_file *f = fault_store_file(s, path);
    return f ? f->len : 0;
}

static int32_t st_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan,
                        uint32_t *entries)
{
    fault_store *s = ctx;
    uint32_t call_no = s->calls[FAULT_ORDER] + 1;
    note_call(s, FAULT_ORDER, n ? paths[0] : NULL, n, call_no, 0, 0);
    if (inject(s, FAULT_ORDER))
        return s->fail_hr;
    if (s->plan_mode == FAULT_PLAN_HOOK && s->plan_hook)
        return s->plan_hook(s, call_no, n, paths, plan, entries);
    if (s->plan_mode == FAULT_PLAN_NONE || n == 0)
        return 0;
    uint32_t per = s->plan_mode == FAULT_PLAN_SAMPLE ? 2 : 1;
    ddp_plan_extent *p = fault_plan_alloc(s, n * per);
    if (!p)
        return (int32_t)0x8007000Eu;
    for (uint32_t i = 0; i < n; i++) {
        if (s->plan_mode == FAULT_PLAN_REVERSE) {
            p[i].container_index = n - 1 - i;
            p[i].start = 0;
            p[i].length = INT64_MAX;
        } else {
            int64_t tenth = (int64_t)(size_of(s, paths[i]) / 10);
            p[2 * i] = (ddp_plan_extent){i, 0, tenth};
            p[2 * i + 1] = (ddp_plan_extent){i, tenth, INT64_MAX};
        }
    }
    *plan = p;
    *entries = n * per;
    return 0;
}

static int32_t st_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    fault_store *s = ctx;
    /* Touch every announced extent: ASan reports an array shorter than n. */
    volatile int64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += reads[i].length + reads[i].offset;
    (void)sum;
    note_call(s, FAULT_PREVIEW, path, n, 0, 0, 0);
    digest_bytes(s, reads, n * sizeof *reads);
    return inject(s, FAULT_PREVIEW) ? s->fail_hr : 0;
}

/* The container file for id under dir, any generation (the lowest one present). */
static int32_t st_find(void *ctx, const char *dir, uint32_t id, char **path)
{
    fault_store *s = ctx;
    note_call(s, FAULT_FIND, dir, id, 0, 0, 0);
    if (inject(s, FAULT_FIND))
        return s->fail_hr;
    switch (s->find_lie) {
    case 1:
        for (size_t i = 0; i < s->n_files; i++)
            if (strstr(s->files[i].path, "\\Data\\")) {
                *path = dup_string(s->files[i].path);
                return *path ? 0 : (int32_t)0x8007000Eu;
            }
        return 1;
    case 2:
        *path = dup_string("");
        return *path ? 0 : (int32_t)0x8007000Eu;
    case 3:
        return 0;
    case 4:
        return 1;
    case 5:
        *path = dup_string("..\\..\\Windows\\System32\\config\\SAM");
        return *path ? 0 : (int32_t)0x8007000Eu;
    default:
        break;
    }
    size_t dl = strlen(dir);
    const fault_file *best = NULL;
    uint32_t best_gen = 0;
    for (size_t i = 0; i < s->n_files; i++) {
        const fault_file *f = &s->files[i];
        size_t pl = strlen(f->path);
        uint32_t fid, gen;
        if (pl <= dl + 1 || f->dropped || f->path[dl] != '\\')
            continue;
        char prefix[512];
        if (dl >= sizeof prefix)
            continue;
        memcpy(prefix, f->path, dl);
        prefix[dl] = '\0';
        if (!fault_path_equal(prefix, dir) || strchr(f->path + dl + 1, '\\'))
            continue;
        if (ddp_container_name_parse(f->path + dl + 1, &fid, &gen) != 0 || fid != id)
            continue;
        if (!best || gen < best_gen) {
            best = f;
            best_gen = gen;
        }
    }
    if (!best)
        return 1;
    *path = dup_string(best->path);
    return *path ? 0 : (int32_t)0x8007000Eu;
}

void fault_store_api(fault_store *s, ddp_store *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = s;
    out->read = st_read;
    if (!s->no_order) {
        out->order = st_order;
        out->free_plan = st_free_plan;
    }
    if (!s->no_preview)
        out->preview = st_preview;
    if (s->with_find)
        out->find_container = st_find;
}
