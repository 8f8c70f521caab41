/*
 * chunk_index.c - the builder's chunk index: chunk hash -> where the chunk is stored,
 * so that a chunk seen again, in any file, is referenced instead of stored twice.
 *
 * An open-addressing table of 56-byte entries with linear probing, keyed by the first
 * eight bytes of the (cryptographic, hence uniform) hash; a slot with stored_size 0 is
 * free. The table doubles when it is three quarters full, so it holds between 75 and
 * 150 bytes per unique chunk: about 1.2 to 2.4 MB per GiB of unique 64 KiB chunks. It
 * is the one structure of the builder that grows with the amount of data.
 */
#include <stdlib.h>
#include <string.h>

#include "chunk_index.h"
#include "ddp/le.h"

#define INITIAL_CAPACITY 1024u

void ddp_chunk_index_init(ddp_chunk_index *idx)
{
    memset(idx, 0, sizeof *idx);
}

void ddp_chunk_index_free(ddp_chunk_index *idx)
{
    free(idx->slots);
    memset(idx, 0, sizeof *idx);
}

static size_t home_slot(const ddp_chunk_index *idx, const uint8_t *hash)
{
    return (size_t)ddp_le64(hash) & (idx->capacity - 1);
}

const ddp_chunk_loc *ddp_chunk_index_find(const ddp_chunk_index *idx, const uint8_t hash[DDP_HASH_SIZE])
{
    if (!idx->capacity)
        return NULL;
    for (size_t i = home_slot(idx, hash);; i = (i + 1) & (idx->capacity - 1)) {
        const ddp_chunk_loc *s = &idx->slots[i];
        if (s->stored_size == 0)
            return NULL;
        if (memcmp(s->hash, hash, DDP_HASH_SIZE) == 0)
            return s;
    }
}

static void insert(ddp_chunk_index *idx, const ddp_chunk_loc *loc)
{
    size_t i = home_slot(idx, loc->hash);
    while (idx->slots[i].stored_size != 0)
        i = (i + 1) & (idx->capacity - 1);
    idx->slots[i] = *loc;
    idx->count++;
}

static ddp_status grow(ddp_chunk_index *idx)
{
    size_t capacity = idx->capacity ? idx->capacity * 2 : INITIAL_CAPACITY;
    if (capacity > SIZE_MAX / sizeof(ddp_chunk_loc))
        return DDP_ERR_NO_MEMORY;
    ddp_chunk_loc *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return DDP_ERR_NO_MEMORY;
    ddp_chunk_index old = *idx;
    idx->slots = slots;
    idx->capacity = capacity;
    idx->count = 0;
    for (size_t i = 0; i < old.capacity; i++)
        if (old.slots[i].stored_size != 0)
            insert(idx, &old.slots[i]);
    free(old.slots);
    return DDP_OK;
}

ddp_status ddp_chunk_index_add(ddp_chunk_index *idx, const ddp_chunk_loc *loc)
{
    if (!loc || loc->stored_size == 0)
        return DDP_ERR_INVALID_ARG;
    if ((idx->count + 1) * 4 > idx->capacity * 3) {
        ddp_status st = grow(idx);
        if (st != DDP_OK)
            return st;
    }
    insert(idx, loc);
    return DDP_OK;
}
