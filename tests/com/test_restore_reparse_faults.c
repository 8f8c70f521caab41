/*
 * test_restore_reparse_faults.c - every Win32 file-system call DdpBackupReparse.dll makes
 * while restoring stubs with reparse points fails once, in turn (the shim's fault
 * injection, reparse_shim.h): run k fails the k-th call, until a run reaches no k-th call.
 * After each run, no data is lost: every file reported S_OK holds its original content
 * without a reparse point, every other file is still its stub (the same reparse buffer,
 * the reparse and sparse attributes, zeros as content), the call's HRESULT agrees with the
 * per-file results, and at least one file failed (the failure was not swallowed).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "ddpbackup.h"
#include "dll_fixture.h"
#include "reparse_shim_client.h"
#include "test_store.h"

#define N_FILES 3

static IDedupBackupSupport *support;

static int setup(void **state)
{
    (void)state;
    return reparse_shim() ? test_com_begin(&support) : -1;
}

static int teardown(void **state)
{
    (void)state;
    test_com_end(support);
    return 0;
}

/* One restore of fresh stubs with the k-th wrapped call failing with err; TRUE when that
 * call was reached. Checks the outcome as described above. */
static BOOL run_with_fault(ULONG k, DWORD err, ULONG *calls)
{
    static const size_t sizes[N_FILES] = { 70000, 140000, 9000 };
    HRESULT results[N_FILES], hr;
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    BOOL hit = FALSE;
    int failed = 0;

    ddp_store_builder_options_default(&opt);
    opt.layout = DDP_LAYOUT_0103;
    assert_int_equal(fixture_create(&f, L"faults", &opt, 41, N_FILES, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    reparse_shim()->fail_call(k, err, NULL);
    hr = IDedupBackupSupport_RestoreFiles(support, N_FILES, f.paths, test_store_callback(store),
                                          DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    *calls = reparse_shim()->fail_call(0, 0, &hit);
    for (uint32_t i = 0; i < N_FILES; i++) {
        if (results[i] == S_OK) {
            if (!fixture_file_matches(&f, i))
                fail_msg("call %lu failing: file %u reported S_OK but is not restored", k, i);
        } else {
            failed++;
            if (!fixture_file_is_stub(&f, i))
                fail_msg("call %lu failing: file %u failed (0x%08lx) and lost its stub", k, i,
                         (unsigned long)results[i]);
        }
    }
    if (hit && failed == 0)
        fail_msg("call %lu failed with %lu, yet every file reported S_OK", k, (unsigned long)err);
    if (failed == 0)
        assert_int_equal(hr, S_OK);
    else if (failed == N_FILES)
        assert_true(FAILED(hr));
    else
        assert_int_equal(hr, DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    test_store_release(store);
    fixture_destroy(&f);
    return hit;
}

static void sweep(DWORD err)
{
    ULONG k, calls = 0, first = 0;
    assert_false(run_with_fault(0, err, &first));      /* no fault: every file restored */
    assert_true(first > 0);
    for (k = 1; run_with_fault(k, err, &calls); k++)
        ;
    print_message("%lu wrapped calls in a clean run, %lu runs with one failing\n", first, k - 1);
    assert_true(k - 1 >= first);
}

static void test_every_call_failing_io_error(void **state)
{
    (void)state;
    sweep(ERROR_IO_DEVICE);
}

static void test_every_call_failing_access_denied(void **state)
{
    (void)state;
    sweep(ERROR_ACCESS_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_call_failing_io_error),
        cmocka_unit_test(test_every_call_failing_access_denied),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
