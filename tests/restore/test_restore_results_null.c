/*
 * test_restore_results_null.c - ddp_restore() called directly with results == NULL
 * (fixture_restore would swap in an array of its own): real multi-file restores, with
 * 1, 2 and 4 threads, whose overall code must follow API.md §3 from the files' fates
 * alone: all restored (S_OK), one file failing (DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS),
 * every file failing (the first file's error), none deduplicated (S_FALSE). Restored
 * files are byte-exact and final, failed ones keep their reparse point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

#define N_FILES 5
static const size_t sizes[N_FILES] = {180000, 240000, 130000, 300000, 180000};
static const int dup[N_FILES] = {-1, -1, -1, -1, 0};   /* file 4 repeats file 0 */
static const uint32_t thread_counts[] = {1, 2, 4};
#define N_COUNTS (sizeof thread_counts / sizeof thread_counts[0])

typedef struct env {
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    const char *names[N_FILES];
} env;

static void setup_env(env *e)
{
    static const char *const names[N_FILES] = {"a.bin", "b.bin", "c.bin", "d.bin", "e.bin"};
    memset(e, 0, sizeof *e);
    fixture_options(&e->opt, DDP_LAYOUT_0103);
    e->opt.container_limit = 256 * 1024;   /* several data containers */
    assert_int_equal(fixture_build(&e->f, &e->opt, N_FILES, sizes, dup), 0);
    assert_true(fixture_count_containers(&e->f, "Data") >= 3);
    fixture_backup(&e->m, e->f.mem);
    fixture_target(&e->f, &e->t);
    memcpy(e->names, names, sizeof names);
}

/* The restore under test: no results array, names given (messages are still composed). */
static int32_t restore_without_results(env *e, uint32_t threads)
{
    ddp_restore_options ro;
    ddp_backup store;
    ddp_target target;
    ddp_restore_options_default(&ro);
    ro.threads = threads;
    fake_backup_api(&e->m, &store);
    fake_target_api(&e->t, &target);
    return ddp_restore(&store, &target, e->t.n, e->names, &ro, NULL, NULL);
}

static void teardown_env(env *e)
{
    assert_int_equal(e->t.violations, 0);
    assert_int_equal(e->m.plans_live, 0);
    fake_backup_free(&e->m);
    fake_target_free(&e->t);
    fixture_free(&e->f);
}

static void assert_restored(const env *e, uint32_t i)
{
    assert_true(fixture_restored(&e->f, &e->t, i));
    assert_true(e->t.files[i].reparse_removed);
}

/* Never finished, reparse point kept, abandoned if it was begun. */
static void assert_stub_kept(const env *e, uint32_t i)
{
    assert_int_equal(e->t.files[i].finishes, 0);
    assert_false(e->t.files[i].reparse_removed);
    assert_non_null(e->t.files[i].reparse);
    assert_int_equal(e->t.files[i].abandons, e->t.files[i].begins);
}

static void test_all_restored(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COUNTS; c++) {
        env e;
        setup_env(&e);
        assert_int_equal(restore_without_results(&e, thread_counts[c]), DDP_S_OK);
        for (uint32_t i = 0; i < N_FILES; i++)
            assert_restored(&e, i);
        teardown_env(&e);
    }
}

/* A payload byte of file 1's third chunk flipped: file 1 fails, the others are restored. */
static void test_one_file_failing(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COUNTS; c++) {
        env e;
        char path[200];
        uint64_t off;
        setup_env(&e);
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 1, 2, path, sizeof path, &off), 0);
        fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 100, 0x5A);
        assert_int_equal(restore_without_results(&e, thread_counts[c]), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
        for (uint32_t i = 0; i < N_FILES; i++) {
            if (i == 1)
                assert_stub_kept(&e, i);
            else
                assert_restored(&e, i);
        }
        assert_int_equal(e.t.files[1].begins, 1);   /* it failed after writes began: abandoned */
        teardown_env(&e);
    }
}

/* Every data container missing: none restored, the overall code is the files' error. */
static void test_every_file_failing(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COUNTS; c++) {
        env e;
        setup_env(&e);
        uint32_t dropped = 0;
        for (uint32_t k = 0; k < fixture_count_containers(&e.f, "Data"); k++)
            fake_backup_drop(&e.m, fixture_container(&e.f, "Data", k));
        for (size_t k = 0; k < e.m.n_files; k++)
            dropped += (uint32_t)e.m.files[k].dropped;
        assert_true(dropped == fixture_count_containers(&e.f, "Data"));
        assert_int_equal(restore_without_results(&e, thread_counts[c]), DDP_HR_PATH_NOT_FOUND);
        for (uint32_t i = 0; i < N_FILES; i++)
            assert_stub_kept(&e, i);
        teardown_env(&e);
    }
}

/* No file has a reparse point: S_FALSE, nothing read, nothing written. */
static void test_none_deduplicated(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COUNTS; c++) {
        env e;
        setup_env(&e);
        for (uint32_t i = 0; i < N_FILES; i++)
            fake_target_set_reparse(&e.t, i, NULL, 0);
        assert_int_equal(restore_without_results(&e, thread_counts[c]), DDP_S_FALSE);
        for (uint32_t i = 0; i < N_FILES; i++) {
            assert_int_equal(e.t.files[i].begins, 0);
            assert_int_equal(e.t.files[i].finishes, 0);
        }
        assert_int_equal(e.m.count[FAKE_READ], 0);
        teardown_env(&e);
    }
}

/* Files 2 and 3 not deduplicated, the others restored: S_OK. */
static void test_restored_and_not_deduplicated(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COUNTS; c++) {
        env e;
        setup_env(&e);
        fake_target_set_reparse(&e.t, 2, NULL, 0);
        fake_target_set_reparse(&e.t, 3, NULL, 0);
        assert_int_equal(restore_without_results(&e, thread_counts[c]), DDP_S_OK);
        for (uint32_t i = 0; i < N_FILES; i++) {
            if (i == 2 || i == 3)
                assert_int_equal(e.t.files[i].begins, 0);
            else
                assert_restored(&e, i);
        }
        teardown_env(&e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_restored),
        cmocka_unit_test(test_one_file_failing),
        cmocka_unit_test(test_every_file_failing),
        cmocka_unit_test(test_none_deduplicated),
        cmocka_unit_test(test_restored_and_not_deduplicated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
