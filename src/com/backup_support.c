/*
 * backup_support.c - the DedupBackupSupport object: IUnknown and IDedupBackupSupport.
 * It keeps no state between calls (hence ThreadingModel=Both); RestoreFiles is in
 * restore_files.c.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>

#include "ddpbackup.h"
#include "module.h"
#include "restore_files.h"
#include "trace.h"

typedef struct backup_support {
    IDedupBackupSupport IDedupBackupSupport_iface;
    LONG refcount;
} backup_support;

static backup_support *impl_from_IDedupBackupSupport(IDedupBackupSupport *iface)
{
    return CONTAINING_RECORD(iface, backup_support, IDedupBackupSupport_iface);
}

static HRESULT WINAPI backup_support_QueryInterface(IDedupBackupSupport *iface, REFIID riid, void **ppv)
{
    TRACE("(%p, %p, %p)", (void *)iface, (const void *)riid, (void *)ppv);
    if (!ppv)
        return E_POINTER;
    if (riid && (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDedupBackupSupport))) {
        *ppv = iface;
        IDedupBackupSupport_AddRef(iface);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI backup_support_AddRef(IDedupBackupSupport *iface)
{
    backup_support *This = impl_from_IDedupBackupSupport(iface);
    ULONG ref = (ULONG)InterlockedIncrement(&This->refcount);
    TRACE("(%p) ref=%lu", (void *)iface, (unsigned long)ref);
    return ref;
}

static ULONG WINAPI backup_support_Release(IDedupBackupSupport *iface)
{
    backup_support *This = impl_from_IDedupBackupSupport(iface);
    ULONG ref = (ULONG)InterlockedDecrement(&This->refcount);
    TRACE("(%p) ref=%lu", (void *)iface, (unsigned long)ref);
    if (ref == 0) {
        HeapFree(GetProcessHeap(), 0, This);
        ddp_module_object_destroyed();
    }
    return ref;
}

static HRESULT WINAPI backup_support_RestoreFiles(IDedupBackupSupport *iface, ULONG NumberOfFiles,
                                                  BSTR *FileFullPaths, IDedupReadFileCallback *Store,
                                                  DWORD Flags, HRESULT *FileResults)
{
    TRACE("(%p, %lu, %p, %p, %#lx, %p)", (void *)iface, (unsigned long)NumberOfFiles, (void *)FileFullPaths,
          (void *)Store, (unsigned long)Flags, (void *)FileResults);
    return ddp_restore_files(NumberOfFiles, FileFullPaths, Store, Flags, FileResults);
}

static const IDedupBackupSupportVtbl backup_support_vtbl = {
    backup_support_QueryInterface,
    backup_support_AddRef,
    backup_support_Release,
    backup_support_RestoreFiles,
};

HRESULT ddp_backup_support_create(REFIID riid, void **ppv)
{
    backup_support *obj;
    HRESULT hr;

    *ppv = NULL;
    obj = HeapAlloc(GetProcessHeap(), 0, sizeof *obj);
    if (!obj)
        return E_OUTOFMEMORY;
    obj->IDedupBackupSupport_iface.lpVtbl = &backup_support_vtbl;
    obj->refcount = 1;
    ddp_module_object_created();
    hr = IDedupBackupSupport_QueryInterface(&obj->IDedupBackupSupport_iface, riid, ppv);
    IDedupBackupSupport_Release(&obj->IDedupBackupSupport_iface);
    return hr;
}
