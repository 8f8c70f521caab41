/*
 * callback_backup.h - the engine's ddp_backup over an application's IDedupReadFileCallback
 * (and its optional IDedupBackupStoreDirectory).
 */
#ifndef DDP_COM_CALLBACK_BACKUP_H
#define DDP_COM_CALLBACK_BACKUP_H

#include <windows.h>

#include "ddp/restore.h"
#include "ddpbackup.h"

#define CALLBACK_BACKUP_PATH_CACHE 8
/* The largest plan accepted from OrderContainersRestore; a larger count is treated as no plan. */
#define CALLBACK_BACKUP_MAX_PLAN_ENTRIES (1u << 22)

typedef struct callback_backup {
    IDedupReadFileCallback *callback;        /* borrowed from the caller of RestoreFiles */
    IDedupBackupStoreDirectory *directory;   /* own reference, or NULL */
    struct {
        char *path;
        BSTR bstr;
        unsigned long last_use;
    } cache[CALLBACK_BACKUP_PATH_CACHE];
    unsigned long clock;
} callback_backup;

/* Fills store with callbacks over cs; takes a reference on the optional directory interface. */
void callback_backup_init(callback_backup *cs, IDedupReadFileCallback *callback, ddp_backup *store);
/* Releases everything taken by callback_backup_init: no reference on the callback remains. */
void callback_backup_cleanup(callback_backup *cs);

#endif
