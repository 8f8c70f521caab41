/*
 * test_restore_plans.c - the application's read plans (API.md §4): none, the public
 * sample's two extents per container, reversed container order, several extents per
 * container in descending order, overlapping, zero-length, Length = INT64_MAX, invalid
 * entries (index out of range, negative start or length: ignored), partial plans whose
 * uncovered records are read afterwards (still previewed), a failing order call.
 * Every restore is byte-exact; reads of each phase start inside the extent they belong
 * to and follow plan order; every plan is freed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

#define N_FILES 5
static const size_t sizes[N_FILES] = {120000, 90000, 260000, 40000, 120000};
static const int dup[N_FILES] = {-1, -1, -1, -1, 0};

static int64_t size_of(fake_backup *m, const char *path)
{
    return (int64_t)fake_backup_size(m, path);
}

/* The public sample's plan: [0, 10%) then [10%, INT64_MAX) per container. */
static int32_t plan_sample(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                           ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    ddp_plan_extent *p = fake_plan_alloc(m, 2 * n);
    for (uint32_t i = 0; i < n; i++) {
        int64_t tenth = size_of(m, paths[i]) / 10;
        p[2 * i] = (ddp_plan_extent){i, 0, tenth};
        p[2 * i + 1] = (ddp_plan_extent){i, tenth, INT64_MAX};
    }
    *plan = p;
    *entries = 2 * n;
    return 0;
}

/* Containers in reverse order, each the whole file. */
static int32_t plan_reverse(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                            ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    ddp_plan_extent *p = fake_plan_alloc(m, n);
    for (uint32_t i = 0; i < n; i++)
        p[i] = (ddp_plan_extent){n - 1 - i, 0, size_of(m, paths[n - 1 - i])};
    *plan = p;
    *entries = n;
    return 0;
}

/* Per container: the upper half, then the lower half (descending extents). */
static int32_t plan_halves_descending(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                                      ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    ddp_plan_extent *p = fake_plan_alloc(m, 2 * n);
    for (uint32_t i = 0; i < n; i++) {
        int64_t half = size_of(m, paths[i]) / 2;
        p[2 * i] = (ddp_plan_extent){i, half, INT64_MAX};
        p[2 * i + 1] = (ddp_plan_extent){i, 0, half};
    }
    *plan = p;
    *entries = 2 * n;
    return 0;
}

/* Overlapping extents: [s/4, INT64_MAX), [0, s), [0, s/2). */
static int32_t plan_overlapping(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                                ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    ddp_plan_extent *p = fake_plan_alloc(m, 3 * n);
    for (uint32_t i = 0; i < n; i++) {
        int64_t s = size_of(m, paths[i]);
        p[3 * i] = (ddp_plan_extent){i, s / 4, INT64_MAX};
        p[3 * i + 1] = (ddp_plan_extent){i, 0, s};
        p[3 * i + 2] = (ddp_plan_extent){i, 0, s / 2};
    }
    *plan = p;
    *entries = 3 * n;
    return 0;
}

/* Invalid and empty entries around valid whole-file extents. */
static int32_t plan_with_junk(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                              ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    (void)paths;
    ddp_plan_extent *p = fake_plan_alloc(m, 5 * n);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        p[k++] = (ddp_plan_extent){n + i, 0, INT64_MAX};          /* index out of range */
        p[k++] = (ddp_plan_extent){i, -4096, INT64_MAX};          /* negative start */
        p[k++] = (ddp_plan_extent){i, 0, -1};                     /* negative length */
        p[k++] = (ddp_plan_extent){i, 0, 0};                      /* zero length */
        p[k++] = (ddp_plan_extent){i, 0, INT64_MAX};              /* to the end */
    }
    *plan = p;
    *entries = k;
    return 0;
}

/* Only the lower half of the first container: everything else is uncovered. */
static int32_t plan_partial(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                            ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    (void)n;
    ddp_plan_extent *p = fake_plan_alloc(m, 1);
    p[0] = (ddp_plan_extent){0, 0, size_of(m, paths[0]) / 2};
    *plan = p;
    *entries = 1;
    return 0;
}

/* Only invalid entries: the engine's own order applies. */
static int32_t plan_all_invalid(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                                ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    (void)paths;
    ddp_plan_extent *p = fake_plan_alloc(m, 2);
    p[0] = (ddp_plan_extent){n, 0, 100};
    p[1] = (ddp_plan_extent){0xFFFFFFFFu, 0, INT64_MAX};
    *plan = p;
    *entries = 2;
    return 0;
}

/* A failing order call that still hands out a plan: ignored, freed. */
static int32_t plan_failing(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                            ddp_plan_extent **plan, uint32_t *entries)
{
    plan_reverse(m, call, n, paths, plan, entries);
    return (int32_t)0x80004005u;
}

typedef struct plan_case {
    fake_plan_fn fn;
    int expect_outside;     /* some read groups lie outside every extent */
    int backward;           /* without stale hints: 0 no backward seek, 1 some, -1 either */
} plan_case;

static void run_plan(const plan_case *pc, uint16_t layout, int stale)
{
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result res[N_FILES];
    ddp_restore_stats st;
    fixture_options(&opt, layout);
    opt.container_limit = 64 * 1024;
    opt.stale_hints = stale;
    assert_int_equal(fixture_build(&f, &opt, N_FILES, sizes, dup), 0);
    assert_true(fixture_count_containers(&f, "Data") >= 3);
    fixture_backup(&m, f.mem);
    m.plan_mode = FAKE_PLAN_HOOK;
    m.plan_hook = pc->fn;
    fixture_target(&f, &t);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.coalesce_gap = 8192;
    ro.max_read = 32768;
    int32_t hr = fixture_restore(&m, &t, &ro, res, &st);
    for (uint32_t i = 0; i < N_FILES; i++)
        if (res[i].hr != DDP_S_OK)
            fail_msg("file %u: 0x%08x %s", i, (unsigned)res[i].hr, res[i].message);
    assert_int_equal(hr, DDP_S_OK);
    for (uint32_t i = 0; i < N_FILES; i++)
        assert_true(fixture_restored(&f, &t, i));
    assert_int_equal(t.violations, 0);
    assert_int_equal(st.chunks_read, f.stats.unique_chunks);
    char why[256] = "";
    if (check_order_calls(&m, why, sizeof why) || check_previews(&m, why, sizeof why))
        fail_msg("%s", why);
    if (pc->fn && !stale) {
        for (uint32_t call = 1; call <= 2; call++) {
            uint32_t outside = 0;
            if (check_plan_order(&m, call, &outside, why, sizeof why))
                fail_msg("order call %u: %s", call, why);
            if (!pc->expect_outside)
                assert_int_equal(outside, 0);
            else if (call == 2)
                assert_true(outside > 0);
        }
    }
    if (!stale && pc->backward == 0)
        assert_int_equal(st.backward_seeks, 0);
    if (!stale && pc->backward == 1)
        assert_true(st.backward_seeks > 0);
    assert_int_equal(m.plans_live, 0);
    assert_int_equal(m.count[FAKE_FREE_PLAN], pc->fn ? 2 : 0);
    fake_backup_free(&m);
    fake_target_free(&t);
    fixture_free(&f);
}

static void test_no_plan(void **state)
{
    (void)state;
    const plan_case pc = {NULL, 1, 0};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
    run_plan(&pc, DDP_LAYOUT_0102, 1);
}

static void test_sample_plan(void **state)
{
    (void)state;
    const plan_case pc = {plan_sample, 0, 0};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
    run_plan(&pc, DDP_LAYOUT_0201, 1);
}

static void test_reverse_plan(void **state)
{
    (void)state;
    const plan_case pc = {plan_reverse, 0, 0};
    run_plan(&pc, DDP_LAYOUT_0103, 0);
}

static void test_descending_extents(void **state)
{
    (void)state;
    const plan_case pc = {plan_halves_descending, 0, 1};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
    run_plan(&pc, DDP_LAYOUT_0102, 1);
}

static void test_overlapping_extents(void **state)
{
    (void)state;
    const plan_case pc = {plan_overlapping, 0, -1};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
}

static void test_invalid_and_empty_entries(void **state)
{
    (void)state;
    const plan_case pc = {plan_with_junk, 0, 0};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
}

static void test_partial_plan(void **state)
{
    (void)state;
    const plan_case pc = {plan_partial, 1, -1};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
}

static void test_all_invalid_plan(void **state)
{
    (void)state;
    const plan_case pc = {plan_all_invalid, 1, 0};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
}

static void test_failing_order(void **state)
{
    (void)state;
    const plan_case pc = {plan_failing, 1, 0};
    run_plan(&pc, DDP_LAYOUT_0102, 0);
}

/* The engine's own order: containers in path order, each read ascending once. */
static void test_engine_order_is_sequential(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_restore_stats st;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.container_limit = 64 * 1024;
    assert_int_equal(fixture_build(&f, &opt, N_FILES, sizes, dup), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    assert_int_equal(fixture_restore(&m, &t, NULL, NULL, &st), DDP_S_OK);
    assert_int_equal(st.backward_seeks, 0);
    const char *prev = NULL;
    uint64_t prev_end = 0;
    for (size_t i = 0; i < m.n_log; i++) {
        const fake_call *c = &m.log[i];
        if (c->kind != FAKE_READ || !fake_is_data_path(c->path))
            continue;
        if (prev && strcmp(prev, c->path) == 0)
            assert_true(c->offset >= prev_end);
        else if (prev)
            assert_true(strcmp(prev, c->path) < 0);
        prev = c->path;
        prev_end = c->offset + c->size;
    }
    fake_backup_free(&m);
    fake_target_free(&t);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_plan),
        cmocka_unit_test(test_sample_plan),
        cmocka_unit_test(test_reverse_plan),
        cmocka_unit_test(test_descending_extents),
        cmocka_unit_test(test_overlapping_extents),
        cmocka_unit_test(test_invalid_and_empty_entries),
        cmocka_unit_test(test_partial_plan),
        cmocka_unit_test(test_all_invalid_plan),
        cmocka_unit_test(test_failing_order),
        cmocka_unit_test(test_engine_order_is_sequential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
