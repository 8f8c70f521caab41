/* com_test_util.c - see com_test_util.h. */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "com_test_util.h"
#include "ddpbackup.h"

const WCHAR *test_dll_path(void)
{
    static WCHAR path[MAX_PATH];
    if (!path[0]) {
        DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
        while (n > 0 && path[n - 1] != L'\\')
            n--;
        path[n] = 0;
#ifdef DDP_TEST_REPARSE
        wcscat(path, L"DdpBackupReparse.dll");
#else
        wcscat(path, L"DdpBackup.dll");
#endif
    }
    return path;
}

/* Starts regsvr32 from the system folder; a start that fails (seen once under a loaded
 * Wine: CreateProcess failing while other Wine processes start) is retried. */
static BOOL start_regsvr32(WCHAR *cmd, PROCESS_INFORMATION *pi)
{
    STARTUPINFOW si;
    for (int attempt = 1; attempt <= 5; attempt++) {
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        if (CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi))
            return TRUE;
        fprintf(stderr, "regsvr32 did not start (attempt %d, error %lu)\n", attempt,
                (unsigned long)GetLastError());
        Sleep(1000);
    }
    return FALSE;
}

/* One regsvr32 run: its exit code, or -1 when it could not be started. */
static int run_regsvr32(WCHAR *cmd, BOOL unregister)
{
    PROCESS_INFORMATION pi;
    DWORD code = (DWORD)-1;

    if (!start_regsvr32(cmd, &pi))
        return -1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    if (!GetExitCodeProcess(pi.hProcess, &code))
        code = (DWORD)-2;
    if (code != 0)
        fprintf(stderr, "regsvr32%s exited with %ld\n", unregister ? " /u" : "", (long)code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}

/* regsvr32's own verdicts are 0 (done) and 1..5 (bad arguments, DLL not loaded, entry point
 * missing, entry point failed): those are answers. Any other code means the process itself
 * did not run to its end (it never started, or Wine lost it): that run is repeated. */
int test_regsvr32(BOOL unregister)
{
    WCHAR cmd[3 * MAX_PATH];
    UINT n = GetSystemDirectoryW(cmd + 1, MAX_PATH);
    int code = -1;

    if (n == 0 || n >= MAX_PATH)
        return -1;
    cmd[0] = L'"';
    wcscat(cmd, unregister ? L"\\regsvr32.exe\" /s /u \"" : L"\\regsvr32.exe\" /s \"");
    wcscat(cmd, test_dll_path());
    wcscat(cmd, L"\"");
    for (int attempt = 0; attempt < 3; attempt++) {
        code = run_regsvr32(cmd, unregister);
        if (code >= 0 && code <= 5)
            break;
    }
    return code;
}

BOOL test_reg_string(const WCHAR *key, const WCHAR *name, WCHAR *out, DWORD cap)
{
    DWORD type = 0, size = cap * sizeof(WCHAR);
    HKEY k;
    LSTATUS rc;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key, 0, KEY_READ, &k) != ERROR_SUCCESS)
        return FALSE;
    rc = RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &size);
    RegCloseKey(k);
    return rc == ERROR_SUCCESS && type == REG_SZ;
}

BOOL test_reg_key_exists(const WCHAR *key)
{
    HKEY k;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key, 0, KEY_READ, &k) != ERROR_SUCCESS)
        return FALSE;
    RegCloseKey(k);
    return TRUE;
}

void test_class_key(WCHAR *out, size_t cap, const WCHAR *suffix)
{
    WCHAR guid[40];
    StringFromGUID2(&CLSID_DedupBackupSupport, guid, 40);
    if (cap < 128)
        return;
    wcscpy(out, L"CLSID\\");
    wcscat(out, guid);
    if (suffix) {
        wcscat(out, L"\\");
        wcscat(out, suffix);
    }
}

void test_typelib_key(WCHAR *out, size_t cap)
{
    WCHAR guid[40];
    StringFromGUID2(&LIBID_DedupBackup, guid, 40);
    if (cap < 64)
        return;
    wcscpy(out, L"TypeLib\\");
    wcscat(out, guid);
}

void test_default_mode(void)
{
#ifdef DDP_TEST_REPARSE
    SetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", NULL);   /* reparse mode, with the shim's points */
#else
    SetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", L"1");
#endif
}

int test_com_begin(IDedupBackupSupport **support)
{
    test_default_mode();
    if (test_regsvr32(FALSE) != 0 || FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return -1;
    return SUCCEEDED(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER,
                                      &IID_IDedupBackupSupport, (void **)support)) ? 0 : -1;
}

void test_com_end(IDedupBackupSupport *support)
{
    if (support)
        IDedupBackupSupport_Release(support);
    CoUninitialize();
    test_regsvr32(TRUE);
}
