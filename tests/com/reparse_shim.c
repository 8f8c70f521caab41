/*
 * reparse_shim.c - NTFS reparse points over Wine's files, linked into the test DLL
 * DdpBackupReparse.dll only (see reparse_shim.h for the semantics and their sources).
 * Each wrapped Win32 call is reached through its import pointer: the link renames the
 * DLL's references to __imp_X into __wrap___imp_X (-Wl,--wrap, tests/com/CMakeLists.txt),
 * a pointer defined here to the shim's function, which reaches Wine's through __real___imp_X.
 */
#include <windows.h>
#include <winioctl.h>
#include <stdlib.h>
#include <string.h>

#include "reparse_shim.h"

#ifndef ERROR_CANT_ACCESS_FILE
#define ERROR_CANT_ACCESS_FILE 1920L
#endif

#define HEADER 8u           /* ReparseTag, ReparseDataLength, Reserved */
#define GUID_HEADER 24u     /* ... and ReparseGuid, for tags without the Microsoft bit */
#define MAX_BUFFER 16384u   /* MAXIMUM_REPARSE_DATA_BUFFER_SIZE */
#define IS_MICROSOFT_TAG(tag) (((tag) & 0x80000000u) != 0)

/* The import symbols: __imp_X on x86_64, _imp__X@bytes on i686 (ld matches --wrap names
 * there without the leading underscore, and prefixes __wrap_/__real_ to that form). */
#ifdef _WIN64
#define SHIM_WRAP(name, bytes) "__wrap___imp_" #name
#define SHIM_REAL(name, bytes) "__real___imp_" #name
#else
#define SHIM_WRAP(name, bytes) "___wrap__imp__" #name "@" #bytes
#define SHIM_REAL(name, bytes) "___real__imp__" #name "@" #bytes
#endif

/* Declares Wine's function (real_NAME) and points the DLL's import of it at shim_NAME. */
#define SHIM(ret, name, bytes, params)                                                   \
    typedef ret(WINAPI *name##_fn) params;                                               \
    extern name##_fn real_##name __asm__(SHIM_REAL(name, bytes));                        \
    ret WINAPI shim_##name params;                                                       \
    name##_fn wrap_##name __asm__(SHIM_WRAP(name, bytes)) = shim_##name;

SHIM(HANDLE, CreateFileW, 28, (LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE))
SHIM(BOOL, CloseHandle, 4, (HANDLE))
SHIM(BOOL, DeviceIoControl, 32, (HANDLE, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED))
SHIM(BOOL, GetFileInformationByHandle, 8, (HANDLE, LPBY_HANDLE_FILE_INFORMATION))
SHIM(BOOL, GetFileInformationByHandleEx, 16, (HANDLE, FILE_INFO_BY_HANDLE_CLASS, LPVOID, DWORD))
SHIM(BOOL, SetFileInformationByHandle, 16, (HANDLE, FILE_INFO_BY_HANDLE_CLASS, LPVOID, DWORD))
SHIM(BOOL, WriteFile, 20, (HANDLE, LPCVOID, DWORD, LPDWORD, LPOVERLAPPED))
SHIM(BOOL, ReadFile, 20, (HANDLE, LPVOID, DWORD, LPDWORD, LPOVERLAPPED))
SHIM(BOOL, FlushFileBuffers, 4, (HANDLE))
SHIM(BOOL, GetFileSizeEx, 8, (HANDLE, PLARGE_INTEGER))
SHIM(BOOL, MoveFileExW, 12, (LPCWSTR, LPCWSTR, DWORD))
SHIM(BOOL, DeleteFileW, 4, (LPCWSTR))

typedef struct shim_file {
    DWORD volume, index_high, index_low;
    int has_point, sparse;
    DWORD tag;
    size_t len;                 /* the whole buffer, header included */
    unsigned char buf[MAX_BUFFER];
} shim_file;

typedef struct shim_handle {
    HANDLE h;
    DWORD access;
} shim_handle;

static CRITICAL_SECTION lock;
static shim_file **files;
static size_t n_files;
static shim_handle *handles;
static size_t n_handles, cap_handles;
static ULONG calls, fail_at;
static DWORD fail_error;
static BOOL fail_hit;

static void __attribute__((constructor)) shim_init(void)
{
    InitializeCriticalSection(&lock);
}

/* Fault injection: TRUE (last error set) when this call is the armed one. */
static BOOL injected(void)
{
    BOOL fail;
    EnterCriticalSection(&lock);
    fail = ++calls == fail_at;
    if (fail)
        fail_hit = TRUE;
    LeaveCriticalSection(&lock);
    if (fail)
        SetLastError(fail_error);
    return fail;
}

static ULONG opens;     /* CreateFileW calls, for reparse_shim_opens */

__declspec(dllexport) ULONG reparse_shim_opens(void)
{
    ULONG made;
    EnterCriticalSection(&lock);
    made = opens;
    opens = 0;
    LeaveCriticalSection(&lock);
    return made;
}

__declspec(dllexport) ULONG reparse_shim_fail_call(ULONG n, DWORD err, BOOL *hit)
{
    ULONG made;
    EnterCriticalSection(&lock);
    made = calls;
    if (hit)
        *hit = fail_hit;
    calls = 0;
    fail_at = n;
    fail_error = err;
    fail_hit = FALSE;
    LeaveCriticalSection(&lock);
    return made;
}

__declspec(dllexport) void reparse_shim_reset(void)
{
    EnterCriticalSection(&lock);
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
    files = NULL;
    n_files = 0;
    LeaveCriticalSection(&lock);
}

/* The file's entry (created when create is set); NULL when it has none. Under the lock. */
static shim_file *file_of(const BY_HANDLE_FILE_INFORMATION *info, int create)
{
    shim_file **grown, *f;
    for (size_t i = 0; i < n_files; i++) {
        f = files[i];
        if (f->volume == info->dwVolumeSerialNumber && f->index_high == info->nFileIndexHigh &&
            f->index_low == info->nFileIndexLow)
            return f;
    }
    if (!create || !(f = calloc(1, sizeof *f)))
        return NULL;
    grown = realloc(files, (n_files + 1) * sizeof *files);
    if (!grown) {
        free(f);
        return NULL;
    }
    files = grown;
    f->volume = info->dwVolumeSerialNumber;
    f->index_high = info->nFileIndexHigh;
    f->index_low = info->nFileIndexLow;
    files[n_files++] = f;
    return f;
}

/* A handle closed without the shim (by a test program) may come back for another file: its
 * entry is then replaced. */
static void remember_handle(HANDLE h, DWORD access)
{
    EnterCriticalSection(&lock);
    for (size_t i = 0; i < n_handles; i++) {
        if (handles[i].h == h) {
            handles[i].access = access;
            LeaveCriticalSection(&lock);
            return;
        }
    }
    if (n_handles == cap_handles) {
        size_t cap = cap_handles ? cap_handles * 2 : 64;
        shim_handle *grown = realloc(handles, cap * sizeof *handles);
        if (grown) {
            handles = grown;
            cap_handles = cap;
        }
    }
    if (n_handles < cap_handles) {
        handles[n_handles].h = h;
        handles[n_handles].access = access;
        n_handles++;
    }
    LeaveCriticalSection(&lock);
}

/* What the handle was opened for (GENERIC_* as given); 0 when not opened through the shim. */
static DWORD access_of(HANDLE h)
{
    DWORD access = 0;
    EnterCriticalSection(&lock);
    for (size_t i = 0; i < n_handles; i++) {
        if (handles[i].h == h)
            access = handles[i].access;
    }
    LeaveCriticalSection(&lock);
    return access;
}

static int may_write(DWORD access)
{
    return (access & (GENERIC_WRITE | GENERIC_ALL | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES)) != 0;
}

static BOOL fail(DWORD err)
{
    SetLastError(err);
    return FALSE;
}

HANDLE WINAPI shim_CreateFileW(LPCWSTR path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES sa, DWORD disposition,
                               DWORD flags, HANDLE templ)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE probe, h;
    shim_file *f = NULL;

    EnterCriticalSection(&lock);
    opens++;
    LeaveCriticalSection(&lock);
    if (injected())
        return INVALID_HANDLE_VALUE;
    /* Which file the name is (if it exists), without opening it for anything. */
    probe = real_CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                             FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (probe != INVALID_HANDLE_VALUE) {
        BOOL known = real_GetFileInformationByHandle(probe, &info);
        real_CloseHandle(probe);
        EnterCriticalSection(&lock);
        f = known ? file_of(&info, 0) : NULL;
        if (f && !f->has_point)
            f = NULL;
        LeaveCriticalSection(&lock);
        if (f && !(flags & FILE_FLAG_OPEN_REPARSE_POINT)) {
            SetLastError(ERROR_CANT_ACCESS_FILE);   /* no filter owns the dedup tag here */
            return INVALID_HANDLE_VALUE;
        }
    }
    h = real_CreateFileW(path, access, share, sa, disposition, flags, templ);
    if (h == INVALID_HANDLE_VALUE)
        return h;
    if (f && (disposition == CREATE_ALWAYS || disposition == TRUNCATE_EXISTING)) {
        EnterCriticalSection(&lock);
        f->has_point = 0;   /* an overwrite replaces the file's data and its point */
        f->sparse = 0;
        LeaveCriticalSection(&lock);
    }
    remember_handle(h, access);
    return h;
}

BOOL WINAPI shim_CloseHandle(HANDLE h)
{
    EnterCriticalSection(&lock);
    for (size_t i = 0; i < n_handles; i++) {
        if (handles[i].h == h) {
            handles[i] = handles[--n_handles];
            break;
        }
    }
    LeaveCriticalSection(&lock);
    return real_CloseHandle(h);
}

/* The reparse and sparse attributes of the file info names, as NTFS reports them. Under the lock. */
static void add_point_attributes(BY_HANDLE_FILE_INFORMATION *info)
{
    shim_file *f = file_of(info, 0);
    if (f && f->has_point)
        info->dwFileAttributes |= FILE_ATTRIBUTE_REPARSE_POINT;
    if (f && f->sparse)
        info->dwFileAttributes |= FILE_ATTRIBUTE_SPARSE_FILE;
    if (info->dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE))
        info->dwFileAttributes &= ~(DWORD)FILE_ATTRIBUTE_NORMAL;
}

BOOL WINAPI shim_GetFileInformationByHandle(HANDLE h, LPBY_HANDLE_FILE_INFORMATION info)
{
    if (injected() || !real_GetFileInformationByHandle(h, info))
        return FALSE;
    EnterCriticalSection(&lock);
    add_point_attributes(info);
    LeaveCriticalSection(&lock);
    return TRUE;
}

/* FileBasicInfo carries the attributes too: the same two as GetFileInformationByHandle. */
BOOL WINAPI shim_GetFileInformationByHandleEx(HANDLE h, FILE_INFO_BY_HANDLE_CLASS cls, LPVOID out, DWORD len)
{
    BY_HANDLE_FILE_INFORMATION info;
    FILE_BASIC_INFO *basic = out;
    if (injected() || !real_GetFileInformationByHandleEx(h, cls, out, len))
        return FALSE;
    if (cls != FileBasicInfo || !real_GetFileInformationByHandle(h, &info))
        return TRUE;
    info.dwFileAttributes = basic->FileAttributes;
    EnterCriticalSection(&lock);
    add_point_attributes(&info);
    LeaveCriticalSection(&lock);
    basic->FileAttributes = info.dwFileAttributes;
    return TRUE;
}

/* The entry of h's file (created when create is set), with the lock held on success. */
static shim_file *locked_file(HANDLE h, int create, DWORD *err)
{
    BY_HANDLE_FILE_INFORMATION info;
    shim_file *f;
    if (!real_GetFileInformationByHandle(h, &info)) {
        *err = GetLastError();
        return NULL;
    }
    EnterCriticalSection(&lock);
    f = file_of(&info, create);
    if (!f) {
        LeaveCriticalSection(&lock);
        *err = create ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NOT_A_REPARSE_POINT;
    }
    return f;
}

static BOOL get_point(HANDLE h, void *out, DWORD out_len, DWORD *returned)
{
    DWORD err = 0;
    shim_file *f = locked_file(h, 0, &err);
    BOOL ok = FALSE;
    if (!f)
        return fail(err);
    if (!f->has_point) {
        err = ERROR_NOT_A_REPARSE_POINT;
    } else if (out_len < (IS_MICROSOFT_TAG(f->tag) ? HEADER : GUID_HEADER) || !out) {
        err = ERROR_INSUFFICIENT_BUFFER;            /* STATUS_BUFFER_TOO_SMALL: nothing returned */
    } else if (out_len < f->len) {
        memcpy(out, f->buf, out_len);               /* STATUS_BUFFER_OVERFLOW: what fits */
        *returned = out_len;
        err = ERROR_MORE_DATA;
    } else {
        memcpy(out, f->buf, f->len);
        *returned = (DWORD)f->len;
        ok = TRUE;
    }
    LeaveCriticalSection(&lock);
    return ok ? TRUE : fail(err);
}

static DWORD tag_of(const void *in)
{
    DWORD tag;
    memcpy(&tag, in, 4);
    return tag;
}

static WORD data_length_of(const void *in)
{
    WORD len;
    memcpy(&len, (const unsigned char *)in + 4, 2);
    return len;
}

static BOOL set_point(HANDLE h, const void *in, DWORD in_len)
{
    DWORD err = 0, tag;
    shim_file *f;
    size_t header;
    if (!may_write(access_of(h)))
        return fail(ERROR_ACCESS_DENIED);
    if (!in || in_len < HEADER)
        return fail(ERROR_INVALID_REPARSE_DATA);
    tag = tag_of(in);
    header = IS_MICROSOFT_TAG(tag) ? HEADER : GUID_HEADER;
    if (tag <= 1)
        return fail(ERROR_REPARSE_TAG_INVALID);
    if (in_len > MAX_BUFFER || in_len != header + data_length_of(in))
        return fail(ERROR_INVALID_REPARSE_DATA);
    if (!(f = locked_file(h, 1, &err)))
        return fail(err);
    if (f->has_point && f->tag != tag) {
        LeaveCriticalSection(&lock);
        return fail(ERROR_REPARSE_TAG_MISMATCH);
    }
    memcpy(f->buf, in, in_len);
    f->len = in_len;
    f->tag = tag;
    f->has_point = 1;
    LeaveCriticalSection(&lock);
    return TRUE;
}

static BOOL delete_point(HANDLE h, const void *in, DWORD in_len, DWORD out_len)
{
    DWORD err = 0, tag;
    shim_file *f;
    if (out_len != 0)
        return fail(ERROR_INVALID_PARAMETER);
    if (!may_write(access_of(h)))
        return fail(ERROR_ACCESS_DENIED);
    if (!in || in_len < HEADER)
        return fail(ERROR_INVALID_REPARSE_DATA);
    tag = tag_of(in);
    if (tag <= 1)
        return fail(ERROR_REPARSE_TAG_INVALID);
    if (in_len != (IS_MICROSOFT_TAG(tag) ? HEADER : GUID_HEADER) || data_length_of(in) != 0)
        return fail(ERROR_INVALID_REPARSE_DATA);
    if (!(f = locked_file(h, 0, &err)))
        return fail(err);
    if (!f->has_point)
        err = ERROR_NOT_A_REPARSE_POINT;
    else if (f->tag != tag)
        err = ERROR_REPARSE_TAG_MISMATCH;
    else if (!IS_MICROSOFT_TAG(tag) && memcmp((const unsigned char *)in + 8, f->buf + 8, 16) != 0)
        err = ERROR_REPARSE_ATTRIBUTE_CONFLICT;
    else
        f->has_point = 0;   /* the sparse flag stays, as NTFS leaves it */
    LeaveCriticalSection(&lock);
    return err ? fail(err) : TRUE;
}

static BOOL set_sparse(HANDLE h, const void *in, DWORD in_len)
{
    DWORD err = 0;
    shim_file *f;
    int on = 1;
    if (!may_write(access_of(h)))
        return fail(ERROR_ACCESS_DENIED);
    if (in && in_len >= sizeof(FILE_SET_SPARSE_BUFFER))
        on = ((const FILE_SET_SPARSE_BUFFER *)in)->SetSparse != 0;
    if (!(f = locked_file(h, 1, &err)))
        return fail(err);
    f->sparse = on;
    LeaveCriticalSection(&lock);
    return TRUE;
}

/* Zeros over [from, to) within the file's size, written (Wine has no deallocation). */
static BOOL zero_data(HANDLE h, const void *in, DWORD in_len)
{
    static const unsigned char zeros[65536];
    FILE_ZERO_DATA_INFORMATION z;
    LARGE_INTEGER size;
    LONGLONG at, end;
    if (!in || in_len < sizeof z)
        return fail(ERROR_INVALID_PARAMETER);
    memcpy(&z, in, sizeof z);
    if (!may_write(access_of(h)))
        return fail(ERROR_ACCESS_DENIED);
    if (z.FileOffset.QuadPart < 0 || z.BeyondFinalZero.QuadPart < z.FileOffset.QuadPart)
        return fail(ERROR_INVALID_PARAMETER);
    if (!real_GetFileSizeEx(h, &size))
        return FALSE;
    end = z.BeyondFinalZero.QuadPart < size.QuadPart ? z.BeyondFinalZero.QuadPart : size.QuadPart;
    for (at = z.FileOffset.QuadPart; at < end;) {
        OVERLAPPED ov;
        DWORD chunk = (DWORD)(end - at < (LONGLONG)sizeof zeros ? end - at : (LONGLONG)sizeof zeros), done = 0;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)at;
        ov.OffsetHigh = (DWORD)((ULONGLONG)at >> 32);
        if (!real_WriteFile(h, zeros, chunk, &done, &ov) || done != chunk)
            return FALSE;
        at += chunk;
    }
    return TRUE;
}

BOOL WINAPI shim_DeviceIoControl(HANDLE h, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                                 LPDWORD returned, LPOVERLAPPED ov)
{
    DWORD ignored = 0;
    if (injected())
        return FALSE;
    if (!returned)
        returned = &ignored;
    *returned = 0;
    switch (code) {
    case FSCTL_GET_REPARSE_POINT:
        return get_point(h, out, out_len, returned);
    case FSCTL_SET_REPARSE_POINT:
        return set_point(h, in, in_len);
    case FSCTL_DELETE_REPARSE_POINT:
        return delete_point(h, in, in_len, out_len);
    case FSCTL_SET_SPARSE:
        return set_sparse(h, in, in_len);
    case FSCTL_SET_ZERO_DATA:
        return zero_data(h, in, in_len);
    default:
        return real_DeviceIoControl(h, code, in, in_len, out, out_len, returned, ov);
    }
}

BOOL WINAPI shim_SetFileInformationByHandle(HANDLE h, FILE_INFO_BY_HANDLE_CLASS cls, LPVOID in, DWORD len)
{
    return injected() ? FALSE : real_SetFileInformationByHandle(h, cls, in, len);
}

BOOL WINAPI shim_WriteFile(HANDLE h, LPCVOID data, DWORD len, LPDWORD done, LPOVERLAPPED ov)
{
    return injected() ? FALSE : real_WriteFile(h, data, len, done, ov);
}

BOOL WINAPI shim_ReadFile(HANDLE h, LPVOID data, DWORD len, LPDWORD done, LPOVERLAPPED ov)
{
    return injected() ? FALSE : real_ReadFile(h, data, len, done, ov);
}

BOOL WINAPI shim_FlushFileBuffers(HANDLE h)
{
    return injected() ? FALSE : real_FlushFileBuffers(h);
}

BOOL WINAPI shim_GetFileSizeEx(HANDLE h, PLARGE_INTEGER size)
{
    return injected() ? FALSE : real_GetFileSizeEx(h, size);
}

BOOL WINAPI shim_MoveFileExW(LPCWSTR from, LPCWSTR to, DWORD flags)
{
    return injected() ? FALSE : real_MoveFileExW(from, to, flags);
}

BOOL WINAPI shim_DeleteFileW(LPCWSTR path)
{
    return injected() ? FALSE : real_DeleteFileW(path);
}

/* The shim's functions for the tests, which are not linked with the wrapping (plain C
 * calling convention: undecorated export names on i686 too). */
__declspec(dllexport) HANDLE reparse_shim_create_file(LPCWSTR path, DWORD access, DWORD share,
                                                      LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags,
                                                      HANDLE templ)
{
    return shim_CreateFileW(path, access, share, sa, disposition, flags, templ);
}

__declspec(dllexport) BOOL reparse_shim_device_io_control(HANDLE h, DWORD code, LPVOID in, DWORD in_len,
                                                                 LPVOID out, DWORD out_len, LPDWORD returned,
                                                                 LPOVERLAPPED ov)
{
    return shim_DeviceIoControl(h, code, in, in_len, out, out_len, returned, ov);
}

__declspec(dllexport) BOOL reparse_shim_file_information(HANDLE h, LPBY_HANDLE_FILE_INFORMATION info)
{
    return shim_GetFileInformationByHandle(h, info);
}

__declspec(dllexport) BOOL reparse_shim_close_handle(HANDLE h)
{
    return shim_CloseHandle(h);
}
