/*
 * test_restore_args.c - RestoreFiles argument checks (API.md §3): too many files, NULL
 * paths with files, NULL store, wrong flags give E_INVALIDARG with FileResults untouched;
 * no reference on the store is kept; files without a dedup reparse point give S_FALSE.
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
#include "ddpbackup.h"
#include "test_store.h"

#define SENTINEL ((HRESULT)0x0BADF00D)

static IDedupBackupSupport *object;
static test_store *store;
static WCHAR temp_dir[MAX_PATH];

static int setup(void **state)
{
    (void)state;
    if (test_regsvr32(FALSE) != 0 || FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return -1;
    if (FAILED(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER, &IID_IDedupBackupSupport,
                                (void **)&object)))
        return -1;
    GetTempPathW(MAX_PATH, temp_dir);
    store = test_store_new(L"C:\\nonexistent-backup", FALSE, TEST_PLAN_NONE);
    return store ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    IDedupBackupSupport_Release(object);
    test_store_release(store);
    CoUninitialize();
    test_regsvr32(TRUE);
    return 0;
}

static void fill(HRESULT *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r[i] = SENTINEL;
}

static void assert_untouched(const HRESULT *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r[i], SENTINEL);
}

static void test_too_many_files(void **state)
{
    static HRESULT results[10001];
    static BSTR paths[10001];
    (void)state;
    fill(results, 10001);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 10001, paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), E_INVALIDARG);
    assert_untouched(results, 10001);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 0xFFFFFFFF, paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, NULL), E_INVALIDARG);
}

static void test_null_paths(void **state)
{
    HRESULT results[2];
    (void)state;
    fill(results, 2);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 2, NULL, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), E_INVALIDARG);
    assert_untouched(results, 2);
}

static void test_null_store(void **state)
{
    HRESULT results[1];
    BSTR path = SysAllocString(L"C:\\file.bin");
    (void)state;
    fill(results, 1);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 1, &path, NULL, DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     E_INVALIDARG);
    assert_untouched(results, 1);
    SysFreeString(path);
}

static void test_bad_flags(void **state)
{
    static const DWORD flags[] = { 0, DEDUP_RECONSTRUCT_OPTIMIZED, 3, 0x80000001 };
    HRESULT results[1];
    BSTR path = SysAllocString(L"C:\\file.bin");
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        fill(results, 1);
        assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 1, &path, test_store_callback(store), flags[i],
                                                          results), E_INVALIDARG);
        assert_untouched(results, 1);
    }
    SysFreeString(path);
    assert_int_equal(test_store_refcount(store), 1);
}

static void test_no_files(void **state)
{
    (void)state;
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 0, NULL, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, NULL), S_OK);
    assert_int_equal(test_store_refcount(store), 1);
}

/* An ordinary file (Wine has no reparse points) is not deduplicated: S_FALSE, untouched. */
static void test_plain_file_is_not_dedup(void **state)
{
    WCHAR path[MAX_PATH];
    HRESULT results[1];
    BSTR bstr;
    HANDLE h;
    DWORD written = 0;
    char content[64] = "plain content, no reparse point";
    (void)state;

    wcscpy(path, temp_dir);
    wcscat(path, L"ddp-plain-file.txt");
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    WriteFile(h, content, sizeof content, &written, NULL);
    CloseHandle(h);
    bstr = SysAllocString(path);
    fill(results, 1);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(object, 1, &bstr, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), S_FALSE);
    assert_int_equal(results[0], S_FALSE);
    assert_int_equal(test_store_refcount(store), 1);
    SysFreeString(bstr);
    DeleteFileW(path);
}

/* A directory, a missing file, an empty path: clear per-file errors, nothing created. */
static void test_bad_target_paths(void **state)
{
    WCHAR dir[MAX_PATH], missing[MAX_PATH];
    BSTR paths[3];
    HRESULT results[3];
    (void)state;

    wcscpy(dir, temp_dir);
    wcscat(dir, L"ddp-a-directory");
    CreateDirectoryW(dir, NULL);
    wcscpy(missing, temp_dir);
    wcscat(missing, L"ddp-no-such-file.bin");
    DeleteFileW(missing);
    paths[0] = SysAllocString(dir);
    paths[1] = SysAllocString(missing);
    paths[2] = SysAllocString(L"");
    fill(results, 3);
    assert_true(FAILED(IDedupBackupSupport_RestoreFiles(object, 3, paths, test_store_callback(store),
                                                        DEDUP_RECONSTRUCT_UNOPTIMIZED, results)));
    for (int i = 0; i < 3; i++) {
        assert_true(FAILED(results[i]));
        assert_int_not_equal(results[i], SENTINEL);
    }
    assert_true(GetFileAttributesW(dir) & FILE_ATTRIBUTE_DIRECTORY);
    assert_int_equal(GetFileAttributesW(missing), INVALID_FILE_ATTRIBUTES);
    assert_int_equal(test_store_refcount(store), 1);
    for (int i = 0; i < 3; i++)
        SysFreeString(paths[i]);
    RemoveDirectoryW(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_too_many_files),
        cmocka_unit_test(test_null_paths),
        cmocka_unit_test(test_null_store),
        cmocka_unit_test(test_bad_flags),
        cmocka_unit_test(test_no_files),
        cmocka_unit_test(test_plain_file_is_not_dedup),
        cmocka_unit_test(test_bad_target_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
