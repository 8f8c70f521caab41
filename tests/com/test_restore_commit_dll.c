/*
 * test_restore_commit_dll.c - durability in batches through the real DLL under Wine
 * (stub-file mode): when RestoreFiles returns, every restored file of every batch
 * (more files than DDP_COMMIT_BATCH) is final, with no temporary file left; a file whose
 * stub cannot be replaced at commit time (another handle denies delete sharing) fails
 * alone and keeps its stub, while the rest of its batch is restored; a restored file keeps the
 * stub's last-write time (the application restored it with the stub). Built twice: stub-file
 * mode, and reparse mode against DdpBackupReparse.dll (_reparse), where a restored file also
 * keeps FILE_ATTRIBUTE_SPARSE_FILE and loses FILE_ATTRIBUTE_REPARSE_POINT, and is opened
 * twice, never again for the commit (counted by the shim).
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
#include "test_store.h"
#ifdef DDP_TEST_REPARSE
#include "reparse_shim_client.h"
#endif

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

static void options(ddp_store_builder_options *opt)
{
    ddp_store_builder_options_default(opt);
    opt->layout = DDP_LAYOUT_0103;
    opt->container_limit = 4u << 20;
}

/* Temporary files (".ddprestore-*") left in the restore folder. */
static int count_temp_files(const dll_fixture *f)
{
    WCHAR pattern[MAX_PATH + 32];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    int n = 0;
    swprintf(pattern, MAX_PATH + 32, L"%ls\\.ddprestore-*", f->target);
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        n++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

static void test_every_batch_final_on_return(void **state)
{
    const uint32_t n = DDP_COMMIT_BATCH + DDP_COMMIT_BATCH / 2;
    size_t *sizes = malloc(n * sizeof *sizes);
    HRESULT *results = calloc(n, sizeof *results);
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    (void)state;

    assert_non_null(sizes);
    assert_non_null(results);
    for (uint32_t i = 0; i < n; i++)
        sizes[i] = 200 + (i * 53) % 4000;
    options(&opt);
    assert_int_equal(fixture_create(&f, L"batches", &opt, 29, n, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, n, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     S_OK);
    for (uint32_t i = 0; i < n; i++) {
        if (results[i] != S_OK)
            fail_msg("file %u: 0x%08lx", i, (unsigned long)results[i]);
        if (!fixture_file_matches(&f, i))
            fail_msg("file %u is not restored", i);
    }
    assert_int_equal(count_temp_files(&f), 0);
    test_store_release(store);
    fixture_destroy(&f);
    free(results);
    free(sizes);
}

static void test_file_failing_at_commit_keeps_stub(void **state)
{
    static const size_t sizes[] = { 90000, 120000, 150000, 60000, 30000 };
    HRESULT results[5];
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    HANDLE holder;
    (void)state;

    options(&opt);
    assert_int_equal(fixture_create(&f, L"commitfail", &opt, 31, 5, sizes), 0);
#ifdef DDP_TEST_REPARSE
    /* readable by the DLL, but not written while this handle is open (every call failing at
     * commit in reparse mode: test_restore_reparse_faults) */
    holder = CreateFileW(f.paths[2], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
#else
    /* readable by the DLL, but never deleted or replaced while this handle is open */
    holder = CreateFileW(f.paths[2], GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
#endif
    assert_true(holder != INVALID_HANDLE_VALUE);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 5, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    CloseHandle(holder);
    for (uint32_t i = 0; i < 5; i++) {
        if (i == 2) {
            assert_true(FAILED(results[i]));
            assert_true(fixture_file_is_stub(&f, i));
        } else {
            assert_int_equal(results[i], S_OK);
            assert_true(fixture_file_matches(&f, i));
        }
    }
    assert_int_equal(count_temp_files(&f), 0);
    test_store_release(store);
    fixture_destroy(&f);
}

static void set_last_write(const WCHAR *path, const FILETIME *t)
{
    HANDLE h = CreateFileW(path, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(SetFileTime(h, NULL, NULL, t));
    CloseHandle(h);
}

static ULONGLONG last_write(const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    assert_true(GetFileAttributesExW(path, GetFileExInfoStandard, &data));
    return ((ULONGLONG)data.ftLastWriteTime.dwHighDateTime << 32) | data.ftLastWriteTime.dwLowDateTime;
}

static void test_stub_times_kept(void **state)
{
    static const size_t sizes[] = { 80000, 3000 };
    HRESULT results[2];
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    FILETIME t;
    ULONGLONG want;
    (void)state;

    options(&opt);
    assert_int_equal(fixture_create(&f, L"times", &opt, 37, 2, sizes), 0);
    want = 126000000000000000ull + 1234567;   /* 2000-04-12, with a sub-second part */
    t.dwLowDateTime = (DWORD)want;
    t.dwHighDateTime = (DWORD)(want >> 32);
    for (uint32_t i = 0; i < 2; i++)
        set_last_write(f.paths[i], &t);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 2, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     S_OK);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(results[i], S_OK);
        assert_true(fixture_file_matches(&f, i));
        /* Wine keeps times in 100 ns units where the file system does (ext4: ns) */
        assert_int_equal(last_write(f.paths[i]), want);
#ifdef DDP_TEST_REPARSE
        assert_int_equal(reparse_shim_attributes(f.paths[i]) &
                             (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE),
                         FILE_ATTRIBUTE_SPARSE_FILE);
#endif
    }
    test_store_release(store);
    fixture_destroy(&f);
}

#ifdef DDP_TEST_REPARSE
/* The opens a restored file costs in reparse mode (docs/WIN32_CALLS.md), counted by the
 * shim: two (reading the reparse point while planning, then the write handle, which the
 * commit flushes and clears the point through); the commit opens nothing again. */
static void test_opens_per_file(void **state)
{
    enum { N = 40 };
    size_t sizes[N];
    HRESULT results[N];
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    ULONG opens;
    (void)state;

    for (uint32_t i = 0; i < N; i++)
        sizes[i] = 3000 + i * 17;
    options(&opt);
    assert_int_equal(fixture_create(&f, L"opens", &opt, 37, N, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    reparse_shim()->opens();    /* counts from here */
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, N, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     S_OK);
    opens = reparse_shim()->opens();
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(results[i], S_OK);
        assert_true(fixture_file_matches(&f, i));
    }
    if (opens != 2u * N)
        fail_msg("%lu CreateFileW calls for %d files (2 per file expected)", (unsigned long)opens, N);
    test_store_release(store);
    fixture_destroy(&f);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_batch_final_on_return),
        cmocka_unit_test(test_file_failing_at_commit_keeps_stub),
        cmocka_unit_test(test_stub_times_kept),
#ifdef DDP_TEST_REPARSE
        cmocka_unit_test(test_opens_per_file),
#endif
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
