/*
 * rel_twins.c - the thread-count comparison of rel_twins.h. Each difference is reported
 * with what differs and the two values, through CMocka's fail_msg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rel_twins.h"

int rel_twins_enabled = 1;

/* The twins take the first REL_TWINS of these that differ from the options' count. */
static const uint32_t counts[] = {1, 4, 2};

void rel_twins_take(rel_twins *tw, const rel_env *e)
{
    tw->n = 0;
    if (!rel_twins_enabled || e->fs.read_hook)
        return;
    for (uint32_t v = 0; v < sizeof counts / sizeof counts[0] && tw->n < REL_TWINS; v++) {
        if (counts[v] == e->opt.threads)
            continue;
        rel_twin *t = &tw->twin[tw->n];
        t->threads = counts[v];
        assert_int_equal(fault_store_clone(&e->fs, &t->fs), 0);
        assert_int_equal(fault_target_clone(&e->ft, &t->ft), 0);
        tw->n++;
    }
}

static int same_files(const fault_target *a, const fault_target *b, uint32_t *which)
{
    for (uint32_t i = 0; i < a->n; i++) {
        const fault_target_file *x = &a->files[i], *y = &b->files[i];
        *which = i;
        if (x->size != y->size || x->begun != y->begun || x->finished != y->finished ||
            x->abandoned != y->abandoned || x->finish_failed != y->finish_failed || x->writes != y->writes ||
            !!x->content != !!y->content || (x->content && memcmp(x->content, y->content, (size_t)x->size) != 0))
            return 0;
    }
    return 1;
}

static void compare_targets(const fault_target *a, const fault_target *b, char *why, size_t cap)
{
    uint32_t file = 0;
    if (a->calls != b->calls || a->call_digest != b->call_digest)
        snprintf(why, cap, "target call sequences differ (%llu / %llu calls)", (unsigned long long)a->calls,
                 (unsigned long long)b->calls);
    else if (a->begins != b->begins || a->writes != b->writes || a->finishes != b->finishes ||
             a->abandons != b->abandons || a->reparse_reads != b->reparse_reads ||
             a->injected_file != b->injected_file || a->violations != b->violations)
        snprintf(why, cap, "target counters differ");
    else if (!same_files(a, b, &file))
        snprintf(why, cap, "target file %u differs", file);
}

static void compare_stores(const fault_store *a, const fault_store *b, char *why, size_t cap)
{
    if (a->log_calls != b->log_calls || a->log_digest != b->log_digest)
        snprintf(why, cap, "store call sequences differ (%llu / %llu calls)", (unsigned long long)a->log_calls,
                 (unsigned long long)b->log_calls);
    else if (memcmp(a->calls, b->calls, sizeof a->calls) != 0 || a->failures_injected != b->failures_injected ||
             a->plans_live != b->plans_live || a->plans_freed != b->plans_freed || a->bad_free != b->bad_free ||
             a->bytes_read != b->bytes_read)
        snprintf(why, cap, "store counters differ");
}

static void compare_results(const ddp_file_result *a, const ddp_file_result *b, char *why, size_t cap)
{
    for (uint32_t i = 0; i < REL_FILES && !why[0]; i++)
        if (a[i].hr != b[i].hr || a[i].status != b[i].status || strcmp(a[i].message, b[i].message) != 0)
            snprintf(why, cap, "file %u: 0x%08x %d \"%s\", not 0x%08x %d \"%s\"", i, (unsigned)b[i].hr,
                     (int)b[i].status, b[i].message, (unsigned)a[i].hr, (int)a[i].status, a[i].message);
}

static void run_twin(rel_twin *t, const rel_env *e)
{
    ddp_store store;
    ddp_target target;
    ddp_file_result results[REL_FILES];
    ddp_restore_stats stats;
    ddp_restore_options opt = e->opt;
    opt.threads = t->threads;
    fault_store_api(&t->fs, &store);
    fault_target_api(&t->ft, &target);
    for (uint32_t i = 0; i < REL_FILES; i++) {
        results[i].hr = REL_UNSET_HR;
        results[i].status = DDP_OK;
        results[i].message[0] = '\0';
    }
    int32_t overall = ddp_restore(&store, &target, REL_FILES, NULL, &opt, results, &stats);
    char why[400] = "";
    if (overall != e->overall)
        snprintf(why, sizeof why, "overall 0x%08x, not 0x%08x", (unsigned)overall, (unsigned)e->overall);
    if (!why[0])
        compare_results(e->results, results, why, sizeof why);
    if (!why[0] && memcmp(&stats, &e->stats, sizeof stats) != 0)
        snprintf(why, sizeof why, "statistics differ (reads %llu / %llu, chunks %llu / %llu)",
                 (unsigned long long)e->stats.read_calls, (unsigned long long)stats.read_calls,
                 (unsigned long long)e->stats.chunks_read, (unsigned long long)stats.chunks_read);
    if (!why[0])
        compare_targets(&e->ft, &t->ft, why, sizeof why);
    if (!why[0])
        compare_stores(&e->fs, &t->fs, why, sizeof why);
    fault_store_free(&t->fs);
    fault_target_free(&t->ft);
    if (why[0])
        fail_msg("threads %u against threads %u: %s", t->threads, e->opt.threads, why);
}

void rel_twins_compare(rel_twins *tw, const rel_env *e)
{
    for (uint32_t i = 0; i < tw->n; i++)
        run_twin(&tw->twin[i], e);
    tw->n = 0;
}
