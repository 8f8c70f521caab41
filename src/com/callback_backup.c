/*
 * callback_backup.c - adapts an application's IDedupReadFileCallback to the engine's
 * ddp_backup (include/ddp/restore.h). The engine's UTF-8 paths become BSTRs (a few
 * recent ones are cached: the engine reads one container many times in a row); the
 * application's read plan is copied into engine memory and freed with CoTaskMemFree at
 * once; whatever the application returns is checked before the engine sees it.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "callback_backup.h"
#include "text.h"
#include "trace.h"

/* DDP_FILE_EXTENT and ddp_read_extent are the same layout (Length, then Offset). */
_Static_assert(sizeof(DDP_FILE_EXTENT) == sizeof(ddp_read_extent), "DDP_FILE_EXTENT size");
_Static_assert(offsetof(DDP_FILE_EXTENT, Length) == offsetof(ddp_read_extent, length), "Length offset");
_Static_assert(offsetof(DDP_FILE_EXTENT, Offset) == offsetof(ddp_read_extent, offset), "Offset offset");
_Static_assert(sizeof(DEDUP_CONTAINER_EXTENT) == 24, "DEDUP_CONTAINER_EXTENT size");

/* A BSTR for path, from the cache or newly made (evicting the least recently used). */
static BSTR path_bstr(callback_backup *cs, const char *path)
{
    size_t victim = 0;
    for (size_t i = 0; i < CALLBACK_BACKUP_PATH_CACHE; i++) {
        if (cs->cache[i].path && !strcmp(cs->cache[i].path, path)) {
            cs->cache[i].last_use = ++cs->clock;
            return cs->cache[i].bstr;
        }
        if (!cs->cache[i].path || cs->cache[i].last_use < cs->cache[victim].last_use)
            victim = i;
    }
    free(cs->cache[victim].path);
    SysFreeString(cs->cache[victim].bstr);
    cs->cache[victim].path = _strdup(path);
    cs->cache[victim].bstr = ddp_utf8_to_bstr(path);
    cs->cache[victim].last_use = ++cs->clock;
    if (!cs->cache[victim].path || !cs->cache[victim].bstr) {
        free(cs->cache[victim].path);
        SysFreeString(cs->cache[victim].bstr);
        cs->cache[victim].path = NULL;
        cs->cache[victim].bstr = NULL;
    }
    return cs->cache[victim].bstr;
}

static int32_t store_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    callback_backup *cs = ctx;
    BSTR bstr = path_bstr(cs, path);
    ULONG returned = 0;
    HRESULT hr;

    *got = 0;
    if (!bstr)
        return E_OUTOFMEMORY;
    if (offset > (uint64_t)INT64_MAX)
        return E_INVALIDARG;
    hr = IDedupReadFileCallback_ReadBackupFile(cs->callback, bstr, (hyper)offset, size, buf, &returned, 0);
    if (FAILED(hr))
        return hr;
    if (returned > size) {
        TRACE("ReadBackupFile returned %lu bytes for %lu requested", (unsigned long)returned, (unsigned long)size);
        return DDP_E_INVALID_DATA;
    }
    *got = returned;
    return S_OK;
}

static void free_bstr_array(BSTR *paths, uint32_t n)
{
    if (!paths)
        return;
    for (uint32_t i = 0; i < n; i++)
        SysFreeString(paths[i]);
    free(paths);
}

/* Copies the application's plan into engine memory; a NULL plan or 0 entries: no plan. */
static HRESULT copy_plan(const DEDUP_CONTAINER_EXTENT *plan, ULONG entries, ddp_plan_extent **out, uint32_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    if (!plan || entries == 0)
        return S_OK;
    if (entries > CALLBACK_BACKUP_MAX_PLAN_ENTRIES) {
        TRACE("plan of %lu entries ignored", (unsigned long)entries);
        return S_OK;
    }
    *out = malloc((size_t)entries * sizeof **out);
    if (!*out)
        return E_OUTOFMEMORY;
    for (ULONG i = 0; i < entries; i++) {
        (*out)[i].container_index = plan[i].ContainerIndex;
        (*out)[i].start = plan[i].StartOffset;
        (*out)[i].length = plan[i].Length;
    }
    *out_n = entries;
    return S_OK;
}

static int32_t store_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries)
{
    callback_backup *cs = ctx;
    BSTR *bstrs = calloc(n ? n : 1, sizeof *bstrs);
    DEDUP_CONTAINER_EXTENT *app_plan = NULL;
    ULONG app_entries = 0;
    HRESULT hr;

    *plan = NULL;
    *entries = 0;
    if (!bstrs)
        return E_OUTOFMEMORY;
    for (uint32_t i = 0; i < n; i++) {
        bstrs[i] = ddp_utf8_to_bstr(paths[i]);
        if (!bstrs[i]) {
            free_bstr_array(bstrs, n);
            return E_OUTOFMEMORY;
        }
    }
    hr = IDedupReadFileCallback_OrderContainersRestore(cs->callback, n, bstrs, &app_entries, &app_plan);
    free_bstr_array(bstrs, n);
    if (SUCCEEDED(hr))
        hr = copy_plan(app_plan, app_entries, plan, entries);
    CoTaskMemFree(app_plan);
    return hr;
}

static void store_free_plan(void *ctx, ddp_plan_extent *plan)
{
    (void)ctx;
    free(plan);
}

static int32_t store_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    callback_backup *cs = ctx;
    BSTR bstr = path_bstr(cs, path);
    if (!bstr)
        return E_OUTOFMEMORY;
    return IDedupReadFileCallback_PreviewContainerRead(cs->callback, bstr, n, (DDP_FILE_EXTENT *)reads);
}

static int32_t store_find_container(void *ctx, const char *dir, uint32_t id, char **path)
{
    callback_backup *cs = ctx;
    BSTR dir_bstr = ddp_utf8_to_bstr(dir), found = NULL;
    HRESULT hr;

    *path = NULL;
    if (!dir_bstr)
        return E_OUTOFMEMORY;
    hr = IDedupBackupStoreDirectory_FindContainerFile(cs->directory, dir_bstr, id, &found);
    SysFreeString(dir_bstr);
    if (hr == S_OK && found && SysStringLen(found) > 0) {
        *path = ddp_utf16_to_utf8(found, (int)SysStringLen(found));
        SysFreeString(found);
        return *path ? 0 : E_OUTOFMEMORY;
    }
    SysFreeString(found);
    return FAILED(hr) ? hr : 1;
}

void callback_backup_init(callback_backup *cs, IDedupReadFileCallback *callback, ddp_backup *store)
{
    void *directory = NULL;

    memset(cs, 0, sizeof *cs);
    cs->callback = callback;
    if (SUCCEEDED(IDedupReadFileCallback_QueryInterface(callback, &IID_IDedupBackupStoreDirectory, &directory)))
        cs->directory = directory;
    memset(store, 0, sizeof *store);
    store->ctx = cs;
    store->read = store_read;
    store->order = store_order;
    store->free_plan = store_free_plan;
    store->preview = store_preview;
    store->find_container = cs->directory ? store_find_container : NULL;
}

void callback_backup_cleanup(callback_backup *cs)
{
    for (size_t i = 0; i < CALLBACK_BACKUP_PATH_CACHE; i++) {
        free(cs->cache[i].path);
        SysFreeString(cs->cache[i].bstr);
    }
    if (cs->directory)
        IDedupBackupStoreDirectory_Release(cs->directory);
    memset(cs, 0, sizeof *cs);
}
