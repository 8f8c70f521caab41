/*
 * reparse_0103.c - layout 0x0103 (Server 2016 1709+, 2019; FORMAT.md §1.5): nested
 * blocks, each guarded by its own CRC-32.
 *
 * Every block: +0 magic ("FeRp", "RbRp", "DdRp"), +4 CRC-32 of the block's bytes
 * [+8, +Size), +8 u32 Size (magic included), +0x0C u16 0, +0x0E u16 N, +0x10 N
 * descriptors of 8 bytes: u16 type, u16 size, u32 offset from the block's magic.
 * FeRp starts at RD+4 and fills the data up to the trailing CRC. Its type-13 descriptors
 * point at nested blocks (DdRp, RbRp), whose Size must equal the descriptor's size.
 * Inside DdRp, type 13 is instead the stream reference entries (64 x N bytes).
 * FeRp also holds the chunk store GUID (type 12), the FILETIME (type 11) and the logical
 * size (type 6). Blocks nest one level deep only.
 */
#include <string.h>

#include "ddp/crc.h"
#include "ddp/le.h"
#include "reparse_internal.h"

#define FERP_AT (RD + 0x04u)
#define BLOCK_HEADER_SIZE 0x10u
#define DESCRIPTOR_SIZE 8u
#define TYPE_SIZE 6u
#define TYPE_FILETIME 11u
#define TYPE_STORE_GUID 12u
#define TYPE_NESTED 13u

static int magic_is(const uint8_t *p, const char *magic)
{
    return memcmp(p, magic, 4) == 0;
}

static ddp_status walk_block(const uint8_t *buf, uint32_t at, uint32_t size_expected, uint32_t depth,
                             ddp_prop_visit visit, void *ctx, ddp_diag *diag);

/* Checks one descriptor of the block at `at` (size bytes), reports it, and walks the
 * nested block it points at when it is a FeRp type-13 descriptor. */
static ddp_status walk_descriptor(const uint8_t *buf, uint32_t at, uint32_t size, uint32_t first_value,
                                  uint32_t entry, uint32_t depth, ddp_prop_visit visit, void *ctx,
                                  ddp_diag *diag)
{
    ddp_reparse_prop p;
    memset(&p, 0, sizeof p);
    p.kind = DDP_PROP_DESCRIPTOR;
    p.depth = depth;
    memcpy(p.block, buf + at, 4);
    p.entry_offset = entry;
    p.type = ddp_le16(buf + entry);
    p.size = ddp_le16(buf + entry + 2);
    uint32_t value_off = ddp_le32(buf + entry + 4);
    if (value_off < first_value || value_off > size || p.size > size - value_off)
        return ddp_fail(diag, DDP_ERR_RANGE, entry + 4, "descriptor value outside its block");
    p.offset = at + value_off;
    ddp_status st = visit(ctx, buf, &p, diag);
    if (st != DDP_OK || depth > 0 || p.type != TYPE_NESTED)
        return st;
    return walk_block(buf, p.offset, p.size, depth + 1, visit, ctx, diag);
}

static ddp_status walk_block(const uint8_t *buf, uint32_t at, uint32_t size_expected, uint32_t depth,
                             ddp_prop_visit visit, void *ctx, ddp_diag *diag)
{
    if (size_expected < BLOCK_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, at, "block smaller than its 16-byte header");
    const uint8_t *b = buf + at;
    if (depth == 0 ? !magic_is(b, "FeRp") : !(magic_is(b, "DdRp") || magic_is(b, "RbRp")))
        return ddp_fail(diag, DDP_ERR_BAD_MAGIC, at, depth == 0 ? "block magic is not FeRp"
                                                                : "nested block magic is not DdRp or RbRp");
    uint32_t size = ddp_le32(b + 8);
    if (size != size_expected)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, at + 8, depth == 0 ? "FeRp size + 8 is not the data length"
                                                                      : "nested block size differs from its descriptor");
    uint32_t n = ddp_le16(b + 0x0E);
    if (n > (size - BLOCK_HEADER_SIZE) / DESCRIPTOR_SIZE)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, at + 0x0E, "descriptor table runs past the block");
    if (ddp_crc32(b + 8, size - 8) != ddp_le32(b + 4))
        return ddp_fail(diag, DDP_ERR_CRC, at + 4, "block CRC-32");

    ddp_reparse_prop p;
    memset(&p, 0, sizeof p);
    p.kind = DDP_PROP_BLOCK;
    p.depth = depth;
    memcpy(p.block, b, 4);
    p.entry_offset = at;
    p.type = n;
    p.size = size;
    p.offset = at;
    p.crc32 = ddp_le32(b + 4);
    ddp_status st = visit(ctx, buf, &p, diag);
    uint32_t first_value = BLOCK_HEADER_SIZE + n * DESCRIPTOR_SIZE;
    for (uint32_t i = 0; st == DDP_OK && i < n; i++)
        st = walk_descriptor(buf, at, size, first_value, at + BLOCK_HEADER_SIZE + i * DESCRIPTOR_SIZE, depth,
                             visit, ctx, diag);
    return st;
}

ddp_status ddp_walk_blocks_0103(const uint8_t *buf, uint32_t dl, ddp_prop_visit visit, void *ctx,
                                ddp_diag *diag)
{
    /* RD header (4) + FeRp + CRC (4). */
    if (dl < 8u + BLOCK_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "layout 0x0103 data shorter than a FeRp header");
    return walk_block(buf, FERP_AT, dl - 8u, 0, visit, ctx, diag);
}

/* What the parse collects while the blocks are walked. */
struct collect {
    ddp_reparse *out;
    int has_size;
};

static ddp_status take_ferp(struct collect *c, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    ddp_reparse *out = c->out;
    if (p->type == TYPE_STORE_GUID) {
        if (p->size != 16)
            return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 2, "store GUID descriptor size is not 16");
        if (out->store_guid_offset)
            return ddp_fail(diag, DDP_ERR_RANGE, p->entry_offset, "second store GUID descriptor");
        memcpy(out->store_guid, buf + p->offset, 16);
        out->store_guid_offset = p->offset;
    } else if (p->type == TYPE_FILETIME) {
        if (p->size != 8)
            return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 2, "FILETIME descriptor size is not 8");
        out->has_filetime = 1;
        out->filetime = ddp_le64(buf + p->offset);
        out->filetime_offset = p->offset;
    } else if (p->type == TYPE_SIZE) {
        if (p->size != 8)
            return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 2, "file size descriptor size is not 8");
        if (c->has_size)
            return ddp_fail(diag, DDP_ERR_RANGE, p->entry_offset, "second file size descriptor");
        c->has_size = 1;
        out->logical_size = ddp_le64(buf + p->offset);
        out->logical_size_offset = p->offset;
    }
    return DDP_OK;
}

static ddp_status take_ddrp(struct collect *c, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    if (p->type != TYPE_NESTED)
        return DDP_OK;
    if (p->size == 0 || p->size % DDP_STREAM_REF_SIZE != 0)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, p->entry_offset + 2, "stream reference descriptor size is not 64 x N");
    for (uint32_t off = p->offset; off < p->offset + p->size; off += DDP_STREAM_REF_SIZE) {
        ddp_status st = ddp_stream_ref_decode(buf, off, 16, c->out, diag);
        if (st != DDP_OK)
            return st;
    }
    return DDP_OK;
}

static ddp_status visit_descriptor(void *ctx, const uint8_t *buf, const ddp_reparse_prop *p, ddp_diag *diag)
{
    struct collect *c = ctx;
    if (p->kind != DDP_PROP_DESCRIPTOR)
        return DDP_OK;
    if (p->depth == 0)
        return take_ferp(c, buf, p, diag);
    if (memcmp(p->block, "DdRp", 4) == 0)
        return take_ddrp(c, buf, p, diag);
    return DDP_OK;
}

ddp_status ddp_reparse_parse_0103(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag)
{
    struct collect c = {out, 0};
    ddp_status st = ddp_walk_blocks_0103(buf, dl, visit_descriptor, &c, diag);
    if (st != DDP_OK)
        return st;
    if (!out->store_guid_offset)
        return ddp_fail(diag, DDP_ERR_RANGE, FERP_AT, "no store GUID descriptor (type 12)");
    if (!c.has_size)
        return ddp_fail(diag, DDP_ERR_RANGE, FERP_AT, "no file size descriptor (type 6)");
    if (!out->n_refs)
        return ddp_fail(diag, DDP_ERR_RANGE, FERP_AT, "no DdRp stream reference (type 13)");
    return DDP_OK;
}
