/*
 * twins.c - the thread-count comparison of twins.h. Each difference is reported with
 * what differs and the two values, through CMocka's fail_msg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "twins.h"

#define TWINS 2

int twins_enabled = 1;

/* The twins take the first TWINS of these that differ from the options' count. */
static const uint32_t counts[] = {1, 4, 2};

typedef struct twin {
    uint32_t threads;
    fake_backup b;
    fake_target t;
    int32_t overall;
    ddp_file_result *results;
    ddp_restore_stats stats;
} twin;

static int32_t run(fake_backup *b, fake_target *t, const ddp_restore_options *opt, uint32_t threads,
                   ddp_file_result *results, ddp_restore_stats *stats)
{
    ddp_restore_options o;
    ddp_backup store;
    ddp_target target;
    if (opt)
        o = *opt;
    else
        ddp_restore_options_default(&o);
    if (threads)
        o.threads = threads;
    fake_backup_api(b, &store);
    fake_target_api(t, &target);
    return ddp_restore(&store, &target, t->n, NULL, &o, results, stats);
}

static int same_files(const fake_target *a, const fake_target *b, uint32_t *which)
{
    for (uint32_t i = 0; i < a->n; i++) {
        const fake_target_file *x = &a->files[i], *y = &b->files[i];
        *which = i;
        if (x->size != y->size || x->begins != y->begins || x->finishes != y->finishes ||
            x->abandons != y->abandons || x->finish_failed != y->finish_failed || x->writes != y->writes ||
            x->bytes_written != y->bytes_written || x->reparse_removed != y->reparse_removed ||
            x->awaiting_commit != y->awaiting_commit || x->commit_failed != y->commit_failed ||
            !!x->content != !!y->content || (x->content && memcmp(x->content, y->content, (size_t)x->size) != 0))
            return 0;
    }
    return 1;
}

static void compare_targets(const fake_target *a, const fake_target *b, char *why, size_t cap)
{
    uint32_t file = 0;
    if (a->calls != b->calls || a->call_digest != b->call_digest)
        snprintf(why, cap, "target call sequences differ (%llu / %llu calls)", (unsigned long long)a->calls,
                 (unsigned long long)b->calls);
    else if (a->begins != b->begins || a->writes != b->writes || a->finishes != b->finishes ||
             a->abandons != b->abandons || a->reparse_reads != b->reparse_reads ||
             a->injected_file != b->injected_file || a->violations != b->violations || a->commits != b->commits ||
             a->largest_batch != b->largest_batch)
        snprintf(why, cap, "target counters differ");
    else if (!same_files(a, b, &file))
        snprintf(why, cap, "target file %u differs", file);
}

static void compare_backups(const fake_backup *a, const fake_backup *b, char *why, size_t cap)
{
    if (a->digest_calls != b->digest_calls || a->digest != b->digest)
        snprintf(why, cap, "backup call sequences differ (%llu / %llu calls)", (unsigned long long)a->digest_calls,
                 (unsigned long long)b->digest_calls);
    else if (memcmp(a->count, b->count, sizeof a->count) != 0 || a->failures_injected != b->failures_injected ||
             a->plans_live != b->plans_live || a->plans_freed != b->plans_freed || a->bad_free != b->bad_free ||
             a->bytes_read != b->bytes_read)
        snprintf(why, cap, "backup counters differ");
}

static void compare_results(const ddp_file_result *a, const ddp_file_result *b, uint32_t n, char *why, size_t cap)
{
    for (uint32_t i = 0; i < n && !why[0]; i++)
        if (a[i].hr != b[i].hr || a[i].status != b[i].status || strcmp(a[i].message, b[i].message) != 0)
            snprintf(why, cap, "file %u: 0x%08x %d \"%s\", not 0x%08x %d \"%s\"", i, (unsigned)b[i].hr,
                     (int)b[i].status, b[i].message, (unsigned)a[i].hr, (int)a[i].status, a[i].message);
}

/* Fails the test when twin w's run differs from the reference run. */
static void compare(const twin *ref, uint32_t ref_threads, const twin *w, uint32_t n)
{
    char why[400] = "";
    if (ref->overall != w->overall)
        snprintf(why, sizeof why, "overall 0x%08x, not 0x%08x", (unsigned)w->overall, (unsigned)ref->overall);
    if (!why[0])
        compare_results(ref->results, w->results, n, why, sizeof why);
    if (!why[0] && memcmp(&ref->stats, &w->stats, sizeof ref->stats) != 0)
        snprintf(why, sizeof why, "statistics differ (reads %llu / %llu, chunks %llu / %llu)",
                 (unsigned long long)ref->stats.read_calls, (unsigned long long)w->stats.read_calls,
                 (unsigned long long)ref->stats.chunks_read, (unsigned long long)w->stats.chunks_read);
    if (!why[0])
        compare_targets(&ref->t, &w->t, why, sizeof why);
    if (!why[0])
        compare_backups(&ref->b, &w->b, why, sizeof why);
    if (why[0])
        fail_msg("threads %u against threads %u: %s", w->threads, ref_threads, why);
}

int32_t twins_restore(fake_backup *b, fake_target *t, const ddp_restore_options *opt, ddp_file_result *results,
                      ddp_restore_stats *stats)
{
    uint32_t asked = opt ? opt->threads : 0, n = t->n ? t->n : 1, n_twins = 0;
    twin twins[TWINS], ref;
    memset(&ref, 0, sizeof ref);
    ref.results = results ? results : calloc(n, sizeof *ref.results);
    assert_non_null(ref.results);
    for (uint32_t v = 0; twins_enabled && !b->read_hook && v < sizeof counts / sizeof counts[0] && n_twins < TWINS;
         v++) {
        if (counts[v] == asked)
            continue;
        twin *w = &twins[n_twins++];
        memset(w, 0, sizeof *w);
        w->threads = counts[v];
        assert_int_equal(fake_backup_clone(b, &w->b), 0);
        assert_int_equal(fake_target_clone(t, &w->t), 0);
        w->results = malloc(n * sizeof *w->results);
        assert_non_null(w->results);
        memcpy(w->results, ref.results, n * sizeof *w->results);
    }
    ref.overall = run(b, t, opt, 0, ref.results, &ref.stats);
    ref.b = *b;
    ref.t = *t;
    for (uint32_t k = 0; k < n_twins; k++) {
        twin *w = &twins[k];
        w->overall = run(&w->b, &w->t, opt, w->threads, w->results, &w->stats);
        compare(&ref, asked, w, t->n);
        fake_backup_free(&w->b);
        fake_target_free(&w->t);
        free(w->results);
    }
    if (stats)
        *stats = ref.stats;
    if (!results)
        free(ref.results);
    return ref.overall;
}
