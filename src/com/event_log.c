/*
 * event_log.c - the event source and the restore events (see event_log.h). Reporting is
 * best effort: a log that cannot be written never changes a file's result.
 */
#include <windows.h>
#include <olectl.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "event_log.h"
#include "messages.h"
#include "text.h"
#include "trace.h"

#define TYPES_SUPPORTED (EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE)
#define PATH_CHARS 32768

LSTATUS ddp_event_source_register(const WCHAR *module_path)
{
    DWORD types = TYPES_SUPPORTED;
    HKEY key;
    LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, DDP_EVENT_SOURCE_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS)
        return rc;
    rc = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)module_path,
                        (DWORD)((wcslen(module_path) + 1) * sizeof(WCHAR)));
    if (rc == ERROR_SUCCESS)
        rc = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
    RegCloseKey(key);
    return rc;
}

/* Does the registered EventMessageFile (REG_EXPAND_SZ expanded, made a full path) name
 * module_path? Two buffers of PATH_CHARS each in work. */
static BOOL names_module(const WCHAR *registered, DWORD type, const WCHAR *module_path, WCHAR *work)
{
    WCHAR *expanded = work, *full = work + PATH_CHARS;
    const WCHAR *text = registered;
    DWORD n;
    if (type == REG_EXPAND_SZ) {
        n = ExpandEnvironmentStringsW(registered, expanded, PATH_CHARS);
        if (n == 0 || n > PATH_CHARS)
            return FALSE;
        text = expanded;
    }
    n = GetFullPathNameW(text, PATH_CHARS, full, NULL);
    return n > 0 && n < PATH_CHARS && CompareStringOrdinal(full, -1, module_path, -1, TRUE) == CSTR_EQUAL;
}

HRESULT ddp_event_source_unregister(const WCHAR *module_path)
{
    WCHAR *work = HeapAlloc(GetProcessHeap(), 0, 3 * PATH_CHARS * sizeof(WCHAR)), *value;
    DWORD type = 0, size = (PATH_CHARS - 1) * sizeof(WCHAR);
    HRESULT hr = S_FALSE;
    HKEY key;
    LSTATUS rc;

    if (!work)
        return E_OUTOFMEMORY;
    value = work + 2 * PATH_CHARS;
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, DDP_EVENT_SOURCE_KEY, 0, KEY_QUERY_VALUE, &key);
    if (rc == ERROR_FILE_NOT_FOUND) {
        HeapFree(GetProcessHeap(), 0, work);
        return S_OK;
    }
    if (rc == ERROR_SUCCESS) {
        rc = RegQueryValueExW(key, L"EventMessageFile", NULL, &type, (BYTE *)value, &size);
        RegCloseKey(key);
        value[rc == ERROR_SUCCESS ? size / sizeof(WCHAR) : 0] = 0;
        if (rc == ERROR_SUCCESS && (type == REG_SZ || type == REG_EXPAND_SZ) &&
            names_module(value, type, module_path, work)) {
            rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, DDP_EVENT_SOURCE_KEY);
            hr = rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND ? S_OK : SELFREG_E_CLASS;
        } else {
            TRACE("the event source belongs to another message file: it stays");
        }
    } else {
        hr = SELFREG_E_CLASS;
    }
    if (hr == SELFREG_E_CLASS)
        TRACE("cannot remove the event source: error %ld", (long)rc);
    HeapFree(GetProcessHeap(), 0, work);
    return hr;
}

static void report_one(HANDLE source, WORD type, DWORD id, BSTR path, HRESULT hr, const char *reason)
{
    WCHAR code[16];
    WCHAR *why = ddp_utf8_to_utf16(reason[0] ? reason : "no detail");
    LPCWSTR strings[3];
    swprintf(code, 16, L"0x%08lX", (unsigned long)hr);
    strings[0] = path ? path : L"(null)";
    strings[1] = code;
    strings[2] = why ? why : L"(no memory for the reason)";
    if (!ReportEventW(source, type, 0, id, NULL, 3, 0, strings, NULL))
        TRACE("ReportEventW failed: %lu", (unsigned long)GetLastError());
    free(why);
}

void ddp_event_report_results(const ddp_file_result *results, BSTR *paths, ULONG n)
{
    HANDLE source = NULL;
    for (ULONG i = 0; i < n; i++) {
        BOOL failed = FAILED(results[i].hr), unverified = results[i].status == DDP_WARN_UNVERIFIED;
        if (!failed && !unverified)
            continue;
        if (!source && !(source = RegisterEventSourceW(NULL, DDP_EVENT_SOURCE))) {
            TRACE("RegisterEventSourceW failed: %lu", (unsigned long)GetLastError());
            return;
        }
        if (failed)
            report_one(source, EVENTLOG_ERROR_TYPE, DDP_EVENT_FILE_NOT_RESTORED, paths[i], results[i].hr,
                       results[i].message);
        else
            report_one(source, EVENTLOG_WARNING_TYPE, DDP_EVENT_FILE_UNVERIFIED, paths[i], results[i].hr,
                       results[i].message);
    }
    if (source)
        DeregisterEventSource(source);
}
