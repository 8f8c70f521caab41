/*
 * recover.h - before an in-place restore on an ntfs-3g mount, ddp-restore finishes what
 * an earlier run interrupted by a crash left behind (src/platform/ntfs3g_commit.h): each
 * ".<name>.ddprestore-ready" file under the given paths is either copied into its file,
 * when that file lost its reparse point, or deleted as stale, when the file is still a
 * stub (which the restore that follows then restores as usual).
 */
#ifndef DDP_RESTORE_RECOVER_H
#define DDP_RESTORE_RECOVER_H

#include <stddef.h>
#include <stdio.h>

typedef struct recover_counts {
    size_t completed, stale, failed;
} recover_counts;

/* Looks under each of paths[0..n-1] (a folder, walked, or a file, whose own ready name is
 * checked); reports each completion and failure on log. */
void recover_interrupted(char *const *paths, int n, FILE *log, recover_counts *counts);

#endif
