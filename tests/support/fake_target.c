/*
 * fake_target.c - the checking in-memory target of fake_target.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target.h"

enum { CALL_REPARSE = 1, CALL_BEGIN, CALL_WRITE, CALL_FINISH, CALL_ABANDON, CALL_COMMIT, CALL_DONE };

static void violation(fake_target *t, const char *fmt, ...)
{
    if (t->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->violation, sizeof t->violation, fmt, ap);
        va_end(ap);
    }
}

/* Folds one call into the digest (FNV-1a over its fields, little-endian). */
static void note_call(fake_target *t, uint32_t kind, uint32_t file, uint64_t a, uint64_t b)
{
    const uint64_t fields[4] = {kind, file, a, b};
    uint64_t h = t->calls ? t->call_digest : 0xcbf29ce484222325ull;
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            h = (h ^ ((fields[i] >> (8 * k)) & 0xFF)) * 0x100000001b3ull;
    t->call_digest = h;
    t->calls++;
}

/* File `file`, or NULL (a violation) past the last one. */
static fake_target_file *file_of(fake_target *t, uint32_t file, const char *call)
{
    if (file >= t->n) {
        violation(t, "%s of file %u, beyond the %u files", call, file, t->n);
        return NULL;
    }
    return &t->files[file];
}

static void drop_content(fake_target_file *f)
{
    free(f->content);
    free(f->written);
    f->content = NULL;
    f->written = NULL;
}

static ddp_status t_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    fake_target *t = ctx;
    fake_target_file *f = file_of(t, file, "read_reparse");
    note_call(t, CALL_REPARSE, file, cap, 0);
    t->reparse_reads++;
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->reparse || f->reparse_removed)
        return DDP_ERR_NOT_REPARSE;
    size_t n = f->reparse_len < cap ? f->reparse_len : cap;
    memcpy(buf, f->reparse, n);
    *len = n;
    return DDP_OK;
}

static ddp_status t_begin(void *ctx, uint32_t file, uint64_t size)
{
    fake_target *t = ctx;
    fake_target_file *f = file_of(t, file, "begin");
    note_call(t, CALL_BEGIN, file, size, 0);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (f->begins || f->finishes || f->abandons) {
        violation(t, "begin of file %u a second time or after finish/abandon", file);
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
    f->written = calloc(size ? (size_t)size : 1, 1);
    if (!f->content || !f->written) {
        drop_content(f);
        return DDP_ERR_NO_MEMORY;
    }
    f->size = size;
    f->begins++;
    return DDP_OK;
}

static ddp_status t_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    fake_target *t = ctx;
    fake_target_file *f = file_of(t, file, "write");
    note_call(t, CALL_WRITE, file, offset, len);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->begins || f->finishes || f->abandons || f->finish_failed) {
        violation(t, "write to file %u %s", file, !f->begins ? "before begin" : "after finish/abandon");
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
    if (t->fail_write_file == (int)file)
        return DDP_ERR_IO;
    memcpy(f->content + offset, data, len);
    for (size_t i = 0; i < len; i++) {
        if (f->written[offset + i]) {
            violation(t, "write to file %u over byte %llu, written before", file,
                      (unsigned long long)(offset + i));
            break;
        }
    }
    memset(f->written + offset, 1, len);
    f->writes++;
    f->bytes_written += len;
    return DDP_OK;
}

static ddp_status t_finish(void *ctx, uint32_t file)
{
    fake_target *t = ctx;
    fake_target_file *f = file_of(t, file, "finish");
    note_call(t, CALL_FINISH, file, 0, 0);
    if (!f)
        return DDP_ERR_INVALID_ARG;
    if (!f->begins || f->finishes || f->abandons || f->finish_failed) {
        violation(t, "finish of file %u %s", file, !f->begins ? "never begun" : "after finish/abandon");
        return DDP_ERR_INVALID_ARG;
    }
    if (++t->finishes == t->fail_finish_at) {
        t->injected_file = file;
        f->finish_failed = 1;
        return t->fail_status;
    }
    if (memchr(f->written, 0, (size_t)f->size))
        violation(t, "finish of file %u with bytes never written", file);
    f->finishes++;
    if (t->commit_mode)
        f->awaiting_commit = 1;
    else
        f->reparse_removed = 1;
    return DDP_OK;
}

static void t_abandon(void *ctx, uint32_t file)
{
    fake_target *t = ctx;
    fake_target_file *f = file_of(t, file, "abandon");
    note_call(t, CALL_ABANDON, file, 0, 0);
    t->abandons++;
    if (!f)
        return;
    if (f->finishes || f->abandons || f->finish_failed)
        violation(t, "abandon of file %u after %s", file, f->abandons ? "abandon" : "finish");
    f->abandons++;
    drop_content(f);
}

/* One file of a commit: made final, or reported failed with its stub kept. */
static void commit_file(fake_target *t, uint32_t i, void (*done)(void *, uint32_t, ddp_status), void *arg)
{
    fake_target_file *f = &t->files[i];
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
    fake_target *t = ctx;
    t->commits++;
    note_call(t, CALL_COMMIT, 0, 0, 0);
    uint32_t waiting = fake_target_uncommitted(t);
    if (waiting == 0)
        violation(t, "commit with no file waiting");
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

uint32_t fake_target_uncommitted(const fake_target *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        n += t->files[i].awaiting_commit ? 1u : 0u;
    return n;
}

int fake_target_init(fake_target *t, uint32_t n)
{
    memset(t, 0, sizeof *t);
    t->files = calloc(n ? n : 1, sizeof *t->files);
    t->n = n;
    t->fail_status = DDP_ERR_IO;
    t->fail_write_file = -1;
    t->fail_done_file = -1;
    t->silent_file = -1;
    t->double_done_file = -1;
    t->injected_file = -1;
    return t->files ? 0 : -1;
}

void fake_target_set_reparse(fake_target *t, uint32_t i, const uint8_t *buf, size_t len)
{
    fake_target_file *f = &t->files[i];
    free(f->reparse);
    f->reparse = NULL;
    f->reparse_len = 0;
    if (buf && (f->reparse = malloc(len ? len : 1)) != NULL) {
        memcpy(f->reparse, buf, len);
        f->reparse_len = len;
    }
}

void fake_target_set_expect(fake_target *t, uint32_t i, const uint8_t *expect, size_t len)
{
    t->files[i].expect = expect;
    t->files[i].expect_len = len;
}

void fake_target_reset(fake_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        fake_target_file *f = &t->files[i];
        fake_target_file keep = *f;
        drop_content(f);
        memset(f, 0, sizeof *f);
        f->reparse = keep.reparse;
        f->reparse_len = keep.reparse_len;
        f->expect = keep.expect;
        f->expect_len = keep.expect_len;
    }
    t->begins = t->writes = t->finishes = t->abandons = t->reparse_reads = 0;
    t->injected_file = -1;
    t->commits = 0;
    t->largest_batch = 0;
    t->violations = 0;
    t->violation[0] = '\0';
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

int fake_target_clone(const fake_target *src, fake_target *dst)
{
    *dst = *src;
    dst->files = calloc(src->n ? src->n : 1, sizeof *dst->files);
    if (!dst->files)
        return -1;
    int failed = 0;
    for (uint32_t i = 0; i < src->n; i++) {
        const fake_target_file *a = &src->files[i];
        fake_target_file *b = &dst->files[i];
        *b = *a;
        size_t size = (size_t)(a->size ? a->size : 1);
        b->reparse = copy_bytes(a->reparse, a->reparse_len, &failed);
        b->content = copy_bytes(a->content, size, &failed);
        b->written = copy_bytes(a->written, size, &failed);
    }
    if (failed) {
        fake_target_free(dst);
        return -1;
    }
    return 0;
}

void fake_target_free(fake_target *t)
{
    for (uint32_t i = 0; t->files && i < t->n; i++) {
        drop_content(&t->files[i]);
        free(t->files[i].reparse);
    }
    free(t->files);
    memset(t, 0, sizeof *t);
}

void fake_target_api(fake_target *t, ddp_target *out)
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

static int fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_file(const fake_target_file *f, const ddp_file_result *r, uint32_t i, char *why, size_t cap)
{
    if (r->hr == FAKE_UNSET_HR)
        return fail(why, cap, "file %u: no result was written", i);
    if (r->hr == DDP_S_OK) {
        if (f->finishes != 1 || f->abandons)
            return fail(why, cap, "file %u: S_OK but finished=%d abandoned=%d", i, f->finishes, f->abandons);
        if (r->status == DDP_WARN_UNVERIFIED)   /* no chunk identified the hash: content as stored */
            return r->message[0] ? 0 : fail(why, cap, "file %u: unverified without a message", i);
        if (r->status != DDP_OK)
            return fail(why, cap, "file %u: S_OK with status %d", i, (int)r->status);
        if (f->size != f->expect_len || (f->expect_len && memcmp(f->content, f->expect, f->expect_len) != 0))
            return fail(why, cap, "file %u: S_OK but the content differs from the original", i);
        return 0;
    }
    if (f->finishes)
        return fail(why, cap, "file %u: result 0x%08x but finished", i, (unsigned)r->hr);
    if (f->begins && f->abandons != 1 && !f->finish_failed)
        return fail(why, cap, "file %u: result 0x%08x, begun but never abandoned", i, (unsigned)r->hr);
    if (r->hr == DDP_S_FALSE)
        return f->begins ? fail(why, cap, "file %u: S_FALSE but begun", i) : 0;
    if (r->hr >= 0)
        return fail(why, cap, "file %u: unexpected success code 0x%08x for an unrestored file", i,
                    (unsigned)r->hr);
    if (r->status == DDP_OK || r->message[0] == '\0')
        return fail(why, cap, "file %u: failure 0x%08x without a status or message", i, (unsigned)r->hr);
    return 0;
}

int fake_target_check(const fake_target *t, const ddp_file_result *results, int32_t overall, char *why,
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
