/*
 * test_win_dir_backup.c - the Win32 store of ddp-restore.exe (src/platform/win32/
 * win_dir_backup.h), under Wine: positioned reads of ROOT\<store path> with either slash,
 * a short read at the end, the HRESULTs of a missing file and of a folder, and store
 * paths with "." or ".." components refused, so a read never leaves the root.
 */
#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "win_dir_backup.h"

#define HR_FILE_NOT_FOUND ((int32_t)0x80070002u)

static WCHAR root[MAX_PATH], outside[MAX_PATH];

static void write_file(const WCHAR *path, const char *text)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n = 0;
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, text, (DWORD)strlen(text), &n, NULL));
    CloseHandle(h);
}

static int setup(void **state)
{
    WCHAR tmp[MAX_PATH], path[MAX_PATH];
    (void)state;
    GetTempPathW(MAX_PATH, tmp);
    swprintf(root, MAX_PATH, L"%lsddp-win-dir-store-%lu", tmp, (unsigned long)GetCurrentProcessId());
    swprintf(outside, MAX_PATH, L"%ls-secret", root);
    CreateDirectoryW(root, NULL);
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information", root);
    CreateDirectoryW(path, NULL);
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information\\Dedup", root);
    CreateDirectoryW(path, NULL);
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information\\Dedup\\c.ccc", root);
    write_file(path, "0123456789");
    write_file(outside, "secret");
    return 0;
}

static int teardown(void **state)
{
    WCHAR path[MAX_PATH];
    (void)state;
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information\\Dedup\\c.ccc", root);
    DeleteFileW(path);
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information\\Dedup", root);
    RemoveDirectoryW(path);
    swprintf(path, MAX_PATH, L"%ls\\System Volume Information", root);
    RemoveDirectoryW(path);
    RemoveDirectoryW(root);
    DeleteFileW(outside);
    return 0;
}

static void open_store(win_dir_backup **ds, ddp_backup *store)
{
    assert_int_equal(win_dir_backup_open(root, ds), DDP_OK);
    win_dir_backup_bind(*ds, store);
}

static void test_reads(void **state)
{
    win_dir_backup *ds;
    ddp_backup s;
    uint8_t buf[16];
    uint32_t got;
    (void)state;
    open_store(&ds, &s);
    assert_int_equal(s.read(s.ctx, "\\System Volume Information\\Dedup\\c.ccc", 3, 4, buf, &got), 0);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "3456", 4);
    /* '/' as well, another file in between, then the first again. */
    assert_int_equal(s.read(s.ctx, "System Volume Information/Dedup/c.ccc", 8, 8, buf, &got), 0);
    assert_int_equal(got, 2);                        /* short read at the end */
    assert_memory_equal(buf, "89", 2);
    assert_int_equal(s.read(s.ctx, "\\System Volume Information\\Dedup\\c.ccc", 10, 4, buf, &got), 0);
    assert_int_equal(got, 0);
    win_dir_backup_close(ds);
}

static void test_missing_and_folder(void **state)
{
    win_dir_backup *ds;
    ddp_backup s;
    uint8_t buf[4];
    uint32_t got = 7;
    (void)state;
    open_store(&ds, &s);
    assert_int_equal(s.read(s.ctx, "\\System Volume Information\\Dedup\\none.ccc", 0, 4, buf, &got), HR_FILE_NOT_FOUND);
    assert_int_equal(got, 0);
    assert_int_equal(s.read(s.ctx, "\\System Volume Information\\Dedup", 0, 4, buf, &got), HR_FILE_NOT_FOUND);
    win_dir_backup_close(ds);
}

/* From a relative root: no \\?\ prefix, so Windows itself would resolve "..". */
static void test_never_leaves_root(void **state)
{
    win_dir_backup *ds;
    ddp_backup s;
    uint8_t buf[8];
    uint32_t got;
    char path[MAX_PATH + 32];
    char name[MAX_PATH];
    WCHAR tmp[MAX_PATH], cwd[MAX_PATH];
    const WCHAR *base = wcsrchr(outside, L'\\') + 1;
    (void)state;
    WideCharToMultiByte(CP_UTF8, 0, base, -1, name, sizeof name, NULL, NULL);
    GetCurrentDirectoryW(MAX_PATH, cwd);
    GetTempPathW(MAX_PATH, tmp);
    assert_true(SetCurrentDirectoryW(tmp));
    assert_int_equal(win_dir_backup_open(wcsrchr(root, L'\\') + 1, &ds), DDP_OK);
    win_dir_backup_bind(ds, &s);
    assert_int_equal(s.read(s.ctx, "\\System Volume Information\\Dedup\\c.ccc", 0, 4, buf, &got), 0);
    assert_int_equal(got, 4);
    snprintf(path, sizeof path, "\\..\\%s", name);
    assert_int_equal(s.read(s.ctx, path, 0, 6, buf, &got), HR_FILE_NOT_FOUND);
    snprintf(path, sizeof path, "System Volume Information/../../%s", name);
    assert_int_equal(s.read(s.ctx, path, 0, 6, buf, &got), HR_FILE_NOT_FOUND);
    assert_int_equal(s.read(s.ctx, "\\.\\System Volume Information\\Dedup\\c.ccc", 0, 4, buf, &got), HR_FILE_NOT_FOUND);
    win_dir_backup_close(ds);
    SetCurrentDirectoryW(cwd);
}

static void test_root_must_be_a_folder(void **state)
{
    win_dir_backup *ds = (win_dir_backup *)1;
    (void)state;
    assert_int_equal(win_dir_backup_open(outside, &ds), DDP_ERR_NOT_FOUND);
    assert_null(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_missing_and_folder),
        cmocka_unit_test(test_never_leaves_root),
        cmocka_unit_test(test_root_must_be_a_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
