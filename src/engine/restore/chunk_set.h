/*
 * chunk_set.h - the distinct data chunks the stream maps name, and every place in the
 * restored files that uses each of them.
 *
 * A chunk is identified by its data container (store GUID, id, generation), its
 * sequence number and what the stream map says about it (hint, sizes, hash); it is
 * read once, and written to each of its uses. Sizes: 44 bytes
 * per distinct chunk (rs_chunk) + its 24-byte rs_record, 16 bytes per use (rs_use), and
 * while stream maps are added, two open-addressing indexes of 4-byte slots at load
 * <= 1/2 (freed by rs_chunk_set_seal before any data is read).
 */
#ifndef DDP_RESTORE_CHUNK_SET_H
#define DDP_RESTORE_CHUNK_SET_H

#include "ddp/stream_map.h"
#include "restore_internal.h"

typedef struct rs_chunk {
    uint8_t hash[32];        /* from the stream map */
    uint32_t stored;         /* stored payload size */
    uint32_t logical;        /* decompressed size */
    uint32_t first_use;      /* head of its rs_use list */
} rs_chunk;

typedef struct rs_use {
    uint64_t offset;         /* where in the file */
    uint32_t file;
    uint32_t next;           /* next use of the same chunk, RS_NONE at the end */
} rs_use;

typedef struct rs_index {
    uint32_t *slots;         /* entry + 1, 0 = empty */
    uint32_t cap;            /* power of two */
} rs_index;

struct rs_chunk_set {
    rs_job *job;
    rs_container *containers;
    uint32_t n_containers, cap_containers;
    rs_record *records;      /* parallel to chunks */
    rs_chunk *chunks;
    uint32_t n_chunks, cap_chunks, cap_records;
    rs_use *uses;
    uint32_t n_uses, cap_uses;
    rs_index container_index, chunk_index;
};

rs_chunk_set *rs_chunk_set_new(rs_job *job);

typedef enum rs_add_result {
    RS_ADD_OK = 0,
    RS_ADD_NO_MEMORY
} rs_add_result;

/* Adds the use of chunk e (logical bytes at file_offset of file, files of store). */
rs_add_result rs_chunk_set_add(rs_chunk_set *cs, uint32_t file, uint32_t store, const ddp_chunk_ref *e,
                               uint32_t logical, uint64_t file_offset);
/* Frees the lookup indexes: no more adds. */
void rs_chunk_set_seal(rs_chunk_set *cs);

#endif
