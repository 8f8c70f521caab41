/*
 * test_restore_unverified_dll.c - chunk-hash verification through the real DLL under
 * Wine (stub-file mode): a one-file store whose only chunk is damaged, raw, so it still
 * "decompresses". No chunk identifies the hash algorithm, so by default the file is
 * restored (S_OK; the engine reports it unverified, docs/API.md §8); with
 * DDPBACKUP_REQUIRE_VERIFIED=1 it fails with DDP_E_FILE_CORRUPT and keeps its stub.
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
    SetEnvironmentVariableW(L"DDPBACKUP_REQUIRE_VERIFIED", NULL);
    test_com_end(support);
    return 0;
}

/* The one Data container of the fixture's store (its name is not fixed by the test). */
static void data_container(const dll_fixture *f, WCHAR *out, size_t cap)
{
    WCHAR pattern[MAX_PATH * 2], dir[MAX_PATH * 2];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    swprintf(pattern, MAX_PATH * 2, L"%ls\\System Volume Information\\Dedup\\ChunkStore\\*.ddp", f->root);
    h = FindFirstFileW(pattern, &fd);
    assert_true(h != INVALID_HANDLE_VALUE);
    FindClose(h);
    swprintf(dir, MAX_PATH * 2, L"%ls\\System Volume Information\\Dedup\\ChunkStore\\%ls\\Data", f->root,
             fd.cFileName);
    swprintf(pattern, MAX_PATH * 2, L"%ls\\*.ccc", dir);
    h = FindFirstFileW(pattern, &fd);
    assert_true(h != INVALID_HANDLE_VALUE);
    swprintf(out, cap, L"%ls\\%ls", dir, fd.cFileName);
    assert_false(FindNextFileW(h, &fd));   /* exactly one */
    FindClose(h);
}

/* Flips one byte of the payload of the container's last (here: only) record. */
static void damage_only_chunk(const dll_fixture *f)
{
    WCHAR path[MAX_PATH * 2];
    LARGE_INTEGER size, at;
    BYTE b;
    DWORD n = 0;
    data_container(f, path, MAX_PATH * 2);
    HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(GetFileSizeEx(h, &size));
    at.QuadPart = size.QuadPart - 100;
    assert_true(SetFilePointerEx(h, at, NULL, FILE_BEGIN));
    assert_true(ReadFile(h, &b, 1, &n, NULL) && n == 1);
    b ^= 0x5a;
    assert_true(SetFilePointerEx(h, at, NULL, FILE_BEGIN));
    assert_true(WriteFile(h, &b, 1, &n, NULL) && n == 1);
    CloseHandle(h);
}

/* A one-file store (30,000 bytes: below the smallest chunk, so one chunk), stored raw. */
static void make_store(dll_fixture *f, const wchar_t *tag)
{
    static const size_t sizes[1] = {30000};
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.compress = 0;
    assert_int_equal(fixture_create(f, tag, &opt, 41, 1, sizes), 0);
    damage_only_chunk(f);
}

static HRESULT restore(dll_fixture *f, HRESULT *result)
{
    test_store *store = test_store_new(f->root, TRUE, TEST_PLAN_NONE);
    HRESULT hr = IDedupBackupSupport_RestoreFiles(support, 1, f->paths, test_store_callback(store),
                                                  DEDUP_RECONSTRUCT_UNOPTIMIZED, result);
    test_store_release(store);
    return hr;
}

static void test_unverified_restored_by_default(void **state)
{
    dll_fixture f;
    HRESULT result = E_FAIL;
    (void)state;
    make_store(&f, L"unverified");
    assert_int_equal(restore(&f, &result), S_OK);
    assert_int_equal(result, S_OK);
    assert_false(fixture_file_is_stub(&f, 0));
    assert_false(fixture_file_matches(&f, 0));   /* the damaged byte came back as stored */
    fixture_destroy(&f);
}

static void test_unverified_refused_when_required(void **state)
{
    dll_fixture f;
    HRESULT result = S_OK;
    (void)state;
    make_store(&f, L"requireverified");
    assert_true(SetEnvironmentVariableW(L"DDPBACKUP_REQUIRE_VERIFIED", L"1"));
    assert_int_equal(restore(&f, &result), DDP_E_FILE_CORRUPT);
    assert_true(SetEnvironmentVariableW(L"DDPBACKUP_REQUIRE_VERIFIED", NULL));
    assert_int_equal(result, DDP_E_FILE_CORRUPT);
    assert_true(fixture_file_is_stub(&f, 0));
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unverified_restored_by_default),
        cmocka_unit_test(test_unverified_refused_when_required),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
