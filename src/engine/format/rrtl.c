/*
 * rrtl.c - the "Rrtl" redirection table of a container (FORMAT.md §3), at file offset
 * 0x3000: where each record is, by sequence number, for when an offset hint is stale
 * (after compaction a record moves; its sequence number stays).
 *
 *   +0 magic "Rrtl"   +4 u32 version   +8 u32 entry count   +0x0C u32 entry size (8)
 *   +0x18 u64 CRC-64 of +0 .. +0x17 (reported, never enforced)
 *   entries from +0x20: {u32 sequence number, u32 record offset}, ascending by sequence.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"

ddp_status ddp_rrtl_parse(const uint8_t *buf, size_t len, ddp_rrtl *out, ddp_diag *diag)
{
    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_RRTL_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "Rrtl header (0x20 bytes)");
    if (memcmp(buf, "Rrtl", 4) != 0)
        return ddp_fail(diag, DDP_ERR_BAD_MAGIC, 0, "redirection table magic is not Rrtl");
    memset(out, 0, sizeof *out);
    out->version = ddp_le32(buf + 0x04);
    out->count = ddp_le32(buf + 0x08);
    out->entry_size = ddp_le32(buf + 0x0C);
    out->crc64 = ddp_le64(buf + 0x18);
    out->crc_match = ddp_crc64_check(buf, 0x18, out->crc64);
    if (out->entry_size != DDP_RRTL_ENTRY_SIZE)
        return ddp_fail(diag, DDP_ERR_RANGE, 0x0C, "Rrtl entry size is not 8");
    if (out->count > DDP_RRTL_MAX_ENTRIES)
        return ddp_fail(diag, DDP_ERR_RANGE, 0x08, "Rrtl entry count above 2^20");
    return DDP_OK;
}

ddp_status ddp_rrtl_lookup(const uint8_t *entries, size_t entries_len, uint32_t count, uint32_t sequence,
                           uint32_t *offset)
{
    if ((!entries && count) || !offset)
        return DDP_ERR_INVALID_ARG;
    if ((uint64_t)count * DDP_RRTL_ENTRY_SIZE > entries_len)
        return DDP_ERR_TRUNCATED;
    size_t lo = 0, hi = count; /* the answer, if any, is in [lo, hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint8_t *e = entries + mid * DDP_RRTL_ENTRY_SIZE;
        uint32_t seq = ddp_le32(e);
        if (seq == sequence) {
            *offset = ddp_le32(e + 4);
            return DDP_OK;
        }
        if (seq < sequence)
            lo = mid + 1;
        else
            hi = mid;
    }
    return DDP_ERR_NOT_FOUND;
}
