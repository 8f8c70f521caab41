/*
 * test_alloc_failure.c - for every k, the k-th allocation made during ddp_restore fails
 * (the engine's own, OpenSSL's inside the hash, the test store's and target's). For
 * every k: no crash, every file restored byte-exact or unfinished with a result, every
 * block the engine or the test helpers allocated during the run freed again (tracked by
 * fault_alloc.c; under valgrind, which replaces malloc, the tests skip), and the overall
 * code E_OUTOFMEMORY whenever the engine itself ran out, and every file that failed
 * carries E_OUTOFMEMORY (its cause) as its result. With one thread and with the
 * worker pipeline (2 and 4 workers: their allocations count too). Native glibc builds
 * without sanitizers only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fault_alloc.h"
#include "rel_env.h"
#include "twins.h"

/* The only fault of the run is the failed allocation: every file that failed must say so
 * (E_OUTOFMEMORY, status DDP_ERR_NO_MEMORY), whichever allocation it was: the engine's,
 * the hash back end's, or the test store's and target's (which report it as such). */
static void expect_oom_causes(const rel_env *e, uint16_t layout, uint64_t k)
{
    for (uint32_t i = 0; i < REL_FILES; i++) {
        const ddp_file_result *r = &e->results[i];
        if (r->hr >= 0 || r->hr == REL_UNSET_HR)
            continue;
        if (r->hr != DDP_HR_E_OUTOFMEMORY || r->status != DDP_ERR_NO_MEMORY)
            fail_msg("layout %04x, allocation %llu fails: file %u failed with 0x%08x / %s (%s), not E_OUTOFMEMORY",
                     layout, (unsigned long long)k, i, (unsigned)r->hr, ddp_status_str(r->status), r->message);
    }
}

static void sweep(uint16_t layout, int stale, fake_plan_mode plan, uint32_t max_read, uint32_t threads)
{
    if (!fault_alloc_active())
        skip();   /* under valgrind: its malloc replaces the interposer */
    rel_env e;
    assert_int_equal(rel_env_build(&e, layout, stale), 0);
    /* A clean run first: one-time initialisations (OpenSSL's) happen outside the sweep. */
    assert_int_equal(rel_env_prepare(&e), 0);
    assert_int_equal(rel_env_run(&e), DDP_S_OK);
    rel_env_release(&e);

    uint64_t k, total = 0, lost_runs = 0, oom_results = 0, early = 0;
    /* REL_ALLOC_K=n runs only k = n (to look at one case under valgrind). */
    const char *only = getenv("REL_ALLOC_K");
    for (k = only ? strtoull(only, NULL, 10) : 1;; k++) {
        assert_int_equal(rel_env_prepare(&e), 0);
        e.fs.plan_mode = plan;
        e.opt.threads = threads;
        if (max_read) {
            e.opt.max_read = max_read;
            e.opt.coalesce_gap = 0;
        }
        fault_alloc_arm(k);
        rel_env_run(&e);
        fault_alloc_disarm();
        int reached = fault_alloc_failures() > 0;
        if (!reached)
            total = fault_alloc_calls();
        if (e.overall == DDP_HR_E_OUTOFMEMORY && rel_env_untouched(&e))
            early++;   /* returned before the job started; see test_results_filled_on_early_oom */
        else if (rel_env_check(&e) != 0)
            fail_msg("layout %04x, allocation %llu fails: %s", layout, (unsigned long long)k, e.why);
        lost_runs += rel_env_restored(&e) < 5;
        expect_oom_causes(&e, layout, k);
        for (uint32_t i = 0; i < REL_FILES; i++)
            oom_results += e.results[i].hr == DDP_HR_E_OUTOFMEMORY;
        rel_env_release(&e);
        void *caller = NULL;
        uint64_t leaked = fault_alloc_own_live(&caller);
        if (leaked)
            fail_msg("layout %04x, allocation %llu fails: %llu blocks leaked, one allocated from %p", layout,
                     (unsigned long long)k, (unsigned long long)leaked, caller);
        if (!reached || only)
            break;
    }
    if (only) {
        rel_env_free(&e);
        return;
    }
    print_message("layout %04x, %u thread(s): %llu allocations per restore, each made to fail; %llu runs lost "
                  "files, %llu file results E_OUTOFMEMORY, %llu early returns\n", layout,
                  threads, (unsigned long long)total, (unsigned long long)lost_runs, (unsigned long long)oom_results,
                  (unsigned long long)early);
    assert_true(total > 10);
    assert_true(lost_runs > 0);
    rel_env_free(&e);
}

static void test_every_allocation_0102(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0102, 0, FAKE_PLAN_NONE, 0, 1);
}

/* The same with the worker pipeline: an allocation failing on a worker (in the hash back
 * end or a decoder) or while the pipeline is set up must end like any other. */
static void test_every_allocation_0102_threads(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0102, 0, FAKE_PLAN_NONE, 0, 2);
}

static void test_every_allocation_0103_stale(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0103, 1, FAKE_PLAN_SAMPLE, 4096, 2);
}

static void test_every_allocation_0201_plan(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0201, 0, FAKE_PLAN_REVERSE, 0, 4);
}

/* ddp_restore returning E_OUTOFMEMORY must still give every file a result (the header:
 * "results gets one result per file"): a caller reading a stale S_OK for a file that was
 * never restored would take the stub for the file. Fails the first allocations (the
 * engine's job state) one at a time. */
static void test_results_filled_on_early_oom(void **state)
{
    (void)state;
    if (!fault_alloc_active())
        skip();
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
    for (uint64_t k = 1; k <= 3; k++) {
        assert_int_equal(rel_env_prepare(&e), 0);
        fault_alloc_arm(k);
        rel_env_run(&e);
        fault_alloc_disarm();
        for (uint32_t i = 0; i < REL_FILES; i++)
            if (e.results[i].hr == REL_UNSET_HR)
                fail_msg("allocation %llu fails, overall 0x%08x: file %u got no result", (unsigned long long)k,
                         (unsigned)e.overall, i);
        rel_env_release(&e);
    }
    rel_env_free(&e);
}

int main(void)
{
    twins_enabled = 0;   /* a failed allocation makes every run different */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_0102),
        cmocka_unit_test(test_every_allocation_0102_threads),
        cmocka_unit_test(test_every_allocation_0103_stale),
        cmocka_unit_test(test_every_allocation_0201_plan),
        cmocka_unit_test(test_results_filled_on_early_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
