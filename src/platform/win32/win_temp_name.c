/*
 * win_temp_name.c - fixed-length temporary names for the DLL's stub-file mode, the
 * registry of this process's running calls, and the clean-up of killed calls' leftovers
 * (see win_temp_name.h).
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "win_temp_name.h"

#define TEMP_MARK L".ddprestore-"
#define TEMP_MARK_LEN 12
#define LIVE_SLOTS 256
#define LONG_PATH_PREFIX L"\\\\?\\"

static SRWLOCK live_lock = SRWLOCK_INIT;
static uint64_t live[LIVE_SLOTS];
static uint32_t live_full;      /* calls that found no free slot: no clean-up while > 0 */
static volatile LONG call_counter;

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t win_temp_call_begin(void)
{
    LARGE_INTEGER now;
    uint64_t id;
    uint32_t k;
    QueryPerformanceCounter(&now);
    id = mix64((uint64_t)now.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32) ^ GetTickCount64() * 31);
    id = mix64(id ^ ((uint64_t)GetCurrentThreadId() << 20) ^ (uint64_t)InterlockedIncrement(&call_counter));
    if (id == 0)
        id = 1;         /* 0 marks a free slot */
    AcquireSRWLockExclusive(&live_lock);
    for (k = 0; k < LIVE_SLOTS && live[k] != 0; k++)
        ;
    if (k < LIVE_SLOTS)
        live[k] = id;
    else
        live_full++;
    ReleaseSRWLockExclusive(&live_lock);
    return id;
}

void win_temp_call_end(uint64_t call_id)
{
    uint32_t k;
    AcquireSRWLockExclusive(&live_lock);
    for (k = 0; k < LIVE_SLOTS && live[k] != call_id; k++)
        ;
    if (k < LIVE_SLOTS)
        live[k] = 0;
    else if (live_full > 0)
        live_full--;
    ReleaseSRWLockExclusive(&live_lock);
}

/* 1 when a leftover of call_id may be deleted: no call of this process may own it. */
static int call_is_over(uint64_t call_id)
{
    int over = 1;
    AcquireSRWLockShared(&live_lock);
    if (live_full > 0)
        over = 0;
    for (uint32_t k = 0; over && k < LIVE_SLOTS; k++)
        over = live[k] != call_id;
    ReleaseSRWLockShared(&live_lock);
    return over;
}

WCHAR *win_usable_path(const WCHAR *path, const WCHAR *suffix)
{
    size_t len = wcslen(path), extra = suffix ? wcslen(suffix) : 0;
    int prefix = len + extra >= MAX_PATH && len >= 3 && path[1] == L':' && path[2] == L'\\';
    size_t total = (prefix ? 4 : 0) + len + extra + 1;
    WCHAR *out = malloc(total * sizeof(WCHAR));
    if (!out)
        return NULL;
    out[0] = 0;
    if (prefix)
        wcscat(out, LONG_PATH_PREFIX);
    wcscat(out, path);
    if (suffix)
        wcscat(out, suffix);
    return out;
}

WCHAR *win_folder_of(const WCHAR *path)
{
    const WCHAR *slash = wcsrchr(path, L'\\');
    size_t len;
    WCHAR *out;
    if (!slash || slash == path)
        return NULL;
    len = (size_t)(slash - path);
    out = malloc((len + 1) * sizeof(WCHAR));
    if (out) {
        memcpy(out, path, len * sizeof(WCHAR));
        out[len] = 0;
    }
    return out;
}

WCHAR *win_temp_path(const WCHAR *path, uint64_t call_id, uint64_t file_number)
{
    WCHAR name[WIN_TEMP_NAME_LEN + 2];
    WCHAR *folder = win_folder_of(path), *out;
    swprintf(name, WIN_TEMP_NAME_LEN + 2, L"\\" TEMP_MARK L"%016llx-%016llx", (unsigned long long)call_id,
             (unsigned long long)file_number);
    out = win_usable_path(folder ? folder : L".", name);
    free(folder);
    return out;
}

static int hex16(const WCHAR *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int k = 0; k < 16; k++) {
        WCHAR c = s[k];
        if (c >= L'0' && c <= L'9')
            v = v << 4 | (uint64_t)(c - L'0');
        else if (c >= L'a' && c <= L'f')
            v = v << 4 | (uint64_t)(c - L'a' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

int win_temp_is_name(const WCHAR *name, uint64_t *call_id)
{
    uint64_t index;
    return wcslen(name) == WIN_TEMP_NAME_LEN && wcsncmp(name, TEMP_MARK, TEMP_MARK_LEN) == 0 &&
           hex16(name + TEMP_MARK_LEN, call_id) && name[TEMP_MARK_LEN + 16] == L'-' &&
           hex16(name + TEMP_MARK_LEN + 17, &index);
}

static uint32_t clean_folder(const WCHAR *folder)
{
    WIN32_FIND_DATAW fd;
    WCHAR *pattern = win_usable_path(folder, L"\\" TEMP_MARK L"*");
    HANDLE h = pattern ? FindFirstFileW(pattern, &fd) : INVALID_HANDLE_VALUE;
    uint32_t removed = 0;
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do {
        uint64_t id;
        WCHAR name[WIN_TEMP_NAME_LEN + 2], *path;
        if ((fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) ||
            !win_temp_is_name(fd.cFileName, &id) || !call_is_over(id))
            continue;
        swprintf(name, WIN_TEMP_NAME_LEN + 2, L"\\%ls", fd.cFileName);
        path = win_usable_path(folder, name);
        if (path && DeleteFileW(path))
            removed++;
        free(path);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return removed;
}

static int folder_cmp(const void *a, const void *b)
{
    return wcscmp(*(WCHAR *const *)a, *(WCHAR *const *)b);
}

uint32_t win_temp_clean_folders(const BSTR *paths, uint32_t n)
{
    WCHAR **folders = calloc(n ? n : 1, sizeof *folders);
    uint32_t m = 0, removed = 0;
    if (!folders)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        if (paths[i] && paths[i][0] && (folders[m] = win_folder_of(paths[i])) != NULL)
            m++;
    }
    qsort(folders, m, sizeof *folders, folder_cmp);
    for (uint32_t k = 0; k < m; k++) {
        if (k == 0 || wcscmp(folders[k], folders[k - 1]) != 0)
            removed += clean_folder(folders[k]);
    }
    for (uint32_t k = 0; k < m; k++)
        free(folders[k]);
    free(folders);
    return removed;
}
