/*
 * store_builder.h - builds a chunk store from ordinary files, exactly as FORMAT.md lays
 * it out (the engine behind ddp-mkstore, the test vectors and the benchmark corpora).
 * Deterministic: the same files in the same order with the same options give the same bytes.
 *
 * Choices where the format is open (FORMAT.md §8), which readers must not depend on:
 * - the stream-map record's hash is the chunk hash algorithm over the whole Smap payload
 *   (prefix and entries);
 * - a stream reference's unknown_0c words: in layout 0x0201 what Windows writes there
 *   (FORMAT.md §1.3): {1, 1, 8 + 64 x ceil(size / 32768)}; in 0x0102 / 0x0103 (no
 *   evidence) {stream container id, its generation, 0};
 * - sequence numbers start at 1 in every container; the Rrtl is empty unless
 *   stale_hints, which gives the first 1096 records of each container (what the region
 *   0x3020..0x5260 holds) a wrong hint and lists their true offsets;
 * - container CRC-64s (Cthr, Rrtl, Ckhr) use CRC-64/NVME with its all-ones start, as
 *   Windows' DedupFileList does (FORMAT.md §3: no real container checked yet), unless
 *   crc64_zero_init asks for the other variant; DedupFileList always uses NVME.
 * Memory: fixed buffers (a chunk, its compressed form, 1 MiB of write-behind per
 * container kind) plus the chunk index, which grows by 75-150 bytes per unique chunk.
 */
#ifndef DDP_STORE_BUILDER_H
#define DDP_STORE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/status.h"

/* Where the builder writes container files. Paths are volume-root-relative with
 * backslashes: "\System Volume Information\Dedup\ChunkStore\{GUID}.ddp\Data\00000001.00000001.ccc". */
typedef struct ddp_sink {
    void *ctx;
    ddp_status (*open)(void *ctx, const char *path, void **handle);
    ddp_status (*pwrite)(void *ctx, void *handle, uint64_t offset, const uint8_t *data, size_t len);
    ddp_status (*close)(void *ctx, void *handle);
} ddp_sink;

typedef struct ddp_store_builder_options {
    uint8_t guid[16];             /* chunk store GUID */
    uint16_t layout;              /* reparse layout of the stubs: 0x0201, 0x0102, 0x0103 */
    ddp_hash_alg hash_alg;        /* SHA-256 or SHA-512 truncated */
    uint32_t data_generation;     /* generation of Data containers (default 1) */
    uint32_t stream_generation;   /* generation of Stream containers (default 1) */
    uint64_t container_limit;     /* a container is sealed past this size (default 1 GiB) */
    int compress;                 /* 1: Xpress when smaller (default), 0: always raw */
    int stale_hints;              /* 1: offset hints point elsewhere; records found through Rrtl */
    uint64_t filetime;            /* FILETIME written in reparse points (fixed for determinism) */
    uint32_t min_chunk, avg_chunk, max_chunk;  /* content-defined chunking (32/64/128 KiB) */
    int file_list;                /* 1: finish() writes DedupFileList.1 and .2 (default 0) */
    int crc64_zero_init;          /* 1: container CRC-64s with the zero start (default 0: NVME) */
} ddp_store_builder_options;

void ddp_store_builder_options_default(ddp_store_builder_options *opt);

typedef struct ddp_store_builder ddp_store_builder;

ddp_status ddp_store_builder_new(const ddp_store_builder_options *opt, const ddp_sink *sink,
                                 ddp_store_builder **out);
/* Streaming input of one file: begin, any number of data calls, end. end() gives the
 * file's reparse buffer (8 + ReparseDataLength bytes, at most DDP_REPARSE_MAX_BUFFER).
 * A file of size 0 gets no stream map and no reparse point: end() returns
 * DDP_ERR_NOT_REPARSE with *reparse_len 0 (the caller keeps such a file as it is), and
 * the builder stays usable. Any other failure is sticky: later calls return it. */
ddp_status ddp_store_builder_file_begin(ddp_store_builder *b);
ddp_status ddp_store_builder_file_data(ddp_store_builder *b, const uint8_t *data, size_t len);
ddp_status ddp_store_builder_file_end(ddp_store_builder *b, uint8_t *reparse, size_t cap, size_t *reparse_len);
/* Writes what is pending and closes every container. */
ddp_status ddp_store_builder_finish(ddp_store_builder *b);
void ddp_store_builder_free(ddp_store_builder *b);

typedef struct ddp_store_builder_stats {
    uint64_t files, logical_bytes, chunks, unique_chunks, stored_bytes;
    uint32_t data_containers, stream_containers;
    uint64_t empty_files;      /* files of size 0 (no reparse point) */
    uint64_t container_bytes;  /* sizes of all container files written */
} ddp_store_builder_stats;
/* files: files given a reparse point; chunks: chunk references; stored_bytes: the data
 * records' payload bytes (each unique chunk once, compressed or raw). */
void ddp_store_builder_get_stats(const ddp_store_builder *b, ddp_store_builder_stats *st);

/* A sink keeping every file in memory (tests, in-memory mock stores). */
typedef struct ddp_sink_mem ddp_sink_mem;
ddp_sink_mem *ddp_sink_mem_new(void);
void ddp_sink_mem_free(ddp_sink_mem *m);
void ddp_sink_mem_sink(ddp_sink_mem *m, ddp_sink *sink);
/* The bytes of a file written to the sink (path compared case-insensitively), or NULL. */
const uint8_t *ddp_sink_mem_get(const ddp_sink_mem *m, const char *path, size_t *len);
/* Iteration over the stored files: returns the i-th path or NULL past the end. */
const char *ddp_sink_mem_path(const ddp_sink_mem *m, size_t i);

/* A sink writing under a directory: src/platform/host/dir_sink.h (ddp_dir_sink_init). */

#endif
