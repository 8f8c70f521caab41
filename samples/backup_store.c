/*
 * backup_store.c - IDedupReadFileCallback over a backup folder, written the way a backup
 * product would: it answers the DLL's three questions.
 *
 *  OrderContainersRestore: "in which order do you want these containers read?"
 *      We answer with a real read plan: the containers in the order they sit on our
 *      media (sorted by path, as we wrote them), one extent per container, as long as
 *      the container file really is in our backup; containers we do not hold, or that
 *      are empty, are left out, and a container asked for twice is planned once.
 *      A tape product would answer with its tape order.
 *
 *  PreviewContainerRead: "these are the reads I am about to make in this container".
 *      We use it for read-ahead: the announced reads are sorted and merged into one span,
 *      and we fetch the span from the media in large sequential pieces (READ_AHEAD bytes)
 *      into a buffer, so the DLL's many small reads are served from memory.
 *
 *  ReadBackupFile: "give me these bytes of this file of the backup".
 *      Served from the read-ahead buffer when it holds them, from the media otherwise.
 *      A short count at end of file is fine (the DLL accepts it).
 *
 * It also implements IDedupBackupStoreDirectory (a ddpbackup extension), so the DLL can
 * ask which Stream container file exists for an id instead of probing generations.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdlib.h>
#include <wchar.h>

#include "backup_store.h"

#define READ_AHEAD (8u << 20)     /* bytes fetched from the media per read-ahead step */
#define PATH_CHARS 1024

struct backup_store {
    IDedupReadFileCallback IDedupReadFileCallback_iface;
    IDedupBackupStoreDirectory IDedupBackupStoreDirectory_iface;
    LONG refcount;
    WCHAR root[PATH_CHARS];
    backup_store_stats stats;

    /* The container being read: its handle, and the announced span of the last preview. */
    WCHAR open_path[PATH_CHARS];
    HANDLE open_handle;
    LONGLONG span_start, span_end;

    /* Read-ahead buffer: bytes [buffer_start, buffer_start + buffer_len) of open_path. */
    BYTE *buffer;
    LONGLONG buffer_start;
    DWORD buffer_len;
};

static backup_store *from_callback(IDedupReadFileCallback *iface)
{
    return CONTAINING_RECORD(iface, backup_store, IDedupReadFileCallback_iface);
}

static backup_store *from_directory(IDedupBackupStoreDirectory *iface)
{
    return CONTAINING_RECORD(iface, backup_store, IDedupBackupStoreDirectory_iface);
}

/* "\System Volume Information\..." (volume-root-relative) -> "<backup root>\System Volume Information\...". */
static BOOL media_path(const backup_store *s, const WCHAR *path, WCHAR *out)
{
    size_t need = wcslen(s->root) + wcslen(path) + 2;
    if (need > PATH_CHARS)
        return FALSE;
    wcscpy(out, s->root);
    if (path[0] != L'\\')
        wcscat(out, L"\\");
    wcscat(out, path);
    return TRUE;
}

/* Makes path the open container (closing the previous one and dropping its buffer). */
static HRESULT open_container(backup_store *s, const WCHAR *path)
{
    WCHAR full[PATH_CHARS];
    if (s->open_handle != INVALID_HANDLE_VALUE && !_wcsicmp(s->open_path, path))
        return S_OK;
    if (s->open_handle != INVALID_HANDLE_VALUE)
        CloseHandle(s->open_handle);
    s->open_handle = INVALID_HANDLE_VALUE;
    s->open_path[0] = 0;
    s->buffer_len = 0;
    s->span_start = s->span_end = 0;
    if (wcslen(path) >= PATH_CHARS || !media_path(s, path, full))
        return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    s->open_handle = CreateFileW(full, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                                 FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (s->open_handle == INVALID_HANDLE_VALUE)
        return HRESULT_FROM_WIN32(GetLastError());
    wcscpy(s->open_path, path);
    return S_OK;
}

/* Reads from the media at offset; *got < size at end of file. */
static HRESULT media_read(backup_store *s, LONGLONG offset, BYTE *out, DWORD size, DWORD *got)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)offset;
    ov.OffsetHigh = (DWORD)((ULONGLONG)offset >> 32);
    *got = 0;
    if (!ReadFile(s->open_handle, out, size, got, &ov) && GetLastError() != ERROR_HANDLE_EOF)
        return HRESULT_FROM_WIN32(GetLastError());
    s->stats.bytes_read_from_media += *got;
    return S_OK;
}

/* Fills the read-ahead buffer from offset, up to READ_AHEAD bytes but not past the span. */
static HRESULT fill_buffer(backup_store *s, LONGLONG offset)
{
    LONGLONG want = s->span_end - offset;
    if (want <= 0 || want > READ_AHEAD)
        want = READ_AHEAD;
    s->buffer_len = 0;
    s->buffer_start = offset;
    return media_read(s, offset, s->buffer, (DWORD)want, &s->buffer_len);
}

static HRESULT WINAPI store_QueryInterface(IDedupReadFileCallback *iface, REFIID riid, void **ppv)
{
    backup_store *s = from_callback(iface);
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDedupReadFileCallback))
        *ppv = &s->IDedupReadFileCallback_iface;
    else if (IsEqualIID(riid, &IID_IDedupBackupStoreDirectory))
        *ppv = &s->IDedupBackupStoreDirectory_iface;
    else {
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&s->refcount);
    return S_OK;
}

static ULONG WINAPI store_AddRef(IDedupReadFileCallback *iface)
{
    return (ULONG)InterlockedIncrement(&from_callback(iface)->refcount);
}

static ULONG WINAPI store_Release(IDedupReadFileCallback *iface)
{
    backup_store *s = from_callback(iface);
    LONG ref = InterlockedDecrement(&s->refcount);
    if (ref == 0) {
        if (s->open_handle != INVALID_HANDLE_VALUE)
            CloseHandle(s->open_handle);
        free(s->buffer);
        free(s);
    }
    return (ULONG)ref;
}

static HRESULT WINAPI store_ReadBackupFile(IDedupReadFileCallback *iface, BSTR path, hyper offset, ULONG size,
                                           BYTE *out, ULONG *returned, DWORD flags)
{
    backup_store *s = from_callback(iface);
    DWORD got = 0;
    HRESULT hr;

    (void)flags;
    s->stats.read_calls++;
    *returned = 0;
    if (!path || offset < 0)
        return E_INVALIDARG;
    hr = open_container(s, path);
    if (FAILED(hr))
        return hr;
    /* Inside the announced span: serve from the read-ahead buffer, refilling it as we go. */
    if (offset >= s->span_start && offset + (LONGLONG)size <= s->span_end && size <= READ_AHEAD) {
        if (offset < s->buffer_start || offset + (LONGLONG)size > s->buffer_start + s->buffer_len) {
            hr = fill_buffer(s, offset);
            if (FAILED(hr))
                return hr;
        }
        if (offset + (LONGLONG)size <= s->buffer_start + s->buffer_len) {
            memcpy(out, s->buffer + (offset - s->buffer_start), size);
            *returned = size;
            s->stats.bytes_returned += size;
            return S_OK;
        }
    }
    /* Anything else (the file ends early, or an unannounced read): straight from the media. */
    hr = media_read(s, offset, out, size, &got);
    if (SUCCEEDED(hr)) {
        *returned = got;
        s->stats.bytes_returned += got;
    }
    return hr;
}

/*
 * The read plan (OrderContainersRestore).
 *
 * The DLL lists the container files it needs and asks in which order, and which parts, it
 * should read them. A backup product answers with what its media makes cheap; ours is a
 * folder written in path order, so "media order" is path order (a tape product would sort
 * by tape position instead). For each container we hold we plan one extent, [0, size of
 * the file in the backup): the DLL then reads each container front to back in one pass,
 * and the plan promises no bytes we do not have.
 *
 * What we leave out of the plan, and why:
 *   - the same path asked for twice: one extent is enough (reading it twice costs a second
 *     pass over the media for nothing);
 *   - a container the backup does not hold: planning it would only make the DLL seek for
 *     it. The DLL still reads whatever the plan does not cover once the plan is done, so
 *     it does ask for that file then, and reports DDP_E_PATH_NOT_FOUND for the files
 *     that needed it (the others are restored normally);
 *   - an empty container file: there is nothing to read.
 * If nothing is left, the plan is empty, which the DLL takes as "no preference".
 */
typedef struct plan_candidate {
    const WCHAR *path;
    ULONG index;            /* position in the DLL's list: what ContainerIndex names */
} plan_candidate;

/* Path order, ignoring case as the file system does; the same path: first asked first. */
static int compare_candidates(const void *a, const void *b)
{
    const plan_candidate *x = a, *y = b;
    int c = _wcsicmp(x->path, y->path);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The size of a container file in the backup; FALSE when the backup does not hold it. */
static BOOL container_size(const backup_store *s, const WCHAR *path, LONGLONG *size)
{
    WCHAR full[PATH_CHARS];
    WIN32_FILE_ATTRIBUTE_DATA d;

    if (!media_path(s, path, full) || !GetFileAttributesExW(full, GetFileExInfoStandard, &d) ||
        (d.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        return FALSE;
    *size = (LONGLONG)(((ULONGLONG)d.nFileSizeHigh << 32) | d.nFileSizeLow);
    return TRUE;
}

/* Fills plan from the sorted candidates: one extent per distinct container we hold that
 * is not empty. Returns the number of extents. */
static ULONG fill_plan(const backup_store *s, const plan_candidate *sorted, ULONG n, DEDUP_CONTAINER_EXTENT *plan)
{
    ULONG entries = 0;
    LONGLONG size;

    for (ULONG i = 0; i < n; i++) {
        if (i > 0 && !_wcsicmp(sorted[i].path, sorted[i - 1].path))
            continue;   /* a duplicate: the first one asked for stands for both */
        if (!container_size(s, sorted[i].path, &size) || size <= 0)
            continue;   /* not in the backup, or empty: nothing to read */
        plan[entries].ContainerIndex = sorted[i].index;
        plan[entries].StartOffset = 0;
        plan[entries].Length = size;
        entries++;
    }
    return entries;
}

static HRESULT WINAPI store_OrderContainersRestore(IDedupReadFileCallback *iface, ULONG count, BSTR *paths,
                                                   ULONG *entries, DEDUP_CONTAINER_EXTENT **plan)
{
    backup_store *s = from_callback(iface);
    plan_candidate *sorted;
    ULONG n = 0;

    s->stats.order_calls++;
    if (!entries || !plan)
        return E_POINTER;
    *entries = 0;
    *plan = NULL;
    if (count == 0)
        return S_OK;
    if (!paths)
        return E_INVALIDARG;
    if (count > MAXDWORD / sizeof **plan)   /* the sizes below must not wrap (32-bit builds) */
        return E_OUTOFMEMORY;
    sorted = malloc(count * sizeof *sorted);
    *plan = CoTaskMemAlloc(count * sizeof **plan);   /* the DLL frees it with CoTaskMemFree */
    if (!sorted || !*plan) {
        free(sorted);
        CoTaskMemFree(*plan);
        *plan = NULL;
        return E_OUTOFMEMORY;
    }
    for (ULONG i = 0; i < count; i++) {
        if (paths[i] && paths[i][0]) {   /* an empty name is no file of ours */
            sorted[n].path = paths[i];
            sorted[n].index = i;
            n++;
        }
    }
    qsort(sorted, n, sizeof *sorted, compare_candidates);
    *entries = fill_plan(s, sorted, n, *plan);
    free(sorted);
    if (*entries == 0) {
        CoTaskMemFree(*plan);
        *plan = NULL;
    }
    return S_OK;
}

static HRESULT WINAPI store_PreviewContainerRead(IDedupReadFileCallback *iface, BSTR path, ULONG count,
                                                 DDP_FILE_EXTENT *reads)
{
    backup_store *s = from_callback(iface);
    LONGLONG start = 0x7FFFFFFFFFFFFFFFLL, end = 0;
    HRESULT hr;

    s->stats.preview_calls++;
    if (!path || (count && !reads))
        return E_INVALIDARG;
    hr = open_container(s, path);
    if (FAILED(hr))
        return S_OK;   /* the read that follows will report the error */
    /* Merge the announced reads into one span and start fetching it. */
    for (ULONG i = 0; i < count; i++) {
        if (reads[i].Offset < 0 || reads[i].Length < 0)
            continue;
        if (reads[i].Offset < start)
            start = reads[i].Offset;
        if (reads[i].Offset + reads[i].Length > end)
            end = reads[i].Offset + reads[i].Length;
    }
    if (end <= start)
        return S_OK;
    s->span_start = start;
    s->span_end = end;
    fill_buffer(s, start);
    return S_OK;
}

static const IDedupReadFileCallbackVtbl store_vtbl = {
    store_QueryInterface,
    store_AddRef,
    store_Release,
    store_ReadBackupFile,
    store_OrderContainersRestore,
    store_PreviewContainerRead,
};

static HRESULT WINAPI directory_QueryInterface(IDedupBackupStoreDirectory *iface, REFIID riid, void **ppv)
{
    return store_QueryInterface(&from_directory(iface)->IDedupReadFileCallback_iface, riid, ppv);
}

static ULONG WINAPI directory_AddRef(IDedupBackupStoreDirectory *iface)
{
    return store_AddRef(&from_directory(iface)->IDedupReadFileCallback_iface);
}

static ULONG WINAPI directory_Release(IDedupBackupStoreDirectory *iface)
{
    return store_Release(&from_directory(iface)->IDedupReadFileCallback_iface);
}

/* Which "<id>.<generation>.ccc" file do we hold for this id? The highest generation. */
static HRESULT WINAPI directory_FindContainerFile(IDedupBackupStoreDirectory *iface, BSTR folder, ULONG id,
                                                  BSTR *found)
{
    backup_store *s = from_directory(iface);
    WCHAR pattern[PATH_CHARS], best[64] = L"";
    WIN32_FIND_DATAW fd;
    HANDLE h;

    s->stats.find_calls++;
    if (!found)
        return E_POINTER;
    *found = NULL;
    if (!folder || wcslen(folder) + 32 >= PATH_CHARS || !media_path(s, folder, pattern) ||
        wcslen(pattern) + 20 >= PATH_CHARS)
        return E_INVALIDARG;
    swprintf(pattern + wcslen(pattern), 20, L"\\%08lx.*.ccc", (unsigned long)id);
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return S_FALSE;
    do {
        /* Same-width hex names: the greatest name is the highest generation. */
        if (wcslen(fd.cFileName) < 64 && !wcsstr(fd.cFileName, L"delete") && _wcsicmp(fd.cFileName, best) > 0)
            wcscpy(best, fd.cFileName);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    if (!best[0])
        return S_FALSE;
    wcscpy(pattern, folder);
    wcscat(pattern, L"\\");
    wcscat(pattern, best);
    *found = SysAllocString(pattern);
    return *found ? S_OK : E_OUTOFMEMORY;
}

static const IDedupBackupStoreDirectoryVtbl directory_vtbl = {
    directory_QueryInterface,
    directory_AddRef,
    directory_Release,
    directory_FindContainerFile,
};

backup_store *backup_store_create(const WCHAR *backup_root)
{
    backup_store *s = calloc(1, sizeof *s);
    if (!s || wcslen(backup_root) >= PATH_CHARS / 2 || !(s->buffer = malloc(READ_AHEAD))) {
        free(s);
        return NULL;
    }
    s->IDedupReadFileCallback_iface.lpVtbl = &store_vtbl;
    s->IDedupBackupStoreDirectory_iface.lpVtbl = &directory_vtbl;
    s->refcount = 1;
    s->open_handle = INVALID_HANDLE_VALUE;
    wcscpy(s->root, backup_root);
    return s;
}

IDedupReadFileCallback *backup_store_callback(backup_store *s) { return &s->IDedupReadFileCallback_iface; }
void backup_store_get_stats(const backup_store *s, backup_store_stats *stats) { *stats = s->stats; }
void backup_store_release(backup_store *s) { store_Release(&s->IDedupReadFileCallback_iface); }
