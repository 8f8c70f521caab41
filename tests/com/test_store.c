/* test_store.c - see test_store.h. */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdlib.h>
#include <wchar.h>

#include "test_store.h"

#define MAX_ANNOUNCED 65536

struct test_store {
    IDedupReadFileCallback IDedupReadFileCallback_iface;
    IDedupBackupStoreDirectory IDedupBackupStoreDirectory_iface;
    LONG refcount;
    WCHAR root[MAX_PATH];
    BOOL with_directory;
    test_plan_kind plan;
    test_store_counts counts;
    /* The reads announced by the last preview, consumed in order by container reads. */
    WCHAR announced_path[MAX_PATH];
    DDP_FILE_EXTENT *announced;
    ULONG announced_count, announced_next;
    BOOL list_cut;              /* the last read of that list came back short or failed */
    DWORD thread;               /* the creator's: every call must come on it */
    ULONG short_most;           /* test_store_set_short_reads */
    BOOL short_half;
    BOOL count_threads;
    test_hostile hostile;
    IDedupBackupSupport *reenter_support;
    HRESULT *reenter_result;
};

static test_store *from_callback(IDedupReadFileCallback *iface)
{
    return CONTAINING_RECORD(iface, test_store, IDedupReadFileCallback_iface);
}

static test_store *from_directory(IDedupBackupStoreDirectory *iface)
{
    return CONTAINING_RECORD(iface, test_store, IDedupBackupStoreDirectory_iface);
}

/* Every call on the object: counted, and checked to come on the creator's thread. */
static void note_call(test_store *s)
{
    s->counts.calls++;
    if (GetCurrentThreadId() != s->thread)
        s->counts.wrong_thread_calls++;
}

static void full_path(const test_store *s, const WCHAR *path, WCHAR *out)
{
    wcscpy(out, s->root);
    if (path[0] != L'\\')
        wcscat(out, L"\\");
    wcscat(out, path);
}

static HRESULT WINAPI cb_QueryInterface(IDedupReadFileCallback *iface, REFIID riid, void **ppv)
{
    test_store *s = from_callback(iface);
    note_call(s);
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDedupReadFileCallback))
        *ppv = &s->IDedupReadFileCallback_iface;
    else if (s->with_directory && IsEqualIID(riid, &IID_IDedupBackupStoreDirectory))
        *ppv = &s->IDedupBackupStoreDirectory_iface;
    else {
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&s->refcount);
    return S_OK;
}

static ULONG WINAPI cb_AddRef(IDedupReadFileCallback *iface)
{
    test_store *s = from_callback(iface);
    note_call(s);
    return (ULONG)InterlockedIncrement(&s->refcount);
}

static ULONG WINAPI cb_Release(IDedupReadFileCallback *iface)
{
    test_store *s = from_callback(iface);
    LONG ref;
    note_call(s);
    ref = InterlockedDecrement(&s->refcount);
    if (ref == 0) {
        free(s->announced);
        free(s);
    }
    return (ULONG)ref;
}

/* A file whose reads the engine announces with PreviewContainerRead: a container, or a
 * copy of the store's DedupFileList (read once per restore, also previewed). */
static BOOL is_container(const WCHAR *path)
{
    size_t n = wcslen(path);
    return (n > 4 && !_wcsicmp(path + n - 4, L".ccc")) ||
           (n > 16 && !_wcsnicmp(path + n - 16, L"\\DedupFileList.", 15));
}

/* A container read must be the next one the last preview announced. */
static void check_announced(test_store *s, const WCHAR *path, LONGLONG offset, ULONG size)
{
    if (!is_container(path))
        return;
    if (s->announced_next < s->announced_count && !_wcsicmp(path, s->announced_path) &&
        s->announced[s->announced_next].Offset == offset && s->announced[s->announced_next].Length == (LONGLONG)size)
        s->announced_next++;
    else
        s->counts.unannounced_reads++;
}

/* The outcome of a container read: short or failed, it may end its list early. */
static void note_read_outcome(test_store *s, const WCHAR *path, HRESULT hr, ULONG size, ULONG returned)
{
    if (is_container(path))
        s->list_cut = FAILED(hr) || returned < size;
}

/* Was the current list left unfinished, and not because its last read was cut short? */
static BOOL list_unfinished(const test_store *s)
{
    return s->announced_next < s->announced_count && !s->list_cut;
}

/* The bytes reported for a read that found got: fewer when asked to answer short; the
 * bytes not reported are overwritten, so that nobody can use them. */
static ULONG shorten(const test_store *s, BYTE *buffer, ULONG got)
{
    ULONG keep = got;
    if (s->short_half && keep > 1)
        keep = (keep + 1) / 2;
    if (s->short_most && keep > s->short_most)
        keep = s->short_most;
    memset(buffer + keep, 0xCC, got - keep);
    return keep;
}

static HRESULT WINAPI cb_ReadBackupFile(IDedupReadFileCallback *iface, BSTR path, hyper offset, ULONG size,
                                        BYTE *buffer, ULONG *returned, DWORD flags)
{
    test_store *s = from_callback(iface);
    WCHAR full[MAX_PATH * 2];
    LARGE_INTEGER pos;
    DWORD got = 0;
    HANDLE h;

    (void)flags;
    note_call(s);
    s->counts.reads++;
    if (s->count_threads) {
        ULONG n = process_threads();
        if (n > s->counts.most_threads)
            s->counts.most_threads = n;
    }
    if (s->hostile == TEST_HOSTILE_REENTER && s->reenter_support) {
        IDedupBackupSupport *inner = s->reenter_support;
        BSTR self = SysAllocString(L"C:\\windows\\win.ini");
        s->reenter_support = NULL;   /* once */
        *s->reenter_result = IDedupBackupSupport_RestoreFiles(inner, 1, &self, iface, DEDUP_RECONSTRUCT_UNOPTIMIZED,
                                                              NULL);
        SysFreeString(self);
    }
    check_announced(s, path, offset, size);
    *returned = 0;
    full_path(s, path, full);
    h = CreateFileW(full, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        HRESULT hr = HRESULT_FROM_WIN32(GetLastError());
        s->counts.read_failures++;
        note_read_outcome(s, path, hr, size, 0);
        return hr;
    }
    pos.QuadPart = offset;
    if (!SetFilePointerEx(h, pos, NULL, FILE_BEGIN) || !ReadFile(h, buffer, size, &got, NULL)) {
        HRESULT hr = HRESULT_FROM_WIN32(GetLastError());
        CloseHandle(h);
        s->counts.read_failures++;
        note_read_outcome(s, path, hr, size, 0);
        return hr;
    }
    CloseHandle(h);
    got = shorten(s, buffer, got);
    *returned = got;   /* short at end of file, like the public sample */
    if (got < size)
        s->counts.short_reads++;
    if (s->hostile == TEST_HOSTILE_OVERREPORT)
        *returned = size + 100;
    s->counts.bytes_read += got;
    note_read_outcome(s, path, S_OK, size, got);
    return S_OK;
}

static LONGLONG file_size(const test_store *s, const WCHAR *path)
{
    WCHAR full[MAX_PATH * 2];
    WIN32_FILE_ATTRIBUTE_DATA data;
    full_path(s, path, full);
    if (!GetFileAttributesExW(full, GetFileExInfoStandard, &data))
        return 0;
    return ((LONGLONG)data.nFileSizeHigh << 32) | data.nFileSizeLow;
}

#define TO_END 0x7FFFFFFFFFFFFFFFLL

static void put_extent(DEDUP_CONTAINER_EXTENT *plan, ULONG *k, ULONG index, LONGLONG start, LONGLONG length)
{
    plan[*k].ContainerIndex = index;
    plan[*k].StartOffset = start;
    plan[*k].Length = length;
    (*k)++;
}

/* The plans of the kinds after TEST_PLAN_FAIL (see test_store.h); at most 4n + 2 extents. */
static void fill_plan(const test_store *s, ULONG n, BSTR *paths, DEDUP_CONTAINER_EXTENT *plan, ULONG *entries)
{
    ULONG k = 0;
    if (s->plan == TEST_PLAN_PARTIAL) {
        put_extent(plan, &k, 0, 0, file_size(s, paths[0]) / 2);
        *entries = k;
        return;
    }
    if (s->plan == TEST_PLAN_BAD_INDEX)
        put_extent(plan, &k, n, 0, TO_END);
    for (ULONG i = 0; i < n; i++) {
        LONGLONG size = file_size(s, paths[i]), q = size / 4;
        switch (s->plan) {
        case TEST_PLAN_QUARTERS_DESCENDING:
            put_extent(plan, &k, i, 3 * q, TO_END);
            put_extent(plan, &k, i, 2 * q, q);
            put_extent(plan, &k, i, q, q);
            put_extent(plan, &k, i, 0, q);
            break;
        case TEST_PLAN_OVERLAPPING:
            put_extent(plan, &k, i, q, TO_END);
            put_extent(plan, &k, i, 0, size);
            put_extent(plan, &k, i, 0, 2 * q);
            break;
        case TEST_PLAN_ZERO_LENGTH:
            put_extent(plan, &k, i, 0, 0);
            put_extent(plan, &k, i, 2 * q, 0);
            put_extent(plan, &k, i, 0, size);
            put_extent(plan, &k, i, size, 0);
            break;
        case TEST_PLAN_TO_END:
            put_extent(plan, &k, n - 1 - i, 0, TO_END);
            break;
        default: /* TEST_PLAN_BAD_INDEX */
            put_extent(plan, &k, i, 0, size);
            put_extent(plan, &k, n + 7 + i, 0, TO_END);
            break;
        }
    }
    if (s->plan == TEST_PLAN_BAD_INDEX)
        put_extent(plan, &k, 0xFFFFFFFFu, 0, 4096);
    *entries = k;
}

static HRESULT WINAPI cb_OrderContainersRestore(IDedupReadFileCallback *iface, ULONG n, BSTR *paths,
                                                ULONG *entries, DEDUP_CONTAINER_EXTENT **plan)
{
    test_store *s = from_callback(iface);
    note_call(s);
    s->counts.orders++;
    *entries = 0;
    *plan = NULL;
    if (s->plan == TEST_PLAN_FAIL)
        return E_FAIL;
    if (s->hostile == TEST_HOSTILE_NULL_PLAN_COUNT) {
        *entries = 5;
        return S_OK;
    }
    if (s->hostile == TEST_HOSTILE_BAD_PLAN) {
        static const DEDUP_CONTAINER_EXTENT bad[] = {
            { 999, 0, 4096 }, { 0, -4096, 8192 }, { 0, 0, 0 }, { 0, 0x7FFFFFFFFFFFF000LL, 0x7FFFFFFFFFFFFFFFLL },
            { 0xFFFFFFFF, 0, -1 }, { 0, 100, -5 },
        };
        *plan = CoTaskMemAlloc(sizeof bad);
        if (!*plan)
            return E_OUTOFMEMORY;
        memcpy(*plan, bad, sizeof bad);
        *entries = sizeof bad / sizeof bad[0];
        return S_OK;
    }
    if (s->plan == TEST_PLAN_NONE || n == 0)
        return S_OK;
    if (s->plan != TEST_PLAN_SAMPLE) {
        *plan = CoTaskMemAlloc((4 * n + 2) * sizeof **plan);
        if (!*plan)
            return E_OUTOFMEMORY;
        fill_plan(s, n, paths, *plan, entries);
        return S_OK;
    }
    *plan = CoTaskMemAlloc(2 * n * sizeof **plan);
    if (!*plan)
        return E_OUTOFMEMORY;
    for (ULONG i = 0; i < n; i++) {
        LONGLONG tenth = file_size(s, paths[i]) / 10;
        (*plan)[2 * i].ContainerIndex = i;
        (*plan)[2 * i].StartOffset = 0;
        (*plan)[2 * i].Length = tenth;
        (*plan)[2 * i + 1].ContainerIndex = i;
        (*plan)[2 * i + 1].StartOffset = tenth;
        (*plan)[2 * i + 1].Length = 0x7FFFFFFFFFFFFFFFLL;
    }
    *entries = 2 * n;
    return S_OK;
}

static HRESULT WINAPI cb_PreviewContainerRead(IDedupReadFileCallback *iface, BSTR path, ULONG n,
                                              DDP_FILE_EXTENT *reads)
{
    test_store *s = from_callback(iface);
    note_call(s);
    s->counts.previews++;
    if (list_unfinished(s))
        s->counts.unfinished_previews++;
    if (n == 0)
        s->counts.empty_previews++;
    if (n > s->counts.largest_preview)
        s->counts.largest_preview = n;
    s->announced_count = 0;
    s->announced_next = 0;
    s->list_cut = FALSE;
    if (n > MAX_ANNOUNCED || wcslen(path) >= MAX_PATH)
        return E_INVALIDARG;
    free(s->announced);
    s->announced = malloc((n ? n : 1) * sizeof *reads);
    if (!s->announced)
        return E_OUTOFMEMORY;
    memcpy(s->announced, reads, n * sizeof *reads);
    wcscpy(s->announced_path, path);
    s->announced_count = n;
    s->announced_next = 0;
    return S_OK;
}

static const IDedupReadFileCallbackVtbl callback_vtbl = {
    cb_QueryInterface, cb_AddRef, cb_Release, cb_ReadBackupFile, cb_OrderContainersRestore, cb_PreviewContainerRead,
};

static HRESULT WINAPI dir_QueryInterface(IDedupBackupStoreDirectory *iface, REFIID riid, void **ppv)
{
    return cb_QueryInterface(&from_directory(iface)->IDedupReadFileCallback_iface, riid, ppv);
}

static ULONG WINAPI dir_AddRef(IDedupBackupStoreDirectory *iface)
{
    return cb_AddRef(&from_directory(iface)->IDedupReadFileCallback_iface);
}

static ULONG WINAPI dir_Release(IDedupBackupStoreDirectory *iface)
{
    return cb_Release(&from_directory(iface)->IDedupReadFileCallback_iface);
}

/* The highest generation of "%08x.*.ccc" for the id in the folder. */
static HRESULT WINAPI dir_FindContainerFile(IDedupBackupStoreDirectory *iface, BSTR dir, ULONG id, BSTR *out)
{
    test_store *s = from_directory(iface);
    WCHAR pattern[MAX_PATH * 2], best[64] = L"";
    WIN32_FIND_DATAW fd;
    HANDLE h;

    note_call(s);
    s->counts.finds++;
    *out = NULL;
    full_path(s, dir, pattern);
    swprintf(pattern + wcslen(pattern), 32, L"\\%08lx.*.ccc", (unsigned long)id);
    h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return S_FALSE;
    do {
        if (wcslen(fd.cFileName) < 64 && !wcsstr(fd.cFileName, L"delete") && _wcsicmp(fd.cFileName, best) > 0)
            wcscpy(best, fd.cFileName);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    if (!best[0])
        return S_FALSE;
    wcscpy(pattern, dir);
    wcscat(pattern, L"\\");
    wcscat(pattern, best);
    *out = SysAllocString(pattern);
    return *out ? S_OK : E_OUTOFMEMORY;
}

static const IDedupBackupStoreDirectoryVtbl directory_vtbl = {
    dir_QueryInterface, dir_AddRef, dir_Release, dir_FindContainerFile,
};

test_store *test_store_new(const WCHAR *root, BOOL with_directory, test_plan_kind plan)
{
    test_store *s = calloc(1, sizeof *s);
    if (!s || wcslen(root) >= MAX_PATH) {
        free(s);
        return NULL;
    }
    s->IDedupReadFileCallback_iface.lpVtbl = &callback_vtbl;
    s->IDedupBackupStoreDirectory_iface.lpVtbl = &directory_vtbl;
    s->refcount = 1;
    s->thread = GetCurrentThreadId();
    wcscpy(s->root, root);
    s->with_directory = with_directory;
    s->plan = plan;
    return s;
}

IDedupReadFileCallback *test_store_callback(test_store *s) { return &s->IDedupReadFileCallback_iface; }
void test_store_get_counts(const test_store *s, test_store_counts *out)
{
    *out = s->counts;
    if (list_unfinished(s))
        out->unfinished_previews++;   /* the last list, never finished */
}
LONG test_store_refcount(const test_store *s) { return s->refcount; }
void test_store_release(test_store *s) { cb_Release(&s->IDedupReadFileCallback_iface); }

void test_store_set_short_reads(test_store *s, ULONG most, BOOL half)
{
    s->short_most = most;
    s->short_half = half;
}

void test_store_count_threads(test_store *s, BOOL on) { s->count_threads = on; }

void test_store_set_hostile(test_store *s, test_hostile mode, IDedupBackupSupport *support, HRESULT *reenter_result)
{
    s->hostile = mode;
    s->reenter_support = support;
    s->reenter_result = reenter_result;
}
