/*
 * reparse_win32.c - a file's reparse buffer on Windows: the file is opened with
 * FILE_FLAG_OPEN_REPARSE_POINT (the reparse point itself, not what it leads to) and
 * FILE_FLAG_BACKUP_SEMANTICS (directories too), and FSCTL_GET_REPARSE_POINT returns
 * the buffer from the tag on. Elsewhere the form is reported as unavailable.
 */
#include "file_access.h"

#ifdef _WIN32
#include <windows.h>
#include <winioctl.h>
#include <stdlib.h>

static void win_error(char *err, size_t errlen, const char *what, DWORD code)
{
    snprintf(err, errlen, "%s failed (Win32 error %lu)", what, (unsigned long)code);
}

reparse_read read_reparse_win32(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
    int wlen = MultiByteToWideChar(CP_UTF8, 0, path, -1, NULL, 0);
    if (wlen <= 0) {
        snprintf(err, errlen, "path is not valid UTF-8");
        return REPARSE_READ_FAILED;
    }
    WCHAR *wpath = malloc((size_t)wlen * sizeof(WCHAR));
    if (!wpath) {
        snprintf(err, errlen, "out of memory");
        return REPARSE_READ_FAILED;
    }
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, wlen);
    HANDLE h = CreateFileW(wpath, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE) {
        win_error(err, errlen, "CreateFileW", GetLastError());
        return REPARSE_READ_FAILED;
    }
    DWORD got = 0;
    BOOL ok = DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf, (DWORD)cap, &got, NULL);
    DWORD code = GetLastError();
    CloseHandle(h);
    if (!ok) {
        if (code == ERROR_NOT_A_REPARSE_POINT)
            snprintf(err, errlen, "no reparse point");
        else
            win_error(err, errlen, "FSCTL_GET_REPARSE_POINT", code);
        return REPARSE_READ_FAILED;
    }
    *len = got;
    return REPARSE_READ_OK;
}
#else
reparse_read read_reparse_win32(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
    (void)path;
    (void)buf;
    (void)cap;
    (void)len;
    snprintf(err, errlen, "--file needs Windows (use --xattr on an ntfs-3g mount)");
    return REPARSE_READ_UNAVAILABLE;
}
#endif
