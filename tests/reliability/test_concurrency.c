/*
 * test_concurrency.c - several threads run ddp_restore at the same time, each on its own
 * store copy and target, over sample stores shared read-only between them (three
 * layouts, exact and stale offset hints, the three plan modes). Every run must give the
 * same outcome as alone: every file restored byte-exact. The engine keeps no global
 * state; run-tsan.sh builds this test with ThreadSanitizer to check for data races.
 *
 * Also the engine's own worker pipeline (options.threads): restores with 4 workers over
 * every layout, with damaged chunks and with reads failing mid-run, each compared with
 * threads 1 and 2 by rel_env_run (twins.h), so that ThreadSanitizer sees the
 * pipeline's hand-over, examination and in-order application under every path.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "rel_env.h"

#define THREADS 6
#define ROUNDS 8
#define DEDUP_FILES 5u

static rel_env shared[3];          /* only their sample stores are used: read-only */

typedef struct worker {
    int index;
    int failures;
    char why[400];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < ROUNDS && !w->failures; round++) {
        int which = (w->index + round) % 3;
        rel_env e;
        memset(&e, 0, sizeof e);
        e.ss = shared[which].ss;   /* shared, never written */
        if (rel_env_prepare(&e) != 0) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "thread %d: out of memory", w->index);
            break;
        }
        e.fs.plan_mode = (fake_plan_mode)(round % 3);
        if (round % 2)
            e.opt.max_read = 4096;
        int32_t overall = rel_env_run(&e);
        if (rel_env_check(&e) != 0 || overall != DDP_S_OK || rel_env_restored(&e) != DEDUP_FILES) {
            w->failures++;
            snprintf(w->why, sizeof w->why, "thread %d round %d: overall 0x%08x, %u restored: %s", w->index, round,
                     (unsigned)overall, rel_env_restored(&e), e.why);
        }
        rel_env_release(&e);
    }
    return NULL;
}

static void test_parallel_restores(void **state)
{
    (void)state;
    assert_int_equal(rel_env_build(&shared[0], DDP_LAYOUT_0201, 0), 0);
    assert_int_equal(rel_env_build(&shared[1], DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_build(&shared[2], DDP_LAYOUT_0103, 1), 0);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].index = i;
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < THREADS; i++)
        if (w[i].failures)
            fail_msg("%s", w[i].why);
    for (int i = 0; i < 3; i++)
        rel_env_free(&shared[i]);
}

/* The k-th byte past the start of every Data container's first record is damaged. */
static void damage_data(rel_env *e, uint64_t k)
{
    for (size_t i = 0; i < e->fs.n_files; i++) {
        fake_file *f = &e->fs.files[i];
        if (strstr(f->path, "\\Data\\") && DDP_FIRST_RECORD_OFFSET + k < f->len)
            f->data[DDP_FIRST_RECORD_OFFSET + k] ^= 0x5A;
    }
}

static void test_pipeline_workers(void **state)
{
    (void)state;
    static const uint16_t layouts[3] = {DDP_LAYOUT_0102, DDP_LAYOUT_0103, DDP_LAYOUT_0201};
    for (int l = 0; l < 3; l++) {
        for (int stale = 0; stale < 2; stale++) {
            rel_env e;
            assert_int_equal(rel_env_build(&e, layouts[l], stale), 0);
            for (int scenario = 0; scenario < 4; scenario++) {
                assert_int_equal(rel_env_prepare(&e), 0);
                e.opt.threads = 4;
                e.fs.plan_mode = (fake_plan_mode)(scenario % 3);
                if (scenario == 1)
                    damage_data(&e, 0x60);        /* inside the first chunk's payload */
                if (scenario == 2)
                    damage_data(&e, 0x20);        /* inside the first chunk's header hash */
                if (scenario == 3)
                    e.fs.fail_at[FAKE_READ] = 6; /* a read failing in the data phase */
                int32_t overall = rel_env_run(&e);   /* compared with threads 1 and 2 */
                if (rel_env_check(&e) != 0)
                    fail_msg("layout %04x stale %d scenario %d: %s", layouts[l], stale, scenario, e.why);
                if (scenario == 0 && (overall != DDP_S_OK || rel_env_restored(&e) != DEDUP_FILES))
                    fail_msg("layout %04x stale %d: overall 0x%08x", layouts[l], stale, (unsigned)overall);
                if (scenario == 1 && rel_env_restored(&e) == DEDUP_FILES)
                    fail_msg("layout %04x stale %d: damaged chunks went unnoticed", layouts[l], stale);
                rel_env_release(&e);
            }
            rel_env_free(&e);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_restores),
        cmocka_unit_test(test_pipeline_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
