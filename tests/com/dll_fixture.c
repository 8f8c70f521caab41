/* dll_fixture.c - see dll_fixture.h. */
#define COBJMACROS
#include <windows.h>
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ddp/reparse.h"
#include "dll_fixture.h"
#ifdef DDP_TEST_REPARSE
#include "reparse_shim_client.h"
#endif

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* A store_content_fn: 64 KiB blocks, every third one shared by all files (same bytes), the
 * others unique; within a block, runs of text-like bytes so that Xpress finds matches. */
static void content(uint32_t seed, uint32_t i, uint8_t *out, size_t size)
{
    for (size_t off = 0; off < size; off++) {
        size_t block = off >> 16;
        uint64_t key = (block % 3 == 0) ? mix(seed * 131 + block) : mix(((uint64_t)seed << 32) ^ (i * 7919u + block));
        uint64_t v = mix(key + (off & 0xFFFF) / 16);
        out[off] = (v & 3) ? (uint8_t)('a' + (v >> 8) % 26) : (uint8_t)(v >> 16);
    }
}

static int write_all(const WCHAR *path, const uint8_t *data, size_t len)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done = 0;
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    ok = len == 0 || (WriteFile(h, data, (DWORD)len, &done, NULL) && done == len);
    CloseHandle(h);
    return ok ? 0 : -1;
}

static uint8_t *read_all(const WCHAR *path, size_t *len)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    uint8_t *data;
    DWORD got = 0;
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    if (!GetFileSizeEx(h, &size) || !(data = malloc((size_t)size.QuadPart + 1))) {
        CloseHandle(h);
        return NULL;
    }
    if (size.QuadPart && (!ReadFile(h, data, (DWORD)size.QuadPart, &got, NULL) || got != size.QuadPart)) {
        free(data);
        CloseHandle(h);
        return NULL;
    }
    CloseHandle(h);
    *len = (size_t)size.QuadPart;
    return data;
}

/* Creates every folder of a full path's parent. */
static void make_parents(const WCHAR *path)
{
    WCHAR tmp[MAX_PATH * 2];
    wcsncpy(tmp, path, MAX_PATH * 2 - 1);
    tmp[MAX_PATH * 2 - 1] = 0;
    for (WCHAR *p = tmp + 3; *p; p++) {
        if (*p == L'\\') {
            *p = 0;
            CreateDirectoryW(tmp, NULL);
            *p = L'\\';
        }
    }
}

void fixture_store_path(const dll_fixture *f, const char *store_path, WCHAR *out, size_t cap)
{
    size_t n = wcslen(f->root);
    wcsncpy(out, f->root, cap);
    MultiByteToWideChar(CP_UTF8, 0, store_path, -1, out + n, (int)(cap - n));
    out[cap - 1] = 0;
}

static int write_store(dll_fixture *f, const ddp_sink_mem *m)
{
    const char *path;
    for (size_t i = 0; (path = ddp_sink_mem_path(m, i)) != NULL; i++) {
        WCHAR full[MAX_PATH * 2];
        size_t len = 0;
        const uint8_t *data = ddp_sink_mem_get(m, path, &len);
        fixture_store_path(f, path, full, MAX_PATH * 2);
        make_parents(full);
        if (!data || write_all(full, data, len))
            return -1;
    }
    return 0;
}

#ifdef DDP_TEST_REPARSE
static int write_stub(const WCHAR *path, size_t size, const uint8_t *buf, size_t len)
{
    return write_all(path, NULL, 0) || reparse_shim_make_stub(path, size, buf, len) ? -1 : 0;
}
#else
static int write_stub(const WCHAR *path, size_t size, const uint8_t *buf, size_t len)
{
    (void)size;
    return write_all(path, buf, len);
}
#endif

int fixture_create(dll_fixture *f, const wchar_t *tag, const ddp_store_builder_options *opt, uint32_t seed, uint32_t n,
                   const size_t *sizes)
{
    WCHAR tmp[MAX_PATH];

    memset(f, 0, sizeof *f);
    GetTempPathW(MAX_PATH, tmp);
    swprintf(f->root, MAX_PATH, L"%lsddp-dll-%ls-%lu", tmp, tag, (unsigned long)GetCurrentProcessId());
    swprintf(f->target, MAX_PATH, L"%ls\\restored", f->root);
    CreateDirectoryW(f->root, NULL);
    CreateDirectoryW(f->target, NULL);
    if (store_fixture_build(&f->store, opt, n, sizes, NULL, content, 0x5eed0000u + seed) != DDP_OK ||
        write_store(f, f->store.mem) != 0 || !(f->paths = calloc(n ? n : 1, sizeof *f->paths)))
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const store_fixture_file *sf = &f->store.files[i];
        WCHAR path[MAX_PATH];
        swprintf(path, MAX_PATH, L"%ls\\file-%05lu.bin", f->target, (unsigned long)i);
        f->paths[i] = SysAllocString(path);
        if (sf->reparse_len ? write_stub(path, sf->size, sf->reparse, sf->reparse_len)
                            : write_all(path, sf->data, sf->size))
            return -1;
    }
    return 0;
}

int fixture_file_matches(const dll_fixture *f, uint32_t i)
{
    size_t len = 0;
    uint8_t *data = read_all(f->paths[i], &len);
    const store_fixture_file *sf = &f->store.files[i];
    int same = data && len == sf->size && !memcmp(data, sf->data, len);
    free(data);
#ifdef DDP_TEST_REPARSE
    DWORD attributes = reparse_shim_attributes(f->paths[i]);
    if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
        same = 0;
#endif
    return same;
}

#ifdef DDP_TEST_REPARSE
int fixture_file_is_stub(const dll_fixture *f, uint32_t i)
{
    static uint8_t point[DDP_REPARSE_MAX_BUFFER];
    DWORD attributes = reparse_shim_attributes(f->paths[i]);
    size_t len = 0, got;
    uint8_t *data;
    int stub;
    const store_fixture_file *sf = &f->store.files[i];
    if (!sf->reparse_len || attributes == INVALID_FILE_ATTRIBUTES ||
        (attributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE)) !=
            (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_SPARSE_FILE))
        return 0;
    got = reparse_shim_get(f->paths[i], point, sizeof point);
    if (got != sf->reparse_len || memcmp(point, sf->reparse, got) != 0)
        return 0;
    data = read_all(f->paths[i], &len);
    stub = data && len == sf->size;
    for (size_t k = 0; stub && k < len; k++)
        stub = data[k] == 0;
    free(data);
    return stub;
}
#else
int fixture_file_is_stub(const dll_fixture *f, uint32_t i)
{
    size_t len = 0;
    uint8_t *data = read_all(f->paths[i], &len);
    ddp_reparse r;
    int stub = data && ddp_reparse_parse(data, len, &r, NULL) == DDP_OK && r.logical_size == f->store.files[i].size;
    free(data);
    return stub;
}
#endif

const uint8_t *fixture_stub_buffer(const dll_fixture *f, uint32_t i, size_t *len)
{
    *len = f->store.files[i].reparse_len;
    return f->store.files[i].reparse;
}

HANDLE fixture_overwrite(const WCHAR *path)
{
#ifdef DDP_TEST_REPARSE
    if (!reparse_shim())
        return INVALID_HANDLE_VALUE;
    return reparse_shim()->create_file(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
#else
    return CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
#endif
}

static void remove_tree(const WCHAR *dir)
{
    WCHAR pattern[MAX_PATH * 2], child[MAX_PATH * 2];
    WIN32_FIND_DATAW fd;
    HANDLE h;
    swprintf(pattern, MAX_PATH * 2, L"%ls\\*", dir);
    h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            swprintf(child, MAX_PATH * 2, L"%ls\\%ls", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(child);
            else
                DeleteFileW(child);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

void fixture_destroy(dll_fixture *f)
{
    for (uint32_t i = 0; f->paths && i < f->store.n; i++)
        SysFreeString(f->paths[i]);
    free(f->paths);
    store_fixture_free(&f->store);
    if (f->root[0])
        remove_tree(f->root);
#ifdef DDP_TEST_REPARSE
    if (reparse_shim())
        reparse_shim()->reset();   /* the file indexes of the deleted files get reused */
#endif
    memset(f, 0, sizeof *f);
}
