/*
 * backup_store.h - the sample application's view of its backup, given to DdpBackup.dll
 * as IDedupReadFileCallback (plus the optional IDedupBackupStoreDirectory extension).
 *
 * A backup here is a folder mirroring the volume: the chunk store sits at
 * <backup>\System Volume Information\Dedup\..., exactly where the DLL asks for it.
 */
#ifndef SAMPLE_BACKUP_STORE_H
#define SAMPLE_BACKUP_STORE_H

#include <windows.h>

#include "ddpbackup.h"

typedef struct backup_store_stats {
    ULONG read_calls, preview_calls, order_calls, find_calls;
    ULONGLONG bytes_read_from_media;   /* what the "tape" delivered, read-ahead included */
    ULONGLONG bytes_returned;          /* what the DLL asked for */
} backup_store_stats;

typedef struct backup_store backup_store;

/* backup_root: the backup folder (no trailing backslash). Returns NULL when out of memory. */
backup_store *backup_store_create(const WCHAR *backup_root);
IDedupReadFileCallback *backup_store_callback(backup_store *store);
void backup_store_get_stats(const backup_store *store, backup_store_stats *stats);
/* Drops the application's reference (the object goes when the DLL holds none either). */
void backup_store_release(backup_store *store);

#endif
