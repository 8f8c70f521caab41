/*
 * walk.c - ddp-restore.exe's FILE arguments and folder walk (walk.h).
 */
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ddp/reparse.h"
#include "walk.h"
#include "win_temp_name.h"
#include "wtext.h"

#define SYSTEM_VOLUME_INFORMATION L"System Volume Information"

static int errno_from_win32(DWORD err)
{
    switch (err) {
    case ERROR_ACCESS_DENIED: return EACCES;
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return ENOENT;
    case ERROR_NOT_ENOUGH_MEMORY: return ENOMEM;
    default: return EIO;
    }
}

static int add_unreached(file_list *list, const WCHAR *path, DWORD err, const char *what)
{
    unreached_path *u;
    if (list->n_unreached == list->cap_unreached) {
        size_t cap = list->cap_unreached ? 2 * list->cap_unreached : 8;
        unreached_path *grown = realloc(list->unreached, cap * sizeof *grown);
        if (!grown)
            return -1;
        list->unreached = grown;
        list->cap_unreached = cap;
    }
    u = &list->unreached[list->n_unreached];
    if (!(u->path = wtext_utf8(path)))
        return -1;
    u->err = errno_from_win32(err);
    u->what = what;
    list->n_unreached++;
    return 0;
}

typedef struct walk {
    file_list *list;
    int stub_files;
    const WCHAR *out;        /* --out, or NULL */
    size_t base_len;         /* characters of an item's path left out of its out_path */
} walk;

/* OUT\<path without its first base_len characters>, as UTF-8. */
static char *out_path_of(const walk *w, const WCHAR *path)
{
    const WCHAR *rel = path + w->base_len;
    size_t n = wcslen(w->out);
    WCHAR *joined = malloc((n + 1 + wcslen(rel) + 1) * sizeof(WCHAR));
    char *out;
    while (*rel == L'\\' || *rel == L'/')
        rel++;
    if (!joined)
        return NULL;
    wcscpy(joined, w->out);
    if (n && w->out[n - 1] != L'\\' && w->out[n - 1] != L'/')
        wcscat(joined, L"\\");
    wcscat(joined, rel);
    out = wtext_utf8(joined);
    free(joined);
    return out;
}

static int add_item(const walk *w, const WCHAR *path)
{
    file_list *list = w->list;
    restore_item *it;
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 64;
        restore_item *grown = realloc(list->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        list->items = grown;
        list->cap = cap;
    }
    it = &list->items[list->count];
    memset(it, 0, sizeof *it);
    if (!(it->path = wtext_utf8(path)))
        return -1;
    if (w->out && !(it->out_path = out_path_of(w, path))) {
        free(it->path);
        return -1;
    }
    it->kind = DDP_STUB_RAW;
    list->count++;
    return 0;
}

/* Stub-file mode: 1 a stub, 0 not one, -1 with *err when the file cannot be read. */
static int is_stub_file(const WCHAR *path, uint64_t size, DWORD *err)
{
    uint8_t tag[4];
    DWORD got = 0;
    HANDLE h;
    if (size < sizeof tag || size > DDP_REPARSE_MAX_BUFFER)
        return 0;
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE || !ReadFile(h, tag, sizeof tag, &got, NULL)) {
        *err = GetLastError();
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        return -1;
    }
    CloseHandle(h);
    return got == sizeof tag &&
           ((uint32_t)tag[0] | (uint32_t)tag[1] << 8 | (uint32_t)tag[2] << 16 | (uint32_t)tag[3] << 24) ==
               DDP_REPARSE_TAG_DEDUP;
}

static WCHAR *join(const WCHAR *dir, const WCHAR *name)
{
    size_t n = wcslen(dir);
    int slash = n > 0 && dir[n - 1] != L'\\' && dir[n - 1] != L'/';
    WCHAR *out = malloc((n + slash + wcslen(name) + 1) * sizeof(WCHAR));
    if (out) {
        wcscpy(out, dir);
        if (slash)
            wcscat(out, L"\\");
        wcscat(out, name);
    }
    return out;
}

static int walk_entry(const walk *w, const WCHAR *path, const WIN32_FIND_DATAW *fd);

static int walk_folder(const walk *w, const WCHAR *dir)
{
    WIN32_FIND_DATAW fd;
    WCHAR *pattern = join(dir, L"*");
    HANDLE h;
    int rc = 0;
    DWORD err;
    if (!pattern)
        return -1;
    h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return add_unreached(w->list, dir, GetLastError(), "cannot list the folder");
    do {
        WCHAR *path;
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
            continue;
        if (!(path = join(dir, fd.cFileName)))
            rc = -1;
        else
            rc = walk_entry(w, path, &fd);
        free(path);
    } while (rc == 0 && FindNextFileW(h, &fd));
    err = GetLastError();
    FindClose(h);
    if (rc == 0 && err != ERROR_NO_MORE_FILES)
        rc = add_unreached(w->list, dir, err, "cannot list the folder completely");
    return rc;
}

static int walk_entry(const walk *w, const WCHAR *path, const WIN32_FIND_DATAW *fd)
{
    int reparse = (fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
    DWORD err = 0;
    int stub;
    if (fd->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        if (reparse || !_wcsicmp(fd->cFileName, SYSTEM_VOLUME_INFORMATION))
            return 0;
        return walk_folder(w, path);
    }
    uint64_t call_id;
    if (win_temp_is_name(fd->cFileName, &call_id))
        return 0;     /* a restore's own temporary file (win_temp_name.h): neither a stub nor "other" */
    if (!w->stub_files)
        stub = reparse && fd->dwReserved0 == DDP_REPARSE_TAG_DEDUP;
    else
        stub = is_stub_file(path, (uint64_t)fd->nFileSizeHigh << 32 | fd->nFileSizeLow, &err);
    if (stub < 0)
        return add_unreached(w->list, path, err, "cannot read the file");
    if (!stub) {
        w->list->skipped++;
        return 0;
    }
    return add_item(w, path);
}

/* Characters of arg left out of out paths: its parent folder, or all of a drive root. */
static size_t base_length(const WCHAR *arg)
{
    size_t n = wcslen(arg);
    while (n > 0 && (arg[n - 1] == L'\\' || arg[n - 1] == L'/'))
        n--;
    if (n > 0 && arg[n - 1] == L':')
        return n;
    while (n > 0 && arg[n - 1] != L'\\' && arg[n - 1] != L'/' && arg[n - 1] != L':')
        n--;
    return n;
}

int walk_add(file_list *list, const char *path, int stub_files, const char *out)
{
    WCHAR *wpath = wtext_wide(path), *wout = out ? wtext_wide(out) : NULL;
    walk w = {list, stub_files, wout, 0};
    DWORD attr;
    int rc = 0;
    if (!wpath || (out && !wout)) {
        free(wpath);
        free(wout);
        return -1;
    }
    w.base_len = base_length(wpath);
    attr = GetFileAttributesW(wpath);
    if (attr == INVALID_FILE_ATTRIBUTES) {
        fprintf(stderr, "ddp-restore: %s: not found\n", path);
        list->missing++;
    } else if (attr & FILE_ATTRIBUTE_DIRECTORY) {
        rc = walk_folder(&w, wpath);
    } else {
        rc = add_item(&w, wpath);    /* named: the target tells a file that is no stub */
    }
    free(wpath);
    free(wout);
    return rc;
}

static int compare_items(const void *a, const void *b)
{
    return _stricmp(((const restore_item *)a)->path, ((const restore_item *)b)->path);
}

void walk_unique(file_list *list)
{
    size_t kept = 0;
    if (list->count < 2)
        return;
    qsort(list->items, list->count, sizeof *list->items, compare_items);
    for (size_t i = 0; i < list->count; i++) {
        if (kept && !_stricmp(list->items[kept - 1].path, list->items[i].path)) {
            free(list->items[i].path);
            free(list->items[i].out_path);
        }
        else
            list->items[kept++] = list->items[i];
    }
    list->count = kept;
}

void walk_free(file_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].out_path);
    }
    for (size_t i = 0; i < list->n_unreached; i++)
        free(list->unreached[i].path);
    free(list->items);
    free(list->unreached);
    memset(list, 0, sizeof *list);
}
