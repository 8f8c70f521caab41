/*
 * stream_map.h - the Smap payload of a stream-map record (FORMAT.md §4): the ordered
 * list of a file's chunks.
 */
#ifndef DDP_STREAM_MAP_H
#define DDP_STREAM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"

#define DDP_SMAP_ENTRY_SIZE 64u
#define DDP_SMAP_PREFIX_SIZE 8u   /* "Smap" + 4 version bytes */

typedef struct ddp_chunk_ref {
    uint32_t sequence;       /* +0x00 data chunk sequence number */
    uint32_t container_id;   /* +0x04 data container id */
    uint32_t offset_hint;    /* +0x08 offset of the chunk's Ckhr (hint) */
    uint32_t generation;     /* +0x0C data container generation */
    uint64_t end;            /* +0x10 exclusive end of this chunk in the file */
    uint8_t hash[32];        /* +0x18 */
    uint32_t stored_size;    /* +0x38 */
    uint32_t unknown_3c;     /* +0x3C */
} ddp_chunk_ref;

/* Checks the prefix and that len is 8 + 64 x N; *count = N. */
ddp_status ddp_stream_map_count(const uint8_t *payload, size_t len, uint32_t *count, ddp_diag *diag);
/* Decodes entry i (no checks beyond bounds). */
void ddp_stream_map_entry(const uint8_t *payload, uint32_t i, ddp_chunk_ref *out);
/*
 * Full check of a stream map against its reference's range [range_start, range_end):
 * N >= 1 (unless the range is empty), ends strictly increasing, first chunk starts at
 * range_start, last ends at range_end, every chunk's logical size and stored size in
 * [1, DDP_MAX_CHUNK_SIZE]. diag->offset names the entry's offset in the payload.
 * Bounds: a payload above DDP_MAX_SMAP_PAYLOAD (64 MiB, about 1M chunks) is DDP_ERR_BAD_LENGTH;
 * DDP_MAX_CHUNK_SIZE (256 KiB) is twice the largest chunk of the format's 32-128 KiB range.
 * Errors: TRUNCATED / BAD_MAGIC / BAD_LENGTH from the prefix and length, RANGE from the
 * entries, INVALID_ARG when range_end < range_start.
 */
ddp_status ddp_stream_map_validate(const uint8_t *payload, size_t len, uint64_t range_start,
                                   uint64_t range_end, ddp_diag *diag);
/* Writes prefix + entries into out (8 + 64 x n bytes). */
void ddp_stream_map_build(const ddp_chunk_ref *refs, uint32_t n, uint8_t *out);

#endif
