/*
 * event_log.h - the DLL's event source "ddpbackup" in the Application log: registered by
 * DllRegisterServer (HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ddpbackup,
 * EventMessageFile = this DLL, whose message table comes from messages.mc; TypesSupported =
 * error, warning, information), removed by DllUnregisterServer only when it names this DLL,
 * and used by RestoreFiles to report each file it could not restore (event 6172, error:
 * path, HRESULT, reason) and each file it restored without hash verification (event 6173,
 * warning), where Windows administrators look for them.
 */
#ifndef DDP_COM_EVENT_LOG_H
#define DDP_COM_EVENT_LOG_H

#include <windows.h>
#include <oleauto.h>

#include "ddp/restore.h"

#define DDP_EVENT_SOURCE L"ddpbackup"
#define DDP_EVENT_SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" DDP_EVENT_SOURCE

/* Writes the source's key for the module at module_path. ERROR_SUCCESS or the registry's error. */
LSTATUS ddp_event_source_register(const WCHAR *module_path);
/* Removes the key when its EventMessageFile is module_path (compared as full paths, ignoring
 * case): S_OK (removed or absent), S_FALSE (another DLL's: kept), SELFREG_E_CLASS (failed). */
HRESULT ddp_event_source_unregister(const WCHAR *module_path);
/* One event per file that failed (hr failed) or was restored unverified. */
void ddp_event_report_results(const ddp_file_result *results, BSTR *paths, ULONG n);

#endif
