/*
 * container_find.h - which container file a backup holds for a container id
 * (API.md §5, IDedupBackupStoreDirectory::FindContainerFile on a directory tree).
 */
#ifndef DDP_PLATFORM_CONTAINER_FIND_H
#define DDP_PLATFORM_CONTAINER_FIND_H

#include <stdint.h>

/*
 * Lists ROOT/<dir> (dir volume-relative, e.g. "\System Volume Information\Dedup\ChunkStore\
 * {GUID}.ddp\Stream") for "%08x.%08x.ccc" names of container id, any case, skipping names
 * holding "delete". Returns 0 with *path = "<dir>\<name>" of the highest generation
 * (malloc'd), 1 when there is none (or the folder is missing), or a failure HRESULT.
 */
int32_t ddp_container_find(const char *root, const char *dir, uint32_t id, char **path);

#endif
