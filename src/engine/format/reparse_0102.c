/*
 * reparse_0102.c - layout 0x0102 (Windows 10 / Server 2016, FORMAT.md §1.4): a table of
 * typed slots pointing into the data.
 *
 *   RD+0x04 u32 slot count; RD+0x08 slots of 8 bytes: u32 type, u16 size, u16 offset
 *   (from RD+0). An all-zero slot is unused.
 *
 * Nothing is read at a fixed offset: the table is walked. Type 9 (size 16) is the chunk
 * store GUID, type 8 (a non-zero multiple of 64) the stream reference entries; the logical
 * size is the last entry's range end. Type 6 slots (size 8) are FILETIME candidates [U]:
 * the first one whose value lies in [DDP_FILETIME_PLAUSIBLE_MIN, _MAX) is reported as the
 * file time. Every used slot must lie after the table and before the CRC.
 */
#include <string.h>

#include "ddp/le.h"
#include "reparse_internal.h"

#define L0102_COUNT (RD + 0x04u)
#define L0102_SLOTS (RD + 0x08u)
#define SLOT_SIZE 8u
#define TYPE_FILETIME_CANDIDATE 6u
#define TYPE_STREAM_REFS 8u
#define TYPE_STORE_GUID 9u

ddp_status ddp_walk_slots_0102(const uint8_t *buf, uint32_t dl, ddp_prop_visit visit, void *ctx,
                               ddp_diag *diag)
{
    /* Layout word, length, count and CRC: 12 bytes before any slot. */
    if (dl < 12u)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "layout 0x0102 data shorter than its header");
    uint32_t count = ddp_le32(buf + L0102_COUNT);
    uint32_t room = (dl - 12u) / SLOT_SIZE;
    if (count > room)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, L0102_COUNT, "slot table runs past the data");
    uint32_t values_start = 8u + count * SLOT_SIZE; /* from RD+0 */
    uint32_t values_end = dl - 4u;                  /* the CRC follows */
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = L0102_SLOTS + i * SLOT_SIZE;
        ddp_reparse_prop p;
        memset(&p, 0, sizeof p);
        p.kind = DDP_PROP_SLOT;
        p.entry_offset = at;
        p.type = ddp_le32(buf + at);
        p.size = ddp_le16(buf + at + 4);
        uint32_t value_off = ddp_le16(buf + at + 6);
        if (p.type == 0 && p.size == 0 && value_off == 0)
            continue;
        if (value_off < values_start || value_off > values_end || p.size > values_end - value_off)
            return ddp_fail(diag, DDP_ERR_RANGE, at + 6, "slot value outside the data area");
        p.offset = RD + value_off;
        ddp_status st = visit(ctx, buf, &p, diag);
        if (st != DDP_OK)
            return st;
    }
    return DDP_OK;
}

static ddp_status take_guid(ddp_reparse *out, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    if (p->size != 16)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 4, "store GUID slot size is not 16");
    if (out->store_guid_offset)
        return ddp_fail(diag, DDP_ERR_RANGE, p->entry_offset, "second store GUID slot");
    memcpy(out->store_guid, buf + p->offset, 16);
    out->store_guid_offset = p->offset;
    return DDP_OK;
}

static ddp_status take_refs(ddp_reparse *out, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    if (p->size == 0 || p->size % DDP_STREAM_REF_SIZE != 0)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 4, "stream reference slot size is not 64 x N");
    if (out->n_refs)
        return ddp_fail(diag, DDP_ERR_RANGE, p->entry_offset, "second stream reference slot");
    for (uint32_t off = p->offset; off < p->offset + p->size; off += DDP_STREAM_REF_SIZE) {
        ddp_status st = ddp_stream_ref_decode(buf, off, 16, out, diag);
        if (st != DDP_OK)
            return st;
    }
    return DDP_OK;
}

static void take_filetime_candidate(ddp_reparse *out, const uint8_t *buf, const ddp_reparse_prop *p)
{
    if (p->size != 8 || out->has_filetime)
        return;
    uint64_t v = ddp_le64(buf + p->offset);
    if (v < DDP_FILETIME_PLAUSIBLE_MIN || v >= DDP_FILETIME_PLAUSIBLE_MAX)
        return;
    out->has_filetime = 1;
    out->filetime = v;
    out->filetime_offset = p->offset;
}

static ddp_status visit_slot(void *ctx, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    ddp_reparse *out = ctx;
    if (p->type == TYPE_STORE_GUID)
        return take_guid(out, buf, p, diag);
    if (p->type == TYPE_STREAM_REFS)
        return take_refs(out, buf, p, diag);
    if (p->type == TYPE_FILETIME_CANDIDATE)
        take_filetime_candidate(out, buf, p);
    return DDP_OK;
}

ddp_status ddp_reparse_parse_0102(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag)
{
    ddp_status st = ddp_walk_slots_0102(buf, dl, visit_slot, out, diag);
    if (st != DDP_OK)
        return st;
    if (!out->store_guid_offset)
        return ddp_fail(diag, DDP_ERR_RANGE, L0102_COUNT, "no store GUID slot (type 9)");
    if (!out->n_refs)
        return ddp_fail(diag, DDP_ERR_RANGE, L0102_COUNT, "no stream reference slot (type 8)");
    const ddp_stream_ref *last = &out->refs[out->n_refs - 1];
    out->logical_size = last->range_end;
    out->logical_size_offset = last->entry_offset + 0x30u;
    return DDP_OK;
}
