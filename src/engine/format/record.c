/*
 * record.c - the "Ckhr" record headers of a container (FORMAT.md §3).
 *
 * Common first 0x20 bytes: +0 magic, +4 four version bytes, +8 u32 sequence number,
 * +0x0C u32 payload size, +0x10 u16 kind (1 data, 2 stream map), +0x12 u16 offset of the
 * hash in the header.
 *   Data record, header 0x58: +0x20 u32 compression, +0x28 32-byte chunk hash,
 *     +0x50 u64 CRC-64 of +0 .. +0x4F.
 *   Stream-map record, header 0x68: +0x38 32-byte hash, +0x60 u64 CRC-64 of +0 .. +0x5F.
 * The payload follows the header; header and payload together are padded to 8 bytes.
 *
 * Bounds: a data payload is 1 .. DDP_MAX_CHUNK_SIZE bytes (twice the largest chunk seen);
 * a stream-map payload is 8 + 64 x N bytes, N >= 1, at most DDP_MAX_SMAP_PAYLOAD. The
 * CRC-64 is compared under both start values and reported, never enforced.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"

static ddp_status check_payload_size(const ddp_record *r, ddp_diag *diag)
{
    if (r->kind == DDP_RECORD_KIND_DATA) {
        if (r->payload_size == 0 || r->payload_size > DDP_MAX_CHUNK_SIZE)
            return ddp_fail(diag, DDP_ERR_RANGE, 0x0C, "data payload size not in 1 .. 256 KiB");
        return DDP_OK;
    }
    if (r->payload_size > DDP_MAX_SMAP_PAYLOAD)
        return ddp_fail(diag, DDP_ERR_RANGE, 0x0C, "stream-map payload size above 64 MiB");
    if (r->payload_size < 8u + 64u || (r->payload_size - 8u) % 64u != 0)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, 0x0C, "stream-map payload size is not 8 + 64 x N");
    return DDP_OK;
}

ddp_status ddp_record_parse(const uint8_t *buf, size_t len, ddp_record *out, ddp_diag *diag)
{
    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_CKHR_COMMON_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "record header (0x20 common bytes)");
    if (memcmp(buf, "Ckhr", 4) != 0)
        return ddp_fail(diag, DDP_ERR_BAD_MAGIC, 0, "record magic is not Ckhr");
    memset(out, 0, sizeof *out);
    memcpy(out->version, buf + 4, 4);
    out->sequence = ddp_le32(buf + 0x08);
    out->payload_size = ddp_le32(buf + 0x0C);
    out->kind = ddp_le16(buf + 0x10);
    out->hash_offset = ddp_le16(buf + 0x12);
    if (out->kind == DDP_RECORD_KIND_DATA) {
        out->header_size = DDP_DATA_HEADER_SIZE;
        if (out->hash_offset != 0x28)
            return ddp_fail(diag, DDP_ERR_RANGE, 0x12, "data record hash offset is not 0x28");
    } else if (out->kind == DDP_RECORD_KIND_STREAM_MAP) {
        out->header_size = DDP_SMAP_HEADER_SIZE;
        if (out->hash_offset != 0x38)
            return ddp_fail(diag, DDP_ERR_RANGE, 0x12, "stream-map record hash offset is not 0x38");
    } else {
        return ddp_fail(diag, DDP_ERR_RANGE, 0x10, "record kind is not 1 (data) or 2 (stream map)");
    }
    if (len < out->header_size)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "record header runs past the buffer");
    if (out->kind == DDP_RECORD_KIND_DATA)
        out->compression = ddp_le32(buf + 0x20);
    memcpy(out->hash, buf + out->hash_offset, 32);
    out->crc64 = ddp_le64(buf + out->header_size - 8);
    out->crc_match = ddp_crc64_check(buf, out->header_size - 8, out->crc64);
    return check_payload_size(out, diag);
}

uint64_t ddp_record_span(const ddp_record *r)
{
    uint64_t span = (uint64_t)r->header_size + r->payload_size;
    return (span + DDP_RECORD_ALIGN - 1) & ~(uint64_t)(DDP_RECORD_ALIGN - 1);
}
