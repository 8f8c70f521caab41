/*
 * win_target.c - ddp_target over Windows files (see win_target.h for the two modes).
 *
 * No data is lost on failure: in reparse mode the reparse point is deleted only in
 * commit(), after the engine verified every byte and the content was flushed; abandon()
 * (or a failing commit of that file) turns the written range back into sparse zeros,
 * which is what the stub's $DATA held. In stub-file mode the stub is never written: the
 * flushed temporary file replaces it in commit() or is deleted. Flushing in commit(),
 * all flushes then all moves, was the fastest order measured (BENCHMARKS.md, durability
 * of a batch).
 */
#include <windows.h>
#include <winioctl.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ddp/reparse.h"
#include "win_target.h"
#include "win_temp_name.h"

#ifndef IO_REPARSE_TAG_DEDUP
#define IO_REPARSE_TAG_DEDUP 0x80000013L
#endif

#ifndef ERROR_DIRECTORY_NOT_SUPPORTED
#define ERROR_DIRECTORY_NOT_SUPPORTED 336L
#endif

static ddp_status status_from_win32(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_BAD_NETPATH:
        return DDP_ERR_NOT_FOUND;
    case ERROR_NOT_A_REPARSE_POINT:
        return DDP_ERR_NOT_REPARSE;
    case ERROR_ACCESS_DENIED:
        return DDP_ERR_ACCESS_DENIED;
    case ERROR_DIRECTORY:
    case ERROR_DIRECTORY_NOT_SUPPORTED:
        return DDP_ERR_IS_DIRECTORY;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return DDP_ERR_NO_MEMORY;
    default:
        return DDP_ERR_IO;
    }
}

static win_target_file *file_at(win_target *t, uint32_t i)
{
    return i < t->n ? &t->files[i] : NULL;
}

static void close_file(win_target *t, win_target_file *f)
{
    if (f->handle != INVALID_HANDLE_VALUE) {
        CloseHandle(f->handle);
        f->handle = INVALID_HANDLE_VALUE;
        t->open_count--;
    }
}

/* Closes the least recently used handle when the cache is full. */
static void make_room(win_target *t)
{
    win_target_file *victim = NULL;
    if (t->open_count < WIN_TARGET_OPEN_HANDLES)
        return;
    for (uint32_t i = 0; i < t->n; i++) {
        win_target_file *f = &t->files[i];
        if (f->handle != INVALID_HANDLE_VALUE && (!victim || f->last_use < victim->last_use))
            victim = f;
    }
    if (victim)
        close_file(t, victim);
}

static HANDLE open_for_read(const WCHAR *path, DWORD flags)
{
    return CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, flags, NULL);
}

/* The write handle of f, opened (or created, the first time in stub-file mode) on demand. */
static ddp_status write_handle(win_target *t, win_target_file *f, DWORD disposition, HANDLE *out)
{
    if (f->handle == INVALID_HANDLE_VALUE) {
        DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (t->stub_files ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
        make_room(t);
        f->handle = CreateFileW(f->write_path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, disposition,
                                flags, NULL);
        if (f->handle == INVALID_HANDLE_VALUE)
            return status_from_win32(GetLastError());
        t->open_count++;
    }
    f->last_use = ++t->clock;
    *out = f->handle;
    return DDP_OK;
}

static ddp_status set_size(HANDLE h, uint64_t size)
{
    FILE_END_OF_FILE_INFO eof;
    eof.EndOfFile.QuadPart = (LONGLONG)size;
    return SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof) ? DDP_OK
                                                                              : status_from_win32(GetLastError());
}

/* A file to restore must be one file with one name: not a directory, and without other
 * hard links, whose content would change with it (reparse mode writes $DATA in place)
 * or keep the stub (stub-file mode replaces the name by a move). */
static ddp_status check_single_file(HANDLE h, BY_HANDLE_FILE_INFORMATION *info)
{
    BY_HANDLE_FILE_INFORMATION own;
    if (!info)
        info = &own;
    if (!GetFileInformationByHandle(h, info))
        return status_from_win32(GetLastError());
    if (info->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        return DDP_ERR_IS_DIRECTORY;
    return info->nNumberOfLinks > 1 ? DDP_ERR_HARD_LINK : DDP_OK;
}

/* The stub's creation, last-access and last-write times, which the restored file keeps. */
static void keep_times(win_target_file *f, const BY_HANDLE_FILE_INFORMATION *info)
{
    memset(&f->times, 0, sizeof f->times);   /* change time and attributes 0: left as they are */
    f->times.CreationTime.LowPart = info->ftCreationTime.dwLowDateTime;
    f->times.CreationTime.HighPart = (LONG)info->ftCreationTime.dwHighDateTime;
    f->times.LastAccessTime.LowPart = info->ftLastAccessTime.dwLowDateTime;
    f->times.LastAccessTime.HighPart = (LONG)info->ftLastAccessTime.dwHighDateTime;
    f->times.LastWriteTime.LowPart = info->ftLastWriteTime.dwLowDateTime;
    f->times.LastWriteTime.HighPart = (LONG)info->ftLastWriteTime.dwHighDateTime;
}

/* check_single_file of path (stub-file mode, just before the move replaces the stub). */
static ddp_status check_single_path(const WCHAR *path)
{
    HANDLE h = open_for_read(path, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT);
    ddp_status st;
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    st = check_single_file(h, NULL);
    CloseHandle(h);
    return st;
}

static ddp_status read_reparse_point(win_target_file *f, uint8_t *buf, size_t cap, size_t *len)
{
    BY_HANDLE_FILE_INFORMATION info;
    DWORD got = 0;
    HANDLE h;
    BOOL ok;
    ddp_status st;

    h = open_for_read(f->write_path, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    st = check_single_file(h, &info);
    if (st != DDP_OK) {
        CloseHandle(h);
        return st;
    }
    keep_times(f, &info);
    ok = DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf, (DWORD)cap, &got, NULL);
    if (!ok) {
        DWORD err = GetLastError();
        CloseHandle(h);
        return status_from_win32(err);
    }
    CloseHandle(h);
    *len = got;
    return DDP_OK;
}

/* Stub-file mode: the whole (small) file is the reparse buffer, however short: whether
 * it carries the dedup tag and is well-formed is the engine's to say (a stub cut short
 * fails with DDP_E_INVALID_DATA, it is never "not deduplicated"). */
static ddp_status read_stub_file(win_target *t, win_target_file *f, uint8_t *buf, size_t cap, size_t *len)
{
    BY_HANDLE_FILE_INFORMATION info;
    LARGE_INTEGER size;
    DWORD got = 0;
    HANDLE h;
    ddp_status st;

    /* backup semantics: a directory opens too, and is told apart by check_single_file */
    h = open_for_read(f->long_path, FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    st = check_single_file(h, &info);
    if (st != DDP_OK) {
        CloseHandle(h);
        return st;
    }
    keep_times(f, &info);
    free(f->write_path);    /* the temporary file's name comes from the stub's identity */
    f->write_path = win_temp_path(f->path, t->call_id,
                                  (uint64_t)info.nFileIndexHigh << 32 | info.nFileIndexLow);
    if (!f->write_path) {
        CloseHandle(h);
        return DDP_ERR_NO_MEMORY;
    }
    /* the size came with the link check's answer: no GetFileSizeEx (docs/WIN32_CALLS.md) */
    size.HighPart = (LONG)info.nFileSizeHigh;
    size.LowPart = info.nFileSizeLow;
    if (size.QuadPart == 0 || (uint64_t)size.QuadPart > cap) {
        CloseHandle(h);
        return DDP_ERR_NOT_REPARSE;
    }
    if (!ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart) {
        CloseHandle(h);
        return DDP_ERR_IO;
    }
    CloseHandle(h);
    *len = got;
    return DDP_OK;
}

static ddp_status target_read_reparse(void *ctx, uint32_t i, uint8_t *buf, size_t cap, size_t *len)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);
    if (!f || !f->long_path)
        return DDP_ERR_INVALID_ARG;
    return t->stub_files ? read_stub_file(t, f, buf, cap, len) : read_reparse_point(f, buf, cap, len);
}

static ddp_status target_begin(void *ctx, uint32_t i, uint64_t size)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);
    HANDLE h;
    ddp_status st;

    if (!f || !ddp_file_may_begin(f->state) || !f->write_path)
        return DDP_ERR_INVALID_ARG;
    st = write_handle(t, f, t->stub_files ? CREATE_ALWAYS : OPEN_EXISTING, &h);
    if (st == DDP_OK && !t->stub_files)
        st = check_single_file(h, NULL); /* again: nothing is written into a file that got a link */
    if (st != DDP_OK) {
        close_file(t, f);
        return st;
    }
    f->state = DDP_FILE_BEGUN;
    f->size = size;
    return set_size(h, size);
}

static ddp_status target_write(void *ctx, uint32_t i, uint64_t offset, const uint8_t *data, size_t len)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);
    HANDLE h;
    ddp_status st;

    if (!f || f->state != DDP_FILE_BEGUN || offset > f->size || len > f->size - offset)
        return DDP_ERR_INVALID_ARG;
    st = write_handle(t, f, OPEN_EXISTING, &h);
    while (st == DDP_OK && len > 0) {
        OVERLAPPED ov;
        DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len, done = 0;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)offset;
        ov.OffsetHigh = (DWORD)(offset >> 32);
        if (!WriteFile(h, data, chunk, &done, &ov) || done != chunk)
            return DDP_ERR_IO;
        data += chunk;
        offset += chunk;
        len -= chunk;
    }
    return st;
}

static ddp_status delete_reparse_point(HANDLE h)
{
    REPARSE_GUID_DATA_BUFFER header;
    DWORD got = 0;
    memset(&header, 0, sizeof header);
    header.ReparseTag = IO_REPARSE_TAG_DEDUP;
    /* Microsoft tags take the 8-byte REPARSE_DATA_BUFFER header with no data. */
    if (!DeviceIoControl(h, FSCTL_DELETE_REPARSE_POINT, &header, 8, NULL, 0, &got, NULL))
        return status_from_win32(GetLastError());
    return DDP_OK;
}

/* The content is complete (begin() set the size, writes stay inside it): the file waits,
 * closed, for the next commit(). */
static ddp_status target_finish(void *ctx, uint32_t i)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);

    if (!f || f->state != DDP_FILE_BEGUN)
        return DDP_ERR_INVALID_ARG;
    close_file(t, f);
    f->state = DDP_FILE_COMMITTING;
    return DDP_OK;
}

/* What abandon() leaves: the stub (stub-file mode) or sparse zeros under the reparse point. */
static void undo_file(win_target *t, win_target_file *f)
{
    HANDLE h;
    if (t->stub_files) {
        close_file(t, f);
        DeleteFileW(f->write_path);
    } else if (write_handle(t, f, OPEN_EXISTING, &h) == DDP_OK) {
        FILE_ZERO_DATA_INFORMATION zero;
        DWORD got = 0;
        zero.FileOffset.QuadPart = 0;
        zero.BeyondFinalZero.QuadPart = (LONGLONG)f->size;
        DeviceIoControl(h, FSCTL_SET_ZERO_DATA, &zero, sizeof zero, NULL, 0, &got, NULL);
        close_file(t, f);
    }
    f->state = DDP_FILE_ABANDONED;
    f->moved = 0;
}

static void target_abandon(void *ctx, uint32_t i)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);
    if (f && (f->state == DDP_FILE_BEGUN || f->state == DDP_FILE_COMMITTING))
        undo_file(t, f);
}

typedef void (*done_fn)(void *arg, uint32_t file, ddp_status st);

static void commit_failed(win_target *t, uint32_t i, ddp_status st, done_fn done, void *arg)
{
    undo_file(t, &t->files[i]);
    done(arg, i, st);
}

/* On a fresh handle (the write handle was closed in finish): the stub's times put back
 * (writing the content changed them), FlushFileBuffers; in reparse mode the reparse point
 * then goes through the same handle. */
static ddp_status flush_file(win_target *t, win_target_file *f)
{
    DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (t->stub_files ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
    HANDLE h = CreateFileW(f->write_path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, flags,
                           NULL);
    ddp_status st = DDP_OK;
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    if (!SetFileInformationByHandle(h, FileBasicInfo, &f->times, sizeof f->times))
        st = status_from_win32(GetLastError());
    if (st == DDP_OK && !FlushFileBuffers(h))
        st = status_from_win32(GetLastError());
    if (st == DDP_OK && !t->stub_files)
        st = delete_reparse_point(h);
    CloseHandle(h);
    return st;
}

static int folder_cmp(const void *a, const void *b)
{
    return wcscmp(*(WCHAR *const *)a, *(WCHAR *const *)b);
}

/* One FlushFileBuffers per distinct folder of the files moved in this commit (best
 * effort: Windows may refuse it for a folder, where write-through already did the work). */
static void flush_folders(win_target *t)
{
    WCHAR **folders = calloc(t->n ? t->n : 1, sizeof *folders);
    uint32_t m = 0;
    if (!folders)
        return;
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->files[i].moved && (folders[m] = win_folder_of(t->files[i].long_path)) != NULL)
            m++;
    }
    qsort(folders, m, sizeof *folders, folder_cmp);
    for (uint32_t k = 0; k < m; k++) {
        HANDLE h;
        if (k > 0 && wcscmp(folders[k], folders[k - 1]) == 0)
            continue;
        h = CreateFileW(folders[k], GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            FlushFileBuffers(h);
            CloseHandle(h);
        }
    }
    for (uint32_t k = 0; k < m; k++)
        free(folders[k]);
    free(folders);
}

static void committed(win_target_file *f, uint32_t i, done_fn done, void *arg)
{
    f->state = DDP_FILE_DONE;
    f->moved = 0;
    done(arg, i, DDP_OK);
}

/* Every finished file: flushed (in reparse mode its reparse point then deleted), then in
 * stub-file mode moved over its stub and the folders flushed; each reported once. */
static ddp_status target_commit(void *ctx, done_fn done, void *arg)
{
    win_target *t = ctx;
    for (uint32_t i = 0; i < t->n; i++) {
        win_target_file *f = &t->files[i];
        ddp_status st;
        if (f->state != DDP_FILE_COMMITTING)
            continue;
        st = flush_file(t, f);
        if (st != DDP_OK)
            commit_failed(t, i, st, done, arg);
        else if (!t->stub_files)
            committed(f, i, done, arg);
    }
    if (!t->stub_files)
        return DDP_OK;
    for (uint32_t i = 0; i < t->n; i++) {
        win_target_file *f = &t->files[i];
        ddp_status st;
        if (f->state != DDP_FILE_COMMITTING)
            continue;
        st = check_single_path(f->long_path);
        if (st == DDP_ERR_NOT_FOUND)
            st = DDP_OK;                /* the move reports a stub that is gone */
        if (st == DDP_OK && !MoveFileExW(f->write_path, f->long_path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            st = status_from_win32(GetLastError());
        if (st != DDP_OK)
            commit_failed(t, i, st, done, arg);
        else
            f->moved = 1;
    }
    flush_folders(t);
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->files[i].moved)
            committed(&t->files[i], i, done, arg);
    }
    return DDP_OK;
}

BOOL win_target_stub_files_requested(void)
{
    WCHAR value[8];
    DWORD n = GetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", value, 8);
    return n == 1 && value[0] == L'1';
}

BOOL win_target_init(win_target *t, uint32_t n, BSTR *paths, int stub_files, int clean, ddp_target *target)
{
    memset(t, 0, sizeof *t);
    t->stub_files = stub_files;
    t->n = n;
    t->files = calloc(n ? n : 1, sizeof *t->files);
    if (!t->files)
        return FALSE;
    for (uint32_t i = 0; i < n; i++) {
        win_target_file *f = &t->files[i];
        f->handle = INVALID_HANDLE_VALUE;
        f->path = paths[i];
        /* A NULL or empty path stays without write_path: read_reparse reports it. */
        if (paths[i] && paths[i][0]) {
            f->long_path = win_usable_path(paths[i], NULL);
            if (!f->long_path) {
                win_target_cleanup(t);
                return FALSE;
            }
            if (!stub_files)
                f->write_path = f->long_path;   /* content goes into the stub itself */
        }
    }
    t->call_id = win_temp_call_begin();
    t->call_registered = 1;
    t->leftovers_removed = clean ? win_temp_clean_folders(paths, n) : 0;
    memset(target, 0, sizeof *target);
    target->ctx = t;
    target->read_reparse = target_read_reparse;
    target->begin = target_begin;
    target->write = target_write;
    target->finish = target_finish;
    target->abandon = target_abandon;
    target->commit = target_commit;
    return TRUE;
}

void win_target_cleanup(win_target *t)
{
    if (t->files) {
        for (uint32_t i = 0; i < t->n; i++) {
            target_abandon(t, i);
            close_file(t, &t->files[i]);
            if (t->files[i].write_path != t->files[i].long_path)
                free(t->files[i].write_path);
            free(t->files[i].long_path);
        }
        free(t->files);
    }
    if (t->call_registered)
        win_temp_call_end(t->call_id);
    memset(t, 0, sizeof *t);
}
