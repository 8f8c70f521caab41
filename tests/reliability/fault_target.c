/*
 * fault_target.c - the checking in-memory target of fault_target.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_target.h"

static void violation(fault_target *t, const char *fmt, ...)
{
    if (t->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->violation, sizeof t->violation, fmt, ap);
        va_end(ap);
    }
}

enum { CALL_REPARSE = 1, CALL_BEGIN, CALL_WRITE, CALL_FINISH, CALL_ABANDON };

/* Folds one call into the digest (FNV-1a over its fields). */
static void note_call(fault_target *t, uint32_t kind, uint32_t file, uint64_t a, uint64_t b)
{
    const uint64_t fields[4] = {kind, file, a, b};
    const uint8_t *p = (const uint8_t *)fields;
    uint64_t h = t->calls ? t->call_digest : 0xcbf29ce484222325ull;
    for (size_t i = 0; i < sizeof fields; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    t->call_digest = h;
    t->calls++;
}

int fault_target_clone(const fault_target *src, fault_target *dst)
{
    *dst = *src;
    dst->files = calloc(src->n ? src->n : 1, sizeof *dst->files);
    if (!dst->files)
        return -1;
    for (uint32_t i = 0; i < src->n; i++) {
        const fault_target_file *a = &src->files[i];
        fault_target_file *b = &dst->files[i];
        *b = *a;
        if (a->content) {
            b->content = malloc(a->size ? (size_t)a->size : 1);
            if (!b->content) {
                fault_target_free(dst);
                return -1;
            }
            memcpy(b->content, a->content, (size_t)a->size);
        }
    }
    return 0;
}

int fault_target_init(fault_target *t, uint32_t n)
{
    memset(t, 0, sizeof *t);
    t->files = calloc(n ? n : 1, sizeof *t->files);
    t->n = n;
    t->fail_status = DDP_ERR_IO;
    t->injected_file = -1;
    return t->files ? 0 : -1;
}

void fault_target_reset(fault_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        fault_target_file *f = &t->files[i];
        free(f->content);
        f->content = NULL;
        f->size = 0;
        f->begun = f->finished = f->abandoned = f->finish_failed = 0;
        f->writes = 0;
    }
    t->begins = t->writes = t->finishes = t->abandons = t->reparse_reads = 0;
    t->violations = 0;
    t->violation[0] = '\0';
    t->injected_file = -1;
    t->calls = 0;
    t->call_digest = 0;
}

void fault_target_free(fault_target *t)
{
    fault_target_reset(t);
    free(t->files);
    memset(t, 0, sizeof *t);
}

void fault_target_set_file(fault_target *t, uint32_t i, const uint8_t *reparse, size_t reparse_len,
                           const uint8_t *expect, size_t expect_len)
{
    t->files[i].reparse = reparse;
    t->files[i].reparse_len = reparse_len;
    t->files[i].expect = expect;
    t->files[i].expect_len = expect_len;
}

static fault_target_file *file_of(fault_target *t, uint32_t file, const char *call)
{
    if (file >= t->n) {
        violation(t, "%s of file %u, beyond the %u files", call, file, t->n);
        return NULL;
    }
    return &t->files[file];
}

static ddp_status tg_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    fault_target *t = ctx;
    fault_target_file *f = file_of(t, file, "read_reparse");
    note_call(t, CALL_REPARSE, file, cap, 0);
    t->reparse_reads++;
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->reparse)
        return DDP_ERR_NOT_REPARSE;
    size_t n = f->reparse_len < cap ? f->reparse_len : cap;
    memcpy(buf, f->reparse, n);
    *len = n;
    return DDP_OK;
}

static ddp_status tg_begin(void *ctx, uint32_t file, uint64_t size)
{
    fault_target *t = ctx;
    fault_target_file *f = file_of(t, file, "begin");
    note_call(t, CALL_BEGIN, file, size, 0);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (f->begun || f->finished || f->abandoned) {
        violation(t, "begin of file %u a second time", file);
        return DDP_ERR_INVALID_ARG;
    }
    if (++t->begins == t->fail_begin_at) {
        t->injected_file = file;
        return t->fail_status;
    }
    if (size > ((uint64_t)1 << 32)) {
        violation(t, "begin of file %u with size %llu", file, (unsigned long long)size);
        return DDP_ERR_RANGE;
    }
    f->content = calloc(size ? (size_t)size : 1, 1);
    if (!f->content)
        return DDP_ERR_NO_MEMORY;
    f->size = size;
    f->begun = 1;
    return DDP_OK;
}

static ddp_status tg_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    fault_target *t = ctx;
    fault_target_file *f = file_of(t, file, "write");
    note_call(t, CALL_WRITE, file, offset, len);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->begun || f->finished || f->abandoned) {
        violation(t, "write to file %u %s", file, !f->begun ? "before begin" : "after finish/abandon");
        return DDP_ERR_INVALID_ARG;
    }
    if (offset > f->size || len > f->size - offset) {
        violation(t, "write to file %u at %llu + %zu past its size %llu", file, (unsigned long long)offset, len,
                  (unsigned long long)f->size);
        return DDP_ERR_RANGE;
    }
    if (++t->writes == t->fail_write_at) {
        t->injected_file = file;
        return t->fail_status;
    }
    memcpy(f->content + offset, data, len);
    f->writes++;
    return DDP_OK;
}

static ddp_status tg_finish(void *ctx, uint32_t file)
{
    fault_target *t = ctx;
    fault_target_file *f = file_of(t, file, "finish");
    note_call(t, CALL_FINISH, file, 0, 0);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->begun || f->finished || f->abandoned) {
        violation(t, "finish of file %u %s", file, !f->begun ? "never begun" : "after finish/abandon");
        return DDP_ERR_INVALID_ARG;
    }
    if (++t->finishes == t->fail_finish_at) {
        t->injected_file = file;
        f->finish_failed = 1;
        return t->fail_status;
    }
    f->finished = 1;
    return DDP_OK;
}

static void tg_abandon(void *ctx, uint32_t file)
{
    fault_target *t = ctx;
    fault_target_file *f = file_of(t, file, "abandon");
    note_call(t, CALL_ABANDON, file, 0, 0);
    t->abandons++;
    if (!f)
        return;
    if (f->finished || f->abandoned || f->finish_failed)
        violation(t, "abandon of file %u after %s", file, f->abandoned ? "abandon" : "finish");
    f->abandoned = 1;
}

void fault_target_api(fault_target *t, ddp_target *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = t;
    out->read_reparse = tg_read_reparse;
    out->begin = tg_begin;
    out->write = tg_write;
    out->finish = tg_finish;
    out->abandon = tg_abandon;
}

static int fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_file(const fault_target_file *f, const ddp_file_result *r, uint32_t i, char *why, size_t cap)
{
    if (r->hr == (int32_t)0x7EEEEEEE)
        return fail(why, cap, "file %u: no result was written", i);
    if (r->hr == DDP_S_OK) {
        if (!f->finished || f->abandoned)
            return fail(why, cap, "file %u: S_OK but finished=%d abandoned=%d", i, f->finished, f->abandoned);
        if (r->status == DDP_WARN_UNVERIFIED)   /* no chunk identified the hash: content as stored */
            return r->message[0] ? 0 : fail(why, cap, "file %u: unverified without a message", i);
        if (r->status != DDP_OK)
            return fail(why, cap, "file %u: S_OK with status %d", i, (int)r->status);
        if (f->size != f->expect_len || (f->expect_len && memcmp(f->content, f->expect, f->expect_len) != 0))
            return fail(why, cap, "file %u: S_OK but the content differs from the original", i);
        return 0;
    }
    if (f->finished)
        return fail(why, cap, "file %u: result 0x%08x but finished", i, (unsigned)r->hr);
    if (f->begun && !f->abandoned && !f->finish_failed)
        return fail(why, cap, "file %u: result 0x%08x, begun but never abandoned", i, (unsigned)r->hr);
    if (r->hr == DDP_S_FALSE)
        return f->begun ? fail(why, cap, "file %u: S_FALSE but begun", i) : 0;
    if (r->hr >= 0)
        return fail(why, cap, "file %u: unexpected success code 0x%08x for an unrestored file", i,
                    (unsigned)r->hr);
    if (r->status == DDP_OK || r->message[0] == '\0')
        return fail(why, cap, "file %u: failure 0x%08x without a status or message", i, (unsigned)r->hr);
    return 0;
}

int fault_target_check(const fault_target *t, const ddp_file_result *results, int32_t overall, char *why,
                       size_t cap)
{
    if (t->violations)
        return fail(why, cap, "protocol violation: %s", t->violation);
    uint32_t done = 0, not_dedup = 0, failed = 0, unverified = 0, verified_content = 0;
    int32_t first_error = DDP_S_OK;
    for (uint32_t i = 0; i < t->n; i++) {
        if (check_file(&t->files[i], &results[i], i, why, cap) != 0)
            return -1;
        unverified += results[i].hr == DDP_S_OK && results[i].status == DDP_WARN_UNVERIFIED;
        verified_content += results[i].hr == DDP_S_OK && results[i].status == DDP_OK && t->files[i].expect_len > 0;
        if (results[i].hr == DDP_S_OK)
            done++;
        else if (results[i].hr == DDP_S_FALSE)
            not_dedup++;
        else if (failed++ == 0)
            first_error = results[i].hr;
    }
    /* Unverified files exist only when no chunk identified the algorithm, and then no
     * file with content can have been verified. */
    if (unverified && verified_content)
        return fail(why, cap, "%u files restored unverified beside %u verified ones", unverified, verified_content);
    int32_t expected = failed == 0 ? ((done == 0 && not_dedup > 0) ? DDP_S_FALSE : DDP_S_OK)
                       : done == 0 ? first_error
                                   : DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS;
    if (overall != expected)
        return fail(why, cap, "overall 0x%08x, per-file results say 0x%08x", (unsigned)overall, (unsigned)expected);
    return 0;
}
