/*
 * same_threads.c - the thread-count comparison of same_threads.h. The scenario's copies
 * are taken before the run being checked; each copy then runs with its own thread count
 * and is compared with that run field by field, so a mismatch names what differs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "same_threads.h"

/* The restore is repeated with the first two of these that differ from the options'. */
#define VARIANTS 3
#define REPEATS 2
static const uint32_t thread_counts[VARIANTS] = {1, 4, 2};

typedef struct run {
    uint32_t threads;
    mock_store m;
    mem_target t;
    size_t first_call;           /* the run's calls in m's log start here */
    int32_t overall;
    ddp_file_result *results;
    ddp_restore_stats stats;
} run;

static int32_t run_restore(mock_store *m, mem_target *t, const ddp_restore_options *opt, uint32_t threads,
                           ddp_file_result *results, ddp_restore_stats *stats)
{
    ddp_restore_options o;
    if (opt)
        o = *opt;
    else
        ddp_restore_options_default(&o);
    if (threads)
        o.threads = threads;
    ddp_store store;
    ddp_target target;
    mock_store_api(m, &store);
    mem_target_api(t, &target);
    return ddp_restore(&store, &target, t->n, NULL, &o, results, stats);
}

static int same_reads(const mock_call *a, const mock_call *b)
{
    if (a->kind != MOCK_PREVIEW)
        return 1;
    return memcmp(a->reads, b->reads, a->n * sizeof *a->reads) == 0;
}

static int same_call(const mock_call *a, const mock_call *b)
{
    if (a->kind != b->kind || a->offset != b->offset || a->size != b->size || a->got != b->got || a->hr != b->hr ||
        a->n != b->n || !!a->path != !!b->path || (a->path && strcmp(a->path, b->path) != 0))
        return 0;
    return same_reads(a, b);
}

/* Compares the store logs from their runs' first calls; "" when the same. */
static void compare_store(const mock_store *a, size_t a0, const mock_store *b, size_t b0, char *why, size_t cap)
{
    if (a->n_calls - a0 != b->n_calls - b0) {
        snprintf(why, cap, "%zu store calls, not %zu", b->n_calls - b0, a->n_calls - a0);
        return;
    }
    for (size_t i = 0; i < a->n_calls - a0; i++) {
        if (!same_call(&a->calls[a0 + i], &b->calls[b0 + i])) {
            snprintf(why, cap, "store call %zu differs (kind %d / %d)", i, (int)a->calls[a0 + i].kind,
                     (int)b->calls[b0 + i].kind);
            return;
        }
    }
}

static int same_file(const mem_target_file *a, const mem_target_file *b)
{
    if (a->size != b->size || a->begins != b->begins || a->finishes != b->finishes || a->abandons != b->abandons ||
        a->bytes_written != b->bytes_written || a->reparse_removed != b->reparse_removed ||
        a->awaiting_commit != b->awaiting_commit || a->commit_failed != b->commit_failed ||
        !!a->content != !!b->content)
        return 0;
    return !a->content || memcmp(a->content, b->content, (size_t)a->size) == 0;
}

static void compare_target(const mem_target *a, const mem_target *b, char *why, size_t cap)
{
    if (a->calls != b->calls || a->call_digest != b->call_digest) {
        snprintf(why, cap, "target call sequences differ (%llu / %llu calls)", (unsigned long long)a->calls,
                 (unsigned long long)b->calls);
        return;
    }
    if (a->violations != b->violations || a->commits != b->commits || a->largest_batch != b->largest_batch) {
        snprintf(why, cap, "target violations or commits differ");
        return;
    }
    for (uint32_t i = 0; i < a->n; i++) {
        if (!same_file(&a->files[i], &b->files[i])) {
            snprintf(why, cap, "target file %u differs", i);
            return;
        }
    }
}

static void compare_results(const ddp_file_result *a, const ddp_file_result *b, uint32_t n, char *why, size_t cap)
{
    for (uint32_t i = 0; i < n; i++) {
        if (a[i].hr != b[i].hr || a[i].status != b[i].status || strcmp(a[i].message, b[i].message) != 0) {
            snprintf(why, cap, "file %u: 0x%08x %d \"%s\", not 0x%08x %d \"%s\"", i, (unsigned)b[i].hr,
                     (int)b[i].status, b[i].message, (unsigned)a[i].hr, (int)a[i].status, a[i].message);
            return;
        }
    }
}

static void compare(const run *ref, uint32_t ref_threads, const run *other, uint32_t threads, uint32_t n)
{
    char why[400] = "";
    if (ref->overall != other->overall)
        snprintf(why, sizeof why, "overall 0x%08x, not 0x%08x", (unsigned)other->overall, (unsigned)ref->overall);
    if (!why[0])
        compare_results(ref->results, other->results, n, why, sizeof why);
    if (!why[0] && memcmp(&ref->stats, &other->stats, sizeof ref->stats) != 0)
        snprintf(why, sizeof why, "statistics differ (reads %llu / %llu, chunks %llu / %llu)",
                 (unsigned long long)ref->stats.read_calls, (unsigned long long)other->stats.read_calls,
                 (unsigned long long)ref->stats.chunks_read, (unsigned long long)other->stats.chunks_read);
    if (!why[0])
        compare_target(&ref->t, &other->t, why, sizeof why);
    if (!why[0])
        compare_store(&ref->m, ref->first_call, &other->m, other->first_call, why, sizeof why);
    if (why[0])
        fail_msg("threads %u against threads %u: %s", threads, ref_threads, why);
}

int32_t same_threads_restore(mock_store *m, mem_target *t, const ddp_restore_options *opt,
                             ddp_file_result *results, ddp_restore_stats *stats)
{
    uint32_t asked = opt ? opt->threads : 0;
    run copies[REPEATS];
    uint32_t n_copies = 0;
    for (uint32_t v = 0; v < VARIANTS && n_copies < REPEATS; v++) {
        if (thread_counts[v] == asked)
            continue;
        run *c = &copies[n_copies];
        memset(c, 0, sizeof *c);
        c->threads = thread_counts[v];
        mock_store_clone(m, &c->m);
        assert_int_equal(mem_target_clone(t, &c->t), 0);
        c->results = calloc(t->n ? t->n : 1, sizeof *c->results);
        assert_non_null(c->results);
        n_copies++;
    }
    run ref;
    memset(&ref, 0, sizeof ref);
    ref.results = results ? results : calloc(t->n ? t->n : 1, sizeof *ref.results);
    assert_non_null(ref.results);
    ref.first_call = m->n_calls;
    ref.overall = run_restore(m, t, opt, 0, ref.results, &ref.stats);
    ref.m = *m;
    ref.t = *t;
    for (uint32_t k = 0; k < n_copies; k++) {
        run *c = &copies[k];
        c->overall = run_restore(&c->m, &c->t, opt, c->threads, c->results, &c->stats);
        compare(&ref, asked, c, c->threads, t->n);
        mock_store_free(&c->m);
        mem_target_free(&c->t);
        free(c->results);
    }
    if (stats)
        *stats = ref.stats;
    if (!results)
        free(ref.results);
    return ref.overall;
}
