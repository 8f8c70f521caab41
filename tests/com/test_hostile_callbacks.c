/*
 * test_hostile_callbacks.c - an application whose callback misbehaves gets clean errors,
 * never a crash or a half-restored file: a read that claims more bytes than asked, a NULL
 * plan with a non-zero count, a plan of bad extents, a callback that re-enters RestoreFiles.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddp/reparse.h"
#include "ddpbackup.h"
#include "dll_fixture.h"
#include "test_store.h"

static IDedupBackupSupport *support;

static int setup(void **state)
{
    (void)state;
    return test_com_begin(&support);
}

static int teardown(void **state)
{
    (void)state;
    test_com_end(support);
    return 0;
}

/* Restores two files through a store misbehaving in mode; returns the overall result. */
static HRESULT run(test_hostile mode, const wchar_t *tag, HRESULT results[2], dll_fixture *f, HRESULT *reenter)
{
    static const size_t sizes[] = { 200000, 300000 };
    ddp_store_builder_options opt;
    test_store *store;
    HRESULT hr;

    ddp_store_builder_options_default(&opt);
    opt.layout = DDP_LAYOUT_0103;
    opt.container_limit = 200 * 1024;
    assert_int_equal(fixture_create(f, tag, &opt, 31, 2, sizes), 0);
    store = test_store_new(f->root, TRUE, TEST_PLAN_NONE);
    assert_non_null(store);
    test_store_set_hostile(store, mode, support, reenter);
    hr = IDedupBackupSupport_RestoreFiles(support, 2, f->paths, test_store_callback(store),
                                          DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    assert_int_equal(test_store_refcount(store), 1);
    test_store_release(store);
    return hr;
}

static void test_overreporting_read(void **state)
{
    HRESULT results[2];
    dll_fixture f;
    (void)state;
    assert_true(FAILED(run(TEST_HOSTILE_OVERREPORT, L"overreport", results, &f, NULL)));
    for (uint32_t i = 0; i < 2; i++) {
        assert_true(FAILED(results[i]));
        assert_true(fixture_file_is_stub(&f, i));   /* untouched */
    }
    fixture_destroy(&f);
}

static void check_all_restored(HRESULT hr, const HRESULT results[2], dll_fixture *f)
{
    assert_int_equal(hr, S_OK);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(results[i], S_OK);
        assert_true(fixture_file_matches(f, i));
    }
    fixture_destroy(f);
}

static void test_null_plan_with_count(void **state)
{
    HRESULT results[2];
    dll_fixture f;
    HRESULT hr = run(TEST_HOSTILE_NULL_PLAN_COUNT, L"nullplan", results, &f, NULL);
    (void)state;
    check_all_restored(hr, results, &f);
}

static void test_bad_plan_extents(void **state)
{
    HRESULT results[2];
    dll_fixture f;
    HRESULT hr = run(TEST_HOSTILE_BAD_PLAN, L"badplan", results, &f, NULL);
    (void)state;
    check_all_restored(hr, results, &f);
}

static void test_reentrant_callback(void **state)
{
    HRESULT results[2], inner = E_UNEXPECTED;
    dll_fixture f;
    HRESULT hr = run(TEST_HOSTILE_REENTER, L"reenter", results, &f, &inner);
    (void)state;
    /* The inner call ran to its own end (win.ini is not a stub) and the outer one completed. */
    assert_true(inner == S_FALSE || FAILED(inner));
    check_all_restored(hr, results, &f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overreporting_read),
        cmocka_unit_test(test_null_plan_with_count),
        cmocka_unit_test(test_bad_plan_extents),
        cmocka_unit_test(test_reentrant_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
