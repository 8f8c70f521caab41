/*
 * win_dir_backup.c - the ddp_backup read callback over a Windows folder with backup
 * semantics (win_dir_backup.h).
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "win_dir_backup.h"

#define HR_FILE_NOT_FOUND ((int32_t)0x80070002u)   /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) */
#define HR_READ_FAULT     ((int32_t)0x8007001Eu)   /* HRESULT_FROM_WIN32(ERROR_READ_FAULT) */
#define HR_ACCESS_DENIED  ((int32_t)0x80070005u)   /* E_ACCESSDENIED */
#define HR_INVALID_ARG    ((int32_t)0x80070057u)   /* E_INVALIDARG */
#define HR_OUT_OF_MEMORY  ((int32_t)0x8007000Eu)   /* E_OUTOFMEMORY */

struct win_dir_backup {
    WCHAR *root;             /* without a trailing backslash */
    char *open_path;         /* the store path of handle, or NULL */
    HANDLE handle;
};

static int32_t hr_from_win32(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_DIRECTORY:
        return HR_FILE_NOT_FOUND;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
        return HR_ACCESS_DENIED;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return HR_OUT_OF_MEMORY;
    default:
        return HR_READ_FAULT;
    }
}

/* 1 when a component of the store path is empty-safe and neither "." nor "..". */
static int path_stays_inside(const WCHAR *p)
{
    while (*p) {
        size_t n = wcscspn(p, L"\\/");
        if ((n == 1 && p[0] == L'.') || (n == 2 && p[0] == L'.' && p[1] == L'.'))
            return 0;
        p += n;
        if (*p)
            p++;
    }
    return 1;
}

/* ROOT\<path> with '/' turned into '\', prefixed \\?\ when ROOT is "X:\..." (long paths). */
static WCHAR *host_path(const WCHAR *root, const char *path)
{
    int wlen = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    size_t rlen = wcslen(root);
    int prefix = rlen >= 2 && root[1] == L':';
    WCHAR *rel, *out;
    if (wlen <= 0 || !(rel = malloc((size_t)wlen * sizeof(WCHAR))))
        return NULL;
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, rel, wlen);
    for (WCHAR *c = rel; *c; c++)
        if (*c == L'/')
            *c = L'\\';
    out = path_stays_inside(rel) ? malloc(((prefix ? 4 : 0) + rlen + 1 + (size_t)wlen) * sizeof(WCHAR)) : NULL;
    if (out) {
        const WCHAR *r = rel;
        while (*r == L'\\')
            r++;
        out[0] = 0;
        if (prefix)
            wcscat(out, L"\\\\?\\");
        wcscat(out, root);
        wcscat(out, L"\\");
        wcscat(out, r);
    }
    free(rel);
    return out;
}

static void close_open(win_dir_backup *ds)
{
    if (ds->handle != INVALID_HANDLE_VALUE)
        CloseHandle(ds->handle);
    ds->handle = INVALID_HANDLE_VALUE;
    free(ds->open_path);
    ds->open_path = NULL;
}

static int32_t open_store_file(win_dir_backup *ds, const char *path)
{
    WCHAR *host;
    BY_HANDLE_FILE_INFORMATION info;
    if (ds->open_path && !strcmp(ds->open_path, path))
        return 0;
    close_open(ds);
    if (!(host = host_path(ds->root, path)))
        return HR_FILE_NOT_FOUND;
    ds->handle = CreateFileW(host, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(host);
    if (ds->handle == INVALID_HANDLE_VALUE)
        return hr_from_win32(GetLastError());
    if (!GetFileInformationByHandle(ds->handle, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        close_open(ds);     /* backup semantics opens folders too: a folder is no store file */
        return HR_FILE_NOT_FOUND;
    }
    if (!(ds->open_path = _strdup(path))) {
        close_open(ds);
        return HR_OUT_OF_MEMORY;
    }
    return 0;
}

static int32_t store_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    win_dir_backup *ds = ctx;
    int32_t hr;
    *got = 0;
    if (!path || (!buf && size) || offset > (uint64_t)INT64_MAX)
        return HR_INVALID_ARG;
    if ((hr = open_store_file(ds, path)) != 0)
        return hr;
    while (*got < size) {
        OVERLAPPED ov = {0};
        uint64_t at = offset + *got;
        DWORD n = 0;
        ov.Offset = (DWORD)at;
        ov.OffsetHigh = (DWORD)(at >> 32);
        if (!ReadFile(ds->handle, buf + *got, size - *got, &n, &ov)) {
            DWORD err = GetLastError();
            if (err == ERROR_HANDLE_EOF)
                break;
            return hr_from_win32(err);
        }
        if (n == 0)
            break;                  /* end of file: a short read */
        *got += n;
    }
    return 0;
}

ddp_status win_dir_backup_open(const WCHAR *root, win_dir_backup **out)
{
    DWORD attr = GetFileAttributesW(root);
    win_dir_backup *ds;
    size_t len;
    *out = NULL;
    if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY))
        return DDP_ERR_NOT_FOUND;
    if (!(ds = calloc(1, sizeof *ds)) || !(ds->root = _wcsdup(root))) {
        free(ds);
        return DDP_ERR_NO_MEMORY;
    }
    len = wcslen(ds->root);
    while (len > 0 && (ds->root[len - 1] == L'\\' || ds->root[len - 1] == L'/'))
        ds->root[--len] = 0;     /* "E:\" -> "E:" */
    ds->handle = INVALID_HANDLE_VALUE;
    *out = ds;
    return DDP_OK;
}

void win_dir_backup_bind(win_dir_backup *ds, ddp_backup *store)
{
    memset(store, 0, sizeof *store);
    store->ctx = ds;
    store->read = store_read;
}

void win_dir_backup_close(win_dir_backup *ds)
{
    if (!ds)
        return;
    close_open(ds);
    free(ds->root);
    free(ds);
}
