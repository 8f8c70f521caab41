/*
 * class_factory.c - the IClassFactory of DedupBackupSupport. One static object: its
 * reference count does not keep the DLL loaded (COM's rule), LockServer does.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>

#include "module.h"
#include "trace.h"

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (riid && (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))) {
        *ppv = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    (void)iface;
    return 1;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **ppv)
{
    (void)iface;
    TRACE("(%p, %p, %p)", (void *)outer, (const void *)riid, (void *)ppv);
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    if (!riid)
        return E_INVALIDARG;
    return ddp_backup_support_create(riid, ppv);
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    TRACE("(%d)", lock);
    ddp_module_lock(lock);
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static IClassFactory backup_support_factory = { &factory_vtbl };

HRESULT ddp_class_factory_query(REFIID riid, void **ppv)
{
    return IClassFactory_QueryInterface(&backup_support_factory, riid, ppv);
}
