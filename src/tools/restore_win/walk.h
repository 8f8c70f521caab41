/*
 * walk.h - the FILE arguments of ddp-restore.exe as a file_list (src/tools/restore/
 * file_list.h): a file named is an item; a folder is walked (FindFirstFileW), its dedup
 * stubs become items and its other files are counted as skipped. A stub is, with stub
 * files, a regular file of at most DDP_REPARSE_MAX_BUFFER bytes starting with the dedup
 * tag; otherwise a file whose reparse tag is IO_REPARSE_TAG_DEDUP. Folders that are
 * reparse points (junctions, mount points) are not entered, nor "System Volume
 * Information". A folder that cannot be listed, or a file that cannot be examined, is
 * in unreached (a failure with its cause); a missing argument counts in missing and is
 * reported on stderr.
 */
#ifndef DDP_RESTORE_WIN_WALK_H
#define DDP_RESTORE_WIN_WALK_H

#include "file_list.h"

/* Returns 0, or -1 when out of memory. */
/* out: --out (each item then gets OUT\<its path below the argument's parent folder, or
 * below a drive root>), or NULL. */
int walk_add(file_list *list, const char *path, int stub_files, const char *out);
/* Sorts the items by path and drops second mentions (a file named and also inside a
 * folder named; Windows names ignore case). */
void walk_unique(file_list *list);
void walk_free(file_list *list);

#endif
