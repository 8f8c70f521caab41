/*
 * durable_batch.h - making many restored files durable with few syncs.
 *
 * A restore that fsyncs each file and its folder pays two journal commits per file;
 * on 10,000 small files that is most of the time. Here a whole batch is paid at once:
 *  - content: one syncfs() per file system holding at least 16 of the files, when it is
 *    a local file system whose syncfs() writes everything back and reports write-back
 *    errors (Linux 5.8 on); elsewhere (FUSE such as ntfs-3g, network file systems, fewer
 *    files, or when syncfs fails) each file is fsync'd;
 *  - names: after the renames, one fsync per distinct folder.
 * What one syncfs saves against an fsync per file: BENCHMARKS.md, durability of a batch.
 */
#ifndef DDP_PLATFORM_DURABLE_BATCH_H
#define DDP_PLATFORM_DURABLE_BATCH_H

#include <stddef.h>
#include <stdint.h>

/* What a target spent on durability. */
typedef struct ddp_sync_counts {
    uint64_t fs_syncs;        /* syncfs() calls */
    uint64_t file_syncs;      /* fsync() of a file */
    uint64_t folder_syncs;    /* fsync() of a folder */
} ddp_sync_counts;

/* Makes the content of paths[0..n-1] durable. err[i] gets 0, or the errno that kept
 * file i from being durable (the others are not affected). Files are grouped by file
 * system with one stat per run of neighbours in the same folder; a file missing when
 * its folder was synced as a whole may get 0 here (its rename then fails). */
void ddp_sync_files(const char *const *paths, size_t n, int *err, ddp_sync_counts *counts);

/* 1 when syncfs is trusted on the file system holding path (a batch of 16 files or more
 * there then costs one syncfs instead of one fsync per file). */
int ddp_syncfs_trusted_path(const char *path);

/* fsyncs once each distinct folder holding one of paths[0..n-1] (err[i] != 0 entries are
 * skipped). A folder whose sync fails sets err[i] of each of its files. Returns 0, or -1
 * when out of memory (every err[i] then set to ENOMEM). */
int ddp_sync_folders(const char *const *paths, size_t n, int *err, ddp_sync_counts *counts);

#endif
