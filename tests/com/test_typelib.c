/*
 * test_typelib.c - after registration, LoadRegTypeLib finds the library by its LIBID,
 * with both SDK interfaces (and the project's extension) and their methods in slot order.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddpbackup.h"

static ITypeLib *typelib;

static int setup(void **state)
{
    (void)state;
    if (test_regsvr32(FALSE) != 0 || FAILED(CoInitialize(NULL)))
        return -1;
    return SUCCEEDED(LoadRegTypeLib(&LIBID_DedupBackup, 1, 0, LOCALE_NEUTRAL, &typelib)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ITypeLib_Release(typelib);
    CoUninitialize();
    test_regsvr32(TRUE);
    return 0;
}

/* Checks an interface's own methods: names in vtable order, starting after IUnknown's 3 slots. */
static void check_interface(REFIID iid, const WCHAR *const *methods, UINT count)
{
    ITypeInfo *info = NULL;
    TYPEATTR *attr = NULL;

    assert_int_equal(ITypeLib_GetTypeInfoOfGuid(typelib, iid, &info), S_OK);
    assert_int_equal(ITypeInfo_GetTypeAttr(info, &attr), S_OK);
    assert_int_equal(attr->typekind, TKIND_INTERFACE);
    assert_int_equal(attr->cFuncs, count);
    assert_int_equal(attr->cbSizeVft, (3 + count) * sizeof(void *));
    assert_int_equal(attr->wMajorVerNum, 1);
    ITypeInfo_ReleaseTypeAttr(info, attr);
    for (UINT i = 0; i < count; i++) {
        FUNCDESC *desc = NULL;
        BSTR name = NULL;
        UINT got = 0;
        assert_int_equal(ITypeInfo_GetFuncDesc(info, i, &desc), S_OK);
        assert_int_equal(desc->oVft, (3 + i) * sizeof(void *));
        assert_int_equal(ITypeInfo_GetNames(info, desc->memid, &name, 1, &got), S_OK);
        assert_true(wcscmp(name, methods[i]) == 0);
        SysFreeString(name);
        ITypeInfo_ReleaseFuncDesc(info, desc);
    }
    ITypeInfo_Release(info);
}

static void test_library_attributes(void **state)
{
    TLIBATTR *attr = NULL;
    BSTR name = NULL;
    (void)state;
    assert_int_equal(ITypeLib_GetLibAttr(typelib, &attr), S_OK);
    assert_true(IsEqualGUID(&attr->guid, &LIBID_DedupBackup));
    assert_int_equal(attr->wMajorVerNum, 1);
    assert_int_equal(attr->wMinorVerNum, 0);
    ITypeLib_ReleaseTLibAttr(typelib, attr);
    assert_int_equal(ITypeLib_GetDocumentation(typelib, -1, &name, NULL, NULL, NULL), S_OK);
    assert_true(wcscmp(name, L"DedupBackup") == 0);
    SysFreeString(name);
}

static void test_backup_support_interface(void **state)
{
    static const WCHAR *const methods[] = { L"RestoreFiles" };
    (void)state;
    check_interface(&IID_IDedupBackupSupport, methods, 1);
}

static void test_read_file_callback_interface(void **state)
{
    static const WCHAR *const methods[] = { L"ReadBackupFile", L"OrderContainersRestore", L"PreviewContainerRead" };
    (void)state;
    check_interface(&IID_IDedupReadFileCallback, methods, 3);
}

static void test_store_directory_interface(void **state)
{
    static const WCHAR *const methods[] = { L"FindContainerFile" };
    (void)state;
    check_interface(&IID_IDedupBackupStoreDirectory, methods, 1);
}

static void test_coclass(void **state)
{
    ITypeInfo *info = NULL;
    TYPEATTR *attr = NULL;
    (void)state;
    assert_int_equal(ITypeLib_GetTypeInfoOfGuid(typelib, &CLSID_DedupBackupSupport, &info), S_OK);
    assert_int_equal(ITypeInfo_GetTypeAttr(info, &attr), S_OK);
    assert_int_equal(attr->typekind, TKIND_COCLASS);
    assert_int_equal(attr->cImplTypes, 1);
    ITypeInfo_ReleaseTypeAttr(info, attr);
    ITypeInfo_Release(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_attributes),
        cmocka_unit_test(test_backup_support_interface),
        cmocka_unit_test(test_read_file_callback_interface),
        cmocka_unit_test(test_store_directory_interface),
        cmocka_unit_test(test_coclass),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
