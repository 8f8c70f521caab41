/*
 * stream_map_parse.c - the "Smap" payload of a stream-map record (FORMAT.md §4): the
 * file's chunks in order.
 *
 *   +0 "Smap", +4 four version bytes, then N entries of 64 bytes:
 *   +0x00 u32 chunk sequence  +0x04 u32 data container id  +0x08 u32 Ckhr offset (hint)
 *   +0x0C u32 container generation  +0x10 u64 exclusive end in the file (cumulative)
 *   +0x18 32-byte chunk hash  +0x38 u32 stored size  +0x3C u32 unknown
 *
 * Chunk i covers [end(i-1), end(i)), end(-1) being the reference's range start. Bounds
 * enforced by ddp_stream_map_validate: the payload is at most DDP_MAX_SMAP_PAYLOAD
 * (64 MiB, about a million chunks); every chunk's logical size (end(i) - end(i-1)) and
 * stored size is in [1, DDP_MAX_CHUNK_SIZE] (256 KiB, twice the largest chunk of the
 * format's 32-128 KiB range); ends strictly increase and the last one is the range end.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"

ddp_status ddp_stream_map_count(const uint8_t *payload, size_t len, uint32_t *count, ddp_diag *diag)
{
    if (!payload || !count)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_SMAP_PREFIX_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "stream-map prefix (8 bytes)");
    if (memcmp(payload, "Smap", 4) != 0)
        return ddp_fail(diag, DDP_ERR_BAD_MAGIC, 0, "stream-map magic is not Smap");
    if (len > DDP_MAX_SMAP_PAYLOAD)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, 0, "stream map above 64 MiB");
    if ((len - DDP_SMAP_PREFIX_SIZE) % DDP_SMAP_ENTRY_SIZE != 0)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, len, "stream-map size is not 8 + 64 x N");
    *count = (uint32_t)((len - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE);
    return DDP_OK;
}

void ddp_stream_map_entry(const uint8_t *payload, uint32_t i, ddp_chunk_ref *out)
{
    const uint8_t *e = payload + DDP_SMAP_PREFIX_SIZE + (size_t)i * DDP_SMAP_ENTRY_SIZE;
    out->sequence = ddp_le32(e + 0x00);
    out->container_id = ddp_le32(e + 0x04);
    out->offset_hint = ddp_le32(e + 0x08);
    out->generation = ddp_le32(e + 0x0C);
    out->end = ddp_le64(e + 0x10);
    memcpy(out->hash, e + 0x18, 32);
    out->stored_size = ddp_le32(e + 0x38);
    out->unknown_3c = ddp_le32(e + 0x3C);
}

static ddp_status check_entry(const ddp_chunk_ref *c, uint64_t prev_end, uint32_t i, uint64_t at,
                              ddp_diag *diag)
{
    if (c->end <= prev_end)
        return ddp_fail(diag, DDP_ERR_RANGE, at + 0x10,
                        i == 0 ? "first chunk does not start at the range start (ends at or before it)"
                               : "chunk end does not increase");
    if (c->end - prev_end > DDP_MAX_CHUNK_SIZE)
        return ddp_fail(diag, DDP_ERR_RANGE, at + 0x10, "chunk logical size above 256 KiB");
    if (c->stored_size == 0 || c->stored_size > DDP_MAX_CHUNK_SIZE)
        return ddp_fail(diag, DDP_ERR_RANGE, at + 0x38, "chunk stored size not in 1 .. 256 KiB");
    return DDP_OK;
}

ddp_status ddp_stream_map_validate(const uint8_t *payload, size_t len, uint64_t range_start, uint64_t range_end,
                                   ddp_diag *diag)
{
    uint32_t n = 0;
    ddp_status st = ddp_stream_map_count(payload, len, &n, diag);
    if (st != DDP_OK)
        return st;
    if (range_end < range_start)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "range end before range start");
    if (n == 0)
        return range_end == range_start ? DDP_OK
                                        : ddp_fail(diag, DDP_ERR_RANGE, 0, "stream map lists no chunk");
    uint64_t prev_end = range_start;
    for (uint32_t i = 0; i < n; i++) {
        ddp_chunk_ref c;
        uint64_t at = DDP_SMAP_PREFIX_SIZE + (uint64_t)i * DDP_SMAP_ENTRY_SIZE;
        ddp_stream_map_entry(payload, i, &c);
        st = check_entry(&c, prev_end, i, at, diag);
        if (st != DDP_OK)
            return st;
        prev_end = c.end;
    }
    if (prev_end != range_end)
        return ddp_fail(diag, DDP_ERR_RANGE, DDP_SMAP_PREFIX_SIZE + (uint64_t)(n - 1) * DDP_SMAP_ENTRY_SIZE + 0x10,
                        "last chunk does not end at the range end");
    return DDP_OK;
}
