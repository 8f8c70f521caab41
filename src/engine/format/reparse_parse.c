/*
 * reparse_parse.c - the checks every dedup reparse buffer goes through, whatever its
 * layout (FORMAT.md §1.1), then the dispatch on the layout word, then the checks of the
 * stream references every layout ends with.
 *
 * Order of the checks, each with its own status: the buffer holds the 8-byte header
 * (TRUNCATED); the tag is IO_REPARSE_TAG_DEDUP (NOT_DEDUP); ReparseDataLength fits in the
 * buffer, holds at least the layout word, its length and the CRC, and keeps the whole
 * buffer within MAXIMUM_REPARSE_DATA_BUFFER_SIZE (BAD_LENGTH); the
 * layout word is known (UNKNOWN_LAYOUT); the length at RD+2 repeats ReparseDataLength
 * (BAD_LENGTH); the CRC-32 at RD+len-4 matches (CRC). Only then are inner offsets read.
 */
#include <string.h>

#include "ddp/crc.h"
#include "ddp/le.h"
#include "reparse_internal.h"

/* Layout word + length + CRC-32: the smallest reparse data of any layout. */
#define MIN_DATA_LENGTH 8u

static ddp_status check_common(const uint8_t *buf, size_t len, uint32_t *dl_out, uint16_t *layout_out,
                               ddp_diag *diag)
{
    if (len < DDP_REPARSE_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "reparse header (8 bytes)");
    if (ddp_le32(buf + RP_TAG) != DDP_REPARSE_TAG_DEDUP)
        return ddp_fail(diag, DDP_ERR_NOT_DEDUP, RP_TAG, "reparse tag is not 0x80000013");
    uint32_t dl = ddp_le16(buf + RP_DATA_LENGTH);
    if ((size_t)dl > len - DDP_REPARSE_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "ReparseDataLength runs past the buffer");
    if (dl < MIN_DATA_LENGTH)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "ReparseDataLength below 8");
    if (dl > DDP_REPARSE_MAX_BUFFER - DDP_REPARSE_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "reparse buffer above 16 KiB");
    uint16_t layout = ddp_le16(buf + RD_LAYOUT);
    if (layout != DDP_LAYOUT_0201 && layout != DDP_LAYOUT_0102 && layout != DDP_LAYOUT_0103)
        return ddp_fail(diag, DDP_ERR_UNKNOWN_LAYOUT, RD_LAYOUT, "layout word");
    if (ddp_le16(buf + RD_LENGTH) != dl)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RD_LENGTH, "data length differs from ReparseDataLength");
    uint32_t crc_at = RD + dl - 4;
    if (ddp_crc32(buf + RD, dl - 4) != ddp_le32(buf + crc_at))
        return ddp_fail(diag, DDP_ERR_CRC, crc_at, "reparse data CRC-32");
    *dl_out = dl;
    *layout_out = layout;
    return DDP_OK;
}

/* At least one reference; ranges non-empty, contiguous from 0 to the logical size. */
static ddp_status check_refs(const ddp_reparse *r, ddp_diag *diag)
{
    if (r->n_refs == 0)
        return ddp_fail(diag, DDP_ERR_RANGE, 0, "no stream reference entry");
    if (r->logical_size > (uint64_t)INT64_MAX)
        return ddp_fail(diag, DDP_ERR_RANGE, r->logical_size_offset, "logical size above 2^63");
    uint64_t expected_start = 0;
    for (uint32_t i = 0; i < r->n_refs; i++) {
        const ddp_stream_ref *ref = &r->refs[i];
        if (ref->range_start != expected_start)
            return ddp_fail(diag, DDP_ERR_RANGE, ref->entry_offset + 0x38u,
                            i == 0 ? "first stream reference does not start at 0"
                                   : "stream reference does not start where the previous one ends");
        if (ref->range_end <= ref->range_start)
            return ddp_fail(diag, DDP_ERR_RANGE, ref->entry_offset + 0x30u, "stream reference range is empty");
        expected_start = ref->range_end;
    }
    if (expected_start != r->logical_size)
        return ddp_fail(diag, DDP_ERR_RANGE, r->refs[r->n_refs - 1].entry_offset + 0x30u,
                        "last stream reference does not end at the logical size");
    return DDP_OK;
}

ddp_status ddp_reparse_parse(const uint8_t *buf, size_t len, ddp_reparse *out, ddp_diag *diag)
{
    uint32_t dl = 0;
    uint16_t layout = 0;
    ddp_status st;

    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    st = check_common(buf, len, &dl, &layout, diag);
    if (st != DDP_OK)
        return st;
    memset(out, 0, sizeof *out);
    out->tag = DDP_REPARSE_TAG_DEDUP;
    out->data_length = (uint16_t)dl;
    out->layout = layout;
    out->crc32_offset = RD + dl - 4;
    out->crc32 = ddp_le32(buf + out->crc32_offset);
    if (layout == DDP_LAYOUT_0201)
        st = ddp_reparse_parse_0201(buf, dl, out, diag);
    else if (layout == DDP_LAYOUT_0102)
        st = ddp_reparse_parse_0102(buf, dl, out, diag);
    else
        st = ddp_reparse_parse_0103(buf, dl, out, diag);
    if (st != DDP_OK)
        return st;
    return check_refs(out, diag);
}

/* Collects properties into the caller's array, counting past its end. */
struct prop_list {
    ddp_reparse_prop *props;
    size_t cap;
    size_t n;
};

static ddp_status collect_prop(void *ctx, const uint8_t *buf, const ddp_reparse_prop *prop, ddp_diag *diag)
{
    struct prop_list *list = ctx;
    (void)buf;
    (void)diag;
    if (list->n < list->cap)
        list->props[list->n] = *prop;
    list->n++;
    return DDP_OK;
}

ddp_status ddp_reparse_props(const uint8_t *buf, size_t len, ddp_reparse_prop *props, size_t cap,
                             size_t *n, ddp_diag *diag)
{
    ddp_reparse parsed;
    struct prop_list list = {props, props ? cap : 0, 0};
    ddp_status st = ddp_reparse_parse(buf, len, &parsed, diag);

    if (st != DDP_OK)
        return st;
    if (parsed.layout == DDP_LAYOUT_0102)
        st = ddp_walk_slots_0102(buf, parsed.data_length, collect_prop, &list, diag);
    else if (parsed.layout == DDP_LAYOUT_0103)
        st = ddp_walk_blocks_0103(buf, parsed.data_length, collect_prop, &list, diag);
    if (n)
        *n = list.n;
    return st;
}
