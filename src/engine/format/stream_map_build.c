/*
 * stream_map_build.c - writes a stream map ("Smap") payload (FORMAT.md §4): the prefix
 * "Smap" 01 04 04 01, then one 64-byte entry per chunk, in file order.
 */
#include <string.h>

#include "ddp/le.h"
#include "ddp/stream_map.h"

static const uint8_t smap_prefix[DDP_SMAP_PREFIX_SIZE] = {'S', 'm', 'a', 'p', 0x01, 0x04, 0x04, 0x01};

void ddp_stream_map_build(const ddp_chunk_ref *refs, uint32_t n, uint8_t *out)
{
    memcpy(out, smap_prefix, DDP_SMAP_PREFIX_SIZE);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = out + DDP_SMAP_PREFIX_SIZE + (size_t)i * DDP_SMAP_ENTRY_SIZE;
        const ddp_chunk_ref *c = &refs[i];
        ddp_put32(e + 0x00, c->sequence);
        ddp_put32(e + 0x04, c->container_id);
        ddp_put32(e + 0x08, c->offset_hint);
        ddp_put32(e + 0x0C, c->generation);
        ddp_put64(e + 0x10, c->end);
        memcpy(e + 0x18, c->hash, 32);
        ddp_put32(e + 0x38, c->stored_size);
        ddp_put32(e + 0x3C, c->unknown_3c);
    }
}
