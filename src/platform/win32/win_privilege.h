/*
 * win_privilege.h - SeBackupPrivilege and SeRestorePrivilege for a tool reading
 * "System Volume Information" (readable by SYSTEM only) and rewriting files whatever their
 * ACLs. Both are held by the Administrators and Backup Operators groups but are disabled
 * in the token: AdjustTokenPrivileges enables them. Without elevation the token lacks
 * them and AdjustTokenPrivileges answers ERROR_NOT_ALL_ASSIGNED.
 */
#ifndef DDP_PLATFORM_WIN_PRIVILEGE_H
#define DDP_PLATFORM_WIN_PRIVILEGE_H

#include <windows.h>

/* Enables both privileges in the process token. Returns ERROR_SUCCESS when both are
 * enabled, ERROR_NOT_ALL_ASSIGNED when the token lacks one (*missing names it), or the
 * error of OpenProcessToken / LookupPrivilegeValueW / AdjustTokenPrivileges. */
DWORD win_enable_backup_privileges(const char **missing);

#endif
