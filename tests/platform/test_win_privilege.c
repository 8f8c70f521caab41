/*
 * test_win_privilege.c - win_enable_backup_privileges (src/platform/win32/win_privilege.h)
 * as an unelevated token answers it. Wine's token holds every privilege, so this program's
 * import of AdjustTokenPrivileges is wrapped at link time (-Wl,--wrap, as tests/com's
 * reparse shim does) into fake_adjust, which answers as Windows does for a token that
 * lacks a privilege: TRUE with ERROR_NOT_ALL_ASSIGNED.
 */
#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "win_privilege.h"

#ifdef _WIN64
#define WRAP_NAME "__wrap___imp_AdjustTokenPrivileges"
#else
#define WRAP_NAME "___wrap__imp__AdjustTokenPrivileges@24"
#endif

static const WCHAR *lacking;     /* the privilege the fake token lacks, or NULL */
static DWORD fail_with;          /* nonzero: the call fails with it */
static int calls;

static BOOL WINAPI fake_adjust(HANDLE token, BOOL disable_all, PTOKEN_PRIVILEGES tp, DWORD len, PTOKEN_PRIVILEGES prev,
                               PDWORD ret_len)
{
    LUID luid;
    (void)token, (void)disable_all, (void)len, (void)prev, (void)ret_len;
    calls++;
    assert_int_equal(tp->PrivilegeCount, 1);
    assert_int_equal(tp->Privileges[0].Attributes, SE_PRIVILEGE_ENABLED);
    if (fail_with) {
        SetLastError(fail_with);
        return FALSE;
    }
    SetLastError(ERROR_SUCCESS);
    if (lacking && LookupPrivilegeValueW(NULL, lacking, &luid) && luid.LowPart == tp->Privileges[0].Luid.LowPart &&
        luid.HighPart == tp->Privileges[0].Luid.HighPart)
        SetLastError(ERROR_NOT_ALL_ASSIGNED);
    return TRUE;
}

typedef BOOL(WINAPI *adjust_fn)(HANDLE, BOOL, PTOKEN_PRIVILEGES, DWORD, PTOKEN_PRIVILEGES, PDWORD);
adjust_fn wrap_adjust __asm__(WRAP_NAME) = fake_adjust;

static int reset(void **state)
{
    (void)state;
    lacking = NULL;
    fail_with = 0;
    calls = 0;
    return 0;
}

static void test_elevated(void **state)
{
    const char *missing = "x";
    (void)state;
    assert_int_equal(win_enable_backup_privileges(&missing), ERROR_SUCCESS);
    assert_null(missing);
    assert_int_equal(calls, 2);
}

static void test_lacks_backup(void **state)
{
    const char *missing = NULL;
    (void)state;
    lacking = L"SeBackupPrivilege";
    assert_int_equal(win_enable_backup_privileges(&missing), ERROR_NOT_ALL_ASSIGNED);
    assert_string_equal(missing, "SeBackupPrivilege");
}

static void test_lacks_restore(void **state)
{
    const char *missing = NULL;
    (void)state;
    lacking = L"SeRestorePrivilege";
    assert_int_equal(win_enable_backup_privileges(&missing), ERROR_NOT_ALL_ASSIGNED);
    assert_string_equal(missing, "SeRestorePrivilege");
}

static void test_call_fails(void **state)
{
    const char *missing = NULL;
    (void)state;
    fail_with = ERROR_ACCESS_DENIED;
    assert_int_equal(win_enable_backup_privileges(&missing), ERROR_ACCESS_DENIED);
    assert_string_equal(missing, "SeBackupPrivilege");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_elevated, reset),
        cmocka_unit_test_setup(test_lacks_backup, reset),
        cmocka_unit_test_setup(test_lacks_restore, reset),
        cmocka_unit_test_setup(test_call_fails, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
