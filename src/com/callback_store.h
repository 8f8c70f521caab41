/*
 * callback_store.h - the engine's ddp_backup over an application's IDedupReadFileCallback
 * (and its optional IDedupBackupStoreDirectory).
 */
#ifndef DDP_COM_CALLBACK_STORE_H
#define DDP_COM_CALLBACK_STORE_H

#include <windows.h>

#include "ddp/restore.h"
#include "ddpbackup.h"

#define CALLBACK_STORE_PATH_CACHE 8
/* The largest plan accepted from OrderContainersRestore; a larger count is treated as no plan. */
#define CALLBACK_STORE_MAX_PLAN_ENTRIES (1u << 22)

typedef struct callback_store {
    IDedupReadFileCallback *callback;        /* borrowed from the caller of RestoreFiles */
    IDedupBackupStoreDirectory *directory;   /* own reference, or NULL */
    struct {
        char *path;
        BSTR bstr;
        unsigned long last_use;
    } cache[CALLBACK_STORE_PATH_CACHE];
    unsigned long clock;
} callback_store;

/* Fills store with callbacks over cs; takes a reference on the optional directory interface. */
void callback_store_init(callback_store *cs, IDedupReadFileCallback *callback, ddp_backup *store);
/* Releases everything taken by callback_store_init: no reference on the callback remains. */
void callback_store_cleanup(callback_store *cs);

#endif
