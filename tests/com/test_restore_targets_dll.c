/*
 * test_restore_targets_dll.c - target paths the DLL refuses, through RestoreFiles under
 * Wine (SECURITY.md §2): a directory where a file was named gives
 * HRESULT_FROM_WIN32(ERROR_DIRECTORY_NOT_SUPPORTED), a stub with a second name
 * (CreateHardLinkW) HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED); a folder at the name the
 * temporary file had before issue 12 (now a fixed-length name no one else can hold,
 * test_restore_retry_dll) no longer blocks the file and is left alone; each is left as it was, and the other
 * files of the call are restored; stubs cut short are malformed (DDP_E_INVALID_DATA). (E_ACCESSDENIED for an unreadable stub is not checked
 * here: Wine run as root checks file permissions through Unix, which lets root read and
 * replace anything; the native tests check it as the user nobody.) The directory and hard-link checks come before any reparse
 * point is read, so they are also checked in reparse mode (DDPBACKUP_STUB_FILES unset),
 * which Wine cannot otherwise run.
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

#define N_FILES 4u
#define DIR_FILE 1u
#define LINKED_FILE 2u
#define BLOCKED_FILE 3u

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

/* Four stubs of several chunks; file DIR_FILE's stub replaced by a folder holding a file,
 * file LINKED_FILE given a second name in *other. */
static void make_fixture(dll_fixture *f, const wchar_t *tag, WCHAR *other, size_t cap)
{
    static const size_t sizes[N_FILES] = {70000, 50000, 90000, 30000};
    ddp_store_builder_options opt;
    WCHAR inside[MAX_PATH + 16];

    ddp_store_builder_options_default(&opt);
    opt.layout = DDP_LAYOUT_0103;
    assert_int_equal(fixture_create(f, tag, &opt, 41, N_FILES, sizes), 0);
    assert_true(DeleteFileW(f->paths[DIR_FILE]));
    assert_true(CreateDirectoryW(f->paths[DIR_FILE], NULL));
    swprintf(inside, MAX_PATH + 16, L"%ls\\kept.txt", f->paths[DIR_FILE]);
    HANDLE h = CreateFileW(inside, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    swprintf(other, cap, L"%ls\\second-name.bin", f->target);
    assert_true(CreateHardLinkW(other, f->paths[LINKED_FILE], NULL));
}

static void assert_folder_kept(const dll_fixture *f)
{
    WCHAR inside[MAX_PATH + 16];
    DWORD attrs = GetFileAttributesW(f->paths[DIR_FILE]);
    assert_true(attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY));
    swprintf(inside, MAX_PATH + 16, L"%ls\\kept.txt", f->paths[DIR_FILE]);
    assert_true(GetFileAttributesW(inside) != INVALID_FILE_ATTRIBUTES);
}

/* The second name still holds the stub's bytes (the same bytes as file LINKED_FILE). */
static void assert_second_name_is_stub(const dll_fixture *f, const WCHAR *other)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h = CreateFileW(other, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(GetFileInformationByHandle(h, &info));
    CloseHandle(h);
    assert_int_equal(info.nNumberOfLinks, 2);
    assert_true(fixture_file_is_stub(f, LINKED_FILE));
}

static HRESULT restore(const dll_fixture *f, HRESULT *results)
{
    test_store *store = test_store_new(f->root, TRUE, TEST_PLAN_NONE);
    HRESULT hr = IDedupBackupSupport_RestoreFiles(support, N_FILES, f->paths, test_store_callback(store),
                                                  DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    test_store_release(store);
    return hr;
}

#ifndef DDP_TEST_REPARSE
static void test_stub_file_mode_refusals(void **state)
{
    dll_fixture f;
    WCHAR other[MAX_PATH];
    HRESULT results[N_FILES];
    (void)state;

    make_fixture(&f, L"refuse", other, MAX_PATH);
    /* a folder at the former temporary name: not ours, kept; the file is restored */
    WCHAR temp[MAX_PATH + 32];
    swprintf(temp, MAX_PATH + 32, L"%ls.ddprestore-tmp", f.paths[BLOCKED_FILE]);
    assert_true(CreateDirectoryW(temp, NULL));
    assert_int_equal(restore(&f, results), DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(results[0], S_OK);
    assert_true(fixture_file_matches(&f, 0));
    assert_int_equal((uint32_t)results[DIR_FILE], (uint32_t)DDP_HR_DIRECTORY_NOT_SUPPORTED);
    assert_folder_kept(&f);
    assert_int_equal((uint32_t)results[LINKED_FILE], (uint32_t)DDP_HR_NOT_SUPPORTED);
    assert_second_name_is_stub(&f, other);
    assert_int_equal(results[BLOCKED_FILE], S_OK);
    assert_true(fixture_file_matches(&f, BLOCKED_FILE));
    DWORD attrs = GetFileAttributesW(temp);
    assert_true(attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY));
    fixture_destroy(&f);
}
#endif

#ifndef DDP_TEST_REPARSE
/* Cuts the file at path to size bytes. */
static void cut_file(const WCHAR *path, LONGLONG size)
{
    LARGE_INTEGER at;
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    at.QuadPart = size;
    assert_true(SetFilePointerEx(h, at, NULL, FILE_BEGIN));
    assert_true(SetEndOfFile(h));
    CloseHandle(h);
}

/* Stub files cut short that still start with the dedup tag are malformed dedup files
 * (DDP_E_INVALID_DATA, the stub kept), never "not deduplicated"; a file too short to carry
 * a tag is not deduplicated (S_FALSE). */
static void test_stub_file_mode_cut_stubs(void **state)
{
    static const size_t sizes[N_FILES] = {70000, 50000, 90000, 30000};
    static const LONGLONG cuts[N_FILES] = {0, 100, 6, 3};
    dll_fixture f;
    ddp_store_builder_options opt;
    HRESULT results[N_FILES];
    (void)state;

    ddp_store_builder_options_default(&opt);
    opt.layout = DDP_LAYOUT_0103;
    assert_int_equal(fixture_create(&f, L"cut", &opt, 43, N_FILES, sizes), 0);
    for (uint32_t i = 1; i < N_FILES; i++)
        cut_file(f.paths[i], cuts[i]);
    assert_int_equal(restore(&f, results), DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(results[0], S_OK);
    assert_true(fixture_file_matches(&f, 0));
    assert_int_equal((uint32_t)results[1], (uint32_t)DDP_HR_INVALID_DATA);
    assert_int_equal((uint32_t)results[2], (uint32_t)DDP_HR_INVALID_DATA);
    assert_int_equal(results[3], S_FALSE);
    for (uint32_t i = 1; i < N_FILES; i++) {   /* each cut stub kept as it was */
        WIN32_FILE_ATTRIBUTE_DATA a;
        assert_true(GetFileAttributesExW(f.paths[i], GetFileExInfoStandard, &a));
        assert_int_equal(a.nFileSizeLow, (DWORD)cuts[i]);
    }
    fixture_destroy(&f);
}
#endif

static void test_reparse_mode_refusals(void **state)
{
    dll_fixture f;
    WCHAR other[MAX_PATH];
    HRESULT results[N_FILES];
    (void)state;

    make_fixture(&f, L"refuse-rp", other, MAX_PATH);
    SetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", NULL);   /* reparse mode */
    restore(&f, results);
    test_default_mode();
    assert_int_equal((uint32_t)results[DIR_FILE], (uint32_t)DDP_HR_DIRECTORY_NOT_SUPPORTED);
    assert_folder_kept(&f);
    assert_int_equal((uint32_t)results[LINKED_FILE], (uint32_t)DDP_HR_NOT_SUPPORTED);
    assert_second_name_is_stub(&f, other);
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifndef DDP_TEST_REPARSE
        cmocka_unit_test(test_stub_file_mode_refusals),   /* stub-file mode only */
#endif
        cmocka_unit_test(test_reparse_mode_refusals),
#ifndef DDP_TEST_REPARSE
        cmocka_unit_test(test_stub_file_mode_cut_stubs), /* stub-file mode only */
#endif
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
