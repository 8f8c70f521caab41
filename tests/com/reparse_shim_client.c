/* reparse_shim_client.c - see reparse_shim_client.h. */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>

#include "com_test_util.h"
#include "reparse_shim_client.h"

const reparse_shim_api *reparse_shim(void)
{
    static reparse_shim_api api;
    static int loaded;
    if (!loaded) {
        HMODULE m = LoadLibraryW(test_dll_path());   /* never freed: the shim's state lives there */
        if (!m) {
            fprintf(stderr, "cannot load %ls (%lu)\n", test_dll_path(), (unsigned long)GetLastError());
            return NULL;
        }
        api.create_file = (reparse_shim_create_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_CREATE);
        api.ioctl = (reparse_shim_ioctl_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_IOCTL);
        api.information = (reparse_shim_info_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_INFO);
        api.close = (reparse_shim_close_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_CLOSE);
        api.reset = (reparse_shim_reset_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_RESET);
        api.fail_call = (reparse_shim_fail_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_FAIL);
        api.opens = (reparse_shim_opens_fn)(void (*)(void))GetProcAddress(m, REPARSE_SHIM_OPENS);
        if (!api.create_file || !api.ioctl || !api.information || !api.close || !api.reset || !api.fail_call ||
            !api.opens) {
            fprintf(stderr, "%ls does not export the reparse shim\n", test_dll_path());
            return NULL;
        }
        loaded = 1;
    }
    return &api;
}

static HANDLE open_point(const reparse_shim_api *s, const WCHAR *path, DWORD access)
{
    return s->create_file(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                          FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

int reparse_shim_make_stub(const WCHAR *path, uint64_t size, const uint8_t *buf, size_t len)
{
    const reparse_shim_api *s = reparse_shim();
    FILE_END_OF_FILE_INFO eof;
    HANDLE h;
    DWORD got = 0;
    BOOL ok;
    if (!s || (h = open_point(s, path, GENERIC_READ | GENERIC_WRITE)) == INVALID_HANDLE_VALUE)
        return -1;
    eof.EndOfFile.QuadPart = (LONGLONG)size;
    ok = SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof) &&
         s->ioctl(h, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &got, NULL) &&
         s->ioctl(h, FSCTL_SET_REPARSE_POINT, (void *)buf, (DWORD)len, NULL, 0, &got, NULL);
    s->close(h);
    return ok ? 0 : -1;
}

DWORD reparse_shim_attributes(const WCHAR *path)
{
    const reparse_shim_api *s = reparse_shim();
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h;
    BOOL ok;
    if (!s || (h = open_point(s, path, 0)) == INVALID_HANDLE_VALUE)
        return INVALID_FILE_ATTRIBUTES;
    ok = s->information(h, &info);
    s->close(h);
    return ok ? info.dwFileAttributes : INVALID_FILE_ATTRIBUTES;
}

size_t reparse_shim_get(const WCHAR *path, uint8_t *out, size_t cap)
{
    const reparse_shim_api *s = reparse_shim();
    HANDLE h;
    DWORD got = 0;
    BOOL ok;
    if (!s || (h = open_point(s, path, GENERIC_READ)) == INVALID_HANDLE_VALUE)
        return 0;
    ok = s->ioctl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, out, (DWORD)cap, &got, NULL);
    s->close(h);
    return ok ? got : 0;
}
