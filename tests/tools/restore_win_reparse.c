/*
 * restore_win_reparse.c - ddp-restore.exe with real dedup reparse points, under Wine.
 * This test program is the tool (its main renamed ddp_restore_main, see
 * tests/tools/CMakeLists.txt) linked with tests/com/reparse_shim.c and -Wl,--wrap on the
 * file-system imports, as DdpBackupReparse.dll is: Wine's files then get NTFS's reparse
 * points. Before the tool runs, each file named in DDP_TEST_SHIM_STUBS (';'-separated, raw
 * stub files as ddp-mkstore --stubs raw writes them) becomes what the dedup filter leaves:
 * a sparse file of the logical size, all zeros, with the dedup reparse point. After it,
 * one line per such file on stdout: "POINT path" when it still has its reparse point,
 * "PLAIN path" when not. The arguments are the tool's.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ddp/reparse.h"

#undef main
int ddp_restore_main(void);

static uint8_t *read_all(const WCHAR *path, DWORD *len)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    uint8_t *buf = malloc(DDP_REPARSE_MAX_BUFFER);
    *len = 0;
    if (h == INVALID_HANDLE_VALUE || !buf || !ReadFile(h, buf, DDP_REPARSE_MAX_BUFFER, len, NULL)) {
        free(buf);
        buf = NULL;
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    return buf;
}

static HANDLE open_point(const WCHAR *path, DWORD access)
{
    return CreateFileW(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                       FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

/* The raw stub at path becomes a sparse file of zeros with the reparse point. */
static int make_stub(const WCHAR *path)
{
    DWORD len, got = 0;
    uint8_t *buf = read_all(path, &len);
    ddp_reparse r;
    ddp_diag diag;
    FILE_END_OF_FILE_INFO eof;
    HANDLE h;
    int ok;
    memset(&diag, 0, sizeof diag);
    if (!buf || ddp_reparse_parse(buf, len, &r, &diag) != DDP_OK || (h = open_point(path, GENERIC_READ | GENERIC_WRITE)) == INVALID_HANDLE_VALUE) {
        free(buf);
        return -1;
    }
    eof.EndOfFile.QuadPart = 0;
    ok = SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof) &&
         DeviceIoControl(h, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &got, NULL);
    eof.EndOfFile.QuadPart = (LONGLONG)r.logical_size;
    ok = ok && SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof) &&
         DeviceIoControl(h, FSCTL_SET_REPARSE_POINT, buf, len, NULL, 0, &got, NULL);
    CloseHandle(h);
    free(buf);
    return ok ? 0 : -1;
}

static int has_point(const WCHAR *path)
{
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    DWORD got = 0;
    HANDLE h = open_point(path, GENERIC_READ);
    BOOL ok = h != INVALID_HANDLE_VALUE && DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf, sizeof buf, &got, NULL);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    return ok;
}

/* The next ';'-separated name of *cursor, or NULL at the end (the list is cut in place). */
static WCHAR *next_name(WCHAR **cursor)
{
    WCHAR *name = *cursor, *end;
    if (!name || !*name)
        return NULL;
    end = wcschr(name, L';');
    if (end) {
        *end = 0;
        *cursor = end + 1;
    } else {
        *cursor = NULL;
    }
    return name;
}

int main(void)
{
    WCHAR list[32768], *cursor = list, *p;
    DWORD n = GetEnvironmentVariableW(L"DDP_TEST_SHIM_STUBS", list, sizeof list / sizeof list[0]);
    int rc;
    if (n == 0 || n >= sizeof list / sizeof list[0]) {
        fprintf(stderr, "DDP_TEST_SHIM_STUBS is not set\n");
        return 99;
    }
    while ((p = next_name(&cursor)) != NULL)
        if (make_stub(p) < 0) {
            fprintf(stderr, "cannot make a stub of %ls\n", p);
            return 99;
        }
    rc = ddp_restore_main();
    fflush(stdout);
    GetEnvironmentVariableW(L"DDP_TEST_SHIM_STUBS", list, sizeof list / sizeof list[0]);
    cursor = list;
    while ((p = next_name(&cursor)) != NULL)
        printf("%s %ls\n", has_point(p) ? "POINT" : "PLAIN", p);
    return rc;
}
