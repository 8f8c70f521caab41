/*
 * tree.c - backing a volume up into a folder and putting it back (see tree.h).
 *
 * On Windows a dedup stub is a file with a dedup reparse point (IO_REPARSE_TAG_DEDUP);
 * we keep its reparse buffer (FSCTL_GET_REPARSE_POINT) and its logical size, and at
 * restore recreate it: a sparse file of that size, and the reparse point put back with
 * BackupWrite as a BACKUP_REPARSE_DATA stream, the way backup products restore it. Under Wine, which has no reparse points, stubs are "stub
 * files" whose content is the raw reparse buffer (DDPBACKUP_STUB_FILES=1): they are
 * recognised by their tag and copied as they are.
 *
 * Manifest lines: "D <path>", "F <path>", "S <logical size> <path>" (paths relative to
 * the volume root, UTF-8 text).
 */
#include <windows.h>
#include <winioctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "error_text.h"
#include "tree.h"

#define PATH_CHARS 1024
#define DEDUP_TAG 0x80000013u
#define REPARSE_MAX 16384

static BOOL join(WCHAR *out, const WCHAR *a, const WCHAR *b)
{
    if (wcslen(a) + wcslen(b) + 2 > PATH_CHARS)
        return FALSE;
    wcscpy(out, a);
    if (b[0]) {
        wcscat(out, L"\\");
        wcscat(out, b);
    }
    return TRUE;
}

/* The reparse buffer of a real dedup stub; 0 bytes when the file is not one. */
static DWORD read_dedup_reparse_point(const WCHAR *path, BYTE *buf)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
    DWORD got = 0;
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    if (!DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, buf, REPARSE_MAX, &got, NULL) || got < 8 ||
        *(const DWORD *)buf != DEDUP_TAG)
        got = 0;
    CloseHandle(h);
    return got;
}

/* A stub file (Wine): its content is a dedup reparse buffer, tag first, nothing after it. */
static BOOL is_stub_file(const WCHAR *path, ULONGLONG size)
{
    BYTE head[8];
    DWORD got = 0;
    HANDLE h;
    BOOL stub;

    if (size < 8 || size > REPARSE_MAX)
        return FALSE;
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    stub = ReadFile(h, head, 8, &got, NULL) && got == 8 && *(const DWORD *)head == DEDUP_TAG &&
           8u + (head[4] | (head[5] << 8)) == size;
    CloseHandle(h);
    return stub;
}

static DWORD write_file(const WCHAR *path, const BYTE *data, DWORD len)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done = 0, err = 0;
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!WriteFile(h, data, len, &done, NULL) || done != len)
        err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
    CloseHandle(h);
    return err;
}

/* One manifest line: kind, optional logical size (stubs), path; UTF-8. */
static void manifest_write(FILE *manifest, char kind, ULONGLONG size, const WCHAR *rel)
{
    char path[PATH_CHARS * 3];
    if (!WideCharToMultiByte(CP_UTF8, 0, rel, -1, path, (int)sizeof path, NULL, NULL))
        return;
    if (kind == 'S')
        fprintf(manifest, "S %llu %s\n", size, path);
    else
        fprintf(manifest, "%c %s\n", kind, path);
}

typedef struct walk {
    const WCHAR *from_root, *to_root;
    FILE *manifest;
    BOOL stub_files;
    tree_counts *counts;
} walk;

static DWORD backup_file(walk *w, const WCHAR *rel, const WIN32_FIND_DATAW *fd)
{
    WCHAR from[PATH_CHARS], to[PATH_CHARS];
    ULONGLONG size = ((ULONGLONG)fd->nFileSizeHigh << 32) | fd->nFileSizeLow;
    BYTE *reparse;
    DWORD len = 0, err = 0;
    BOOL in_store = !_wcsnicmp(rel, SAMPLE_CHUNK_STORE_DIR, wcslen(SAMPLE_CHUNK_STORE_DIR));

    if (!join(from, w->from_root, rel) || !join(to, w->to_root, rel))
        return ERROR_FILENAME_EXCED_RANGE;
    if (!in_store && (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) && fd->dwReserved0 == DEDUP_TAG) {
        reparse = malloc(REPARSE_MAX);
        if (!reparse)
            return ERROR_OUTOFMEMORY;
        len = read_dedup_reparse_point(from, reparse);
        err = len ? write_file(to, reparse, len) : ERROR_NOT_A_REPARSE_POINT;
        free(reparse);
        if (!err) {
            manifest_write(w->manifest, 'S', size, rel);
            w->counts->stubs++;
        }
        return err;
    }
    if (!CopyFileW(from, to, FALSE))
        return GetLastError();
    if (!in_store && w->stub_files && is_stub_file(from, size)) {
        manifest_write(w->manifest, 'S', 0, rel);
        w->counts->stubs++;
    } else {
        manifest_write(w->manifest, 'F', 0, rel);
        w->counts->files++;
        w->counts->bytes += size;
    }
    return 0;
}

static DWORD backup_directory(walk *w, const WCHAR *rel)
{
    WCHAR pattern[PATH_CHARS], child[PATH_CHARS], to[PATH_CHARS], text[SAMPLE_ERROR_TEXT_CHARS];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    DWORD err = 0;

    if (!join(pattern, w->from_root, rel) || wcslen(pattern) + 3 > PATH_CHARS || !join(to, w->to_root, rel))
        return ERROR_FILENAME_EXCED_RANGE;
    if (!CreateDirectoryW(to, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return GetLastError();
    wcscat(pattern, L"\\*");
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
            continue;
        if (!rel[0] && !_wcsicmp(fd.cFileName, SAMPLE_MANIFEST))
            continue;
        if (rel[0] ? !join(child, rel, fd.cFileName) : wcslen(fd.cFileName) >= PATH_CHARS)
            err = ERROR_FILENAME_EXCED_RANGE;
        else {
            if (!rel[0])
                wcscpy(child, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
                manifest_write(w->manifest, 'D', 0, child);
                w->counts->directories++;
                err = backup_directory(w, child);
            } else
                err = backup_file(w, child, &fd);
        }
        if (err)
            fwprintf(stderr, L"backup: %ls: error %lu (%ls)\n", child, (unsigned long)err,
                     sample_error_text(err, text, SAMPLE_ERROR_TEXT_CHARS));
    } while (!err && FindNextFileW(h, &fd));
    FindClose(h);
    return err;
}

DWORD tree_backup(const WCHAR *volume_root, const WCHAR *backup_root, BOOL stub_files, tree_counts *counts)
{
    WCHAR manifest_path[PATH_CHARS];
    walk w = { volume_root, backup_root, NULL, stub_files, counts };
    DWORD err;

    memset(counts, 0, sizeof *counts);
    if (!CreateDirectoryW(backup_root, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return GetLastError();
    if (!join(manifest_path, backup_root, SAMPLE_MANIFEST))
        return ERROR_FILENAME_EXCED_RANGE;
    w.manifest = _wfopen(manifest_path, L"wb");
    if (!w.manifest)
        return ERROR_CANNOT_MAKE;
    err = backup_directory(&w, L"");
    if (fclose(w.manifest) != 0 && !err)
        err = ERROR_WRITE_FAULT;
    return err;
}

/* Puts a reparse point back the way backup products do: a BACKUP_REPARSE_DATA stream
 * given to BackupWrite (a WIN32_STREAM_ID header without a name, then the buffer). */
static DWORD backup_write_reparse(HANDLE h, const BYTE *reparse, DWORD len)
{
    const DWORD header_size = (DWORD)offsetof(WIN32_STREAM_ID, cStreamName);
    WIN32_STREAM_ID header;
    BYTE *stream = malloc(header_size + len);
    void *context = NULL;
    DWORD done = 0, err = 0;

    if (!stream)
        return ERROR_OUTOFMEMORY;
    memset(&header, 0, sizeof header);
    header.dwStreamId = BACKUP_REPARSE_DATA;
    header.Size.QuadPart = len;
    memcpy(stream, &header, header_size);
    memcpy(stream + header_size, reparse, len);
    if (!BackupWrite(h, stream, header_size + len, &done, FALSE, FALSE, &context) || done != header_size + len)
        err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
    BackupWrite(h, NULL, 0, &done, TRUE, FALSE, &context);   /* releases the context */
    free(stream);
    return err;
}

/* Recreates a real stub: a sparse file of its logical size carrying the reparse point. */
static DWORD restore_reparse_point(const WCHAR *from, const WCHAR *to, ULONGLONG size)
{
    BYTE *reparse = malloc(REPARSE_MAX);
    HANDLE h;
    DWORD got = 0, err = 0;
    FILE_END_OF_FILE_INFO eof;

    if (!reparse)
        return ERROR_OUTOFMEMORY;
    h = CreateFileW(from, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE || !ReadFile(h, reparse, REPARSE_MAX, &got, NULL))
        err = GetLastError();
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (!err) {
        h = CreateFileW(to, GENERIC_READ | GENERIC_WRITE | WRITE_DAC | WRITE_OWNER, 0, NULL, CREATE_ALWAYS,
                        FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
        if (h == INVALID_HANDLE_VALUE)
            err = GetLastError();
        else {
            DWORD done = 0;
            eof.EndOfFile.QuadPart = (LONGLONG)size;
            if (!DeviceIoControl(h, FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &done, NULL) ||
                !SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof eof))
                err = GetLastError();
            else
                err = backup_write_reparse(h, reparse, got);
            CloseHandle(h);
        }
    }
    free(reparse);
    return err;
}

static DWORD restore_entry(const WCHAR *line, const WCHAR *backup_root, const WCHAR *target_root, BOOL stub_files,
                           tree_counts *counts, tree_stub_fn on_stub, void *ctx)
{
    WCHAR from[PATH_CHARS], to[PATH_CHARS];
    const WCHAR *rel = line + 2;
    ULONGLONG size = 0;
    WCHAR *end;

    if (line[0] == L'S') {
        size = wcstoull(line + 2, &end, 10);
        rel = end + 1;
    }
    if (!_wcsnicmp(rel, SAMPLE_CHUNK_STORE_DIR, wcslen(SAMPLE_CHUNK_STORE_DIR)))
        return 0;   /* the chunk store stays in the backup: the DLL reads it from there */
    if (!join(from, backup_root, rel) || !join(to, target_root, rel))
        return ERROR_FILENAME_EXCED_RANGE;
    switch (line[0]) {
    case L'D':
        counts->directories++;
        return CreateDirectoryW(to, NULL) || GetLastError() == ERROR_ALREADY_EXISTS ? 0 : GetLastError();
    case L'F':
        counts->files++;
        return CopyFileW(from, to, FALSE) ? 0 : GetLastError();
    case L'S': {
        DWORD err = stub_files ? (CopyFileW(from, to, FALSE) ? 0 : GetLastError())
                               : restore_reparse_point(from, to, size);
        counts->stubs++;
        if (!err && !on_stub(ctx, to))
            err = ERROR_OUTOFMEMORY;
        return err;
    }
    default:
        return ERROR_INVALID_DATA;
    }
}

DWORD tree_restore(const WCHAR *backup_root, const WCHAR *target_root, BOOL stub_files, tree_counts *counts,
                   tree_stub_fn on_stub, void *ctx)
{
    WCHAR manifest_path[PATH_CHARS], line[PATH_CHARS + 32], text[SAMPLE_ERROR_TEXT_CHARS];
    char raw[PATH_CHARS * 3 + 32];
    FILE *manifest;
    DWORD err = 0;

    memset(counts, 0, sizeof *counts);
    if (!join(manifest_path, backup_root, SAMPLE_MANIFEST))
        return ERROR_FILENAME_EXCED_RANGE;
    if (!CreateDirectoryW(target_root, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return GetLastError();
    manifest = _wfopen(manifest_path, L"rb");
    if (!manifest)
        return ERROR_FILE_NOT_FOUND;
    while (!err && fgets(raw, (int)sizeof raw, manifest)) {
        size_t n;
        if (!MultiByteToWideChar(CP_UTF8, 0, raw, -1, line, PATH_CHARS + 32))
            continue;
        n = wcslen(line);
        while (n && (line[n - 1] == L'\n' || line[n - 1] == L'\r'))
            line[--n] = 0;
        if (n < 3)
            continue;
        err = restore_entry(line, backup_root, target_root, stub_files, counts, on_stub, ctx);
        if (err)
            fwprintf(stderr, L"restore: %ls: error %lu (%ls)\n", line, (unsigned long)err,
                     sample_error_text(err, text, SAMPLE_ERROR_TEXT_CHARS));
    }
    fclose(manifest);
    return err;
}
