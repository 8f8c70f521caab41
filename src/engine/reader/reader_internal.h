/*
 * reader_internal.h - the parts of ddp_file_reader (file_reader.h):
 *   chunk_cache.c   the shared cache of decoded chunks, the hash algorithm once known,
 *                   and the totals of every reader;
 *   stream_index.c  open: the reparse point, the stream containers (located the way a
 *                   restore locates them, container_locator.c) and the stream maps,
 *                   turned into one sorted table of the file's chunks;
 *   chunk_fetch.c   one chunk's record: read at its hint or through the Rrtl, checked,
 *                   decompressed and verified;
 *   file_reader.c   the public functions: binary search, copy out, locking.
 * Store reads go through the restore engine's reading helpers (rs_read_range,
 * rs_read_windows) over a small rs_job of the reader's own, which holds the store, the
 * options and the read window; the reader's lock serialises its use.
 */
#ifndef DDP_READER_INTERNAL_H
#define DDP_READER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

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
    ddp_store store;         /* a copy of the caller's (its ctx must outlive the reader) */
    rs_job job;              /* &store, options, read window (restore_internal.h) */
    rs_store_dir dir;        /* the chunk store of the file */
    uint64_t size;
    rd_chunk *chunks;
    uint32_t n_chunks;
    uint8_t *record;         /* 0x58 + DDP_MAX_CHUNK_SIZE */
    uint8_t *content;        /* DDP_MAX_CHUNK_SIZE */
    char *data_path;         /* the Data container of the last chunk read */
    uint32_t data_id, data_generation;
    ddp_reader_stats stats;
};

/* chunk_cache.c */
const ddp_reader_options *rd_cache_options(const ddp_reader_cache *c);
/* 1 and the bytes [from, from + n) of the chunk copied to dst when it is cached. */
int rd_cache_copy(ddp_reader_cache *c, const rd_key *k, uint32_t from, uint8_t *dst, uint32_t n);
/* Keeps a copy of a verified chunk (the least recently used one makes room). */
void rd_cache_put(ddp_reader_cache *c, const rd_key *k, const uint8_t *content, uint32_t len);
/* The hash algorithm of chunk store guid: the options', or the one a chunk identified. */
ddp_hash_alg rd_cache_alg(ddp_reader_cache *c, const uint8_t guid[16]);
void rd_cache_set_alg(ddp_reader_cache *c, const uint8_t guid[16], ddp_hash_alg alg);
void rd_cache_add_stats(ddp_reader_cache *c, const ddp_reader_stats *delta);

/* stream_index.c: fills r->size, r->dir, r->chunks from a reparse buffer. */
ddp_status rd_load_stream_maps(ddp_file_reader *r, const uint8_t *reparse, size_t len);

/* chunk_fetch.c: reads, checks and decodes chunk i into r->content. */
ddp_status rd_fetch_chunk(ddp_file_reader *r, uint32_t i);
/* Reads record (sequence, kind) of span bytes at *offset of container c into buf,
 * following the Rrtl when the hint is stale (*offset then gets the true offset). */
ddp_status rd_read_record(ddp_file_reader *r, rs_container *c, uint32_t sequence, uint16_t kind,
                          uint32_t *offset, uint32_t span, uint8_t *buf, char *why, size_t cap);

/* file_reader.c: one log line "name offset 0x..: what". */
void rd_log(ddp_file_reader *r, uint64_t offset, const char *fmt, ...);

#endif
