/*
 * test_com_object.c - the DedupBackupSupport object through COM, as clients create it:
 * CoCreateInstance with CLSCTX_INPROC_SERVER and CLSCTX_ALL, aggregation refused, the
 * QueryInterface table, reference counts, DllCanUnloadNow with objects and locks (an
 * unbalanced LockServer(FALSE) does not take the lock count below zero).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddpbackup.h"

typedef HRESULT(WINAPI *can_unload_fn)(void);
typedef HRESULT(WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);

static HMODULE dll;

static int setup(void **state)
{
    (void)state;
    if (test_regsvr32(FALSE) != 0)
        return -1;
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return -1;
    dll = LoadLibraryW(test_dll_path());
    return dll ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    CoUninitialize();
    FreeLibrary(dll);
    test_regsvr32(TRUE);
    return 0;
}

static HRESULT can_unload(void)
{
    can_unload_fn fn = (can_unload_fn)(void (*)(void))GetProcAddress(dll, "DllCanUnloadNow");
    return fn();
}

static void test_create_inproc_and_all(void **state)
{
    IDedupBackupSupport *a = NULL, *b = NULL;
    (void)state;
    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER,
                                      &IID_IDedupBackupSupport, (void **)&a), S_OK);
    assert_non_null(a);
    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_ALL, &IID_IDedupBackupSupport,
                                      (void **)&b), S_OK);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(IDedupBackupSupport_Release(a), 0);
    assert_int_equal(IDedupBackupSupport_Release(b), 0);
}

static void test_aggregation_refused(void **state)
{
    IUnknown *outer = (IUnknown *)0x1234, *obj = (IUnknown *)0x5678;
    (void)state;
    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, outer, CLSCTX_INPROC_SERVER, &IID_IUnknown,
                                      (void **)&obj), CLASS_E_NOAGGREGATION);
    assert_null(obj);
}

static void test_query_interface_table(void **state)
{
    IDedupBackupSupport *obj = NULL;
    IUnknown *unk = NULL, *unk2 = NULL;
    void *other = (void *)0x1;
    (void)state;

    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown,
                                      (void **)&unk), S_OK);
    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IDedupBackupSupport, (void **)&obj), S_OK);
    assert_int_equal(IDedupBackupSupport_QueryInterface(obj, &IID_IUnknown, (void **)&unk2), S_OK);
    assert_ptr_equal(unk, unk2);   /* one identity */

    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IDispatch, &other), E_NOINTERFACE);
    assert_null(other);
    other = (void *)0x1;
    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IClassFactory, &other), E_NOINTERFACE);
    assert_null(other);
    other = (void *)0x1;
    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IDedupReadFileCallback, &other), E_NOINTERFACE);
    assert_null(other);
    other = (void *)0x1;
    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IDedupBackupStoreDirectory, &other), E_NOINTERFACE);
    assert_null(other);
    assert_int_equal(IUnknown_QueryInterface(unk, &IID_IUnknown, NULL), E_POINTER);

    IUnknown_Release(unk2);
    IDedupBackupSupport_Release(obj);
    assert_int_equal(IUnknown_Release(unk), 0);
}

static void test_refcounts(void **state)
{
    IDedupBackupSupport *obj = NULL;
    (void)state;
    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER,
                                      &IID_IDedupBackupSupport, (void **)&obj), S_OK);
    assert_int_equal(IDedupBackupSupport_AddRef(obj), 2);
    assert_int_equal(IDedupBackupSupport_AddRef(obj), 3);
    assert_int_equal(IDedupBackupSupport_Release(obj), 2);
    assert_int_equal(IDedupBackupSupport_Release(obj), 1);
    assert_int_equal(IDedupBackupSupport_Release(obj), 0);
}

static void test_can_unload_now(void **state)
{
    get_class_object_fn get = (get_class_object_fn)(void (*)(void))GetProcAddress(dll, "DllGetClassObject");
    IClassFactory *factory = NULL;
    IDedupBackupSupport *obj = NULL;
    (void)state;

    assert_int_equal(can_unload(), S_OK);
    assert_int_equal(get(&CLSID_DedupBackupSupport, &IID_IClassFactory, (void **)&factory), S_OK);
    assert_int_equal(IClassFactory_CreateInstance(factory, NULL, &IID_IDedupBackupSupport, (void **)&obj), S_OK);
    assert_int_equal(can_unload(), S_FALSE);
    IDedupBackupSupport_Release(obj);
    assert_int_equal(can_unload(), S_OK);

    assert_int_equal(IClassFactory_LockServer(factory, TRUE), S_OK);
    assert_int_equal(can_unload(), S_FALSE);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(can_unload(), S_OK);
    IClassFactory_Release(factory);
}

/* An unbalanced LockServer(FALSE) is ignored: the lock count floors at zero, so the DLL
 * can still unload, and a later lock still holds it (had the count gone to -1, the
 * LockServer(TRUE) below would bring it to 0 and DllCanUnloadNow would say S_OK). */
static void test_unbalanced_unlock(void **state)
{
    get_class_object_fn get = (get_class_object_fn)(void (*)(void))GetProcAddress(dll, "DllGetClassObject");
    IClassFactory *factory = NULL;
    (void)state;

    assert_int_equal(get(&CLSID_DedupBackupSupport, &IID_IClassFactory, (void **)&factory), S_OK);
    assert_int_equal(can_unload(), S_OK);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(can_unload(), S_OK);
    assert_int_equal(IClassFactory_LockServer(factory, TRUE), S_OK);
    assert_int_equal(can_unload(), S_FALSE);
    assert_int_equal(IClassFactory_LockServer(factory, TRUE), S_OK);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(can_unload(), S_FALSE);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(can_unload(), S_OK);
    assert_int_equal(IClassFactory_LockServer(factory, FALSE), S_OK);
    assert_int_equal(can_unload(), S_OK);
    IClassFactory_Release(factory);
}

static void test_class_object_arguments(void **state)
{
    get_class_object_fn get = (get_class_object_fn)(void (*)(void))GetProcAddress(dll, "DllGetClassObject");
    IClassFactory *factory = NULL;
    void *obj = (void *)0x1;
    IUnknown *outer = (IUnknown *)0x1234;
    (void)state;

    assert_int_equal(get(&IID_IUnknown, &IID_IClassFactory, &obj), CLASS_E_CLASSNOTAVAILABLE);
    assert_null(obj);
    assert_int_equal(get(&CLSID_DedupBackupSupport, &IID_IClassFactory, NULL), E_POINTER);
    obj = (void *)0x1;
    assert_int_equal(get(&CLSID_DedupBackupSupport, &IID_IDedupBackupSupport, &obj), E_NOINTERFACE);
    assert_null(obj);
    assert_int_equal(get(&CLSID_DedupBackupSupport, &IID_IClassFactory, (void **)&factory), S_OK);
    assert_int_equal(IClassFactory_CreateInstance(factory, NULL, &IID_IDedupBackupSupport, NULL), E_POINTER);
    obj = (void *)0x1;
    assert_int_equal(IClassFactory_CreateInstance(factory, outer, &IID_IUnknown, &obj), CLASS_E_NOAGGREGATION);
    assert_null(obj);
    obj = (void *)0x1;
    assert_int_equal(IClassFactory_CreateInstance(factory, NULL, &IID_IDispatch, &obj), E_NOINTERFACE);
    assert_null(obj);
    assert_int_equal(can_unload(), S_OK);
    IClassFactory_Release(factory);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_inproc_and_all),
        cmocka_unit_test(test_aggregation_refused),
        cmocka_unit_test(test_query_interface_table),
        cmocka_unit_test(test_refcounts),
        cmocka_unit_test(test_can_unload_now),
        cmocka_unit_test(test_unbalanced_unlock),
        cmocka_unit_test(test_class_object_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
