/*
 * test_hostile.c - a backup application that misbehaves, at the engine level: reads that
 * claim more bytes than were asked for or none at all, read plans with bad container
 * indexes, negative or huge offsets and lengths that overflow, a NULL plan with a count,
 * a plan handed back with a failure code, a very large plan, callbacks that re-enter
 * ddp_restore, and impossible arguments. Only clean per-file errors are acceptable:
 * nothing crashes, leaks, hangs or restores a file wrongly, and every plan is freed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rel_env.h"

#define DEDUP_FILES 5u

static void check_or_fail(rel_env *e, const char *what)
{
    if (rel_env_check(e) != 0)
        fail_msg("%s: %s", what, e->why);
}

/* ---- plans ---- */

typedef struct plan_spec {
    const ddp_plan_extent *extents;
    uint32_t n;
    uint32_t entries_reported;    /* what *entries says */
    int null_plan;                /* return NULL with entries_reported */
    int32_t hr;
} plan_spec;

static int32_t plan_from_spec(fake_backup *s, uint32_t call_no, uint32_t n, const char *const *paths,
                              ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call_no;
    (void)n;
    (void)paths;
    const plan_spec *ps = s->hook_ctx;
    *entries = ps->entries_reported;
    if (ps->null_plan) {
        *plan = NULL;
        return ps->hr;
    }
    ddp_plan_extent *p = fake_plan_alloc(s, ps->n ? ps->n : 1);
    assert_non_null(p);
    memcpy(p, ps->extents, ps->n * sizeof *p);
    *plan = p;
    return ps->hr;
}

/* Runs the standard restore with the plan of ps for both order() calls; every file must
 * still be restored (a plan is only a preference: uncovered records are read after it). */
static void restore_with_plan(const plan_spec *ps, const char *what)
{
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    e.fs.plan_mode = FAKE_PLAN_HOOK;
    e.fs.plan_hook = plan_from_spec;
    e.fs.hook_ctx = (void *)ps;
    rel_env_run(&e);
    check_or_fail(&e, what);
    assert_int_equal(e.fs.count[FAKE_ORDER], 2);
    if (rel_env_restored(&e) != DEDUP_FILES)
        fail_msg("%s: %u of %u files restored", what, rel_env_restored(&e), DEDUP_FILES);
    assert_int_equal(e.overall, DDP_S_OK);
    rel_env_free(&e);
}

static void test_plan_bad_indexes(void **state)
{
    (void)state;
    static const ddp_plan_extent ext[] = {
        {7, 0, INT64_MAX}, {0xFFFFFFFFu, 0, INT64_MAX}, {0x80000000u, 0, 4096}, {2, 0, 100}, {0, 0, INT64_MAX}};
    plan_spec ps = {ext, 5, 5, 0, 0};
    restore_with_plan(&ps, "plan with container indexes past the list");
}

static void test_plan_bad_offsets(void **state)
{
    (void)state;
    static const ddp_plan_extent ext[] = {
        {0, -1, INT64_MAX},                  /* negative start */
        {0, INT64_MIN, 10},                  /* most negative start */
        {0, 0, 0},                           /* empty */
        {0, 0, -5},                          /* negative length */
        {0, 0x5260, INT64_MIN},              /* most negative length */
        {0, INT64_MAX - 10, 100},            /* start + length overflows */
        {0, INT64_MAX, INT64_MAX},           /* both huge */
        {0, 0x7FFFFFFFFFFFull, 1},           /* far past the end */
        {0, 0x5261, 7},                      /* inside a record header */
    };
    plan_spec ps = {ext, sizeof ext / sizeof ext[0], sizeof ext / sizeof ext[0], 0, 0};
    restore_with_plan(&ps, "plan with negative, empty, overflowing and far offsets");
}

static void test_plan_null_with_count(void **state)
{
    (void)state;
    plan_spec ps = {NULL, 0, 0xFFFFFFFFu, 1, 0};
    restore_with_plan(&ps, "S_OK with a NULL plan and a count of 2^32 - 1");
}

static void test_plan_zero_count(void **state)
{
    (void)state;
    static const ddp_plan_extent ext[] = {{0, 0, INT64_MAX}};
    plan_spec ps = {ext, 1, 0, 0, 0};
    restore_with_plan(&ps, "a plan with a count of 0 (must still be freed)");
}

static void test_plan_with_failure_code(void **state)
{
    (void)state;
    static const ddp_plan_extent ext[] = {{0, 0, INT64_MAX}};
    plan_spec ps = {ext, 1, 1, 0, (int32_t)0x80004005u};
    restore_with_plan(&ps, "E_FAIL with a plan (must be freed, not used)");
}

static void test_plan_huge(void **state)
{
    (void)state;
    uint32_t n = 200000;
    ddp_plan_extent *ext = malloc(n * sizeof *ext);
    assert_non_null(ext);
    for (uint32_t i = 0; i < n; i++) {
        ext[i].container_index = i % 3;
        ext[i].start = (int64_t)(i % 97) * 512;
        ext[i].length = (i % 5 == 0) ? INT64_MAX : 4096;
    }
    plan_spec ps = {ext, n, n, 0, 0};
    restore_with_plan(&ps, "a plan of 200,000 overlapping extents");
    free(ext);
}

/* ---- reads ---- */

/* The store says it read more than it was asked for. The bytes past the buffer were
 * never the engine's to read: the data of that read cannot be trusted, and a file whose
 * records came from it must not be restored from it. */
static void test_read_reports_more_than_asked(void **state)
{
    (void)state;
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    e.fs.over_report = 16;
    rel_env_run(&e);
    check_or_fail(&e, "reads reporting 16 bytes more than asked");
    if (rel_env_restored(&e) != 0)
        fail_msg("reads reporting more than asked: %u files restored from them (expected an error)",
                 rel_env_restored(&e));
    rel_env_free(&e);
}

/* S_OK with nothing read, every time: every file fails, nothing hangs. */
static void test_reads_return_nothing(void **state)
{
    (void)state;
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0103, 1), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    for (size_t i = 0; i < e.fs.n_files; i++)
        e.fs.files[i].len = 0;
    rel_env_run(&e);
    check_or_fail(&e, "empty reads");
    assert_int_equal(rel_env_restored(&e), 0);
    assert_true(e.fs.count[FAKE_READ] < 1000);
    rel_env_free(&e);
}

/* One byte per read: slow, but every file restores. */
static void test_one_byte_reads(void **state)
{
    (void)state;
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0201, 0), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    e.fs.short_read = 1;
    rel_env_run(&e);
    check_or_fail(&e, "one-byte reads");
    assert_int_equal(rel_env_restored(&e), DEDUP_FILES);
    rel_env_free(&e);
}

/* ---- re-entrancy ---- */

typedef struct reenter {
    rel_env *inner;
    int mode;          /* 0: an independent restore; 1: the same store and target again */
    int done;
    const ddp_backup *outer_store;
    const ddp_target *outer_target;
    int32_t inner_overall;
} reenter;

static void reenter_hook(fake_backup *s, void *ctx)
{
    reenter *r = ctx;
    (void)s;
    if (r->done)
        return;
    r->done = 1;
    if (r->mode == 0) {
        r->inner_overall = rel_env_run(r->inner);
    } else {
        ddp_file_result res[REL_FILES];
        r->inner_overall = ddp_restore(r->outer_store, r->outer_target, REL_FILES, NULL, NULL, res, NULL);
    }
}

static void test_reentrant_independent_restore(void **state)
{
    (void)state;
    rel_env outer, inner;
    assert_int_equal(rel_env_build(&outer, DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_build(&inner, DDP_LAYOUT_0103, 1), 0);
    assert_int_equal(rel_env_prepare(&outer), 0);
    assert_int_equal(rel_env_prepare(&inner), 0);
    reenter r = {&inner, 0, 0, NULL, NULL, 0};
    outer.fs.read_hook = reenter_hook;
    outer.fs.hook_ctx = &r;
    rel_env_run(&outer);
    assert_true(r.done);
    check_or_fail(&inner, "restore run from inside a read callback");
    check_or_fail(&outer, "restore whose read callback ran another restore");
    assert_int_equal(rel_env_restored(&inner), DEDUP_FILES);
    assert_int_equal(rel_env_restored(&outer), DEDUP_FILES);
    rel_env_free(&inner);
    rel_env_free(&outer);
}

/* The callback restores the same files into the same target again: the inner call
 * finishes them (or fails them); the outer call must then see the target refuse a second
 * begin and fail those files cleanly. Only "no crash, no protocol breach by the engine,
 * every plan freed" is asked; the target reports the double begin itself. */
static void test_reentrant_same_target(void **state)
{
    (void)state;
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    reenter r = {NULL, 1, 0, &e.store, &e.target, 0};
    e.fs.read_hook = reenter_hook;
    e.fs.hook_ctx = &r;
    fake_backup_api(&e.fs, &e.store);
    fake_target_api(&e.ft, &e.target);
    rel_env_run(&e);
    assert_true(r.done);
    assert_int_equal(r.inner_overall, DDP_S_OK);
    assert_int_equal(e.fs.plans_live, 0);
    /* Every file ends finished exactly once (by the inner call) and none is abandoned
     * after finish: the target counts such violations. */
    for (uint32_t i = 0; i < REL_FILES; i++) {
        const fake_target_file *f = &e.ft.files[i];
        if (f->reparse)
            assert_int_equal(f->finishes, 1);
        assert_false(f->finishes && f->abandons);
    }
    rel_env_free(&e);
}

/* ---- the store-directory callback ---- */

/* find_container names the wrong file, an empty or foreign path, or says S_OK without a
 * path: the engine only ever passes such a path back to the application's read; the
 * files fail cleanly (or, with no answer, are found by probing and restored). */
static void test_find_container_lies(void **state)
{
    (void)state;
    for (int lie = 1; lie <= 5; lie++) {
        rel_env e;
        assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
        assert_int_equal(rel_env_prepare(&e), 0);
        e.fs.with_find = 1;
        e.fs.find_lie = lie;
        rel_env_run(&e);
        char what[64];
        snprintf(what, sizeof what, "find_container lie %d", lie);
        check_or_fail(&e, what);
        assert_true(e.fs.count[FAKE_FIND] >= 1);
        if (lie == 3 || lie == 4)
            assert_int_equal(rel_env_restored(&e), lie == 3 ? DEDUP_FILES : 0);
        rel_env_free(&e);
    }
}

/* ---- arguments ---- */

static void test_invalid_arguments(void **state)
{
    (void)state;
    rel_env e;
    assert_int_equal(rel_env_build(&e, DDP_LAYOUT_0102, 0), 0);
    assert_int_equal(rel_env_prepare(&e), 0);
    fake_backup_api(&e.fs, &e.store);
    fake_target_api(&e.ft, &e.target);
    ddp_file_result *res = calloc(DDP_MAX_RESTORE_FILES + 1, sizeof *res);
    assert_non_null(res);
    assert_int_equal(ddp_restore(&e.store, &e.target, DDP_MAX_RESTORE_FILES + 1, NULL, NULL, res, NULL),
                     DDP_HR_E_INVALIDARG);
    assert_int_equal(ddp_restore(NULL, &e.target, 1, NULL, NULL, res, NULL), DDP_HR_E_INVALIDARG);
    assert_int_equal(ddp_restore(&e.store, NULL, 1, NULL, NULL, res, NULL), DDP_HR_E_INVALIDARG);
    ddp_backup no_read = e.store;
    no_read.read = NULL;
    assert_int_equal(ddp_restore(&no_read, &e.target, 1, NULL, NULL, res, NULL), DDP_HR_E_INVALIDARG);
    ddp_backup no_free = e.store;
    no_free.free_plan = NULL;
    assert_int_equal(ddp_restore(&no_free, &e.target, 1, NULL, NULL, res, NULL), DDP_HR_E_INVALIDARG);
    ddp_target no_abandon = e.target;
    no_abandon.abandon = NULL;
    assert_int_equal(ddp_restore(&e.store, &no_abandon, 1, NULL, NULL, res, NULL), DDP_HR_E_INVALIDARG);
    /* Nothing was touched. */
    assert_int_equal(e.ft.reparse_reads + e.ft.begins, 0);
    assert_int_equal(e.fs.count[FAKE_READ], 0);
    /* No files at all: nothing to do, S_OK. */
    assert_int_equal(ddp_restore(&e.store, &e.target, 0, NULL, NULL, NULL, NULL), DDP_S_OK);
    free(res);
    rel_env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_bad_indexes),
        cmocka_unit_test(test_plan_bad_offsets),
        cmocka_unit_test(test_plan_null_with_count),
        cmocka_unit_test(test_plan_zero_count),
        cmocka_unit_test(test_plan_with_failure_code),
        cmocka_unit_test(test_plan_huge),
        cmocka_unit_test(test_read_reports_more_than_asked),
        cmocka_unit_test(test_reads_return_nothing),
        cmocka_unit_test(test_one_byte_reads),
        cmocka_unit_test(test_reentrant_independent_restore),
        cmocka_unit_test(test_reentrant_same_target),
        cmocka_unit_test(test_find_container_lies),
        cmocka_unit_test(test_invalid_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
