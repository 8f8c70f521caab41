/*
 * out_target.c - restored copies under --out, or the sizes only for --verify (out_target.h).
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "out_target.h"
#include "wtext.h"

#define TEMP_SUFFIX L".ddprestore-tmp"

static ddp_status status_from_win32(DWORD err)
{
    switch (err) {
    case ERROR_ACCESS_DENIED: return DDP_ERR_ACCESS_DENIED;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return DDP_ERR_NOT_FOUND;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: return DDP_ERR_NO_MEMORY;
    default: return DDP_ERR_IO;
    }
}

static WCHAR *temp_path(const WCHAR *out)
{
    WCHAR *tmp = malloc((wcslen(out) + wcslen(TEMP_SUFFIX) + 1) * sizeof(WCHAR));
    if (tmp) {
        wcscpy(tmp, out);
        wcscat(tmp, TEMP_SUFFIX);
    }
    return tmp;
}

/* Makes every folder above path (an existing one is fine). */
static void make_parents(const WCHAR *path)
{
    WCHAR *p = _wcsdup(path);
    if (!p)
        return;
    for (WCHAR *c = p + 1; *c; c++) {
        if ((*c == L'\\' || *c == L'/') && c[-1] != L':' && c[-1] != L'\\') {
            WCHAR keep = *c;
            *c = 0;
            CreateDirectoryW(p, NULL);   /* a failure shows when the file is created */
            *c = keep;
        }
    }
    free(p);
}

static ddp_status out_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    out_target *t = ctx;
    return t->source.read_reparse(t->source.ctx, file, buf, cap, len);
}

static ddp_status out_begin(void *ctx, uint32_t file, uint64_t size)
{
    out_target *t = ctx;
    WCHAR *tmp;
    LARGE_INTEGER at;
    if (file >= t->n || t->handles[file] != INVALID_HANDLE_VALUE)
        return DDP_ERR_IO;
    if (!t->out_paths) {
        t->sizes[file] = size;
        return DDP_OK;
    }
    if (!(tmp = temp_path(t->out_paths[file])))
        return DDP_ERR_NO_MEMORY;
    make_parents(tmp);
    t->handles[file] = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(tmp);
    if (t->handles[file] == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    t->sizes[file] = size;
    at.QuadPart = (LONGLONG)size;
    if (size > (uint64_t)INT64_MAX || !SetFilePointerEx(t->handles[file], at, NULL, FILE_BEGIN) ||
        !SetEndOfFile(t->handles[file]))
        return status_from_win32(GetLastError());
    return DDP_OK;
}

static ddp_status out_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    out_target *t = ctx;
    size_t done = 0;
    if (file >= t->n || offset > t->sizes[file] || len > t->sizes[file] - offset)
        return DDP_ERR_IO;
    if (!t->out_paths)
        return DDP_OK;
    if (t->handles[file] == INVALID_HANDLE_VALUE)
        return DDP_ERR_IO;
    while (done < len) {
        OVERLAPPED ov = {0};
        uint64_t at = offset + done;
        DWORD chunk = len - done > 0x40000000u ? 0x40000000u : (DWORD)(len - done), n = 0;
        ov.Offset = (DWORD)at;
        ov.OffsetHigh = (DWORD)(at >> 32);
        if (!WriteFile(t->handles[file], data + done, chunk, &n, &ov))
            return status_from_win32(GetLastError());
        if (n == 0)
            return DDP_ERR_IO;
        done += n;
    }
    return DDP_OK;
}

static void out_abandon(void *ctx, uint32_t file)
{
    out_target *t = ctx;
    WCHAR *tmp;
    if (file >= t->n || t->handles[file] == INVALID_HANDLE_VALUE)
        return;
    CloseHandle(t->handles[file]);
    t->handles[file] = INVALID_HANDLE_VALUE;
    if ((tmp = temp_path(t->out_paths[file])) != NULL)
        DeleteFileW(tmp);
    free(tmp);
}

static ddp_status out_finish(void *ctx, uint32_t file)
{
    out_target *t = ctx;
    WCHAR *tmp;
    DWORD err = 0;
    if (file >= t->n)
        return DDP_ERR_IO;
    if (!t->out_paths)
        return DDP_OK;
    if (t->handles[file] == INVALID_HANDLE_VALUE)
        return DDP_ERR_IO;
    if (!FlushFileBuffers(t->handles[file])) {
        err = GetLastError();
        out_abandon(t, file);
        return status_from_win32(err);
    }
    CloseHandle(t->handles[file]);
    t->handles[file] = INVALID_HANDLE_VALUE;
    if (!(tmp = temp_path(t->out_paths[file])))
        return DDP_ERR_NO_MEMORY;
    if (!MoveFileExW(tmp, t->out_paths[file], MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        err = GetLastError();
        DeleteFileW(tmp);
    }
    free(tmp);
    return err ? status_from_win32(err) : DDP_OK;
}

int out_target_init(out_target *t, uint32_t n, const char *const *out_paths, const ddp_target *source,
                    ddp_target *target)
{
    memset(t, 0, sizeof *t);
    memset(target, 0, sizeof *target);
    t->source = *source;
    t->n = n;
    t->handles = malloc((n ? n : 1) * sizeof *t->handles);
    for (uint32_t i = 0; t->handles && i < n; i++)
        t->handles[i] = INVALID_HANDLE_VALUE;
    t->out_paths = out_paths ? calloc(n ? n : 1, sizeof *t->out_paths) : NULL;
    t->sizes = calloc(n ? n : 1, sizeof *t->sizes);
    if ((out_paths && !t->out_paths) || !t->handles || !t->sizes) {
        out_target_cleanup(t);
        return -1;
    }
    for (uint32_t i = 0; out_paths && i < n; i++)
        if (!(t->out_paths[i] = wtext_wide(out_paths[i]))) {
            out_target_cleanup(t);
            return -1;
        }
    target->ctx = t;
    target->read_reparse = out_read_reparse;
    target->begin = out_begin;
    target->write = out_write;
    target->finish = out_finish;
    target->abandon = out_abandon;
    return 0;
}

uint64_t out_target_size(const out_target *t, uint32_t i)
{
    return i < t->n ? t->sizes[i] : 0;
}

void out_target_cleanup(out_target *t)
{
    for (uint32_t i = 0; t->handles && i < t->n; i++)
        out_abandon(t, i);
    for (uint32_t i = 0; t->out_paths && i < t->n; i++)
        free(t->out_paths[i]);
    free(t->out_paths);
    free(t->handles);
    free(t->sizes);
    memset(t, 0, sizeof *t);
}
