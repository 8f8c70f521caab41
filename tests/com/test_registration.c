/*
 * test_registration.c - regsvr32 registers exactly the keys of API.md §6 (the whole class
 * key is enumerated and compared with the registration table) and the type library with
 * its interfaces; regsvr32 /u removes exactly that and touches nothing else; a class or
 * type library registered to another DLL stays (S_FALSE); failed deletes are reported
 * (SELFREG_E_CLASS / SELFREG_E_TYPELIB); registration without write access fails with
 * SELFREG_E_CLASS; the DLL exports and carries a version resource; the event source
 * "ddpbackup" is registered with this DLL as its message file and removed, unless another
 * DLL's; the message table formats both restore events.
 *
 * Making a registry delete fail: Wine does not enforce a key's DACL (a key whose DACL
 * grants only KEY_READ is still deleted), so there is no registry state under Wine that
 * refuses a delete while allowing the reads before it. Those tests inject the failure
 * instead, by pointing the DLL's own import of RegDeleteKeyW / UnRegisterTypeLib at a
 * function of the test (the same on Windows and under Wine).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <olectl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddpbackup.h"

#define KEY_CAP 256
#define VALUE_CAP 1024
#define EXTRA_SUBKEY L"ddpbackup-test-extra"
#define OTHER_SERVER L"%SystemRoot%\\System32\\DdpBackup.dll"
#define EVENT_SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\ddpbackup"
#define EVENT_FILE_NOT_RESTORED 0xC000181Cu   /* event 6172, error */
#define EVENT_FILE_UNVERIFIED 0x8000181Du     /* event 6173, warning */
#ifdef _WIN64
#define TYPELIB_PLATFORM L"win64"
#else
#define TYPELIB_PLATFORM L"win32"
#endif

typedef HRESULT(WINAPI *self_reg_fn)(void);

static HMODULE dll;
static self_reg_fn dll_register, dll_unregister;

/* ---- the registration table, as the test expects it ---- */

enum expected_data { DATA_TEXT, DATA_DLL_PATH, DATA_LIBID };

typedef struct expected_value {
    const WCHAR *key;       /* below the class key; L"" is the class key itself */
    const WCHAR *name;      /* L"" is the default value */
    enum expected_data kind;
    const WCHAR *text;
} expected_value;

static const WCHAR *const expected_keys[] = { L"", L"InprocServer32", L"TypeLib", L"Version" };
#define EXPECTED_KEYS (sizeof expected_keys / sizeof expected_keys[0])

static const expected_value expected_values[] = {
    { L"", L"", DATA_TEXT, L"DedupBackupSupport" },
    { L"InprocServer32", L"", DATA_DLL_PATH, NULL },
    { L"InprocServer32", L"ThreadingModel", DATA_TEXT, L"Both" },
    { L"TypeLib", L"", DATA_LIBID, NULL },
    { L"Version", L"", DATA_TEXT, L"1.0" },
};
#define EXPECTED_VALUES (sizeof expected_values / sizeof expected_values[0])

static const IID *const library_interfaces[] = { &IID_IDedupBackupSupport, &IID_IDedupReadFileCallback,
                                                 &IID_IDedupBackupStoreDirectory };
#define LIBRARY_INTERFACES (sizeof library_interfaces / sizeof library_interfaces[0])

/* ---- registry helpers ---- */

/* out = a "\" b, or whichever of them is not empty. */
static void join(WCHAR *out, size_t cap, const WCHAR *a, const WCHAR *b)
{
    BOOL both = *a && b && *b;
    assert_true(wcslen(a) + (both ? 1 : 0) + (b ? wcslen(b) : 0) < cap);
    wcscpy(out, a);
    if (both)
        wcscat(out, L"\\");
    if (b)
        wcscat(out, b);
}

static void interface_key(WCHAR *out, size_t cap, const IID *iid)
{
    WCHAR guid[40];
    assert_true(cap > 50);
    StringFromGUID2(iid, guid, 40);
    join(out, cap, L"Interface", guid);
}

static void typelib_path_key(WCHAR *out, size_t cap)
{
    WCHAR base[KEY_CAP];
    test_typelib_key(base, KEY_CAP);
    join(out, cap, base, L"1.0\\0\\" TYPELIB_PLATFORM);
}

/* Number of subkeys of HKCR\path in a registry view (KEY_WOW64_32KEY or 0). */
static DWORD subkey_count(const WCHAR *path, REGSAM view)
{
    DWORD n = 0;
    HKEY k;
    assert_int_equal(RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_READ | view, &k), ERROR_SUCCESS);
    assert_int_equal(RegQueryInfoKeyW(k, NULL, NULL, NULL, &n, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                     ERROR_SUCCESS);
    RegCloseKey(k);
    return n;
}

static void set_value(const WCHAR *path, const WCHAR *name, DWORD type, const WCHAR *data)
{
    HKEY k;
    assert_int_equal(RegCreateKeyExW(HKEY_CLASSES_ROOT, path, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL),
                     ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(k, name, 0, type, (const BYTE *)data, (DWORD)((wcslen(data) + 1) * sizeof(WCHAR))),
                     ERROR_SUCCESS);
    RegCloseKey(k);
}

/* Reads any string value (REG_SZ or REG_EXPAND_SZ, unexpanded). */
static BOOL read_string(const WCHAR *path, const WCHAR *name, WCHAR *out, DWORD cap)
{
    DWORD type = 0, size = (cap - 1) * sizeof(WCHAR);
    HKEY k;
    LSTATUS rc;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_READ, &k) != ERROR_SUCCESS)
        return FALSE;
    rc = RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &size);
    RegCloseKey(k);
    if (rc != ERROR_SUCCESS)
        return FALSE;
    out[size / sizeof(WCHAR)] = 0;
    return type == REG_SZ || type == REG_EXPAND_SZ;
}

/* The subkey and value counts of HKCR\path. */
static void key_contents(const WCHAR *path, DWORD *subkeys, DWORD *values)
{
    HKEY k;
    assert_int_equal(RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_READ, &k), ERROR_SUCCESS);
    assert_int_equal(RegQueryInfoKeyW(k, NULL, NULL, NULL, subkeys, NULL, NULL, values, NULL, NULL, NULL, NULL),
                     ERROR_SUCCESS);
    RegCloseKey(k);
}

/* ---- the exact contents of the class key ---- */

static int find_expected_key(const WCHAR *rel)
{
    for (size_t i = 0; i < EXPECTED_KEYS; i++)
        if (!wcscmp(expected_keys[i], rel))
            return (int)i;
    return -1;
}

static int find_expected_value(const WCHAR *rel, const WCHAR *name)
{
    for (size_t i = 0; i < EXPECTED_VALUES; i++)
        if (!wcscmp(expected_values[i].key, rel) && !_wcsicmp(expected_values[i].name, name))
            return (int)i;
    return -1;
}

static void check_value_data(const expected_value *e, DWORD type, const WCHAR *data)
{
    WCHAR libid[40];
    assert_int_equal(type, REG_SZ);
    if (e->kind == DATA_DLL_PATH)
        assert_true(_wcsicmp(data, test_dll_path()) == 0);
    else if (e->kind == DATA_LIBID) {
        StringFromGUID2(&LIBID_DedupBackup, libid, 40);
        assert_true(wcscmp(data, libid) == 0);
    } else
        assert_true(wcscmp(data, e->text) == 0);
}

/* Every value of HKCR\path must be one of the table's for key rel, with the table's data. */
static void check_values(HKEY k, const WCHAR *rel, int *values_seen)
{
    WCHAR name[256], data[VALUE_CAP];
    for (DWORD i = 0;; i++) {
        DWORD name_len = 256, size = (VALUE_CAP - 1) * sizeof(WCHAR), type = 0;
        LSTATUS rc = RegEnumValueW(k, i, name, &name_len, NULL, &type, (BYTE *)data, &size);
        int v;
        if (rc == ERROR_NO_MORE_ITEMS)
            break;
        assert_int_equal(rc, ERROR_SUCCESS);
        data[size / sizeof(WCHAR)] = 0;
        v = find_expected_value(rel, name);
        if (v < 0)
            fail_msg("unexpected value '%ls' in key '%ls'", name, rel);
        check_value_data(&expected_values[v], type, data);
        values_seen[v]++;
    }
}

/* Walks HKCR\<class key>\rel and everything below it. */
static void check_key_tree(const WCHAR *class_key, const WCHAR *rel, int *keys_seen, int *values_seen)
{
    WCHAR path[KEY_CAP], name[256], child[KEY_CAP];
    int idx = find_expected_key(rel);
    HKEY k;

    if (idx < 0)
        fail_msg("unexpected key '%ls' below the class key", rel);
    keys_seen[idx]++;
    join(path, KEY_CAP, class_key, rel);
    assert_int_equal(RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_READ, &k), ERROR_SUCCESS);
    check_values(k, rel, values_seen);
    for (DWORD i = 0;; i++) {
        DWORD len = 256;
        LSTATUS rc = RegEnumKeyExW(k, i, name, &len, NULL, NULL, NULL, NULL);
        if (rc == ERROR_NO_MORE_ITEMS)
            break;
        assert_int_equal(rc, ERROR_SUCCESS);
        join(child, KEY_CAP, rel, name);
        check_key_tree(class_key, child, keys_seen, values_seen);
    }
    RegCloseKey(k);
}

/* The class key holds exactly the table's keys and values, each once. */
static void check_class_key_exact(void)
{
    WCHAR class_key[KEY_CAP];
    int keys_seen[EXPECTED_KEYS] = { 0 }, values_seen[EXPECTED_VALUES] = { 0 };

    test_class_key(class_key, KEY_CAP, NULL);
    check_key_tree(class_key, L"", keys_seen, values_seen);
    for (size_t i = 0; i < EXPECTED_KEYS; i++)
        assert_int_equal(keys_seen[i], 1);
    for (size_t i = 0; i < EXPECTED_VALUES; i++)
        assert_int_equal(values_seen[i], 1);
}

/* ---- type library keys ---- */

static void check_typelib_registered(void)
{
    WCHAR key[KEY_CAP], value[VALUE_CAP], libid[40];

    typelib_path_key(key, KEY_CAP);
    assert_true(read_string(key, NULL, value, VALUE_CAP));
    assert_true(_wcsicmp(value, test_dll_path()) == 0);
    StringFromGUID2(&LIBID_DedupBackup, libid, 40);
    for (size_t i = 0; i < LIBRARY_INTERFACES; i++) {
        interface_key(key, KEY_CAP, library_interfaces[i]);
        wcscat(key, L"\\TypeLib");
        assert_true(read_string(key, NULL, value, VALUE_CAP));
        assert_true(wcscmp(value, libid) == 0);
    }
}

static void check_typelib_gone(void)
{
    WCHAR key[KEY_CAP];
    test_typelib_key(key, KEY_CAP);
    assert_false(test_reg_key_exists(key));
    for (size_t i = 0; i < LIBRARY_INTERFACES; i++) {
        interface_key(key, KEY_CAP, library_interfaces[i]);
        assert_false(test_reg_key_exists(key));
    }
}

static BOOL class_key_exists(const WCHAR *suffix)
{
    WCHAR key[KEY_CAP];
    test_class_key(key, KEY_CAP, suffix);
    return test_reg_key_exists(key);
}

/* How many subkeys the shared parents have, in both registry views. */
typedef struct reg_counts {
    DWORD clsid, interfaces, typelibs, clsid32, interfaces32;
} reg_counts;

static void count_parents(reg_counts *c)
{
    c->clsid = subkey_count(L"CLSID", 0);
    c->interfaces = subkey_count(L"Interface", 0);
    c->typelibs = subkey_count(L"TypeLib", 0);
    c->clsid32 = subkey_count(L"CLSID", KEY_WOW64_32KEY);
    c->interfaces32 = subkey_count(L"Interface", KEY_WOW64_32KEY);
}

/* ---- failure injection through the DLL's import table ---- */

/* Points module's import of dll_name!function at replacement; returns the previous target
 * (NULL when the module does not import it by name). */
static void *patch_import(HMODULE module, const char *dll_name, const char *function, void *replacement)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY *dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *imp = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir->VirtualAddress);

    for (; dir->VirtualAddress && imp->Name; imp++) {
        IMAGE_THUNK_DATA *names, *slots;
        if (_stricmp((const char *)(base + imp->Name), dll_name))
            continue;
        names = (IMAGE_THUNK_DATA *)(base + (imp->OriginalFirstThunk ? imp->OriginalFirstThunk : imp->FirstThunk));
        slots = (IMAGE_THUNK_DATA *)(base + imp->FirstThunk);
        for (; names->u1.AddressOfData; names++, slots++) {
            IMAGE_IMPORT_BY_NAME *by_name;
            void *previous;
            DWORD protect;
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal))
                continue;
            by_name = (IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData);
            if (strcmp((const char *)by_name->Name, function))
                continue;
            previous = (void *)slots->u1.Function;
            if (!VirtualProtect(&slots->u1.Function, sizeof slots->u1.Function, PAGE_READWRITE, &protect))
                return NULL;
            slots->u1.Function = (ULONG_PTR)replacement;
            VirtualProtect(&slots->u1.Function, sizeof slots->u1.Function, protect, &protect);
            return previous;
        }
    }
    return NULL;
}

static void *saved_delete_key, *saved_unregister_typelib, *saved_create_key;
static int injected_failures;

static LSTATUS WINAPI delete_key_failing_for_server(HKEY key, LPCWSTR name)
{
    size_t n = name ? wcslen(name) : 0;
    if (n >= 14 && !_wcsicmp(name + n - 14, L"InprocServer32")) {
        injected_failures++;
        return ERROR_ACCESS_DENIED;
    }
    return RegDeleteKeyW(key, name);
}

static HRESULT WINAPI unregister_typelib_failing(REFGUID libid, WORD major, WORD minor, LCID lcid, SYSKIND kind)
{
    (void)libid;
    (void)major;
    (void)minor;
    (void)lcid;
    (void)kind;
    injected_failures++;
    return TYPE_E_REGISTRYACCESS;
}

/* Claims success and deletes nothing: the DLL must look at the registry, not the claim. */
static HRESULT WINAPI unregister_typelib_doing_nothing(REFGUID libid, WORD major, WORD minor, LCID lcid, SYSKIND kind)
{
    (void)libid;
    (void)major;
    (void)minor;
    (void)lcid;
    (void)kind;
    injected_failures++;
    return S_OK;
}

/* Refuses to create the event source's key (as a registry without write access to
 * HKLM\SYSTEM would); every other key is created. */
static LSTATUS WINAPI create_key_failing_for_event_source(HKEY key, LPCWSTR name, DWORD reserved, LPWSTR cls,
                                                          DWORD options, REGSAM sam, const SECURITY_ATTRIBUTES *sa,
                                                          PHKEY out, LPDWORD disposition)
{
    if (name && wcsstr(name, L"\\EventLog\\")) {
        injected_failures++;
        return ERROR_ACCESS_DENIED;
    }
    return RegCreateKeyExW(key, name, reserved, cls, options, sam, (SECURITY_ATTRIBUTES *)sa, out, disposition);
}

static void inject_create_key(void *fn)
{
    void *previous = patch_import(dll, "ADVAPI32.dll", "RegCreateKeyExW", fn);
    assert_non_null(previous);
    if (!saved_create_key)
        saved_create_key = previous;
}

static void inject_delete_key(void *fn)
{
    void *previous = patch_import(dll, "ADVAPI32.dll", "RegDeleteKeyW", fn);
    assert_non_null(previous);
    if (!saved_delete_key)
        saved_delete_key = previous;
}

static void inject_unregister_typelib(void *fn)
{
    void *previous = patch_import(dll, "OLEAUT32.dll", "UnRegisterTypeLib", fn);
    assert_non_null(previous);
    if (!saved_unregister_typelib)
        saved_unregister_typelib = previous;
}

static void remove_injections(void)
{
    if (saved_delete_key)
        patch_import(dll, "ADVAPI32.dll", "RegDeleteKeyW", saved_delete_key);
    if (saved_unregister_typelib)
        patch_import(dll, "OLEAUT32.dll", "UnRegisterTypeLib", saved_unregister_typelib);
    if (saved_create_key)
        patch_import(dll, "ADVAPI32.dll", "RegCreateKeyExW", saved_create_key);
    saved_delete_key = saved_unregister_typelib = saved_create_key = NULL;
    injected_failures = 0;
}

static BOOL event_source_exists(void);

/* ---- fixtures ---- */

static int group_setup(void **state)
{
    (void)state;
    dll = LoadLibraryW(test_dll_path());
    if (!dll)
        return -1;
    dll_register = (self_reg_fn)(void (*)(void))GetProcAddress(dll, "DllRegisterServer");
    dll_unregister = (self_reg_fn)(void (*)(void))GetProcAddress(dll, "DllUnregisterServer");
    return dll_register && dll_unregister ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    FreeLibrary(dll);
    return 0;
}

/* Whatever a test changed: injections off, HKCR back, then register (which makes every
 * registration ours again) and unregister, and the extra key gone. */
static int restore_state(void **state)
{
    WCHAR key[KEY_CAP];
    (void)state;
    remove_injections();
    RegOverridePredefKey(HKEY_CLASSES_ROOT, NULL);
    test_class_key(key, KEY_CAP, EXTRA_SUBKEY);
    RegDeleteKeyW(HKEY_CLASSES_ROOT, key);
    if (dll_register() != S_OK || dll_unregister() != S_OK)
        return -1;
    return class_key_exists(NULL) || event_source_exists() ? -1 : 0;
}

/* ---- tests ---- */

static void test_exports(void **state)
{
    static const char *const names[] = { "DllGetClassObject", "DllCanUnloadNow", "DllRegisterServer",
                                         "DllUnregisterServer" };
    (void)state;
    for (size_t i = 0; i < 4; i++)
        assert_non_null(GetProcAddress(dll, names[i]));
}

static void test_register_writes_exact_keys(void **state)
{
    reg_counts before, after;
    (void)state;

    assert_int_equal(test_regsvr32(TRUE), 0);
    count_parents(&before);
    assert_int_equal(test_regsvr32(FALSE), 0);

    check_class_key_exact();
    assert_false(class_key_exists(L"ProgID"));
    check_typelib_registered();

    /* One class, one type library and the library's interfaces were added; nothing else. */
    count_parents(&after);
    assert_int_equal(after.clsid, before.clsid + 1);
    assert_int_equal(after.typelibs, before.typelibs + 1);
    assert_int_equal(after.interfaces, before.interfaces + LIBRARY_INTERFACES);
    assert_int_equal(after.clsid32, before.clsid32);
}

static void test_unregister_removes_keys(void **state)
{
    reg_counts before, after;
    (void)state;

    assert_int_equal(test_regsvr32(TRUE), 0);
    count_parents(&before);
    assert_int_equal(test_regsvr32(FALSE), 0);
    assert_int_equal(test_regsvr32(TRUE), 0);

    assert_false(class_key_exists(NULL));
    check_typelib_gone();
    /* Everything added is gone, and nothing else (in either registry view). */
    count_parents(&after);
    assert_memory_equal(&before, &after, sizeof before);
    /* Unregistering what is absent is success. */
    assert_int_equal(test_regsvr32(TRUE), 0);
    assert_int_equal(dll_unregister(), S_OK);
}

/*
 * HKEY_CLASSES_ROOT redirected to a key where no class can be written: a volatile key,
 * below which the registry refuses persistent keys (ERROR_CHILD_MUST_BE_VOLATILE) on
 * Windows and Wine alike. (Wine does not enforce a KEY_READ handle's access mask here.)
 */
static void test_register_without_write_access(void **state)
{
    HKEY unwritable;
    (void)state;

    assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-unwritable", 0, NULL,
                                     REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &unwritable, NULL), ERROR_SUCCESS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, unwritable), ERROR_SUCCESS);
    assert_int_equal(dll_register(), SELFREG_E_CLASS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, NULL), ERROR_SUCCESS);
    RegCloseKey(unwritable);
    RegDeleteKeyW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-unwritable");
    assert_false(class_key_exists(NULL));
}

static void test_direct_register_unregister(void **state)
{
    (void)state;
    assert_int_equal(dll_register(), S_OK);
    assert_true(class_key_exists(L"InprocServer32"));
    assert_int_equal(dll_unregister(), S_OK);
    assert_false(class_key_exists(NULL));
    check_typelib_gone();
    assert_int_equal(dll_unregister(), S_OK);
}

/* Windows' own DdpBackup.dll registered over ours: its class stays, ours (the type
 * library, still ours) goes; S_FALSE says something was left; regsvr32 /u succeeds. */
static void test_unregister_keeps_other_servers_class(void **state)
{
    WCHAR key[KEY_CAP], value[VALUE_CAP];
    (void)state;

    assert_int_equal(dll_register(), S_OK);
    test_class_key(key, KEY_CAP, L"InprocServer32");
    set_value(key, NULL, REG_EXPAND_SZ, OTHER_SERVER);
    assert_int_equal(dll_unregister(), S_FALSE);
    assert_true(read_string(key, NULL, value, VALUE_CAP));
    assert_true(wcscmp(value, OTHER_SERVER) == 0);
    assert_true(read_string(key, L"ThreadingModel", value, VALUE_CAP));
    assert_true(class_key_exists(L"Version"));
    check_typelib_gone();
    assert_int_equal(test_regsvr32(TRUE), 0);
    assert_true(class_key_exists(L"InprocServer32"));

    /* A class key without a server is not provably ours either. */
    assert_int_equal(RegDeleteKeyW(HKEY_CLASSES_ROOT, key), ERROR_SUCCESS);
    assert_int_equal(dll_unregister(), S_FALSE);
    assert_true(class_key_exists(L"Version"));
}

/* This module's path written differently (another case, quoted, REG_EXPAND_SZ, a "."
 * component) is still this module: the class goes. */
static void test_unregister_recognises_this_module(void **state)
{
    WCHAR dir[MAX_PATH], key[KEY_CAP], spelled[MAX_PATH + 64];
    WCHAR *slash;
    (void)state;

    wcscpy(dir, test_dll_path());
    slash = wcsrchr(dir, L'\\');
    assert_non_null(slash);
    *slash = 0;
    _wcsupr(dir);
    assert_true(SetEnvironmentVariableW(L"DDP_TEST_DLL_DIR", dir));
    wcscpy(spelled, L"\"%DDP_TEST_DLL_DIR%\\.\\ddpBACKUP.dll\"");

    assert_int_equal(dll_register(), S_OK);
    test_class_key(key, KEY_CAP, L"InprocServer32");
    set_value(key, NULL, REG_EXPAND_SZ, spelled);
    assert_int_equal(dll_unregister(), S_OK);
    assert_false(class_key_exists(NULL));
    check_typelib_gone();
    SetEnvironmentVariableW(L"DDP_TEST_DLL_DIR", NULL);
}

/* The type library registered to another file stays (with its interfaces); the class,
 * ours, goes. */
static void test_unregister_keeps_other_typelib(void **state)
{
    WCHAR key[KEY_CAP], value[VALUE_CAP];
    (void)state;

    assert_int_equal(dll_register(), S_OK);
    typelib_path_key(key, KEY_CAP);
    set_value(key, NULL, REG_SZ, L"C:\\Windows\\System32\\DdpBackup.dll");
    assert_int_equal(dll_unregister(), S_FALSE);
    assert_true(read_string(key, NULL, value, VALUE_CAP));
    assert_true(wcscmp(value, L"C:\\Windows\\System32\\DdpBackup.dll") == 0);
    for (size_t i = 0; i < LIBRARY_INTERFACES; i++) {
        interface_key(key, KEY_CAP, library_interfaces[i]);
        assert_true(test_reg_key_exists(key));
    }
    assert_false(class_key_exists(NULL));
}

/* Someone added a key below our class key: it stays, with nothing of ours beside it. */
static void test_unregister_keeps_foreign_subkey(void **state)
{
    WCHAR key[KEY_CAP];
    DWORD subkeys = 0, values = 0;
    (void)state;

    assert_int_equal(dll_register(), S_OK);
    test_class_key(key, KEY_CAP, EXTRA_SUBKEY);
    set_value(key, L"Owner", REG_SZ, L"another product");
    assert_int_equal(dll_unregister(), S_FALSE);
    assert_true(test_reg_key_exists(key));
    test_class_key(key, KEY_CAP, NULL);
    key_contents(key, &subkeys, &values);
    assert_int_equal(subkeys, 1);
    assert_int_equal(values, 0);
    check_typelib_gone();
}

/* A class key that cannot be deleted is a failure, not a success: SELFREG_E_CLASS. The
 * type library is still unregistered (both parts are always attempted). */
static void test_unregister_reports_failed_class_delete(void **state)
{
    (void)state;
    assert_int_equal(dll_register(), S_OK);
    inject_delete_key((void *)delete_key_failing_for_server);
    assert_int_equal(dll_unregister(), SELFREG_E_CLASS);
    assert_int_equal(injected_failures, 1);
    assert_true(class_key_exists(L"InprocServer32"));
    check_typelib_gone();
    remove_injections();
    assert_int_equal(dll_unregister(), S_OK);
    assert_false(class_key_exists(NULL));
}

/* The type library's registration left in place is SELFREG_E_TYPELIB, whether
 * UnRegisterTypeLib says so or claims success; the class still goes. */
static void test_unregister_reports_failed_typelib(void **state)
{
    void *const injected[] = { (void *)unregister_typelib_failing, (void *)unregister_typelib_doing_nothing };
    (void)state;

    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(dll_register(), S_OK);
        inject_unregister_typelib(injected[i]);
        assert_int_equal(dll_unregister(), SELFREG_E_TYPELIB);
        assert_int_equal(injected_failures, 1);
        assert_false(class_key_exists(NULL));
        check_typelib_registered();
        remove_injections();
        assert_int_equal(dll_unregister(), S_OK);
        check_typelib_gone();
    }
}

/* Both parts failing: the class's failure is the one reported. */
static void test_unregister_reports_class_first(void **state)
{
    (void)state;
    assert_int_equal(dll_register(), S_OK);
    inject_delete_key((void *)delete_key_failing_for_server);
    inject_unregister_typelib((void *)unregister_typelib_failing);
    assert_int_equal(dll_unregister(), SELFREG_E_CLASS);
    assert_int_equal(injected_failures, 2);
}

/* HKEY_CLASSES_ROOT redirected to a key that was deleted: nothing can be read or deleted
 * there (ERROR_KEY_DELETED), which is not "absent": SELFREG_E_CLASS. */
static void test_unregister_unreadable_registry(void **state)
{
    HKEY gone;
    (void)state;

    assert_int_equal(RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-gone", 0, NULL, 0,
                                     KEY_ALL_ACCESS, NULL, &gone, NULL), ERROR_SUCCESS);
    assert_int_equal(RegDeleteKeyW(HKEY_CURRENT_USER, L"Software\\ddpbackup-test-gone"), ERROR_SUCCESS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, gone), ERROR_SUCCESS);
    assert_int_equal(dll_unregister(), SELFREG_E_CLASS);
    assert_int_equal(RegOverridePredefKey(HKEY_CLASSES_ROOT, NULL), ERROR_SUCCESS);
    RegCloseKey(gone);
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
    HMODULE data = LoadLibraryExW(test_dll_path(), NULL, LOAD_LIBRARY_AS_DATAFILE);
    (void)state;
    assert_non_null(data);
    assert_non_null(FindResourceW(data, MAKEINTRESOURCEW(1), L"TYPELIB"));
    FreeLibrary(data);
}

/* ---- the event source (event_log.h) ---- */

static LSTATUS read_event_value(const WCHAR *name, DWORD *type, void *out, DWORD *size)
{
    return RegGetValueW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, name, RRF_RT_ANY | RRF_NOEXPAND, type, out, size);
}

static BOOL event_source_exists(void)
{
    HKEY k;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0, KEY_READ, &k) != ERROR_SUCCESS)
        return FALSE;
    RegCloseKey(k);
    return TRUE;
}

static void test_event_source_registered(void **state)
{
    WCHAR file[VALUE_CAP];
    DWORD type = 0, size = sizeof file, types = 0;
    (void)state;

    assert_int_equal(test_regsvr32(FALSE), 0);
    assert_int_equal(read_event_value(L"EventMessageFile", &type, file, &size), ERROR_SUCCESS);
    assert_int_equal(type, REG_EXPAND_SZ);
    assert_int_equal(_wcsicmp(file, test_dll_path()), 0);
    size = sizeof types;
    assert_int_equal(read_event_value(L"TypesSupported", &type, &types, &size), ERROR_SUCCESS);
    assert_int_equal(type, REG_DWORD);
    assert_int_equal(types, EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE);
    assert_int_equal(test_regsvr32(TRUE), 0);
    assert_false(event_source_exists());
}

/* A source of the same name whose messages are another DLL's stays (S_FALSE). */
static void test_unregister_keeps_other_event_source(void **state)
{
    WCHAR file[VALUE_CAP];
    DWORD type = 0, size = sizeof file;
    (void)state;

    assert_int_equal(dll_register(), S_OK);
    assert_int_equal(RegSetKeyValueW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, L"EventMessageFile", REG_EXPAND_SZ,
                                     OTHER_SERVER, (DWORD)sizeof OTHER_SERVER), ERROR_SUCCESS);
    assert_int_equal(dll_unregister(), S_FALSE);
    assert_false(class_key_exists(NULL));
    assert_int_equal(read_event_value(L"EventMessageFile", &type, file, &size), ERROR_SUCCESS);
    assert_true(wcscmp(file, OTHER_SERVER) == 0);
}

/* A registration that cannot add the event source fails as a whole: nothing of it stays. */
static void test_register_fails_without_event_source(void **state)
{
    (void)state;
    assert_int_equal(dll_unregister(), S_OK);
    inject_create_key((void *)create_key_failing_for_event_source);
    assert_int_equal(dll_register(), SELFREG_E_CLASS);
    assert_int_equal(injected_failures, 1);
    remove_injections();
    assert_false(class_key_exists(NULL));
    check_typelib_gone();
    assert_false(event_source_exists());
}

/* The message table is embedded and formats both events with their three strings. */
static void test_message_table(void **state)
{
    HMODULE data = LoadLibraryExW(test_dll_path(), NULL, LOAD_LIBRARY_AS_DATAFILE);
    const WCHAR *args[3] = { L"C:\\x\\file.bin", L"0x80565311", L"the chunk's hash does not match" };
    static const DWORD ids[] = { EVENT_FILE_NOT_RESTORED, EVENT_FILE_UNVERIFIED };
    WCHAR text[1024];
    (void)state;
    assert_non_null(data);
    assert_non_null(FindResourceW(data, MAKEINTRESOURCEW(1), MAKEINTRESOURCEW(11)));   /* RT_MESSAGETABLE */
    for (int i = 0; i < 2; i++) {
        DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, data, ids[i],
                                 MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), text, 1024, (va_list *)args);
        assert_true(n > 0);
        assert_non_null(wcsstr(text, args[0]));
        assert_non_null(wcsstr(text, args[1]));
        assert_non_null(wcsstr(text, args[2]));
    }
    FreeLibrary(data);
}

#define REG_TEST(f) cmocka_unit_test_teardown(f, restore_state)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exports),
        REG_TEST(test_register_writes_exact_keys),
        REG_TEST(test_unregister_removes_keys),
        REG_TEST(test_register_without_write_access),
        REG_TEST(test_direct_register_unregister),
        REG_TEST(test_unregister_keeps_other_servers_class),
        REG_TEST(test_unregister_recognises_this_module),
        REG_TEST(test_unregister_keeps_other_typelib),
        REG_TEST(test_unregister_keeps_foreign_subkey),
        REG_TEST(test_unregister_reports_failed_class_delete),
        REG_TEST(test_unregister_reports_failed_typelib),
        REG_TEST(test_unregister_reports_class_first),
        REG_TEST(test_unregister_unreadable_registry),
        REG_TEST(test_event_source_registered),
        REG_TEST(test_unregister_keeps_other_event_source),
        REG_TEST(test_register_fails_without_event_source),
        cmocka_unit_test(test_version_resource),
        cmocka_unit_test(test_typelib_resource),
        cmocka_unit_test(test_message_table),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    test_regsvr32(TRUE);
    return failed;
}
