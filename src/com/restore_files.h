/*
 * restore_files.h - IDedupBackupSupport::RestoreFiles: argument checks, then the
 * portable engine over the application's callback and the Windows files.
 */
#ifndef DDP_COM_RESTORE_FILES_H
#define DDP_COM_RESTORE_FILES_H

#include <windows.h>

#include "ddpbackup.h"

HRESULT ddp_restore_files(ULONG n, BSTR *paths, IDedupReadFileCallback *store, DWORD flags, HRESULT *results);

#endif
