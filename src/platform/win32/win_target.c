/*
 * win_target.c - ddp_target over Windows files (see win_target.h for the two modes).
 *
 * No data is lost on failure: in reparse mode the reparse point is deleted only in
 * commit(), after the engine verified every byte and the content was flushed; abandon()
 * (or a failing commit of that file) turns the written range back into sparse zeros,
 * which is what the stub's $DATA held. In stub-file mode the stub is never written: the
 * flushed temporary file replaces it in commit() or is deleted. Flushing in commit(),
 * all flushes then all renames, was the fastest order measured (BENCHMARKS.md, durability
 * of a batch). Every Win32 call per file, what it is for and what it costs under Wine:
 * docs/WIN32_CALLS.md (and BENCHMARKS.md, issue 14).
 */
#include <windows.h>
#include <winioctl.h>
#include <stddef.h>
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

/* The write handles of files being written form a cache of WIN_TARGET_OPEN_HANDLES; a
 * finished file's handle has left it (finish) and stays open until its commit. */
static void close_file(win_target *t, win_target_file *f)
{
    if (f->handle != INVALID_HANDLE_VALUE) {
        CloseHandle(f->handle);
        f->handle = INVALID_HANDLE_VALUE;
        if (f->state != DDP_FILE_COMMITTING)
            t->open_count--;
    }
}

/* Closes the least recently used handle of a file being written when the cache is full. */
static void make_room(win_target *t)
{
    win_target_file *victim = NULL;
    if (t->open_count < WIN_TARGET_OPEN_HANDLES)
        return;
    for (uint32_t i = 0; i < t->n; i++) {
        win_target_file *f = &t->files[i];
        if (f->handle != INVALID_HANDLE_VALUE && f->state != DDP_FILE_COMMITTING &&
            (!victim || f->last_use < victim->last_use))
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

/* The write handle of f, opened (or created, the first time in stub-file mode) on demand;
 * in stub-file mode with DELETE access: commit() renames the file through it. */
static ddp_status write_handle(win_target *t, win_target_file *f, DWORD disposition, HANDLE *out)
{
    if (f->handle == INVALID_HANDLE_VALUE) {
        DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (t->stub_files ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
        DWORD access = GENERIC_READ | GENERIC_WRITE | (t->stub_files ? DELETE : 0);
        if (f->state != DDP_FILE_COMMITTING)
            make_room(t);
        f->handle = CreateFileW(f->write_path, access, FILE_SHARE_READ, NULL, disposition, flags, NULL);
        if (f->handle == INVALID_HANDLE_VALUE)
            return status_from_win32(GetLastError());
        if (f->state != DDP_FILE_COMMITTING)
            t->open_count++;
        f->pos = 0;
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
 * or keep the stub (stub-file mode replaces the name by a move). FileStandardInfo, not
 * GetFileInformationByHandle: that one also asks for the volume's serial number, which
 * Wine answers through its mount manager (docs/WIN32_CALLS.md). */
static ddp_status check_single_file(HANDLE h, FILE_STANDARD_INFO *info)
{
    FILE_STANDARD_INFO own;
    if (!info)
        info = &own;
    if (!GetFileInformationByHandleEx(h, FileStandardInfo, info, sizeof *info))
        return status_from_win32(GetLastError());
    if (info->Directory)
        return DDP_ERR_IS_DIRECTORY;
    return info->NumberOfLinks > 1 ? DDP_ERR_HARD_LINK : DDP_OK;
}

/* The stub's creation, last-access and last-write times, which the restored file keeps. */
static ddp_status keep_times(HANDLE h, win_target_file *f)
{
    if (!GetFileInformationByHandleEx(h, FileBasicInfo, &f->times, sizeof f->times))
        return status_from_win32(GetLastError());
    f->times.ChangeTime.QuadPart = 0;   /* change time and attributes 0: left as they are */
    f->times.FileAttributes = 0;
    return DDP_OK;
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
    DWORD got = 0;
    HANDLE h;
    BOOL ok;
    ddp_status st;

    h = open_for_read(f->write_path, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    st = check_single_file(h, NULL);
    if (st == DDP_OK)
        st = keep_times(h, f);
    if (st != DDP_OK) {
        CloseHandle(h);
        return st;
    }
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
static ddp_status read_stub_file(win_target *t, uint32_t i, uint8_t *buf, size_t cap, size_t *len)
{
    win_target_file *f = &t->files[i];
    FILE_STANDARD_INFO info;
    LARGE_INTEGER size;
    DWORD got = 0;
    HANDLE h;
    ddp_status st;

    /* backup semantics: a directory opens too, and is told apart by check_single_file */
    h = open_for_read(f->long_path, FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE)
        return status_from_win32(GetLastError());
    st = check_single_file(h, &info);
    if (st == DDP_OK)
        st = keep_times(h, f);
    if (st != DDP_OK) {
        CloseHandle(h);
        return st;
    }
    free(f->write_path);    /* the temporary file's name: the call's id and the file's number */
    f->write_path = win_temp_path(f->path, t->call_id, i);
    if (!f->write_path) {
        CloseHandle(h);
        return DDP_ERR_NO_MEMORY;
    }
    /* the size came with the link check's answer: no GetFileSizeEx (docs/WIN32_CALLS.md) */
    size = info.EndOfFile;
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
    return t->stub_files ? read_stub_file(t, i, buf, cap, len) : read_reparse_point(f, buf, cap, len);
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
    f->written_end = 0;
    /* the new temporary file is empty: finish() sets its size when the writes stop short
     * of it (trailing zeros are never written); a stub's $DATA gets its size now */
    return t->stub_files ? DDP_OK : set_size(h, size);
}

/* One WriteFile of len bytes at offset. At the file pointer it goes without an OVERLAPPED:
 * Wine posts a completion for every write that has one (one more wineserver request);
 * elsewhere (a range skipped or written out of order) with one, after which the pointer
 * is no longer counted on. */
static ddp_status write_at(win_target_file *f, HANDLE h, uint64_t offset, const uint8_t *data, DWORD len)
{
    DWORD done = 0;
    BOOL ok;
    if (offset == f->pos) {
        ok = WriteFile(h, data, len, &done, NULL);
        f->pos = offset + done;
    } else {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)offset;
        ov.OffsetHigh = (DWORD)(offset >> 32);
        ok = WriteFile(h, data, len, &done, &ov);
        f->pos = UINT64_MAX;
    }
    return ok && done == len ? DDP_OK : DDP_ERR_IO;
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
    if (st == DDP_OK && offset + len > f->written_end)
        f->written_end = offset + len;
    while (st == DDP_OK && len > 0) {
        DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len;
        st = write_at(f, h, offset, data, chunk);
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

/* The content is complete (writes stay inside the size; in stub-file mode the size is
 * set here when the writes did not reach it): the file waits for the next commit(), its
 * handle kept open for it (out of the cache: at most DDP_COMMIT_BATCH such handles). */
static ddp_status target_finish(void *ctx, uint32_t i)
{
    win_target *t = ctx;
    win_target_file *f = file_at(t, i);
    HANDLE h;

    if (!f || f->state != DDP_FILE_BEGUN)
        return DDP_ERR_INVALID_ARG;
    if (t->stub_files && f->written_end < f->size) {
        ddp_status st = write_handle(t, f, OPEN_EXISTING, &h);
        if (st == DDP_OK)
            st = set_size(h, f->size);
        if (st != DDP_OK) {
            undo_file(t, f);    /* no abandon() after a failed finish: the stub stays */
            return st;
        }
    }
    if (f->handle != INVALID_HANDLE_VALUE)
        t->open_count--;
    f->state = DDP_FILE_COMMITTING;
    return DDP_OK;
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

/* On the write handle kept since finish (opened again only when the cache had closed it
 * before the file was finished): the stub's times put back (writing the content changed
 * them), FlushFileBuffers; in reparse mode the reparse point then goes through the same
 * handle. The handle stays open (closed by the caller, or by undo_file on failure). */
static ddp_status flush_file(win_target *t, win_target_file *f)
{
    HANDLE h;
    ddp_status st = write_handle(t, f, OPEN_EXISTING, &h);
    if (st != DDP_OK)
        return st;
    if (!SetFileInformationByHandle(h, FileBasicInfo, &f->times, sizeof f->times))
        return status_from_win32(GetLastError());
    if (!FlushFileBuffers(h))
        return status_from_win32(GetLastError());
    return t->stub_files ? DDP_OK : delete_reparse_point(h);
}

/* Stub-file mode: the flushed temporary file replaces its stub, renamed through its own
 * handle (MoveFileExW would open it again by name). Made durable by the folder's flush
 * (flush_folders), as the move was under Wine, which ignores MOVEFILE_WRITE_THROUGH. */
static ddp_status replace_stub(win_target_file *f)
{
    size_t len = wcslen(f->long_path);
    DWORD bytes = (DWORD)(offsetof(FILE_RENAME_INFO, FileName) + (len + 1) * sizeof(WCHAR));
    FILE_RENAME_INFO *info = calloc(1, bytes);
    ddp_status st = DDP_OK;
    if (!info)
        return DDP_ERR_NO_MEMORY;
    info->ReplaceIfExists = TRUE;
    info->RootDirectory = NULL;
    info->FileNameLength = (DWORD)(len * sizeof(WCHAR));
    memcpy(info->FileName, f->long_path, (len + 1) * sizeof(WCHAR));
    if (!SetFileInformationByHandle(f->handle, FileRenameInfo, info, bytes))
        st = status_from_win32(GetLastError());
    free(info);
    return st;
}

static int folder_cmp(const void *a, const void *b)
{
    return wcscmp(*(WCHAR *const *)a, *(WCHAR *const *)b);
}

/* One FlushFileBuffers per distinct folder of the files moved in this commit (best
 * effort: a file system that refuses it for a folder keeps the renames in its own log;
 * stub-file mode is Wine's and the tests', where it is an fsync of the folder). */
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
 * stub-file mode renamed over its stub and the folders flushed; each reported once. */
static ddp_status target_commit(void *ctx, done_fn done, void *arg)
{
    win_target *t = ctx;
    for (uint32_t i = 0; i < t->n; i++) {
        win_target_file *f = &t->files[i];
        ddp_status st;
        if (f->state != DDP_FILE_COMMITTING)
            continue;
        st = flush_file(t, f);
        if (st != DDP_OK) {
            commit_failed(t, i, st, done, arg);
        } else if (!t->stub_files) {
            close_file(t, f);
            committed(f, i, done, arg);
        }
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
            st = DDP_OK;                /* the rename reports a stub that is gone */
        if (st == DDP_OK)
            st = replace_stub(f);
        if (st != DDP_OK) {
            commit_failed(t, i, st, done, arg);
        } else {
            close_file(t, f);
            f->moved = 1;
        }
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
