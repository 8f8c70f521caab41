/*
 * file_reader.h - random access to the content of one deduplicated file, for a mount
 * (the ntfs-3g plugin) or any tool that reads a file in place instead of restoring it.
 *
 * A reader is opened from the file's reparse buffer and a ddp_backup; it loads the file's
 * stream maps once (checked like a restore checks them), then each read locates its
 * chunks by binary search, reads their records (through the Rrtl when the offset hint is
 * stale), decompresses them and checks their hash. A chunk that cannot be read or
 * verified fails the read of the range that needs it (the bytes before it are returned),
 * and is reported through the log callback with the file's name and offset; the other
 * ranges of the file read on.
 *
 * Decoded chunks are kept in a ddp_reader_cache shared by readers (of one or several
 * chunk stores: entries are keyed by store GUID, container, record and hash).
 * Memory bound: cache_chunks x DDP_MAX_CHUNK_SIZE (256 KiB) of chunk content at most
 * (default 32 chunks: 8 MiB; 2 MiB with the usual 64 KiB chunks), plus the prefetch
 * workers' queue of prefetch_chunks records and two chunk buffers (default 8 x (0x58 +
 * 256 KiB) + 2 x 256 KiB: 2.5 MiB at most), plus per open reader 64 bytes per chunk of the
 * file, one record buffer (0x58 + 256 KiB, allocated on the first read that misses the
 * cache) and one chunk buffer (256 KiB, allocated only when a chunk is to be decoded while
 * every cache slot is lent to another decoder; chunks are decoded straight into a cache
 * slot). With the defaults: 10.5 MiB + 512 KiB per open file + 64 bytes per chunk of the
 * open files.
 *
 * Sequential reads (a read starting where the previous one of the same reader ended)
 * have the records of the chunks of the next four reads of the same length (at most
 * prefetch_chunks of them) read and queued for two worker threads, which decode and
 * verify them into the cache (prefetch.c): decoding then overlaps the caller's work.
 *
 * Threads: the cache, its prefetcher and each reader have their own lock, so readers of
 * different files (and, serialised, of the same file) may be used from any threads at
 * once; the store's
 * read callback must then be safe to call concurrently. Open containers are the store's
 * business (dir_backup keeps a few fds open, the plugin a few ntfs-3g attributes).
 */
#ifndef DDP_FILE_READER_H
#define DDP_FILE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/restore.h"
#include "ddp/status.h"

#define DDP_READER_DEFAULT_CACHE_CHUNKS 32u
#define DDP_READER_MAX_CACHE_CHUNKS 4096u
#define DDP_READER_DEFAULT_PREFETCH 8u
#define DDP_READER_MAX_PREFETCH 64u

typedef struct ddp_reader_options {
    uint32_t cache_chunks;        /* decoded chunks kept (0: default; at most DDP_READER_MAX_CACHE_CHUNKS) */
    ddp_hash_alg hash_alg;        /* DDP_HASH_UNKNOWN: detected on the first chunk that matches */
    uint32_t probe_generations;   /* stream container generations probed (0: 16) */
    /* Chunks decoded ahead of sequential reads on two worker threads (0: none; default 8,
     * at most DDP_READER_MAX_PREFETCH). Their records are read on the reading thread. */
    uint32_t prefetch_chunks;
    /* Called with one line per failure (may be NULL); from the thread that read. */
    void (*log)(void *ctx, const char *msg);
    void *log_ctx;
} ddp_reader_options;

typedef struct ddp_reader_stats {
    uint64_t stream_map_loads;    /* stream-map records read (once per reference per open) */
    uint64_t chunk_decodes;       /* data records read, checked and decompressed */
    uint64_t cache_hits;          /* chunk pieces served from the cache */
    uint64_t store_reads;         /* read() calls on the store */
    uint64_t redirects;           /* records found through an Rrtl */
    uint64_t failures;            /* chunk ranges that failed a read */
    uint64_t prefetches;          /* chunk records handed to the prefetch worker */
    uint64_t generations_from_list;   /* stream containers found through DedupFileList */
} ddp_reader_stats;

typedef struct ddp_reader_cache ddp_reader_cache;
typedef struct ddp_file_reader ddp_file_reader;

void ddp_reader_options_default(ddp_reader_options *opt);
ddp_status ddp_reader_cache_new(const ddp_reader_options *opt, ddp_reader_cache **out);
void ddp_reader_cache_free(ddp_reader_cache *c);   /* after every reader using it is closed */
/* Totals over every reader of the cache (closed ones included). */
void ddp_reader_cache_stats(ddp_reader_cache *c, ddp_reader_stats *out);

/*
 * Opens the file whose reparse buffer is reparse[0..len). name (copied; may be NULL)
 * names the file in log lines. Errors: what ddp_reparse_parse gives for the buffer
 * (DDP_ERR_NOT_DEDUP: another tag), DDP_ERR_NOT_FOUND (a stream container is not in
 * the store), DDP_ERR_IO (it could not be read), DDP_ERR_HASH_MISMATCH / RANGE /
 * BAD_LENGTH... (a stream map that does not match its reference), DDP_ERR_NO_MEMORY.
 * The store is copied; its ctx must outlive the reader.
 */
ddp_status ddp_file_reader_open(const ddp_backup *store, ddp_reader_cache *cache, const uint8_t *reparse,
                                size_t len, const char *name, ddp_file_reader **out);
uint64_t ddp_file_reader_size(const ddp_file_reader *r);
/*
 * Reads [offset, offset + len) clipped to the file's size into buf; *got gets the bytes
 * read. DDP_OK: all of them (0 at or past the end). A failure: the bytes before the first
 * chunk that could not be read or verified are in buf (*got), the failure is logged.
 */
ddp_status ddp_file_reader_read(ddp_file_reader *r, uint64_t offset, void *buf, size_t len, size_t *got);
/* This reader's own counts. */
void ddp_file_reader_stats(ddp_file_reader *r, ddp_reader_stats *out);
void ddp_file_reader_close(ddp_file_reader *r);

#endif
