/*
 * preflight.h - what ddp-restore checks before it reads a stub or a container and
 * before it writes anything, so that a wrong --store or --out gets one clear diagnosis
 * up front instead of one misleading error per file.
 */
#ifndef DDP_RESTORE_PREFLIGHT_H
#define DDP_RESTORE_PREFLIGHT_H

#include <stdio.h>

#define PREFLIGHT_FAILED 1    /* exit status: the store cannot be read */
#define PREFLIGHT_USAGE 2     /* exit status: a wrong argument */

/* ROOT holds System Volume Information/Dedup/ChunkStore (any case) with at least one
 * {GUID}.ddp folder, and its Stream and Data folders and their first container file can
 * be read. 0, or the exit status after one line on log naming the folder and the
 * system's reason: PREFLIGHT_USAGE when there is no chunk store, PREFLIGHT_FAILED when
 * it cannot be read. */
int preflight_store(const char *root, FILE *log);

/* --out is a folder (or can be created as one) that can be written, and is neither a
 * folder being restored (a PATH folder, or a PATH file's folder) nor inside one, nor the
 * --store root when a PATH lies inside it (the copies would land on the sources). Creates
 * the folder. 0, or PREFLIGHT_USAGE after one line on log. */
int preflight_out(const char *out, char *const *paths, int n_paths, const char *store, FILE *log);

#endif
