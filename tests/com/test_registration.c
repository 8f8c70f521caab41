/*
 * test_registration.c - regsvr32 registers exactly the keys of API.md §6 and the type
 * library; regsvr32 /u removes them; registration without write access fails with
 * SELFREG_E_CLASS; the DLL exports and carries a version resource.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <olectl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddpbackup.h"

#define KEY_CAP 256

static void test_exports(void **state)
{
    static const char *const names[] = { "DllGetClassObject", "DllCanUnloadNow", "DllRegisterServer",
                                         "DllUnregisterServer" };
    HMODULE dll = LoadLibraryW(test_dll_path());
    (void)state;
    assert_non_null(dll);
    for (size_t i = 0; i < 4; i++)
        assert_non_null(GetProcAddress(dll, names[i]));
    FreeLibrary(dll);
}

static void test_register_writes_exact_keys(void **state)
{
    WCHAR key[KEY_CAP], value[MAX_PATH], expected[40];
    (void)state;

    assert_int_equal(test_regsvr32(FALSE), 0);

    test_class_key(key, KEY_CAP, NULL);
    assert_true(test_reg_string(key, NULL, value, MAX_PATH));
    assert_true(wcscmp(value, L"DedupBackupSupport") == 0);

    test_class_key(key, KEY_CAP, L"InprocServer32");
    assert_true(test_reg_string(key, NULL, value, MAX_PATH));
    assert_true(_wcsicmp(value, test_dll_path()) == 0);
    assert_true(test_reg_string(key, L"ThreadingModel", value, MAX_PATH));
    assert_true(wcscmp(value, L"Both") == 0);

    test_class_key(key, KEY_CAP, L"TypeLib");
    assert_true(test_reg_string(key, NULL, value, MAX_PATH));
    StringFromGUID2(&LIBID_DedupBackup, expected, 40);
    assert_true(wcscmp(value, expected) == 0);

    test_class_key(key, KEY_CAP, L"Version");
    assert_true(test_reg_string(key, NULL, value, MAX_PATH));
    assert_true(wcscmp(value, L"1.0") == 0);

    /* No ProgID: the class key has only the subkeys of the table. */
    test_class_key(key, KEY_CAP, L"ProgID");
    assert_false(test_reg_key_exists(key));

    test_typelib_key(key, KEY_CAP);
    wcscat(key, L"\\1.0");
    assert_true(test_reg_key_exists(key));
}

static void test_unregister_removes_keys(void **state)
{
    WCHAR key[KEY_CAP];
    (void)state;

    assert_int_equal(test_regsvr32(FALSE), 0);
    assert_int_equal(test_regsvr32(TRUE), 0);
    test_class_key(key, KEY_CAP, NULL);
    assert_false(test_reg_key_exists(key));
    test_typelib_key(key, KEY_CAP);
    wcscat(key, L"\\1.0");
    assert_false(test_reg_key_exists(key));
    /* CLSID itself is not ours: it stays. */
    assert_true(test_reg_key_exists(L"CLSID"));
    /* Unregistering twice is harmless. */
    assert_int_equal(test_regsvr32(TRUE), 0);
}

/*
 * HKEY_CLASSES_ROOT redirected to a key where no class can be written: a volatile key,
 * below which the registry refuses persistent keys (ERROR_CHILD_MUST_BE_VOLATILE) on
 * Windows and Wine alike. (Wine does not enforce a KEY_READ handle's access mask here.)
 */
static void test_register_without_write_access(void **state)
{
    HMODULE dll = LoadLibraryW(test_dll_path());
    HRESULT(WINAPI * reg)(void);
    HKEY unwritable;
    WCHAR key[KEY_CAP];
    (void)state;

    assert_non_null(dll);
    reg = (HRESULT(WINAPI *)(void))(void (*)(void))GetProcAddress(dll, "DllRegisterServer");
    assert_non_null(reg);
    assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-unwritable", 0, NULL,
                                     REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &unwritable, NULL), ERROR_SUCCESS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, unwritable), ERROR_SUCCESS);
    assert_int_equal(reg(), SELFREG_E_CLASS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, NULL), ERROR_SUCCESS);
    RegCloseKey(unwritable);
    RegDeleteKeyW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-unwritable");
    test_class_key(key, KEY_CAP, NULL);
    assert_false(test_reg_key_exists(key));
    FreeLibrary(dll);
}

static void test_direct_register_unregister(void **state)
{
    HMODULE dll = LoadLibraryW(test_dll_path());
    HRESULT(WINAPI * reg)(void), (WINAPI * unreg)(void);
    WCHAR key[KEY_CAP];
    (void)state;

    assert_non_null(dll);
    reg = (HRESULT(WINAPI *)(void))(void (*)(void))GetProcAddress(dll, "DllRegisterServer");
    unreg = (HRESULT(WINAPI *)(void))(void (*)(void))GetProcAddress(dll, "DllUnregisterServer");
    assert_int_equal(reg(), S_OK);
    test_class_key(key, KEY_CAP, L"InprocServer32");
    assert_true(test_reg_key_exists(key));
    assert_int_equal(unreg(), S_OK);
    assert_false(test_reg_key_exists(key));
    FreeLibrary(dll);
}

static void test_version_resource(void **state)
{
    DWORD handle = 0, size = GetFileVersionInfoSizeW(test_dll_path(), &handle);
    void *info, *value = NULL;
    UINT len = 0;
    VS_FIXEDFILEINFO *fixed = NULL;
    (void)state;

    assert_true(size > 0);
    info = malloc(size);
    assert_non_null(info);
    assert_true(GetFileVersionInfoW(test_dll_path(), 0, size, info));
    assert_true(VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\OriginalFilename", &value, &len));
    assert_true(wcscmp((const WCHAR *)value, L"DdpBackup.dll") == 0);
    assert_true(VerQueryValueW(info, L"\\", (void **)&fixed, &len));
    assert_int_equal(fixed->dwSignature, 0xFEEF04BD);
    free(info);
}

static void test_typelib_resource(void **state)
{
    HMODULE dll = LoadLibraryExW(test_dll_path(), NULL, LOAD_LIBRARY_AS_DATAFILE);
    (void)state;
    assert_non_null(dll);
    assert_non_null(FindResourceW(dll, MAKEINTRESOURCEW(1), L"TYPELIB"));
    FreeLibrary(dll);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exports),
        cmocka_unit_test(test_register_writes_exact_keys),
        cmocka_unit_test(test_unregister_removes_keys),
        cmocka_unit_test(test_register_without_write_access),
        cmocka_unit_test(test_direct_register_unregister),
        cmocka_unit_test(test_version_resource),
        cmocka_unit_test(test_typelib_resource),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_regsvr32(TRUE);
    return failed;
}
