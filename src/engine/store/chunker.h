/*
 * chunker.h - content-defined chunking for the store builder (see chunker.c).
 */
#ifndef DDP_STORE_CHUNKER_H
#define DDP_STORE_CHUNKER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"

/* Receives each complete chunk, in order. A non-OK status stops the chunker. */
typedef ddp_status (*ddp_chunk_emit)(void *ctx, const uint8_t *chunk, size_t len);

typedef struct ddp_chunker {
    uint32_t min_size, max_size;
    uint64_t mask;           /* a boundary where (hash & mask) == 0 */
    uint64_t gear[256];
    uint8_t *buf;            /* the pending chunk: at most max_size bytes */
    size_t len;              /* bytes held in buf */
    size_t scanned;          /* bytes of buf already rolled into hash */
    uint64_t hash;
} ddp_chunker;

/* Sizes must satisfy 1 <= min <= avg <= max <= DDP_MAX_CHUNK_SIZE (else DDP_ERR_INVALID_ARG). */
ddp_status ddp_chunker_init(ddp_chunker *c, uint32_t min_size, uint32_t avg_size, uint32_t max_size);
void ddp_chunker_free(ddp_chunker *c);
/* Feeds bytes; emits every chunk that these bytes complete. */
ddp_status ddp_chunker_push(ddp_chunker *c, const uint8_t *data, size_t len, ddp_chunk_emit emit, void *ctx);
/* Emits what is pending as the last chunk (nothing when empty) and resets for a new stream. */
ddp_status ddp_chunker_flush(ddp_chunker *c, ddp_chunk_emit emit, void *ctx);

#endif
