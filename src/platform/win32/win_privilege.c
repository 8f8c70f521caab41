/*
 * win_privilege.c - enables the backup and restore privileges (win_privilege.h), one at
 * a time so the message can name the one the token lacks.
 */
#include <windows.h>

#include "win_privilege.h"

static DWORD enable_privilege(HANDLE token, const WCHAR *name)
{
    TOKEN_PRIVILEGES tp;
    if (!LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid))
        return GetLastError();
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    if (!AdjustTokenPrivileges(token, FALSE, &tp, sizeof tp, NULL, NULL))
        return GetLastError();
    return GetLastError();      /* ERROR_NOT_ALL_ASSIGNED when the token lacks it */
}

DWORD win_enable_backup_privileges(const char **missing)
{
    static const struct { const WCHAR *name; const char *text; } privileges[] = {
        {L"SeBackupPrivilege", "SeBackupPrivilege"},
        {L"SeRestorePrivilege", "SeRestorePrivilege"},
    };
    HANDLE token;
    DWORD err = ERROR_SUCCESS;
    *missing = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
        return GetLastError();
    for (size_t i = 0; i < sizeof privileges / sizeof privileges[0] && err == ERROR_SUCCESS; i++) {
        err = enable_privilege(token, privileges[i].name);
        if (err != ERROR_SUCCESS)
            *missing = privileges[i].text;
    }
    CloseHandle(token);
    return err;
}
