/*
 * registration.c - DllRegisterServer / DllUnregisterServer, driven by one table.
 *
 * Registration writes, under HKEY_CLASSES_ROOT\CLSID\{CLSID_DedupBackupSupport}:
 *   (default) = "DedupBackupSupport"
 *   InprocServer32\(default) = full path of this DLL, InprocServer32\ThreadingModel = "Both"
 *   TypeLib\(default) = the LIBID, Version\(default) = "1.0"
 * and registers the type library embedded in the DLL (resource 1). Unregistration
 * removes exactly those keys (only when nothing else was added below them) and the
 * type library's registration. GUID strings come from the widl-generated GUIDs.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <olectl.h>

#include "ddpbackup.h"
#include "module.h"
#include "trace.h"

enum reg_data { REG_TEXT, REG_MODULE_PATH, REG_LIBID };

/* One value below the class key; subkey NULL is the class key itself. */
typedef struct reg_entry {
    const WCHAR *subkey;
    const WCHAR *name;      /* NULL: the key's default value */
    enum reg_data kind;
    const WCHAR *text;      /* for REG_TEXT */
} reg_entry;

static const reg_entry registry_table[] = {
    { NULL, NULL, REG_TEXT, L"DedupBackupSupport" },
    { L"InprocServer32", NULL, REG_MODULE_PATH, NULL },
    { L"InprocServer32", L"ThreadingModel", REG_TEXT, L"Both" },
    { L"TypeLib", NULL, REG_LIBID, NULL },
    { L"Version", NULL, REG_TEXT, L"1.0" },
};
#define REGISTRY_ENTRIES (sizeof registry_table / sizeof registry_table[0])

#define MODULE_PATH_MAX 32768

static void class_key_path(WCHAR *out, size_t cap, const WCHAR *subkey)
{
    WCHAR clsid[40];
    StringFromGUID2(&CLSID_DedupBackupSupport, clsid, 40);
    /* "CLSID\{...}" and "\subkey": at most 6 + 38 + 1 + the longest subkey (14) characters. */
    if (cap < 64)
        return;
    wcscpy(out, L"CLSID\\");
    wcscat(out, clsid);
    if (subkey) {
        wcscat(out, L"\\");
        wcscat(out, subkey);
    }
}

static BOOL module_path(WCHAR *out, DWORD cap)
{
    DWORD n = GetModuleFileNameW(ddp_module_instance, out, cap);
    return n > 0 && n < cap;
}

static LSTATUS write_entry(const reg_entry *e, const WCHAR *path)
{
    WCHAR key_path[128], libid[40];
    const WCHAR *data = e->text;
    HKEY key;
    LSTATUS rc;

    class_key_path(key_path, 128, e->subkey);
    if (e->kind == REG_MODULE_PATH)
        data = path;
    else if (e->kind == REG_LIBID) {
        StringFromGUID2(&LIBID_DedupBackup, libid, 40);
        data = libid;
    }
    rc = RegCreateKeyExW(HKEY_CLASSES_ROOT, key_path, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS)
        return rc;
    rc = RegSetValueExW(key, e->name, 0, REG_SZ, (const BYTE *)data, (DWORD)((wcslen(data) + 1) * sizeof(WCHAR)));
    RegCloseKey(key);
    return rc;
}

/* Deletes the table's keys, deepest first; a key something else was added below stays. */
static void delete_class_keys(void)
{
    WCHAR key_path[128];
    for (size_t i = REGISTRY_ENTRIES; i-- > 0;) {
        if (i > 0 && registry_table[i - 1].subkey && registry_table[i].subkey &&
            !wcscmp(registry_table[i - 1].subkey, registry_table[i].subkey))
            continue;   /* the same key holds an earlier value: delete it once, below */
        class_key_path(key_path, 128, registry_table[i].subkey);
        RegDeleteKeyW(HKEY_CLASSES_ROOT, key_path);
    }
}

static HRESULT register_type_library(WCHAR *path)
{
    ITypeLib *typelib;
    HRESULT hr = LoadTypeLibEx(path, REGKIND_NONE, &typelib);
    if (FAILED(hr))
        return hr;
    hr = RegisterTypeLib(typelib, (OLECHAR *)path, NULL);
    ITypeLib_Release(typelib);
    return hr;
}

static HRESULT unregister_type_library(void)
{
#ifdef _WIN64
    const SYSKIND syskind = SYS_WIN64;
#else
    const SYSKIND syskind = SYS_WIN32;
#endif
    return UnRegisterTypeLib(&LIBID_DedupBackup, 1, 0, LOCALE_NEUTRAL, syskind);
}

HRESULT WINAPI DllRegisterServer(void)
{
    static WCHAR path[MODULE_PATH_MAX];
    HRESULT hr;

    TRACE("()");
    if (!module_path(path, MODULE_PATH_MAX))
        return SELFREG_E_CLASS;
    for (size_t i = 0; i < REGISTRY_ENTRIES; i++) {
        if (write_entry(&registry_table[i], path) != ERROR_SUCCESS) {
            delete_class_keys();
            return SELFREG_E_CLASS;
        }
    }
    hr = register_type_library(path);
    if (FAILED(hr)) {
        TRACE("type library registration failed: %#lx", (unsigned long)hr);
        delete_class_keys();
        return SELFREG_E_TYPELIB;
    }
    return S_OK;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    TRACE("()");
    delete_class_keys();
    unregister_type_library();
    return S_OK;
}
