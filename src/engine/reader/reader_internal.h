/*
 * reader_internal.h - the parts of ddp_file_reader (file_reader.h):
 *   chunk_cache.c   the shared cache of decoded chunks, each store's hash algorithm
 *                   once known, the prefetcher, and the totals of every reader;
 *   stream_index.c  open: the reparse point, the stream containers (located the way a
 *                   restore locates them, container_locator.c, the store's DedupFileList
 *                   first, read once per store and kept by the cache) and the stream maps,
 *                   turned into one sorted table of the file's chunks;
 *   chunk_fetch.c   one chunk's record: read at its hint or through the Rrtl, checked,
 *                   decompressed and verified;
 *   prefetch.c      the worker threads decoding the chunks that follow a sequential read;
 *   file_reader.c   the public functions: binary search, copy out, locking.
 * Store reads go through the restore engine's reading helper rs_read_range (short reads
 * completed, oversized answers refused) and stream containers are found by
 * rs_locate_stream_container, both over a small rs_job of the reader's own holding the
 * store and the options; the reader's lock serialises its use.
 */
#ifndef DDP_READER_INTERNAL_H
#define DDP_READER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/codec.h"
#include "ddp/file_reader.h"
#include "ddp_thread.h"
#include "restore_internal.h"

/* One chunk of the file, from its stream map (64 bytes). */
typedef struct rd_chunk {
    uint64_t end;            /* exclusive end in the file */
    uint32_t sequence, container_id, generation;
    uint32_t offset;         /* the hint; the Rrtl's offset once redirected */
    uint32_t stored;         /* payload size */
    uint32_t logical;
    uint8_t hash[DDP_HASH_SIZE];
} rd_chunk;

/* Identifies a decoded chunk across readers: store, container, record and hash. */
typedef struct rd_key {
    uint8_t guid[16];
    uint32_t container_id, generation, sequence, logical;
    uint8_t hash[DDP_HASH_SIZE];
} rd_key;

struct ddp_file_reader {
    ddp_reader_cache *cache;
    ddp_mutex *lock;
    char *name;
    ddp_backup store;         /* a copy of the caller's (its ctx must outlive the reader) */
    rs_job job;              /* &store, options, read window (restore_internal.h) */
    rs_store_dir dir;        /* the chunk store of the file */
    uint64_t size;
    rd_chunk *chunks;
    uint32_t n_chunks;
    uint8_t *record;         /* 0x58 + DDP_MAX_CHUNK_SIZE */
    uint8_t *content;        /* DDP_MAX_CHUNK_SIZE: decoded into when no cache slot is free */
    ddp_decoder *dec;        /* the reader thread's decoder */
    uint64_t next_offset;    /* where the previous read ended: a read there is sequential */
    char *data_path;         /* the Data container of the last chunk read */
    uint32_t data_id, data_generation;
    ddp_reader_stats stats;
};

/* chunk_cache.c */
const ddp_reader_options *rd_cache_options(const ddp_reader_cache *c);
/* 1 and the bytes [from, from + n) of the chunk copied to dst when it is cached. */
int rd_cache_copy(ddp_reader_cache *c, const rd_key *k, uint32_t from, uint8_t *dst, uint32_t n);
/* A slot for a chunk of len bytes, lent to the caller to decode into: its index and
 * *buf (len bytes), or -1 when every slot is lent or there is no memory. The least
 * recently used chunk makes room. Every slot lent is handed back by rd_cache_fill_end. */
int rd_cache_fill_begin(ddp_reader_cache *c, uint32_t len, uint8_t **buf);
/* Hands slot back: holding chunk k (len bytes) when ok (the chunk verified), else empty. */
void rd_cache_fill_end(ddp_reader_cache *c, int slot, const rd_key *k, uint32_t len, int ok);
/* Keeps a copy of a verified chunk (through a slot as above; not kept when none is free). */
void rd_cache_put(ddp_reader_cache *c, const rd_key *k, const uint8_t *content, uint32_t len);
/* The hash algorithm of chunk store guid: the options', or the one a chunk identified. */
ddp_hash_alg rd_cache_alg(ddp_reader_cache *c, const uint8_t guid[16]);
void rd_cache_set_alg(ddp_reader_cache *c, const uint8_t guid[16], ddp_hash_alg alg);
void rd_cache_add_stats(ddp_reader_cache *c, const ddp_reader_stats *delta);
/* 1 and *out a borrowed copy of store guid's DedupFileList when a reader has read it
 * (valid until the cache is freed; never to be freed by the borrower). */
int rd_cache_list(ddp_reader_cache *c, const uint8_t guid[16], rs_file_list *out);
/* Takes *list (read by rs_file_list_generation) for the later readers of store guid, or
 * frees it when one is kept already or there is no room; *list is left empty. */
void rd_cache_keep_list(ddp_reader_cache *c, const uint8_t guid[16], rs_file_list *list);
/* 1 when the chunk is cached. */
int rd_cache_has(ddp_reader_cache *c, const rd_key *k);
/* The cache's prefetcher; NULL when prefetching is off (or could not be started). */
typedef struct rd_prefetcher rd_prefetcher;
rd_prefetcher *rd_cache_prefetcher(ddp_reader_cache *c);

/* prefetch.c */
rd_prefetcher *rd_prefetcher_new(ddp_reader_cache *cache, uint32_t depth);   /* NULL for depth 0 */
void rd_prefetcher_free(rd_prefetcher *p);
uint32_t rd_prefetcher_depth(const rd_prefetcher *p);
/* The record of k if it is queued and not started (the caller now owns it), else NULL. */
uint8_t *rd_prefetcher_take(rd_prefetcher *p, const rd_key *k);
/* Waits while k is queued or being decoded; 1 when it had to wait. */
int rd_prefetcher_wait(rd_prefetcher *p, const rd_key *k);
/* 1 when the queue has room and k is not in it. */
int rd_prefetcher_wanted(rd_prefetcher *p, const rd_key *k);
/* Queues chunk ch's record (malloc'd; owned by the prefetcher when 1 is returned). */
int rd_prefetcher_submit(rd_prefetcher *p, const rd_key *k, const rd_chunk *ch, uint8_t *record);

/* stream_index.c: fills r->size, r->dir, r->chunks from a reparse buffer. */
ddp_status rd_load_stream_maps(ddp_file_reader *r, const uint8_t *reparse, size_t len);

/* chunk_fetch.c: reads, checks and decodes chunk i into content (the chunk's logical
 * size, at most DDP_MAX_CHUNK_SIZE; failures logged). */
ddp_status rd_fetch_chunk(ddp_file_reader *r, uint32_t i, uint8_t *content);
/* Reads chunk i's record (0x58 + stored bytes) into buf; on the reader's thread. */
ddp_status rd_read_chunk_record(ddp_file_reader *r, uint32_t i, uint8_t *buf, char *why, size_t cap);
/* Checks, decompresses (with dec, the calling thread's decoder) and verifies a chunk's
 * record into content; uses no reader state (the prefetch worker calls it). *at: where
 * in the record a check failed. */
ddp_status rd_decode_chunk(ddp_reader_cache *cache, const uint8_t guid[16], const rd_chunk *ch,
                           const uint8_t *record, uint8_t *content, ddp_decoder *dec, uint64_t *at, char *why,
                           size_t cap);
/* Reads record (sequence, kind) of span bytes at *offset of container c into buf,
 * following the Rrtl when the hint is stale (*offset then gets the true offset). */
ddp_status rd_read_record(ddp_file_reader *r, rs_container *c, uint32_t sequence, uint16_t kind,
                          uint32_t *offset, uint32_t span, uint8_t *buf, char *why, size_t cap);

/* file_reader.c: one log line "name offset 0x..: what". */
void rd_log(ddp_file_reader *r, uint64_t offset, const char *fmt, ...);

#endif
