/*
 * dllmain.c - the DLL's entry points: DllMain, DllGetClassObject, DllCanUnloadNow,
 * and the module-wide object and lock counts (the lock count floors at zero: see
 * ddp_module_lock).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>

#include "ddpbackup.h"
#include "hash_choice.h"
#include "module.h"
#include "trace.h"

HINSTANCE ddp_module_instance;
static volatile LONG module_objects;
static volatile LONG module_locks;

void ddp_module_object_created(void) { InterlockedIncrement(&module_objects); }
void ddp_module_object_destroyed(void) { InterlockedDecrement(&module_objects); }

/* Takes one server lock away unless there is none: the count never goes below zero. */
static BOOL module_unlock(void)
{
    LONG count;
    do {
        count = InterlockedCompareExchange(&module_locks, 0, 0);
        if (count <= 0)
            return FALSE;
    } while (InterlockedCompareExchange(&module_locks, count - 1, count) != count);
    return TRUE;
}

/*
 * IClassFactory::LockServer. An unbalanced LockServer(FALSE) (no lock left to release) is
 * a client bug; it is ignored (traced) rather than counted, so the count stays at zero
 * and DllCanUnloadNow can still answer S_OK (LockServer itself still returns S_OK).
 * Were it counted, the next LockServer(TRUE) would bring the count back to zero and the
 * DLL could be unloaded under a lock.
 */
void ddp_module_lock(BOOL lock)
{
    if (lock)
        InterlockedIncrement(&module_locks);
    else if (!module_unlock())
        TRACE("LockServer(FALSE) without a lock: ignored");
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
        ddp_choose_hash_backend();   /* the engine takes the DLL's choice */
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
