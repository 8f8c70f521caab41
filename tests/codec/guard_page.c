/* guard_page.c - the guard-page buffers of guard_page.h, for POSIX and Windows. */
#ifndef _WIN32
#define _DEFAULT_SOURCE
#endif
#include <string.h>

#include "guard_page.h"

#ifdef _WIN32
#include <windows.h>

static size_t page_size(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwPageSize;
}

static void *map_pages(size_t len)
{
    return VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

static int protect_none(void *p, size_t len)
{
    DWORD old;
    return VirtualProtect(p, len, PAGE_NOACCESS, &old) ? 0 : -1;
}

static void unmap_pages(void *p, size_t len)
{
    (void)len;
    VirtualFree(p, 0, MEM_RELEASE);
}
#else
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static void *map_pages(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int protect_none(void *p, size_t len)
{
    return mprotect(p, len, PROT_NONE);
}

static void unmap_pages(void *p, size_t len)
{
    munmap(p, len);
}
#endif

int guard_buf_alloc(guard_buf *g, size_t len)
{
    size_t page = page_size();
    size_t data_pages = (len + page - 1) / page;
    memset(g, 0, sizeof(*g));
    g->map_len = (data_pages + 1) * page;
    g->base = map_pages(g->map_len);
    if (g->base == NULL)
        return -1;
    uint8_t *guard = (uint8_t *)g->base + data_pages * page;
    if (protect_none(guard, page) != 0) {
        unmap_pages(g->base, g->map_len);
        g->base = NULL;
        return -1;
    }
    g->data = guard - len;
    g->len = len;
    return 0;
}

int guard_buf_copy(guard_buf *g, const uint8_t *src, size_t len)
{
    if (guard_buf_alloc(g, len) != 0)
        return -1;
    if (len)
        memcpy(g->data, src, len);
    return 0;
}

void guard_buf_free(guard_buf *g)
{
    if (g->base)
        unmap_pages(g->base, g->map_len);
    memset(g, 0, sizeof(*g));
}
