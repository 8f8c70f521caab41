/*
 * dir_backup.h - a ddp_backup over a directory: the root of a volume (an ntfs-3g mount)
 * or of a backup that mirrors it, holding "System Volume Information/Dedup/ChunkStore".
 *
 * read(): pread on ROOT/<path> (path_resolve.h), through a small cache of open fds; a read
 * past the end returns S_OK with fewer bytes. A missing file answers
 * HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), other I/O errors ERROR_READ_FAULT.
 * order(): no plan by default (the engine picks), or with plan=1 one extent per container,
 * whole file, containers sorted by path. preview(): posix_fadvise(WILLNEED) read-ahead.
 * find_container(): lists the folder for "%08x.%08x.ccc" names of the id, skips names
 * holding "delete", answers the highest generation.
 */
#ifndef DDP_PLATFORM_DIR_BACKUP_H
#define DDP_PLATFORM_DIR_BACKUP_H

#include <stdint.h>

#include "ddp/restore.h"

#define DDP_HR_FILE_NOT_FOUND ((int32_t)0x80070002u)   /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) */
#define DDP_HR_READ_FAULT     ((int32_t)0x8007001Eu)   /* HRESULT_FROM_WIN32(ERROR_READ_FAULT) */

typedef struct ddp_dir_backup ddp_dir_backup;

typedef struct ddp_dir_backup_options {
    int plan;                 /* 1: order() answers a plan (containers sorted, whole file) */
    unsigned open_files;      /* fds kept open (0: 16) */
} ddp_dir_backup_options;

/* Returns DDP_OK, DDP_ERR_NOT_FOUND (root is not a folder), DDP_ERR_NO_MEMORY. */
ddp_status ddp_dir_backup_open(const char *root, const ddp_dir_backup_options *opt, ddp_dir_backup **out);
/* Fills store with callbacks over ds (valid until ddp_dir_backup_close). */
void ddp_dir_backup_bind(ddp_dir_backup *ds, ddp_backup *store);
void ddp_dir_backup_close(ddp_dir_backup *ds);

#endif
