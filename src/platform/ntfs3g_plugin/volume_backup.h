/*
 * volume_backup.h - a ddp_backup over the NTFS volume an ntfs-3g process has mounted:
 * container paths ("\System Volume Information\Dedup\ChunkStore\...") are opened with
 * libntfs-3g inside the process (the plugin cannot read through its own mount: the
 * FUSE loop that would answer is the one calling it). A few container data attributes
 * stay open (VS_OPEN_CONTAINERS, least recently used closed first) until
 * vs_close_containers(); a lock serialises every libntfs-3g call made here.
 * find_container() answers the highest generation of an id in a folder's listing.
 */
#ifndef DDP_NTFS3G_VOLUME_BACKUP_H
#define DDP_NTFS3G_VOLUME_BACKUP_H

#include "ddp/restore.h"

#define VS_OPEN_CONTAINERS 8u

struct _ntfs_volume;
typedef struct volume_backup volume_backup;

volume_backup *vs_new(struct _ntfs_volume *vol);
void vs_free(volume_backup *s);
struct _ntfs_volume *vs_volume(const volume_backup *s);
void vs_api(volume_backup *s, ddp_backup *out);
/* Closes every open container (when no file is open any more). */
void vs_close_containers(volume_backup *s);

#endif
