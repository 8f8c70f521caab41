/*
 * win_dir_backup.h - a ddp_backup over a folder on Windows: the root of an attached volume
 * ("E:\") or of a copy of it, holding "System Volume Information\Dedup\ChunkStore".
 *
 * Files are opened with FILE_FLAG_BACKUP_SEMANTICS, so with SeBackupPrivilege held
 * (win_privilege.h) the ACL of System Volume Information (SYSTEM only) does not stop the
 * reads. A store path ("\System Volume Information\Dedup\...", UTF-8) is appended to the
 * root; "." and ".." components are refused, so a read never leaves the root. Windows
 * names are case-insensitive, so no case search is needed. A missing file answers
 * HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), access refused E_ACCESSDENIED, other errors
 * ERROR_READ_FAULT; a read past the end returns S_OK with fewer bytes. The last file read
 * stays open (the engine reads a container's records in a row). No plan, no container
 * search: the engine picks its order and probes generations itself.
 */
#ifndef DDP_PLATFORM_WIN_DIR_BACKUP_H
#define DDP_PLATFORM_WIN_DIR_BACKUP_H

#include <windows.h>

#include "ddp/restore.h"

typedef struct win_dir_backup win_dir_backup;

/* root: the folder (wide). Returns DDP_OK, DDP_ERR_NOT_FOUND (root is not a folder),
 * DDP_ERR_NO_MEMORY. */
ddp_status win_dir_backup_open(const WCHAR *root, win_dir_backup **out);
/* Fills store with callbacks over ds (valid until win_dir_backup_close). */
void win_dir_backup_bind(win_dir_backup *ds, ddp_backup *store);
void win_dir_backup_close(win_dir_backup *ds);

#endif
