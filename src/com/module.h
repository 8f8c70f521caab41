/*
 * module.h - state of the DLL as a whole: its instance handle and the counts of live
 * objects and server locks that DllCanUnloadNow reports.
 */
#ifndef DDP_COM_MODULE_H
#define DDP_COM_MODULE_H

#include <windows.h>

extern HINSTANCE ddp_module_instance;

void ddp_module_object_created(void);
void ddp_module_object_destroyed(void);
void ddp_module_lock(BOOL lock);
BOOL ddp_module_in_use(void);

/* The class factory of DedupBackupSupport (a static object). */
HRESULT ddp_class_factory_query(REFIID riid, void **ppv);

/* Creates a DedupBackupSupport object and returns the requested interface. */
HRESULT ddp_backup_support_create(REFIID riid, void **ppv);

#endif
