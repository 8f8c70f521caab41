/*
 * test_fault_injection.c - systematic fault injection on a multi-file, multi-container
 * restore: for every k, the k-th store read / order / preview / find_container call
 * fails, or the k-th target begin / write / finish fails. For every k: no crash, no
 * protocol violation, every file restored byte-exact or left unfinished (abandoned if
 * begun) with a result naming the cause, and every plan freed. Run for layout 0x0102
 * with exact offset hints and layout 0x0103 with stale hints (records found through Rrtl).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rel_env.h"

#define DEDUP_FILES 5u      /* files 0, 2, 3, 4, 5 have reparse points */
#ifndef MAX_K
#define MAX_K 100000u   /* a sweep still reaching calls at MAX_K fails (-DMAX_K=3 shows it) */
#endif

typedef struct variant {
    uint16_t layout;
    int stale;
    fake_plan_mode plan;
    uint32_t max_read;      /* 0: default (1 MiB); small: many reads, no coalescing */
} variant;

static const variant variants[] = {
    {DDP_LAYOUT_0102, 0, FAKE_PLAN_NONE, 0},
    {DDP_LAYOUT_0103, 1, FAKE_PLAN_SAMPLE, 0},
    {DDP_LAYOUT_0201, 0, FAKE_PLAN_REVERSE, 4096},
    {DDP_LAYOUT_0102, 1, FAKE_PLAN_NONE, 4096},
};

static void set_variant(rel_env *e, const variant *v)
{
    e->fs.plan_mode = v->plan;
    if (v->max_read) {
        e->opt.max_read = v->max_read;
        e->opt.coalesce_gap = 0;
    }
}
#define N_VARIANTS (sizeof variants / sizeof variants[0])

static void fail_check(rel_env *e, const char *what, uint32_t k)
{
    fail_msg("%s, k = %u: %s", what, k, e->why);
}

static void expect_clean_run(rel_env *e)
{
    assert_int_equal(rel_env_prepare(e), 0);
    assert_int_equal(rel_env_run(e), DDP_S_OK);
    if (rel_env_check(e) != 0)
        fail_msg("clean run: %s", e->why);
    assert_int_equal(rel_env_restored(e), DEDUP_FILES);
    assert_int_equal(e->results[1].hr, DDP_S_FALSE);
    assert_int_equal(e->results[6].hr, DDP_S_FALSE);
    rel_env_release(e);
}

/* Failed files of a run where store calls failed with hr: their result is hr itself or,
 * for a container that could not be found or probed, DDP_E_PATH_NOT_FOUND. */
static void expect_store_causes(rel_env *e, int32_t hr, const char *what, uint32_t k)
{
    for (uint32_t i = 0; i < REL_FILES; i++) {
        int32_t r = e->results[i].hr;
        if (r == DDP_S_OK || r == DDP_S_FALSE)
            continue;
        if (r != hr && r != DDP_HR_PATH_NOT_FOUND)
            fail_msg("%s, k = %u: file %u failed with 0x%08x (%s), not the injected 0x%08x", what, k, i,
                     (unsigned)r, e->results[i].message, (unsigned)hr);
    }
}

/* Makes the k-th call of kind fail, for k = 1, 2, ... until a run makes fewer calls. */
static void sweep_store_kind(fake_kind kind, int from, int32_t hr, int with_find)
{
    static const char *const names[FAKE_KINDS] = {"read", "order", "preview", "find_container"};
    for (size_t v = 0; v < N_VARIANTS; v++) {
        rel_env e;
        assert_int_equal(rel_env_build(&e, variants[v].layout, variants[v].stale), 0);
        expect_clean_run(&e);
        uint32_t k, failing_runs = 0;
        int ended = 0;
        for (k = 1; k < MAX_K && !ended; k++) {
            assert_int_equal(rel_env_prepare(&e), 0);
            set_variant(&e, &variants[v]);
            e.fs.with_find = with_find;
            e.fs.fail_at[kind] = k;
            e.fs.fail_from = from;
            e.fs.fail_hr = hr;
            rel_env_run(&e);
            char what[96];
            snprintf(what, sizeof what, "layout %04x, failing %s%s", variants[v].layout, names[kind],
                     from ? " from then on" : "");
            if (rel_env_check(&e) != 0)
                fail_check(&e, what, k);
            expect_store_causes(&e, hr, what, k);
            int reached = e.fs.failures_injected > 0;
            failing_runs += rel_env_restored(&e) < DEDUP_FILES;
            /* An ignored failure (preview, or order with a fallback) loses nothing. */
            if (kind == FAKE_PREVIEW || kind == FAKE_ORDER)
                assert_int_equal(rel_env_restored(&e), DEDUP_FILES);
            rel_env_release(&e);
            ended = !reached;
        }
        /* The sweep went past the last call: the loop really covered every call. */
        if (!ended)
            fail_msg("layout %04x, failing %s: still reaching a call at k = %u (MAX_K): the sweep never ended",
                     variants[v].layout, names[kind], MAX_K - 1);
        k--;    /* the run that ended the sweep */
        print_message("layout %04x: %s failures injected at k = 1..%u, %u runs lost files\n", variants[v].layout,
                      names[kind], k - 1, failing_runs);
        assert_true(k > 1);
        if (kind == FAKE_READ)
            assert_true(failing_runs > 0);
        rel_env_free(&e);
    }
}

static void test_read_fails(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_READ, 0, FAKE_E_FAIL, 0);
}

static void test_read_fails_from_k_on(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_READ, 1, FAKE_E_FAIL, 0);
}

static void test_read_not_found(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_READ, 0, FAKE_E_FILE_NOT_FOUND, 0);
}

static void test_order_fails(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_ORDER, 0, FAKE_E_FAIL, 0);
}

static void test_preview_fails(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_PREVIEW, 0, FAKE_E_FAIL, 0);
    sweep_store_kind(FAKE_PREVIEW, 1, FAKE_E_FAIL, 0);
}

static void test_find_container_fails(void **state)
{
    (void)state;
    sweep_store_kind(FAKE_FIND, 0, FAKE_E_FAIL, 1);
}

typedef enum target_call { TG_BEGIN, TG_WRITE, TG_FINISH } target_call;

/* The k-th begin / write / finish fails: exactly that file fails, with the target's
 * status (DDP_ERR_IO, reported as E_FAIL); every other file is restored. */
static void sweep_target(target_call which)
{
    static const char *const names[] = {"begin", "write", "finish"};
    for (size_t v = 0; v < N_VARIANTS; v++) {
        rel_env e;
        assert_int_equal(rel_env_build(&e, variants[v].layout, variants[v].stale), 0);
        uint32_t k;
        int ended = 0;
        for (k = 1; k < MAX_K && !ended; k++) {
            assert_int_equal(rel_env_prepare(&e), 0);
            set_variant(&e, &variants[v]);
            if (which == TG_BEGIN)
                e.ft.fail_begin_at = k;
            else if (which == TG_WRITE)
                e.ft.fail_write_at = k;
            else
                e.ft.fail_finish_at = k;
            rel_env_run(&e);
            char what[64];
            snprintf(what, sizeof what, "layout %04x, failing target %s", variants[v].layout, names[which]);
            if (rel_env_check(&e) != 0)
                fail_check(&e, what, k);
            int64_t bad = e.ft.injected_file;
            if (bad < 0) {
                assert_int_equal(rel_env_restored(&e), DEDUP_FILES);
                rel_env_release(&e);
                ended = 1;
                continue;
            }
            for (uint32_t i = 0; i < REL_FILES; i++) {
                if (i == 1 || i == 6)
                    continue;
                if ((int64_t)i == bad) {
                    if (e.results[i].hr != DDP_HR_E_FAIL || e.results[i].status != DDP_ERR_IO)
                        fail_msg("%s, k = %u: file %u got 0x%08x/%d (%s)", what, k, i, (unsigned)e.results[i].hr,
                                 (int)e.results[i].status, e.results[i].message);
                    assert_false(e.ft.files[i].finishes);
                } else if (e.results[i].hr != DDP_S_OK) {
                    fail_msg("%s, k = %u: file %u failed too (0x%08x: %s)", what, k, i, (unsigned)e.results[i].hr,
                             e.results[i].message);
                }
            }
            assert_int_equal(e.overall, DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
            rel_env_release(&e);
        }
        if (!ended)
            fail_msg("layout %04x, failing target %s: still reaching a call at k = %u (MAX_K): the sweep never ended",
                     variants[v].layout, names[which], MAX_K - 1);
        k--;    /* the run that ended the sweep */
        print_message("layout %04x: target %s failures injected at k = 1..%u\n", variants[v].layout, names[which],
                      k - 1);
        assert_true(k > DEDUP_FILES);
        rel_env_free(&e);
    }
}

static void test_target_begin_fails(void **state)
{
    (void)state;
    sweep_target(TG_BEGIN);
}

static void test_target_write_fails(void **state)
{
    (void)state;
    sweep_target(TG_WRITE);
}

static void test_target_finish_fails(void **state)
{
    (void)state;
    sweep_target(TG_FINISH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_fails),
        cmocka_unit_test(test_read_fails_from_k_on),
        cmocka_unit_test(test_read_not_found),
        cmocka_unit_test(test_order_fails),
        cmocka_unit_test(test_preview_fails),
        cmocka_unit_test(test_find_container_fails),
        cmocka_unit_test(test_target_begin_fails),
        cmocka_unit_test(test_target_write_fails),
        cmocka_unit_test(test_target_finish_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
