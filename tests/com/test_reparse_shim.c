/*
 * test_reparse_shim.c - the reparse shim answers as NTFS documents (reparse_shim.h): a
 * reparse mode that passed against a lenient shim would prove nothing.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reparse_shim_client.h"

#define DEDUP_TAG 0x80000013u
#define OTHER_MS_TAG 0xA000000Cu   /* IO_REPARSE_TAG_SYMLINK */

static WCHAR path[MAX_PATH];

static void make_point(uint8_t *buf, DWORD tag, WORD data_len)
{
    memset(buf, 0, 8u + data_len);
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, &data_len, 2);
    for (WORD i = 0; i < data_len; i++)
        buf[8 + i] = (uint8_t)(i * 7 + 1);
}

static HANDLE shim_open(DWORD access, DWORD flags)
{
    return reparse_shim()->create_file(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                                       OPEN_EXISTING, flags | FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

static int setup(void **state)
{
    WCHAR dir[MAX_PATH];
    HANDLE h;
    (void)state;
    if (!reparse_shim())
        return -1;
    GetTempPathW(MAX_PATH, dir);
    swprintf(path, MAX_PATH, L"%lsddp-shim-%lu.bin", dir, (unsigned long)GetCurrentProcessId());
    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    CloseHandle(h);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DeleteFileW(path);
    reparse_shim()->reset();
    return 0;
}

static void test_no_point(void **state)
{
    uint8_t out[64];
    DWORD got = 99;
    HANDLE h = shim_open(GENERIC_READ | GENERIC_WRITE, FILE_FLAG_OPEN_REPARSE_POINT);
    (void)state;
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_false(reparse_shim()->ioctl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, out, sizeof out, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_NOT_A_REPARSE_POINT);
    make_point(out, DEDUP_TAG, 0);
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, out, 8, NULL, 0, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_NOT_A_REPARSE_POINT);
    assert_int_equal(reparse_shim_attributes(path) & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE), 0);
    reparse_shim()->close(h);
    /* without a point the file opens without the flag */
    h = shim_open(GENERIC_READ, 0);
    assert_true(h != INVALID_HANDLE_VALUE);
    reparse_shim()->close(h);
}

static void test_point_lifecycle(void **state)
{
    uint8_t buf[8 + 40], out[sizeof buf], del[8];
    DWORD got = 0;
    HANDLE h;
    (void)state;
    make_point(buf, DEDUP_TAG, 40);
    assert_int_equal(reparse_shim_make_stub(path, 4096, buf, sizeof buf), 0);
    assert_int_equal(reparse_shim_attributes(path) & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE),
                     FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE);
    /* no dedup filter: opening the data fails with ERROR_CANT_ACCESS_FILE */
    assert_true(shim_open(GENERIC_READ, 0) == INVALID_HANDLE_VALUE);
    assert_int_equal(GetLastError(), 1920);
    assert_int_equal(reparse_shim_get(path, out, sizeof out), sizeof buf);
    assert_memory_equal(out, buf, sizeof buf);

    h = shim_open(GENERIC_READ | GENERIC_WRITE, FILE_FLAG_OPEN_REPARSE_POINT);
    assert_true(h != INVALID_HANDLE_VALUE);
    /* output buffer smaller than the header: nothing; header but not the data: what fits */
    got = 99;
    assert_false(reparse_shim()->ioctl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, out, 7, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    assert_int_equal(got, 0);
    memset(out, 0, sizeof out);
    assert_false(reparse_shim()->ioctl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, out, 20, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_MORE_DATA);
    assert_int_equal(got, 20);
    assert_memory_equal(out, buf, 20);

    /* delete: the tag must match, the data length must be 0, the input exactly the header */
    make_point(del, OTHER_MS_TAG, 0);
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, del, 8, NULL, 0, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_REPARSE_TAG_MISMATCH);
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, buf, sizeof buf, NULL, 0, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_REPARSE_DATA);
    make_point(del, DEDUP_TAG, 0);
    del[4] = 40;   /* ReparseDataLength 40 in an 8-byte input */
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, del, 8, NULL, 0, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_REPARSE_DATA);
    make_point(del, DEDUP_TAG, 0);
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, del, 8, out, 8, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
    assert_int_equal(reparse_shim_get(path, out, sizeof out), sizeof buf);   /* still there */
    assert_true(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, del, 8, NULL, 0, &got, NULL));
    reparse_shim()->close(h);

    /* gone: the reparse attribute with it, the sparse one stays (as on NTFS) */
    assert_int_equal(reparse_shim_get(path, out, sizeof out), 0);
    assert_int_equal(reparse_shim_attributes(path) & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE),
                     FILE_ATTRIBUTE_SPARSE_FILE);
    h = shim_open(GENERIC_READ, 0);
    assert_true(h != INVALID_HANDLE_VALUE);
    reparse_shim()->close(h);
}

static void test_write_access_required(void **state)
{
    uint8_t buf[8 + 16], del[8];
    DWORD got = 0;
    HANDLE h;
    (void)state;
    make_point(buf, DEDUP_TAG, 16);
    assert_int_equal(reparse_shim_make_stub(path, 100, buf, sizeof buf), 0);
    h = shim_open(GENERIC_READ, FILE_FLAG_OPEN_REPARSE_POINT);
    assert_true(h != INVALID_HANDLE_VALUE);
    make_point(del, DEDUP_TAG, 0);
    assert_false(reparse_shim()->ioctl(h, FSCTL_DELETE_REPARSE_POINT, del, 8, NULL, 0, &got, NULL));
    assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
    reparse_shim()->close(h);
    assert_int_equal(reparse_shim_get(path, buf, sizeof buf), sizeof buf);
}

static void test_point_follows_the_file_not_the_name(void **state)
{
    uint8_t buf[8 + 16], out[sizeof buf];
    WCHAR moved[MAX_PATH];
    (void)state;
    make_point(buf, DEDUP_TAG, 16);
    assert_int_equal(reparse_shim_make_stub(path, 100, buf, sizeof buf), 0);
    swprintf(moved, MAX_PATH, L"%ls.moved", path);
    assert_true(MoveFileExW(path, moved, MOVEFILE_REPLACE_EXISTING));
    assert_int_equal(reparse_shim_get(moved, out, sizeof out), sizeof buf);
    assert_true(MoveFileExW(moved, path, MOVEFILE_REPLACE_EXISTING));
}

static void test_fault_injection_counts_calls(void **state)
{
    BOOL hit = TRUE;
    HANDLE h;
    (void)state;
    reparse_shim()->fail_call(2, ERROR_IO_DEVICE, NULL);
    h = shim_open(GENERIC_READ, 0);                          /* call 1 */
    assert_true(h != INVALID_HANDLE_VALUE);
    reparse_shim()->close(h);                                /* never failed, not counted */
    assert_true(shim_open(GENERIC_READ, 0) == INVALID_HANDLE_VALUE);   /* call 2 */
    assert_int_equal(GetLastError(), ERROR_IO_DEVICE);
    assert_int_equal(reparse_shim()->fail_call(0, 0, &hit), 2);
    assert_true(hit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_point_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_access_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_point_follows_the_file_not_the_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_injection_counts_calls, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
