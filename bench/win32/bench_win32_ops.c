/*
 * bench_win32_ops.c - microseconds per Win32 file operation, the pieces a restored file
 * costs the DLL (issue 14, docs/WIN32_CALLS.md): opening and closing an existing file, the
 * same with one GetFileInformationByHandleEx(FileStandardInfo) or one
 * GetFileInformationByHandle (which also asks for the volume), creating a file of a new
 * name (under Wine a listing of the folder), and a 10 KB write with FlushFileBuffers.
 * Each is done N times in a scratch folder that holds M other files, so runs with
 * different M show what the folder's size adds. Under Wine most of these are wineserver
 * round trips (bench/win32-calls.sh counts them).
 *
 *   ddp-bench-win32-ops.exe FOLDER [N] [M]     (defaults 1000, 100; FOLDER is created
 *                                               and emptied of what the run made)
 * Exits 1 when any operation fails (so the --quick smoke run is a test).
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define PATH_CAP 1024

static double seconds(void)
{
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
}

static void name(WCHAR *out, const WCHAR *folder, const WCHAR *form, int i)
{
    WCHAR leaf[64];
    swprintf(leaf, 64, form, i);
    swprintf(out, PATH_CAP, L"%ls\\%ls", folder, leaf);
}

static HANDLE open_existing(const WCHAR *path)
{
    return CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

/* One operation on file i (0..m-1 exist); 0 on failure. */
typedef int (*op_fn)(const WCHAR *folder, int i, int m);

static int op_open_close(const WCHAR *folder, int i, int m)
{
    WCHAR p[PATH_CAP];
    HANDLE h;
    name(p, folder, L"f%07d.bin", i % m);
    h = open_existing(p);
    return h != INVALID_HANDLE_VALUE && CloseHandle(h);
}

static int op_open_standard_close(const WCHAR *folder, int i, int m)
{
    WCHAR p[PATH_CAP];
    FILE_STANDARD_INFO info;
    HANDLE h;
    int ok;
    name(p, folder, L"f%07d.bin", i % m);
    if ((h = open_existing(p)) == INVALID_HANDLE_VALUE)
        return 0;
    ok = GetFileInformationByHandleEx(h, FileStandardInfo, &info, sizeof info) != 0;
    return CloseHandle(h) && ok;
}

static int op_open_by_handle_close(const WCHAR *folder, int i, int m)
{
    WCHAR p[PATH_CAP];
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h;
    int ok;
    name(p, folder, L"f%07d.bin", i % m);
    if ((h = open_existing(p)) == INVALID_HANDLE_VALUE)
        return 0;
    ok = GetFileInformationByHandle(h, &info) != 0;
    return CloseHandle(h) && ok;
}

static int op_create_close_delete(const WCHAR *folder, int i, int m)
{
    WCHAR p[PATH_CAP];
    HANDLE h;
    (void)m;
    name(p, folder, L".new-%07d", i);
    h = CreateFileW(p, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW, 0, NULL);
    return h != INVALID_HANDLE_VALUE && CloseHandle(h) && DeleteFileW(p);
}

static HANDLE flush_handle = INVALID_HANDLE_VALUE;

static int op_write_flush(const WCHAR *folder, int i, int m)
{
    static char data[10000];
    LARGE_INTEGER zero;
    DWORD done = 0;
    (void)folder, (void)i, (void)m;
    zero.QuadPart = 0;
    return SetFilePointerEx(flush_handle, zero, NULL, FILE_BEGIN) &&
           WriteFile(flush_handle, data, sizeof data, &done, NULL) && done == sizeof data &&
           FlushFileBuffers(flush_handle);
}

static int run(const char *what, op_fn op, const WCHAR *folder, int n, int m)
{
    double t0 = seconds();
    for (int i = 0; i < n; i++) {
        if (!op(folder, i, m)) {
            fprintf(stderr, "ddp-bench-win32-ops: %s failed (error %lu)\n", what, (unsigned long)GetLastError());
            return 0;
        }
    }
    printf("  %8.1f us  %s\n", (seconds() - t0) / n * 1e6, what);
    return 1;
}

int main(int argc, char **argv)
{
    WCHAR folder[PATH_CAP], p[PATH_CAP];
    int n, m, ok = 1;
    if (argc < 2 || MultiByteToWideChar(CP_ACP, 0, argv[1], -1, folder, PATH_CAP) == 0) {
        fprintf(stderr, "usage: ddp-bench-win32-ops FOLDER [N] [M]\n");
        return 2;
    }
    n = argc > 2 ? atoi(argv[2]) : 1000;
    m = argc > 3 ? atoi(argv[3]) : 100;
    if (n < 1 || m < 1) {
        fprintf(stderr, "ddp-bench-win32-ops: N and M must be positive\n");
        return 2;
    }
    CreateDirectoryW(folder, NULL);
    for (int i = 0; ok && i < m; i++) {
        HANDLE h;
        name(p, folder, L"f%07d.bin", i);
        h = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
        ok = h != INVALID_HANDLE_VALUE && CloseHandle(h);
    }
    name(p, folder, L"flush-%07d.bin", 0);
    flush_handle = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok = ok && flush_handle != INVALID_HANDLE_VALUE;
    printf("microseconds per operation, %d of each, in a folder of %d files:\n", n, m);
    ok = ok && run("CreateFileW (existing) + CloseHandle", op_open_close, folder, n, m);
    ok = ok && run("  + GetFileInformationByHandleEx(FileStandardInfo)", op_open_standard_close, folder, n, m);
    ok = ok && run("  + GetFileInformationByHandle", op_open_by_handle_close, folder, n, m);
    ok = ok && run("CreateFileW (new name) + CloseHandle + DeleteFileW", op_create_close_delete, folder, n, m);
    ok = ok && run("WriteFile 10 KB + FlushFileBuffers", op_write_flush, folder, n, m);
    if (flush_handle != INVALID_HANDLE_VALUE)
        CloseHandle(flush_handle);
    DeleteFileW(p);
    for (int i = 0; i < m; i++) {
        name(p, folder, L"f%07d.bin", i);
        DeleteFileW(p);
    }
    RemoveDirectoryW(folder);
    return ok ? 0 : 1;
}
