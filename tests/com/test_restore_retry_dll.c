/*
 * test_restore_retry_dll.c - the DLL's crash rules (issue 12) under Wine, in stub-file mode
 * and, built with DDP_TEST_REPARSE, in reparse mode against DdpBackupReparse.dll:
 *  - the longest names the host allows restore: 255 UTF-16 units (the NTFS limit) in ASCII,
 *    255 bytes of UTF-8 in CJK and with surrogate pairs (ext4's limit under Wine), given as
 *    plain long paths and as \\?\ paths: the temporary file's name does not grow with the
 *    stub's name (the former "<name>.ddprestore-tmp" could not be created for any of them);
 *  - a client retrying RestoreFiles on a half-restored tree (some files restored, some still
 *    stubs, temporary files a killed call left) puts no stub back: the restored files answer
 *    S_FALSE (not deduplicated, docs/API.md) and keep their content and times, the stubs are
 *    restored, the leftovers are deleted, and names that only look like ours stay.
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
#include <string.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "ddpbackup.h"
#include "dll_fixture.h"
#include "test_store.h"

#define NAME_MAX_UNITS 255     /* NTFS */
#define HOST_NAME_BYTES 255    /* ext4, under Wine */
#define PATH_CAP 1024

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

static HRESULT restore(const dll_fixture *f, BSTR *paths, uint32_t n, HRESULT *results)
{
    test_store *store = test_store_new(f->root, TRUE, TEST_PLAN_NONE);
    HRESULT hr = IDedupBackupSupport_RestoreFiles(support, n, paths, test_store_callback(store),
                                                  DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    test_store_release(store);
    return hr;
}

/* "\\?\" + path (path in the D:\ form). */
static void prefixed(const WCHAR *path, WCHAR *out)
{
    swprintf(out, PATH_CAP, L"\\\\?\\%ls", path);
}

/* Renames file i of f to name (in the same folder); f->paths[i] becomes the new path,
 * with the \\?\ prefix when prefix is set. */
static void rename_file(dll_fixture *f, uint32_t i, const WCHAR *name, int prefix)
{
    WCHAR from[PATH_CAP], plain[PATH_CAP], to[PATH_CAP];
    prefixed(f->paths[i], from);
    swprintf(plain, PATH_CAP, L"%ls\\%ls", f->target, name);
    prefixed(plain, to);
    if (!MoveFileW(from, to))
        fail_msg("renaming file %u to a name of %u units: error %lu", i, (unsigned)wcslen(name),
                 (unsigned long)GetLastError());
    SysFreeString(f->paths[i]);
    f->paths[i] = SysAllocString(prefix ? to : plain);
    assert_non_null(f->paths[i]);
}

/* A name of HOST_NAME_BYTES bytes in UTF-8: unit (one character of unit_bytes bytes,
 * one or two UTF-16 units) repeated, 'x' to fill, ".bin". Wine keeps names on the host file
 * system (ext4), which caps a name at 255 bytes: so 255 UTF-16 units (NTFS's limit) for
 * ASCII, 89 for CJK. */
static void long_name(WCHAR *out, const WCHAR *unit, size_t unit_bytes)
{
    size_t u = wcslen(unit), len = 0, bytes = 0;
    while (bytes + unit_bytes <= HOST_NAME_BYTES - 4) {
        memcpy(out + len, unit, u * sizeof(WCHAR));
        len += u;
        bytes += unit_bytes;
    }
    for (; bytes < HOST_NAME_BYTES - 4; bytes++)
        out[len++] = L'x';
    wcscpy(out + len, L".bin");
    assert_int_equal(WideCharToMultiByte(CP_UTF8, 0, out, -1, NULL, 0, NULL, NULL), HOST_NAME_BYTES + 1);
}

/* Names in the restore folder that start with ".ddprestore-". */
static int count_ours(const dll_fixture *f)
{
    WCHAR pattern[PATH_CAP];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    int n = 0;
    swprintf(pattern, PATH_CAP, L"%ls\\.ddprestore-*", f->target);
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        n++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

static void delete_files(const dll_fixture *f)
{
    for (uint32_t i = 0; i < f->store.n; i++) {
        WCHAR path[PATH_CAP];
        if (wcsncmp(f->paths[i], L"\\\\?\\", 4) == 0)
            wcscpy(path, f->paths[i]);
        else
            prefixed(f->paths[i], path);
        DeleteFileW(path);
    }
}

static void test_names_of_255_units(void **state)
{
    static const size_t sizes[] = { 70000, 130000, 9000, 50000, 20000 };
    static const WCHAR *units[] = { L"a", L"\x65e5", L"\xd83d\xde00", L"\x4e2d", L"b" };
    static const size_t unit_bytes[] = { 1, 3, 4, 3, 1 };
    HRESULT results[5];
    ddp_store_builder_options opt;
    dll_fixture f;
    (void)state;

    options(&opt);
    assert_int_equal(fixture_create(&f, L"longnames", &opt, 41, 5, sizes), 0);
    for (uint32_t i = 0; i < 5; i++) {
        WCHAR name[NAME_MAX_UNITS + 1];
        long_name(name, units[i], unit_bytes[i]);
        if (unit_bytes[i] == 1)
            assert_int_equal(wcslen(name), NAME_MAX_UNITS);
        rename_file(&f, i, name, i % 2);  /* plain long paths and \\?\ paths */
        assert_true(fixture_file_is_stub(&f, i));
    }
    assert_int_equal(restore(&f, f.paths, 5, results), S_OK);
    for (uint32_t i = 0; i < 5; i++) {
        if (results[i] != S_OK)
            fail_msg("file %u: 0x%08lx", i, (unsigned long)results[i]);
        assert_true(fixture_file_matches(&f, i));
    }
    assert_int_equal(count_ours(&f), 0);
    delete_files(&f);
    fixture_destroy(&f);
}

static void write_file(const WCHAR *path, size_t size, int dir)
{
    static uint8_t junk[4096];
    DWORD done = 0;
    HANDLE h;
    if (dir) {
        assert_true(CreateDirectoryW(path, NULL));
        return;
    }
    memset(junk, 0x5a, sizeof junk);
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        fail_msg("creating %ls: error %lu", path, (unsigned long)GetLastError());
    assert_true(WriteFile(h, junk, (DWORD)(size < sizeof junk ? size : sizeof junk), &done, NULL));
    CloseHandle(h);
}

static int exists(const WCHAR *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

static FILETIME last_write(const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    assert_true(GetFileAttributesExW(path, GetFileExInfoStandard, &data));
    return data.ftLastWriteTime;
}

#define N_RETRY 6
#define N_DONE 3

static void test_retry_on_half_restored_tree(void **state)
{
    static const size_t sizes[N_RETRY] = { 60000, 140000, 12000, 90000, 30000, 200000 };
    /* killed calls' temporary files (deleted), and look-alikes (kept) */
    static const WCHAR *leftovers[] = {
        L".ddprestore-0123456789abcdef-00000000000001aa",
        L".ddprestore-fedcba9876543210-0000000000000003",
    };
    static const struct { const WCHAR *name; int dir; } lookalikes[] = {
        { L".ddprestore-0123456789ABCDEF-00000000000001ab", 0 },    /* upper case */
        { L".ddprestore-0123456789abcdef-00000000000001a", 0 },     /* one digit short */
        { L".ddprestore-0123456789abcdef-00000000000001aa0", 0 },   /* one too many */
        { L".ddprestore-0123456789abcdef-00000000000001aa.journal", 0 }, /* ddp-restore's */
        { L".ddprestore-0123456789abcdef_00000000000001aa", 0 },
        { L".ddprestore-0123456789abcdeg-00000000000001aa", 0 },
        { L"x.ddprestore-0123456789abcdef-00000000000001a", 0 },
        { L".ddprestore-1111111111111111-2222222222222222", 1 },    /* a directory */
        { L"file-00003.bin.ddprestore-tmp", 0 },                    /* the former name */
    };
    HRESULT results[N_RETRY];
    FILETIME times[N_DONE];
    ddp_store_builder_options opt;
    dll_fixture f;
    WCHAR path[PATH_CAP];
    HRESULT hr;
    (void)state;

    options(&opt);
    assert_int_equal(fixture_create(&f, L"retry", &opt, 43, N_RETRY, sizes), 0);
    /* the first call restored files 0..N_DONE-1 and was killed */
    assert_int_equal(restore(&f, f.paths, N_DONE, results), S_OK);
    for (uint32_t i = 0; i < N_DONE; i++) {
        assert_true(fixture_file_matches(&f, i));
        times[i] = last_write(f.paths[i]);
    }
    for (size_t k = 0; k < sizeof leftovers / sizeof *leftovers; k++) {
        swprintf(path, PATH_CAP, L"%ls\\%ls", f.target, leftovers[k]);
        write_file(path, 3000 + k, 0);
    }
    for (size_t k = 0; k < sizeof lookalikes / sizeof *lookalikes; k++) {
        swprintf(path, PATH_CAP, L"%ls\\%ls", f.target, lookalikes[k].name);
        write_file(path, 100, lookalikes[k].dir);
    }
    Sleep(20);  /* a rewrite of a restored file would show in its last-write time */

    hr = restore(&f, f.paths, N_RETRY, results);
    assert_int_equal(hr, S_OK);     /* no file failed (API.md) */
    for (uint32_t i = 0; i < N_RETRY; i++) {
        FILETIME now;
        if (!fixture_file_matches(&f, i))
            fail_msg("file %u does not hold its content", i);
        if (i >= N_DONE) {
            assert_int_equal(results[i], S_OK);
            continue;
        }
        assert_int_equal(results[i], S_FALSE);
        now = last_write(f.paths[i]);
        assert_true(CompareFileTime(&now, &times[i]) == 0);
    }
    for (size_t k = 0; k < sizeof leftovers / sizeof *leftovers; k++) {
        swprintf(path, PATH_CAP, L"%ls\\%ls", f.target, leftovers[k]);
        if (exists(path))
            fail_msg("leftover %ls was not removed", leftovers[k]);
    }
    for (size_t k = 0; k < sizeof lookalikes / sizeof *lookalikes; k++) {
        swprintf(path, PATH_CAP, L"%ls\\%ls", f.target, lookalikes[k].name);
        if (!exists(path))
            fail_msg("%ls was removed", lookalikes[k].name);
    }
    /* a third call: nothing to restore, nothing changes */
    assert_int_equal(restore(&f, f.paths, N_RETRY, results), S_FALSE);
    for (uint32_t i = 0; i < N_RETRY; i++) {
        assert_int_equal(results[i], S_FALSE);
        assert_true(fixture_file_matches(&f, i));
    }
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_of_255_units),
        cmocka_unit_test(test_retry_on_half_restored_tree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
