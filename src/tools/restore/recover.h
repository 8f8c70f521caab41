/*
 * recover.h - before restoring, ddp-restore finishes what earlier runs interrupted by a
 * crash left behind and removes their leftovers (src/platform/ntfs3g_commit.h,
 * temp_file.h): each folder journal's records are finished (a stub that lost its reparse
 * point gets its content from its temporary file, with its recorded times; a temporary
 * file beside a stub that kept its reparse point is deleted as stale); the journal is then
 * deleted, and so is every temporary file no journal still needs. Only files whose names
 * have the exact form of a restore's own files are ever touched; what older versions left
 * is handled by recover_legacy.h.
 */
#ifndef DDP_RESTORE_RECOVER_H
#define DDP_RESTORE_RECOVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct recover_counts {
    size_t completed;   /* files finished from their temporary file */
    size_t removed;     /* stale or orphaned temporary files and finished journals deleted */
    size_t failed;      /* records that could not be finished (their files kept) */
    uint64_t bytes;     /* the space the removed files held */
} recover_counts;

/* Deletes path when it is a regular file, counting it and its bytes in c. */
void recover_remove(const char *path, recover_counts *c);

/* Looks under each of paths[0..n-1] (a folder, walked, or a file, whose folder is
 * looked at); reports each completion and failure, and a summary of the removals, on log. */
void recover_interrupted(const char *const *paths, int n, FILE *log, recover_counts *counts);

#endif
