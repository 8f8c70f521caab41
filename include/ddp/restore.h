/*
 * restore.h - the portable restore engine: rebuilds deduplicated files from a backup
 * of their chunk store, reading the backup only through a ddp_backup and writing only
 * through a ddp_target. The COM server, ddp-restore and the tests are its callers.
 *
 * Result codes are HRESULT values (API.md §2), kept as plain int32_t so the engine
 * needs no Windows header.
 */
#ifndef DDP_RESTORE_H
#define DDP_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/status.h"

#define DDP_S_OK                              ((int32_t)0x00000000)
#define DDP_S_FALSE                           ((int32_t)0x00000001)
#define DDP_HR_NOT_FOUND                      ((int32_t)0x80565301u)
#define DDP_HR_PATH_NOT_FOUND                 ((int32_t)0x80565304u)
#define DDP_HR_UNEXPECTED                     ((int32_t)0x8056530Cu)
#define DDP_HR_INVALID_DATA                   ((int32_t)0x8056531Du)
#define DDP_HR_FILE_CORRUPT                   ((int32_t)0x80565355u)
#define DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS  ((int32_t)0x80565356u)
#define DDP_HR_E_INVALIDARG                   ((int32_t)0x80070057u)
#define DDP_HR_E_OUTOFMEMORY                  ((int32_t)0x8007000Eu)
#define DDP_HR_E_FAIL                         ((int32_t)0x80004005u)
/* Refusals of a target file (API.md §2): E_ACCESSDENIED; HRESULT_FROM_WIN32 of
 * ERROR_DIRECTORY_NOT_SUPPORTED (a directory) and of ERROR_NOT_SUPPORTED (hard links). */
#define DDP_HR_E_ACCESSDENIED                 ((int32_t)0x80070005u)
#define DDP_HR_DIRECTORY_NOT_SUPPORTED        ((int32_t)0x80070150u)
#define DDP_HR_NOT_SUPPORTED                  ((int32_t)0x80070032u)
#define DDP_MAX_RESTORE_FILES 10000u

/* One extent of an application's read plan (same layout as DEDUP_CONTAINER_EXTENT). */
typedef struct ddp_plan_extent {
    uint32_t container_index;   /* into the paths array of the order() call it answers */
    int64_t start;
    int64_t length;             /* INT64_MAX: to the end of the file */
} ddp_plan_extent;

/* One announced read (same layout as DDP_FILE_EXTENT: length first). */
typedef struct ddp_read_extent {
    int64_t length;
    int64_t offset;
} ddp_read_extent;

/*
 * The backup, as the application gives it. Paths are volume-root-relative with
 * backslashes, UTF-8, e.g. "\System Volume Information\Dedup\ChunkStore\{GUID}.ddp\Data\00000001.00000001.ccc".
 * Every callback returns 0 (S_OK) on success or a failure code (an HRESULT), and is
 * called synchronously on the thread that called ddp_restore().
 */
typedef struct ddp_backup {
    void *ctx;
    /* Reads up to size bytes at offset into buf; *got may be less than size (short read). */
    int32_t (*read)(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got);
    /* Optional (NULL: no preference). On success *plan may be NULL / *entries 0 (no preference).
     * A non-NULL plan is released with free_plan. */
    int32_t (*order)(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries);
    void (*free_plan)(void *ctx, ddp_plan_extent *plan);
    /* Optional: announces the reads that follow in one container extent. */
    int32_t (*preview)(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads);
    /* Optional (API.md §5): the container file for id in dir. Returns 0 with *path (malloc'd,
     * freed by the engine with free()), 1 when the backup has none, or a failure code. */
    int32_t (*find_container)(void *ctx, const char *dir, uint32_t id, char **path);
} ddp_backup;

/*
 * The files being restored, numbered 0..n-1. A target must cope with writes to many
 * files interleaved in any order (chunks arrive in container order, not file order).
 */
typedef struct ddp_target {
    void *ctx;
    /* File i's reparse buffer (tag first). DDP_ERR_NOT_REPARSE when it has none. */
    ddp_status (*read_reparse)(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len);
    /* Prepares file i for content of the given logical size. */
    ddp_status (*begin)(void *ctx, uint32_t file, uint64_t size);
    ddp_status (*write)(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len);
    /* Every byte was written and verified: make the content final, then remove the reparse point. */
    ddp_status (*finish)(void *ctx, uint32_t file);
    /* The restore of file i failed: undo what begin/write did; the reparse point and the
     * file's original content stay. Called at most once, never after finish. */
    void (*abandon)(void *ctx, uint32_t file);
    /*
     * Optional: durability in batches. NULL: finish() makes each file final (durable, reparse
     * point removed) before it returns. Non-NULL: finish() only completes the file's content
     * (a failure fails the file as before); the file becomes final in the next commit(),
     * which makes every file finished since the previous commit durable and final at once
     * (e.g. one file-system sync, then the renames, then one sync per folder) and reports
     * each of them exactly once through done(arg, file, status): DDP_OK when it is final, a
     * failure when it is left as abandon() would leave it (reparse point and stub kept).
     * The engine calls commit() after every DDP_COMMIT_BATCH finished files and before
     * ddp_restore() returns; it returns DDP_OK, or a failure when it could not even start
     * (every pending file then fails with it, unless done() already reported it).
     */
    ddp_status (*commit)(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg);
    /* Optional: right after a call for file i failed, the system's reason in words (e.g.
     * "No space left on device (ENOSPC)"), which the file's message gives instead of the
     * status's name; NULL when it has none. The text must stay valid until the next call. */
    const char *(*explain)(void *ctx, uint32_t file);
} ddp_target;

/* Files finished between two commit() calls at most. */
#define DDP_COMMIT_BATCH 1024u

typedef struct ddp_restore_options {
    uint32_t coalesce_gap;       /* neighbouring records closer than this are read in one call (default 64 KiB) */
    uint32_t max_read;           /* largest single read (default 1 MiB) */
    ddp_hash_alg hash_alg;       /* DDP_HASH_UNKNOWN: detect per store */
    uint32_t probe_generations;  /* stream container generations probed (default 16) */
    /* Threads verifying and decompressing data chunks while the calling thread reads and
     * writes: 1 = everything on the calling thread; 0 (default) = one per online CPU, at
     * most DDP_MAX_THREADS. Store and target callbacks are always made on the calling
     * thread, in the same order, and every result is identical for every value. */
    uint32_t threads;
    /* Chunk hashes (FORMAT.md §5: SHA-256 or truncated SHA-512, detected per restore
     * unless hash_alg fixes it). Every restored file is verified, or reported unverified.
     * 0 (default): a chunk matching neither candidate while the algorithm is still unknown
     * is held as unverified. If a later chunk identifies the algorithm, or, when no chunk
     * of the restore does, one of the other records of the same containers (uncompressed
     * data records, or chunks the neighbouring stream maps name; bounded below, every read
     * previewed and counted like any read), the held chunks are corrupt and their files
     * fail (DDP_E_FILE_CORRUPT). Only when no record matches
     * either candidate are their files unverified: see allow_unverified. Non-zero: such a
     * chunk fails its files at once (nothing unverified is ever restored). */
    uint32_t require_verified;
    /* What becomes of a file holding unverified chunks (status DDP_WARN_UNVERIFIED either
     * way). 0 (default): it is not restored: it fails with DDP_E_FILE_CORRUPT and the
     * target keeps its reparse point. Non-zero: it is restored with S_OK. */
    uint32_t allow_unverified;
} ddp_restore_options;

/* Bounds of the extra reads that identify the hash algorithm (require_verified): per
 * container, at most DDP_IDENTIFY_READS_PER_CONTAINER reads of max_read bytes, in at most
 * DDP_IDENTIFY_CONTAINERS data containers and as many stream containers, then at most
 * DDP_IDENTIFY_CHUNK_READS chunks that the stream maps read there name. */
#define DDP_IDENTIFY_CONTAINERS 4u
#define DDP_IDENTIFY_READS_PER_CONTAINER 2u
#define DDP_IDENTIFY_CHUNK_READS 8u

#define DDP_MAX_THREADS 8u

typedef struct ddp_file_result {
    int32_t hr;                  /* S_OK, S_FALSE, DDP_E_* (API.md §2) */
    ddp_status status;           /* the engine's reason */
    char message[192];           /* what failed, where (empty on success) */
} ddp_file_result;

typedef struct ddp_restore_stats {
    uint64_t read_calls, preview_calls, order_calls;
    uint64_t bytes_read, bytes_written;
    uint64_t chunks_read, chunk_refs;
    uint64_t backward_seeks;     /* reads inside one container starting below the previous read's end */
    /* Coalesced runs planned: groups of neighbouring records read together (each needs
     * ceil(length / max_read) reads, plus one per re-ask after a short read). */
    uint64_t coalesced_runs;
    uint64_t commit_calls;       /* target->commit() calls */
    uint64_t unverified_chunks;  /* chunks matching neither hash candidate before the algorithm was known */
    uint64_t identify_reads;     /* extra reads of other records to identify the hash algorithm
                                  * (also counted in read_calls and bytes_read) */
    /* How each stream container's generation was found (FORMAT.md §2.1, API.md §5): named by
     * the store's DedupFileList (and its file present), answered by find_container, or by
     * probing. list_disagreed: the list named a generation whose file the backup does not
     * hold (the container was then located the other ways). file_lists_damaged: copies of
     * DedupFileList read and found damaged (truncated header, CRC, count). */
    uint64_t generations_from_list, generations_from_directory, generations_probed;
    uint64_t list_disagreed, file_lists_damaged;
} ddp_restore_stats;

void ddp_restore_options_default(ddp_restore_options *opt);
/* Adds every count of add to sum (callers summing several restores use this, never
 * their own field list). */
void ddp_restore_stats_add(ddp_restore_stats *sum, const ddp_restore_stats *add);

/*
 * Restores files 0..n_files-1 of target from store. names[i] (may be NULL) names file i
 * in messages. results (may be NULL) gets one result per file; stats (may be NULL) the
 * counts. Returns the overall code: S_OK all restored, S_FALSE none deduplicated,
 * the first per-file error when none was restored, DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS
 * otherwise (running out of memory fails the unfinished files with E_OUTOFMEMORY and
 * follows the same rule); E_INVALIDARG for bad arguments; E_OUTOFMEMORY when not even the
 * job could be set up.
 */
int32_t ddp_restore(const ddp_backup *store, const ddp_target *target, uint32_t n_files,
                    const char *const *names, const ddp_restore_options *opt,
                    ddp_file_result *results, ddp_restore_stats *stats);

#endif
