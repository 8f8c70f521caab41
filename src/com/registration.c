/*
 * registration.c - DllRegisterServer / DllUnregisterServer, driven by one table.
 *
 * Registration writes, under HKEY_CLASSES_ROOT\CLSID\{CLSID_DedupBackupSupport}:
 *   (default) = "DedupBackupSupport"
 *   InprocServer32\(default) = full path of this DLL, InprocServer32\ThreadingModel = "Both"
 *   TypeLib\(default) = the LIBID, Version\(default) = "1.0"
 * and registers the type library embedded in the DLL (resource 1), which adds
 * TypeLib\{LIBID}\1.0 and Interface\{IID} for each interface of the library.
 * GUID strings come from the widl-generated GUIDs. It also registers the event source
 * (event_log.h), removed on unregistration only when its message file is this module.
 *
 * Unregistration removes only what is this module's. The same CLSID and LIBID may be
 * registered by another DLL, e.g. Windows' own %SystemRoot%\System32\DdpBackup.dll, and
 * "regsvr32 /u" of our copy must not break that one. So:
 *   - the class key is removed only when its InprocServer32 (default) names this module
 *     (REG_EXPAND_SZ expanded, quotes dropped, made a full path, compared ignoring case);
 *   - the type library is unregistered only when its TypeLib\{LIBID}\1.0\0\win64 (win32
 *     for the 32-bit DLL) path names this module, by the same comparison;
 *   - a key of the table that someone else added subkeys below stays, with our values
 *     removed from it.
 * Short (8.3) spellings of the path are not expanded: such a registration is not taken
 * for ours and stays, which is the safe way to be wrong.
 *
 * DllUnregisterServer's result:
 *   S_OK              everything this module had registered is gone, or was never there
 *                     (keys already absent are success: unregistering twice is harmless);
 *   S_FALSE           something was left in place on purpose: the class or the type library
 *                     is registered to another DLL, or a key of ours holds someone else's keys;
 *   SELFREG_E_CLASS   a key or value of the class could not be read or deleted;
 *   SELFREG_E_TYPELIB the type library's registration could not be removed.
 * When both parts fail, SELFREG_E_CLASS is returned; both parts are always attempted.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <olectl.h>

#include "ddpbackup.h"
#include "event_log.h"
#include "module.h"
#include "trace.h"

enum reg_data { REG_TEXT, REG_MODULE_PATH, REG_LIBID };

/* One value below the class key; subkey NULL is the class key itself. Values of one key
 * are adjacent, and every subkey is a direct child of the class key. */
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
#define KEY_PATH_CHARS 128
#define GUID_CHARS 39       /* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" and its terminator */

#ifdef _WIN64
#define TYPELIB_PLATFORM L"win64"
#define TYPELIB_SYSKIND SYS_WIN64
#else
#define TYPELIB_PLATFORM L"win32"
#define TYPELIB_SYSKIND SYS_WIN32
#endif

/* Work space for comparing a registered path with this module's (each MODULE_PATH_MAX
 * characters: too big for the stack of a regsvr32 thread, so it comes from the heap). */
typedef struct path_work {
    WCHAR module[MODULE_PATH_MAX];
    WCHAR raw[MODULE_PATH_MAX];
    WCHAR expanded[MODULE_PATH_MAX];
    WCHAR full[MODULE_PATH_MAX];
} path_work;

/* What a registered path (the default value of a key) says about this module. */
enum registered_path { PATH_KEY_ABSENT, PATH_OTHER_MODULE, PATH_THIS_MODULE, PATH_UNREADABLE };

/* out = prefix + guid [+ "\" + suffix]; FALSE when it does not fit in cap characters. */
static BOOL guid_key_path(WCHAR *out, size_t cap, const WCHAR *prefix, REFGUID guid, const WCHAR *suffix)
{
    WCHAR text[GUID_CHARS + 1];
    size_t need;

    if (!StringFromGUID2(guid, text, GUID_CHARS + 1))
        return FALSE;
    need = wcslen(prefix) + wcslen(text) + (suffix ? 1 + wcslen(suffix) : 0) + 1;
    if (need > cap)
        return FALSE;
    wcscpy(out, prefix);
    wcscat(out, text);
    if (suffix) {
        wcscat(out, L"\\");
        wcscat(out, suffix);
    }
    return TRUE;
}

static BOOL class_key_path(WCHAR *out, size_t cap, const WCHAR *subkey)
{
    return guid_key_path(out, cap, L"CLSID\\", &CLSID_DedupBackupSupport, subkey);
}

static BOOL typelib_path_key(WCHAR *out, size_t cap)
{
    return guid_key_path(out, cap, L"TypeLib\\", &LIBID_DedupBackup, L"1.0\\0\\" TYPELIB_PLATFORM);
}

static BOOL same_subkey(const WCHAR *a, const WCHAR *b)
{
    return (!a && !b) || (a && b && !wcscmp(a, b));
}

static BOOL module_path(WCHAR *out, DWORD cap)
{
    DWORD n = GetModuleFileNameW(ddp_module_instance, out, cap);
    return n > 0 && n < cap;
}

static LSTATUS write_entry(const reg_entry *e, const WCHAR *path)
{
    WCHAR key_path[KEY_PATH_CHARS], libid[GUID_CHARS + 1];
    const WCHAR *data = e->text;
    HKEY key;
    LSTATUS rc;

    if (!class_key_path(key_path, KEY_PATH_CHARS, e->subkey))
        return ERROR_BUFFER_OVERFLOW;
    if (e->kind == REG_MODULE_PATH)
        data = path;
    else if (e->kind == REG_LIBID) {
        StringFromGUID2(&LIBID_DedupBackup, libid, GUID_CHARS + 1);
        data = libid;
    }
    rc = RegCreateKeyExW(HKEY_CLASSES_ROOT, key_path, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS)
        return rc;
    rc = RegSetValueExW(key, e->name, 0, REG_SZ, (const BYTE *)data, (DWORD)((wcslen(data) + 1) * sizeof(WCHAR)));
    RegCloseKey(key);
    return rc;
}

/* Success codes combine to S_FALSE when either is; the first failure wins. */
static HRESULT combine(HRESULT first, HRESULT second)
{
    if (FAILED(first))
        return first;
    if (FAILED(second))
        return second;
    return first == S_FALSE || second == S_FALSE ? S_FALSE : S_OK;
}

/* Reads the default value of key_path as a path: REG_EXPAND_SZ expanded, surrounding
 * quotes dropped. Returns ERROR_FILE_NOT_FOUND when the key is absent, ERROR_INVALID_DATA
 * when it has no string default value (or one too long to be a path). */
static LSTATUS read_registered_path(const WCHAR *key_path, path_work *w)
{
    DWORD type = 0, size = (MODULE_PATH_MAX - 1) * sizeof(WCHAR), n;
    WCHAR *text = w->raw;
    HKEY key;
    LSTATUS rc = RegOpenKeyExW(HKEY_CLASSES_ROOT, key_path, 0, KEY_QUERY_VALUE, &key);

    if (rc != ERROR_SUCCESS)
        return rc;
    rc = RegQueryValueExW(key, NULL, NULL, &type, (BYTE *)w->raw, &size);
    RegCloseKey(key);
    if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_MORE_DATA || (rc == ERROR_SUCCESS && type != REG_SZ && type != REG_EXPAND_SZ))
        return ERROR_INVALID_DATA;
    if (rc != ERROR_SUCCESS)
        return rc;
    w->raw[size / sizeof(WCHAR)] = 0;   /* registry strings need not be terminated */
    if (type == REG_EXPAND_SZ) {
        n = ExpandEnvironmentStringsW(w->raw, w->expanded, MODULE_PATH_MAX);
        if (n == 0 || n > MODULE_PATH_MAX)
            return ERROR_INVALID_DATA;
        text = w->expanded;
    }
    n = (DWORD)wcslen(text);
    if (n >= 2 && text[0] == L'"' && text[n - 1] == L'"') {
        text[n - 1] = 0;
        text++;
    }
    n = GetFullPathNameW(text, MODULE_PATH_MAX, w->full, NULL);
    return n > 0 && n < MODULE_PATH_MAX ? ERROR_SUCCESS : ERROR_INVALID_DATA;
}

/* Does the default value of key_path name this module? (w->module holds its path.) */
static enum registered_path registered_path(const WCHAR *key_path, path_work *w)
{
    LSTATUS rc = read_registered_path(key_path, w);

    if (rc == ERROR_FILE_NOT_FOUND)
        return PATH_KEY_ABSENT;
    if (rc == ERROR_INVALID_DATA)
        return PATH_OTHER_MODULE;
    if (rc != ERROR_SUCCESS) {
        TRACE("cannot read %ls: error %ld", key_path, (long)rc);
        return PATH_UNREADABLE;
    }
    return CompareStringOrdinal(w->full, -1, w->module, -1, TRUE) == CSTR_EQUAL ? PATH_THIS_MODULE
                                                                                 : PATH_OTHER_MODULE;
}

/* ERROR_SUCCESS / ERROR_FILE_NOT_FOUND (absent) or the error that opening key_path gave. */
static LSTATUS key_state(const WCHAR *key_path)
{
    HKEY key;
    LSTATUS rc = RegOpenKeyExW(HKEY_CLASSES_ROOT, key_path, 0, KEY_QUERY_VALUE, &key);
    if (rc == ERROR_SUCCESS)
        RegCloseKey(key);
    return rc;
}

static BOOL key_has_subkeys(const WCHAR *key_path)
{
    DWORD subkeys = 0;
    HKEY key;
    LSTATUS rc;

    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key_path, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return FALSE;
    rc = RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    RegCloseKey(key);
    return rc == ERROR_SUCCESS && subkeys > 0;
}

/* A key of ours that holds someone else's subkeys stays: only the table's values go.
 * S_FALSE when they went, SELFREG_E_CLASS when one could not be deleted. */
static HRESULT delete_table_values(const WCHAR *subkey, const WCHAR *key_path)
{
    HKEY key;
    LSTATUS rc = RegOpenKeyExW(HKEY_CLASSES_ROOT, key_path, 0, KEY_SET_VALUE, &key);
    HRESULT hr = S_FALSE;

    if (rc != ERROR_SUCCESS)
        return rc == ERROR_FILE_NOT_FOUND ? S_OK : SELFREG_E_CLASS;
    for (size_t i = 0; i < REGISTRY_ENTRIES; i++) {
        if (!same_subkey(registry_table[i].subkey, subkey))
            continue;
        rc = RegDeleteValueW(key, registry_table[i].name);
        if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) {
            TRACE("cannot delete a value of %ls: error %ld", key_path, (long)rc);
            hr = SELFREG_E_CLASS;
        }
    }
    RegCloseKey(key);
    return hr;
}

/* Deletes one key of the table. Absent is success; a key left with subkeys after its own
 * table subkeys were handled holds someone else's keys (kept, S_FALSE); any other
 * failure is SELFREG_E_CLASS. */
static HRESULT delete_table_key(const WCHAR *subkey)
{
    WCHAR key_path[KEY_PATH_CHARS];
    LSTATUS rc;

    if (!class_key_path(key_path, KEY_PATH_CHARS, subkey))
        return SELFREG_E_CLASS;
    rc = RegDeleteKeyW(HKEY_CLASSES_ROOT, key_path);
    if (rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND)
        return S_OK;
    if (key_has_subkeys(key_path)) {
        TRACE("%ls holds other keys: it stays", key_path);
        return delete_table_values(subkey, key_path);
    }
    TRACE("cannot delete %ls: error %ld", key_path, (long)rc);
    return SELFREG_E_CLASS;
}

/* Deletes the table's keys, deepest (last) first, each once. A failed subkey makes the
 * class key look as if it held other keys: the subkey's failure still decides the result. */
static HRESULT delete_class_keys(void)
{
    HRESULT hr = S_OK;
    for (size_t i = REGISTRY_ENTRIES; i-- > 0;) {
        if (i > 0 && same_subkey(registry_table[i - 1].subkey, registry_table[i].subkey))
            continue;   /* the same key holds an earlier value: delete it once, below */
        hr = combine(hr, delete_table_key(registry_table[i].subkey));
    }
    return hr;
}

/* Removes the class key when it is this module's; leaves another DLL's registration. */
static HRESULT unregister_class(path_work *w)
{
    WCHAR key_path[KEY_PATH_CHARS];
    LSTATUS rc;

    if (!class_key_path(key_path, KEY_PATH_CHARS, NULL))
        return SELFREG_E_CLASS;
    rc = key_state(key_path);
    if (rc == ERROR_FILE_NOT_FOUND)
        return S_OK;
    if (rc != ERROR_SUCCESS) {
        TRACE("cannot open %ls: error %ld", key_path, (long)rc);
        return SELFREG_E_CLASS;
    }
    if (!class_key_path(key_path, KEY_PATH_CHARS, L"InprocServer32"))
        return SELFREG_E_CLASS;
    switch (registered_path(key_path, w)) {
    case PATH_THIS_MODULE:
        return delete_class_keys();
    case PATH_UNREADABLE:
        return SELFREG_E_CLASS;
    default:
        /* Another DLL's class (or a class key without a server: not provably ours). */
        TRACE("the class is registered to another server: it stays");
        return S_FALSE;
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

/* Unregisters the type library when its registered path is this module. UnRegisterTypeLib
 * may report success without deleting (Wine ignores failed deletes), so success is judged
 * by the path key being gone afterwards. */
static HRESULT unregister_type_library(path_work *w)
{
    WCHAR key_path[KEY_PATH_CHARS];
    HRESULT hr;

    if (!typelib_path_key(key_path, KEY_PATH_CHARS))
        return SELFREG_E_TYPELIB;
    switch (registered_path(key_path, w)) {
    case PATH_KEY_ABSENT:
        return S_OK;
    case PATH_OTHER_MODULE:
        TRACE("the type library is registered to another file: it stays");
        return S_FALSE;
    case PATH_UNREADABLE:
        return SELFREG_E_TYPELIB;
    case PATH_THIS_MODULE:
        break;
    }
    hr = UnRegisterTypeLib(&LIBID_DedupBackup, 1, 0, LOCALE_NEUTRAL, TYPELIB_SYSKIND);
    if (key_state(key_path) == ERROR_FILE_NOT_FOUND)
        return S_OK;
    TRACE("type library still registered (UnRegisterTypeLib: %#lx)", (unsigned long)hr);
    return SELFREG_E_TYPELIB;
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
    if (ddp_event_source_register(path) != ERROR_SUCCESS) {
        TRACE("event source registration failed");
        ddp_event_source_unregister(path);
        UnRegisterTypeLib(&LIBID_DedupBackup, 1, 0, LOCALE_NEUTRAL, TYPELIB_SYSKIND);
        delete_class_keys();
        return SELFREG_E_CLASS;
    }
    return S_OK;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    path_work *w;
    HRESULT hr;

    TRACE("()");
    w = HeapAlloc(GetProcessHeap(), 0, sizeof *w);
    if (!w)
        return E_OUTOFMEMORY;
    if (!module_path(w->module, MODULE_PATH_MAX)) {
        HeapFree(GetProcessHeap(), 0, w);
        return SELFREG_E_CLASS;
    }
    hr = unregister_class(w);
    hr = combine(hr, unregister_type_library(w));
    hr = combine(hr, ddp_event_source_unregister(w->module));
    HeapFree(GetProcessHeap(), 0, w);
    TRACE("-> %#lx", (unsigned long)hr);
    return hr;
}
