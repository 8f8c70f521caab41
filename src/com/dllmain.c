/*
 * dllmain.c - the DLL's entry points: DllMain, DllGetClassObject, DllCanUnloadNow,
 * and the module-wide object and lock counts.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>

#include "ddpbackup.h"
#include "module.h"
#include "trace.h"

HINSTANCE ddp_module_instance;
static volatile LONG module_objects;
static volatile LONG module_locks;

void ddp_module_object_created(void) { InterlockedIncrement(&module_objects); }
void ddp_module_object_destroyed(void) { InterlockedDecrement(&module_objects); }

void ddp_module_lock(BOOL lock)
{
    if (lock)
        InterlockedIncrement(&module_locks);
    else
        InterlockedDecrement(&module_locks);
}

BOOL ddp_module_in_use(void)
{
    return InterlockedCompareExchange(&module_objects, 0, 0) != 0 ||
           InterlockedCompareExchange(&module_locks, 0, 0) != 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        ddp_module_instance = instance;
        DisableThreadLibraryCalls(instance);
    }
    return TRUE;
}

HRESULT WINAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    TRACE("(%p, %p, %p)", (const void *)rclsid, (const void *)riid, (void *)ppv);
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (!IsEqualCLSID(rclsid, &CLSID_DedupBackupSupport))
        return CLASS_E_CLASSNOTAVAILABLE;
    return ddp_class_factory_query(riid, ppv);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return ddp_module_in_use() ? S_FALSE : S_OK;
}
