/*
 * mem_target.c - the in-memory restore target (see mem_target.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_target.h"

enum { CALL_REPARSE = 1, CALL_BEGIN, CALL_WRITE, CALL_FINISH, CALL_ABANDON, CALL_COMMIT, CALL_DONE };

/* Folds one call into the digest (FNV-1a over its fields, little-endian). */
static void note_call(mem_target *t, uint32_t kind, uint32_t file, uint64_t a, uint64_t b)
{
    const uint64_t fields[4] = {kind, file, a, b};
    uint64_t h = t->calls ? t->call_digest : 0xcbf29ce484222325ull;
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            h = (h ^ ((fields[i] >> (8 * k)) & 0xFF)) * 0x100000001b3ull;
    t->call_digest = h;
    t->calls++;
}

static void violation(mem_target *t, const char *what, uint32_t file)
{
    t->violations++;
    snprintf(t->last_violation, sizeof t->last_violation, "file %u: %s", file, what);
}

static ddp_status t_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    mem_target *t = ctx;
    mem_target_file *f = &t->files[file];
    note_call(t, CALL_REPARSE, file, cap, 0);
    if (!f->reparse || f->reparse_removed)
        return DDP_ERR_NOT_REPARSE;
    size_t n = f->reparse_len < cap ? f->reparse_len : cap;
    memcpy(buf, f->reparse, n);
    *len = n;
    return DDP_OK;
}

static ddp_status t_begin(void *ctx, uint32_t file, uint64_t size)
{
    mem_target *t = ctx;
    mem_target_file *f = &t->files[file];
    note_call(t, CALL_BEGIN, file, size, 0);
    if (f->begins++ || f->finishes || f->abandons)
        violation(t, "begin twice or after finish/abandon", file);
    free(f->content);
    free(f->written);
    f->size = size;
    f->content = calloc(size ? size : 1, 1);
    f->written = calloc(size ? size : 1, 1);
    return f->content && f->written ? DDP_OK : DDP_ERR_NO_MEMORY;
}

static ddp_status t_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    mem_target *t = ctx;
    mem_target_file *f = &t->files[file];
    note_call(t, CALL_WRITE, file, offset, len);
    if (!f->begins || f->finishes || f->abandons) {
        violation(t, "write outside begin..finish", file);
        return DDP_ERR_INVALID_ARG;
    }
    if (offset > f->size || len > f->size - offset) {
        violation(t, "write out of bounds", file);
        return DDP_ERR_RANGE;
    }
    if (t->fail_write_file == (int)file)
        return DDP_ERR_IO;
    memcpy(f->content + offset, data, len);
    for (size_t i = 0; i < len; i++) {
        if (f->written[offset + i])
            violation(t, "byte written twice", file);
        f->written[offset + i] = 1;
    }
    f->bytes_written += len;
    return DDP_OK;
}

static ddp_status t_finish(void *ctx, uint32_t file)
{
    mem_target *t = ctx;
    mem_target_file *f = &t->files[file];
    note_call(t, CALL_FINISH, file, 0, 0);
    if (!f->begins || f->finishes++ || f->abandons)
        violation(t, "finish without begin, twice or after abandon", file);
    for (uint64_t i = 0; i < f->size; i++) {
        if (!f->written[i]) {
            violation(t, "finish with unwritten bytes", file);
            break;
        }
    }
    if (t->commit_mode)
        f->awaiting_commit = 1;
    else
        f->reparse_removed = 1;
    return DDP_OK;
}

/* One file of a commit: made final, or reported failed with its stub kept. */
static void commit_file(mem_target *t, uint32_t i, void (*done)(void *, uint32_t, ddp_status), void *arg)
{
    mem_target_file *f = &t->files[i];
    f->awaiting_commit = 0;
    note_call(t, CALL_DONE, i, 0, 0);
    if ((int)i == t->fail_done_file) {
        f->commit_failed = 1;
        done(arg, i, DDP_ERR_IO);
        return;
    }
    if ((int)i == t->silent_file) {
        f->commit_failed = 1;
        return;
    }
    f->reparse_removed = 1;
    done(arg, i, DDP_OK);
    if ((int)i == t->double_done_file)
        done(arg, i, DDP_ERR_IO);
}

static ddp_status t_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg)
{
    mem_target *t = ctx;
    t->commits++;
    note_call(t, CALL_COMMIT, 0, 0, 0);
    uint32_t waiting = mem_target_uncommitted(t);
    if (waiting == 0)
        violation(t, "commit with no file waiting", 0);
    if (waiting > t->largest_batch)
        t->largest_batch = waiting;
    if (t->commits == t->fail_commit) {
        for (uint32_t i = 0; i < t->n; i++) {
            if (t->files[i].awaiting_commit) {
                t->files[i].awaiting_commit = 0;
                t->files[i].commit_failed = 1;
            }
        }
        return DDP_ERR_IO;
    }
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->files[i].awaiting_commit)
            commit_file(t, i, done, arg);
    }
    return DDP_OK;
}

uint32_t mem_target_uncommitted(const mem_target *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        n += t->files[i].awaiting_commit ? 1u : 0u;
    return n;
}

static void t_abandon(void *ctx, uint32_t file)
{
    mem_target *t = ctx;
    mem_target_file *f = &t->files[file];
    note_call(t, CALL_ABANDON, file, 0, 0);
    if (f->finishes || f->abandons++)
        violation(t, "abandon after finish or twice", file);
    free(f->content);
    free(f->written);
    f->content = NULL;
    f->written = NULL;
}

void mem_target_init(mem_target *t, uint32_t n)
{
    memset(t, 0, sizeof *t);
    t->files = calloc(n ? n : 1, sizeof *t->files);
    t->n = n;
    t->fail_write_file = -1;
    t->fail_done_file = -1;
    t->silent_file = -1;
    t->double_done_file = -1;
}

void mem_target_set_reparse(mem_target *t, uint32_t i, const uint8_t *buf, size_t len)
{
    mem_target_file *f = &t->files[i];
    free(f->reparse);
    f->reparse = NULL;
    f->reparse_len = 0;
    if (buf) {
        f->reparse = malloc(len ? len : 1);
        memcpy(f->reparse, buf, len);
        f->reparse_len = len;
    }
}

void mem_target_reset(mem_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        mem_target_file *f = &t->files[i];
        free(f->content);
        free(f->written);
        uint8_t *rp = f->reparse;
        size_t rl = f->reparse_len;
        memset(f, 0, sizeof *f);
        f->reparse = rp;
        f->reparse_len = rl;
    }
    t->violations = 0;
    t->last_violation[0] = '\0';
    t->commits = 0;
    t->largest_batch = 0;
    t->calls = 0;
    t->call_digest = 0;
}

static uint8_t *copy_bytes(const uint8_t *p, size_t len, int *failed)
{
    if (!p)
        return NULL;
    uint8_t *q = malloc(len ? len : 1);
    if (!q) {
        *failed = 1;
        return NULL;
    }
    memcpy(q, p, len);
    return q;
}

int mem_target_clone(const mem_target *src, mem_target *dst)
{
    *dst = *src;
    dst->files = calloc(src->n ? src->n : 1, sizeof *dst->files);
    if (!dst->files)
        return -1;
    int failed = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const mem_target_file *a = &src->files[i];
        mem_target_file *b = &dst->files[i];
        *b = *a;
        size_t size = (size_t)(a->size ? a->size : 1);
        b->reparse = copy_bytes(a->reparse, a->reparse_len, &failed);
        b->content = copy_bytes(a->content, size, &failed);
        b->written = copy_bytes(a->written, size, &failed);
    }
    if (failed) {
        mem_target_free(dst);
        return -1;
    }
    return 0;
}

void mem_target_free(mem_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        free(t->files[i].content);
        free(t->files[i].written);
        free(t->files[i].reparse);
    }
    free(t->files);
    t->files = NULL;
}

void mem_target_api(mem_target *t, ddp_target *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = t;
    out->read_reparse = t_read_reparse;
    out->begin = t_begin;
    out->write = t_write;
    out->finish = t_finish;
    out->abandon = t_abandon;
    out->commit = t->commit_mode ? t_commit : NULL;
}
