/*
 * reparse_build.c - writes dedup reparse buffers (FORMAT.md §1) in the three known
 * layouts, laid out like the real samples, for the store builder and test fixtures.
 *
 *   0x0201: fixed offsets, ReparseDataLength 0x7C, one reference with a 32-byte hash;
 *           RP+0x18 = 0 and RP+0x30 = 40 00 40 00 40 00 00 00 as Windows writes them
 *           (FORMAT.md §1.3).
 *   0x0102: an 11-slot property table (types / sizes / offsets of the sample), data
 *           length 0x100: revision, two flag words, FILETIME, GUID, two u64, the logical
 *           size, a 32-byte value of unknown meaning (zeros), the reference, an empty slot.
 *   0x0103: FeRp (Size 0x17C) holding its values, then an RbRp block (0x80 bytes, the
 *           descriptors of a real block) and a DdRp block (116 bytes) with the reference; each block's CRC-32 covers
 *           [+8, Size); data length 0x184.
 * Every layout ends with the CRC-32 of RD+0 .. RD+len-5. Values whose meaning is
 * unknown [U] are written as the samples suggest (revision 1, zeros).
 */
#include <string.h>

#include "ddp/crc.h"
#include "ddp/le.h"
#include "ddp/reparse.h"

#define RD 8u                        /* RD+0 = RP+8 */

/* Writes the 64-byte stream reference entry (§1.2) at e. */
static void put_stream_ref(uint8_t *e, const ddp_stream_ref *ref, int full_hash)
{
    memset(e, 0, DDP_STREAM_REF_SIZE);
    ddp_put32(e + 0x00, ref->smap_sequence);
    ddp_put32(e + 0x04, ref->stream_container_id);
    ddp_put32(e + 0x08, ref->smap_offset_hint);
    for (int i = 0; i < 3; i++)
        ddp_put32(e + 0x0C + 4 * i, ref->unknown_0c[i]);
    ddp_put32(e + 0x18, ref->smap_size);
    ddp_put32(e + 0x1C, ref->unknown_1c);
    if (full_hash) {
        memcpy(e + 0x20, ref->hash, 32);
        return;
    }
    memcpy(e + 0x20, ref->hash, 16);
    ddp_put64(e + 0x30, ref->range_end);
    ddp_put64(e + 0x38, ref->range_start);
}

/* Common header and CRC-32 trailer; dl = ReparseDataLength. */
static void put_frame(uint8_t *buf, uint16_t layout, uint16_t dl)
{
    ddp_put32(buf + 0, DDP_REPARSE_TAG_DEDUP);
    ddp_put16(buf + 4, dl);
    ddp_put16(buf + 6, 0);
    ddp_put16(buf + RD + 0, layout);
    ddp_put16(buf + RD + 2, dl);
}

static void put_crc(uint8_t *buf, uint16_t dl)
{
    ddp_put32(buf + RD + dl - 4u, ddp_crc32(buf + RD, dl - 4u));
}

#define L0201_DL 0x7Cu

static void build_0201(const ddp_reparse *r, uint8_t *buf)
{
    static const uint8_t windows_30[8] = {0x40, 0x00, 0x40, 0x00, 0x40, 0x00, 0x00, 0x00};
    put_frame(buf, DDP_LAYOUT_0201, L0201_DL);
    ddp_put64(buf + 0x10, r->logical_size);
    /* RP+0x18 stays 0, as in all 165 buffers of 2025 (0x00010000 in the 2012 dump). */
    memcpy(buf + 0x20, r->store_guid, 16);
    memcpy(buf + 0x30, windows_30, 8);   /* every real buffer, 2012 and 2025 [R] */
    ddp_put64(buf + 0x38, r->filetime);
    put_stream_ref(buf + 0x40, &r->refs[0], 1);
    put_crc(buf, L0201_DL);
}

#define L0102_DL 0x100u

/* The sample's slot table: type, size, offset from RD+0 (an all-zero slot is unused). */
static const struct { uint32_t type; uint16_t size, offset; } slots_0102[11] = {
    {4, 4, 0x60}, {3, 4, 0x64}, {3, 4, 0x68}, {6, 8, 0x6C}, {9, 16, 0x74}, {5, 8, 0x84},
    {6, 8, 0x8C}, {10, 32, 0xD4}, {8, 64, 0x94}, {0, 0, 0}, {5, 8, 0xF4},
};

static void build_0102(const ddp_reparse *r, uint8_t *buf)
{
    put_frame(buf, DDP_LAYOUT_0102, L0102_DL);
    uint8_t *d = buf + RD;
    ddp_put32(d + 0x04, 11);
    for (uint32_t i = 0; i < 11; i++) {
        ddp_put32(d + 0x08 + 8 * i, slots_0102[i].type);
        ddp_put16(d + 0x0C + 8 * i, slots_0102[i].size);
        ddp_put16(d + 0x0E + 8 * i, slots_0102[i].offset);
    }
    ddp_put32(d + 0x60, 1);                 /* revision [U] */
    ddp_put64(d + 0x6C, r->filetime);       /* first type-6 slot: the FILETIME */
    memcpy(d + 0x74, r->store_guid, 16);
    ddp_put64(d + 0x8C, r->logical_size);   /* second type-6 slot: the size [U] */
    put_stream_ref(d + 0x94, &r->refs[0], 0);
    put_crc(buf, L0102_DL);
}

#define L0103_DL 0x184u
#define FERP_SIZE 0x17Cu
#define RBRP_AT 0x88u                        /* from the FeRp magic */
#define RBRP_SIZE 0x80u
#define DDRP_AT (RBRP_AT + RBRP_SIZE)
#define DDRP_SIZE 0x74u

/* One block descriptor: u16 type, u16 size, u32 offset from the block's magic. */
static void put_descriptor(uint8_t *block, uint32_t i, uint16_t type, uint16_t size, uint32_t offset)
{
    uint8_t *p = block + 0x10 + 8 * i;
    ddp_put16(p, type);
    ddp_put16(p + 2, size);
    ddp_put32(p + 4, offset);
}

static void put_block_header(uint8_t *block, const char *magic, uint32_t size, uint16_t n)
{
    memcpy(block, magic, 4);
    ddp_put32(block + 8, size);
    ddp_put16(block + 0x0C, 0);
    ddp_put16(block + 0x0E, n);
}

static void seal_block(uint8_t *block)
{
    uint32_t size = ddp_le32(block + 8);
    ddp_put32(block + 4, ddp_crc32(block + 8, size - 8));
}

/* RbRp, recall bookkeeping [U]: the six descriptors a real 2017 block shows (FORMAT.md
 * §1.5), in its order and at its offsets: type 10 u32 @0x50 (revision 1), type 9 u32 @0x74,
 * type 9 u32 @0x70, type 6 u64 @0x78, type 6 u64 @0x54, type 12 GUID @0x5C. The real
 * block has two more descriptors whose types are not known: they are not written (the
 * table holds 6, its bytes 0x40..0x4F and the value gap 0x6C..0x6F stay zero). */
static void build_rbrp(uint8_t *b)
{
    put_block_header(b, "RbRp", RBRP_SIZE, 6);
    put_descriptor(b, 0, 10, 4, 0x50);
    put_descriptor(b, 1, 9, 4, 0x74);
    put_descriptor(b, 2, 9, 4, 0x70);
    put_descriptor(b, 3, 6, 8, 0x78);
    put_descriptor(b, 4, 6, 8, 0x54);
    put_descriptor(b, 5, 12, 16, 0x5C);
    ddp_put32(b + 0x50, 1);
    seal_block(b);
}

/* DdRp: revision, id ref (stream-map sequence, stream container id), the reference. */
static void build_ddrp(uint8_t *b, const ddp_stream_ref *ref)
{
    put_block_header(b, "DdRp", DDRP_SIZE, 3);
    put_descriptor(b, 0, 10, 4, 0x28);
    put_descriptor(b, 1, 14, 8, 0x2C);
    put_descriptor(b, 2, 13, 64, 0x34);
    ddp_put32(b + 0x28, 1);
    ddp_put32(b + 0x2C, ref->smap_sequence);
    ddp_put32(b + 0x30, ref->stream_container_id);
    put_stream_ref(b + 0x34, ref, 0);
    seal_block(b);
}

/* FeRp: revision, flags, GUID, FILETIME, size, a u32, a u32 (bitmap kind [U]), RbRp, DdRp. */
static void build_0103(const ddp_reparse *r, uint8_t *buf)
{
    put_frame(buf, DDP_LAYOUT_0103, L0103_DL);
    uint8_t *f = buf + RD + 4;
    put_block_header(f, "FeRp", FERP_SIZE, 9);
    put_descriptor(f, 0, 10, 4, 0x58);
    put_descriptor(f, 1, 10, 4, 0x5C);
    put_descriptor(f, 2, 12, 16, 0x60);
    put_descriptor(f, 3, 11, 8, 0x70);
    put_descriptor(f, 4, 6, 8, 0x78);
    put_descriptor(f, 5, 5, 4, 0x80);
    put_descriptor(f, 6, 9, 4, 0x84);
    put_descriptor(f, 7, 13, RBRP_SIZE, RBRP_AT);
    put_descriptor(f, 8, 13, DDRP_SIZE, DDRP_AT);
    ddp_put32(f + 0x58, 1);
    memcpy(f + 0x60, r->store_guid, 16);
    ddp_put64(f + 0x70, r->filetime);
    ddp_put64(f + 0x78, r->logical_size);
    build_rbrp(f + RBRP_AT);
    build_ddrp(f + DDRP_AT, &r->refs[0]);
    seal_block(f);
    put_crc(buf, L0103_DL);
}

ddp_status ddp_reparse_build(const ddp_reparse *r, uint8_t *buf, size_t cap, size_t *len)
{
    if (!r || !len || (!buf && cap))
        return DDP_ERR_INVALID_ARG;
    if (r->n_refs != 1)   /* every layout we write holds exactly one reference */
        return DDP_ERR_UNSUPPORTED;
    uint32_t dl;
    switch (r->layout) {
    case DDP_LAYOUT_0201:
        dl = L0201_DL;
        break;
    case DDP_LAYOUT_0102:
        dl = L0102_DL;
        break;
    case DDP_LAYOUT_0103:
        dl = L0103_DL;
        break;
    default:
        return DDP_ERR_UNKNOWN_LAYOUT;
    }
    *len = RD + dl;
    if (cap < RD + dl)
        return DDP_ERR_TRUNCATED;
    memset(buf, 0, RD + dl);
    if (r->layout == DDP_LAYOUT_0201)
        build_0201(r, buf);
    else if (r->layout == DDP_LAYOUT_0102)
        build_0102(r, buf);
    else
        build_0103(r, buf);
    return DDP_OK;
}
