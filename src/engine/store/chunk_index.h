/*
 * chunk_index.h - where each unique chunk was stored (see chunk_index.c).
 */
#ifndef DDP_STORE_CHUNK_INDEX_H
#define DDP_STORE_CHUNK_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/status.h"

/* A stored chunk: 56 bytes. */
typedef struct ddp_chunk_loc {
    uint8_t hash[DDP_HASH_SIZE];
    uint32_t container_id;
    uint32_t generation;
    uint32_t sequence;
    uint32_t offset;        /* true offset of the record */
    uint32_t offset_hint;   /* the hint stream maps publish (differs in stale-hints mode) */
    uint32_t stored_size;   /* never 0 for a used slot */
} ddp_chunk_loc;

typedef struct ddp_chunk_index {
    ddp_chunk_loc *slots;
    size_t capacity;        /* a power of two */
    size_t count;
} ddp_chunk_index;

void ddp_chunk_index_init(ddp_chunk_index *idx);
void ddp_chunk_index_free(ddp_chunk_index *idx);
/* The chunk with this hash, or NULL. */
const ddp_chunk_loc *ddp_chunk_index_find(const ddp_chunk_index *idx, const uint8_t hash[DDP_HASH_SIZE]);
/* Adds a chunk not yet present (loc->stored_size >= 1). */
ddp_status ddp_chunk_index_add(ddp_chunk_index *idx, const ddp_chunk_loc *loc);

#endif
