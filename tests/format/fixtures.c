/* fixtures.c - the reparse buffers, containers and stream maps of fixtures.h, written
 * byte by byte from FORMAT.md. */
#include "fixtures.h"

#include <stdlib.h>
#include <string.h>

#include "ddp/crc.h"
#include "ddp/le.h"
#include "ddp/reparse.h"

void fx_hash(uint32_t label, uint8_t out[32])
{
    uint32_t x = label * 2654435761u + 0x9E3779B9u;
    for (int i = 0; i < 32; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t)x;
    }
}

static void put_guid(uint8_t *p, const char *text)
{
    if (ddp_guid_parse(text, p) != 0)
        abort();
}

static void put_header(uint8_t *buf, uint16_t layout, uint16_t dl)
{
    ddp_put32(buf + 0, DDP_REPARSE_TAG_DEDUP);
    ddp_put16(buf + 4, dl);
    ddp_put16(buf + 6, 0);
    ddp_put16(buf + 8, layout);
    ddp_put16(buf + 10, dl);
}

static void seal_data(uint8_t *buf, size_t len)
{
    uint32_t dl = ddp_le16(buf + 4);
    if (dl >= 4 && 8u + dl <= len)
        ddp_put32(buf + 8 + dl - 4, ddp_crc32(buf + 8, dl - 4));
}

static void put_ref(uint8_t *e, uint32_t seq, uint32_t container, uint32_t hint, uint32_t smap_size,
                    uint64_t end)
{
    ddp_put32(e + 0x00, seq);
    ddp_put32(e + 0x04, container);
    ddp_put32(e + 0x08, hint);
    ddp_put32(e + 0x0C, container);
    ddp_put32(e + 0x10, 1);
    ddp_put32(e + 0x14, 0x8D88);
    ddp_put32(e + 0x18, smap_size);
    ddp_put32(e + 0x1C, 0);
    uint8_t h[32];
    fx_hash(seq, h);
    if (end == 0) {
        memcpy(e + 0x20, h, 32);
        return;
    }
    memcpy(e + 0x20, h, 16);
    ddp_put64(e + 0x30, end);
    ddp_put64(e + 0x38, 0);
}

size_t fx_reparse_0201(uint8_t *buf)
{
    memset(buf, 0, FX_0201_LEN);
    put_header(buf, 0x0201, 0x7C);
    ddp_put64(buf + 0x10, FX_0201_SIZE);
    ddp_put32(buf + 0x18, 0x00010000);
    put_guid(buf + 0x20, FX_0201_GUID);
    ddp_put64(buf + 0x38, FX_0201_FILETIME);
    put_ref(buf + 0x40, FX_0201_SMAP_SEQ, FX_0201_SMAP_CONTAINER, FX_0201_SMAP_HINT, FX_0201_SMAP_SIZE, 0);
    seal_data(buf, FX_0201_LEN);
    return FX_0201_LEN;
}

/* Slot table of the sample: type, size, offset (from RD+0). */
static const uint16_t slots_0102[11][3] = {
    {4, 4, 0x60}, {3, 4, 0x64}, {3, 4, 0x68}, {6, 8, 0x6C}, {9, 16, 0x74}, {5, 8, 0x84},
    {6, 8, 0x8C}, {10, 32, 0xD4}, {8, 64, 0x94}, {0, 0, 0}, {5, 8, 0xF4},
};

size_t fx_reparse_0102(uint8_t *buf)
{
    uint8_t *rd = buf + 8;
    memset(buf, 0, FX_0102_LEN);
    put_header(buf, 0x0102, 0x100);
    ddp_put32(rd + 4, 11);
    for (int i = 0; i < 11; i++) {
        ddp_put32(rd + 8 + 8 * i, slots_0102[i][0]);
        ddp_put16(rd + 8 + 8 * i + 4, slots_0102[i][1]);
        ddp_put16(rd + 8 + 8 * i + 6, slots_0102[i][2]);
    }
    ddp_put32(rd + 0x60, 1);
    ddp_put32(rd + 0x64, 2);
    ddp_put32(rd + 0x68, 3);
    ddp_put64(rd + 0x6C, 0x12345);          /* a type-6 value that is no plausible time */
    put_guid(rd + 0x74, FX_0102_GUID);
    ddp_put64(rd + 0x84, 0x10);
    ddp_put64(rd + 0x8C, FX_0102_FILETIME);
    put_ref(rd + 0x94, FX_0102_SMAP_SEQ, FX_0102_SMAP_CONTAINER, FX_0102_SMAP_HINT, FX_0102_SMAP_SIZE,
            FX_0102_SIZE);
    memset(rd + 0xD4, 0xA5, 32);
    ddp_put64(rd + 0xF4, 0x20);
    seal_data(buf, FX_0102_LEN);
    return FX_0102_LEN;
}

static void put_block_header(uint8_t *b, const char *magic, uint32_t size, uint16_t n)
{
    memcpy(b, magic, 4);
    ddp_put32(b + 8, size);
    ddp_put16(b + 0x0C, 0);
    ddp_put16(b + 0x0E, n);
}

static void put_descriptor(uint8_t *b, int i, uint16_t type, uint16_t size, uint32_t offset)
{
    uint8_t *d = b + 0x10 + 8 * i;
    ddp_put16(d, type);
    ddp_put16(d + 2, size);
    ddp_put32(d + 4, offset);
}

static void seal_block(uint8_t *buf, size_t len, uint32_t at)
{
    uint32_t size = ddp_le32(buf + at + 8);
    if (size >= 8 && size <= len - at)
        ddp_put32(buf + at + 4, ddp_crc32(buf + at + 8, size - 8));
}

size_t fx_reparse_0103(uint8_t *buf)
{
    uint8_t *ferp = buf + FX_0103_FERP_AT, *rbrp = buf + FX_0103_RBRP_AT, *ddrp = buf + FX_0103_DDRP_AT;
    memset(buf, 0, FX_0103_LEN);
    put_header(buf, 0x0103, 0x184);

    put_block_header(ferp, "FeRp", 0x17C, 9);
    put_descriptor(ferp, 0, 10, 4, 0x58);   /* revision */
    put_descriptor(ferp, 1, 10, 4, 0x5C);   /* flags */
    put_descriptor(ferp, 2, 12, 16, 0x60);  /* chunk store GUID */
    put_descriptor(ferp, 3, 11, 8, 0x70);   /* FILETIME */
    put_descriptor(ferp, 4, 6, 8, 0x78);    /* logical size */
    put_descriptor(ferp, 5, 5, 4, 0x80);
    put_descriptor(ferp, 6, 9, 4, 0x84);
    put_descriptor(ferp, 7, 13, FX_0103_RBRP_SIZE, 0x88);
    put_descriptor(ferp, 8, 13, FX_0103_DDRP_SIZE, 0x108);
    ddp_put32(ferp + 0x58, 1);
    ddp_put32(ferp + 0x5C, 0x2);
    put_guid(ferp + 0x60, FX_0103_GUID);
    ddp_put64(ferp + 0x70, FX_0103_FILETIME);
    ddp_put64(ferp + 0x78, FX_0103_SIZE);
    ddp_put32(ferp + 0x80, 0);
    ddp_put32(ferp + 0x84, 1);

    put_block_header(rbrp, "RbRp", FX_0103_RBRP_SIZE, 5);
    put_descriptor(rbrp, 0, 10, 4, 0x38);
    put_descriptor(rbrp, 1, 10, 4, 0x3C);
    put_descriptor(rbrp, 2, 10, 4, 0x40);
    put_descriptor(rbrp, 3, 14, 8, 0x44);
    put_descriptor(rbrp, 4, 12, 16, 0x4C);
    ddp_put32(rbrp + 0x38, 1);
    ddp_put32(rbrp + 0x44, FX_0103_SMAP_SEQ);
    ddp_put32(rbrp + 0x48, FX_0103_SMAP_CONTAINER);
    put_guid(rbrp + 0x4C, "{01234567-89AB-CDEF-0123-456789ABCDEF}");

    put_block_header(ddrp, "DdRp", FX_0103_DDRP_SIZE, 3);
    put_descriptor(ddrp, 0, 10, 4, 0x28);
    put_descriptor(ddrp, 1, 14, 8, 0x2C);
    put_descriptor(ddrp, 2, 13, 64, 0x34);
    ddp_put32(ddrp + 0x28, 1);
    ddp_put32(ddrp + 0x2C, FX_0103_SMAP_SEQ);
    ddp_put32(ddrp + 0x30, FX_0103_SMAP_CONTAINER);
    put_ref(ddrp + 0x34, FX_0103_SMAP_SEQ, FX_0103_SMAP_CONTAINER, FX_0103_SMAP_HINT, FX_0103_SMAP_SIZE,
            FX_0103_SIZE);
    fx_reparse_reseal(buf, FX_0103_LEN);
    return FX_0103_LEN;
}

void fx_reparse_reseal(uint8_t *buf, size_t len)
{
    if (len >= FX_0103_LEN && ddp_le16(buf + 8) == 0x0103) {
        seal_block(buf, len, FX_0103_RBRP_AT);
        seal_block(buf, len, FX_0103_DDRP_AT);
        seal_block(buf, len, FX_0103_FERP_AT);
    }
    if (len >= 12)
        seal_data(buf, len);
}

void fx_record_header(uint8_t *out, uint16_t kind, uint32_t sequence, uint32_t payload_size,
                      uint32_t compression, const uint8_t hash[32])
{
    uint32_t header = kind == 1 ? 0x58u : 0x68u;
    memset(out, 0, header);
    memcpy(out, "Ckhr", 4);
    if (kind == 1)
        memcpy(out + 4, "\x01\x03\x03\x01", 4);
    else
        memcpy(out + 4, "\x01\x04\x04\x01", 4);
    ddp_put32(out + 0x08, sequence);
    ddp_put32(out + 0x0C, payload_size);
    ddp_put16(out + 0x10, kind);
    ddp_put16(out + 0x12, kind == 1 ? 0x28 : 0x38);
    if (kind == 1)
        ddp_put32(out + 0x20, compression);
    memcpy(out + (kind == 1 ? 0x28 : 0x38), hash, 32);
    ddp_put64(out + header - 8, ddp_crc64_zero_init(out, header - 8));
}

static void put_smap_entry(uint8_t *e, uint32_t seq, uint32_t container, uint32_t hint, uint32_t generation,
                           uint64_t end, uint32_t stored)
{
    ddp_put32(e + 0x00, seq);
    ddp_put32(e + 0x04, container);
    ddp_put32(e + 0x08, hint);
    ddp_put32(e + 0x0C, generation);
    ddp_put64(e + 0x10, end);
    fx_hash(container * 1000u + seq, e + 0x18);
    ddp_put32(e + 0x38, stored);
    ddp_put32(e + 0x3C, 0);
}

void fx_smap_90593(uint8_t out[136])
{
    memcpy(out, "Smap\x01\x04\x04\x01", 8);
    put_smap_entry(out + 8, 7, 1, FX_CHUNK7_AT, 1, FX_CHUNK7_SIZE, FX_CHUNK7_SIZE);
    put_smap_entry(out + 72, 8, 1, FX_CHUNK8_AT, 1, FX_CHUNK7_SIZE + FX_CHUNK8_SIZE, FX_CHUNK8_SIZE);
}

void fx_smap_3ac60(uint8_t out[136])
{
    memcpy(out, "Smap\x01\x04\x04\x01", 8);
    put_smap_entry(out + 8, 0x82, 4, 0x8B7138, 0x10000, 0x9E63, 0x1BD2);
    put_smap_entry(out + 72, 0x83, 4, 0x8B8D68, 0x10000, 0x9E63 + 0x16D7, 0x4AE);
}

/* Cthr at 0 and Rrtl at 0x3000 for a container whose records are listed in seqs/offsets. */
static void put_container_headers(uint8_t *c, uint32_t id, uint32_t generation, uint64_t valid_length,
                                  const uint32_t *seqs, const uint32_t *offsets, uint32_t n)
{
    memcpy(c, "Cthr", 4);
    ddp_put32(c + 0x04, 0x00010001);
    ddp_put64(c + 0x08, 1);
    ddp_put32(c + 0x10, id);
    ddp_put32(c + 0x14, generation);
    ddp_put64(c + 0x20, valid_length);
    ddp_put32(c + 0x30, 0x4000);
    ddp_put64(c + 0x38, ddp_crc64_zero_init(c, 0x38));
    uint8_t *r = c + 0x3000;
    memcpy(r, "Rrtl", 4);
    ddp_put32(r + 0x04, 0x00010001);
    ddp_put32(r + 0x08, n);
    ddp_put32(r + 0x0C, 8);
    ddp_put64(r + 0x18, ddp_crc64_nvme(r, 0x18));   /* the other variant, to show both */
    for (uint32_t i = 0; i < n; i++) {
        ddp_put32(r + 0x20 + 8 * i, seqs[i]);
        ddp_put32(r + 0x24 + 8 * i, offsets[i]);
    }
}

static void fill_payload(uint8_t *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (uint8_t)(seed >> 24);
    }
}

uint8_t *fx_data_container(size_t *len)
{
    uint32_t seqs[FX_DATA_RECORDS], offsets[FX_DATA_RECORDS];
    uint32_t sizes[FX_DATA_RECORDS];
    size_t total = FX_CHUNK8_AT + 0x58u + FX_CHUNK8_SIZE;
    total = (total + 7u) & ~(size_t)7u;
    uint8_t *c = calloc(1, total);
    if (!c)
        abort();
    uint32_t at = 0x5260;
    for (uint32_t i = 0; i < FX_DATA_RECORDS; i++) {
        seqs[i] = i + 1;
        sizes[i] = i < 6 ? FX_FILLER_SIZE : (i == 6 ? FX_CHUNK7_SIZE : FX_CHUNK8_SIZE);
        offsets[i] = at;
        uint8_t h[32];
        fx_hash(1000u + seqs[i], h);
        fx_record_header(c + at, 1, seqs[i], sizes[i], 0, h);
        fill_payload(c + at + 0x58, sizes[i], seqs[i]);
        at += (0x58u + sizes[i] + 7u) & ~7u;
    }
    put_container_headers(c, FX_DATA_CONTAINER_ID, FX_DATA_GENERATION, total, seqs, offsets, FX_DATA_RECORDS);
    *len = total;
    return c;
}

uint8_t *fx_stream_container(size_t *len)
{
    uint32_t seq = FX_0102_SMAP_SEQ, off = FX_SMAP_RECORD_AT;
    size_t total = FX_SMAP_RECORD_AT + 0x68u + 136u;
    uint8_t *c = calloc(1, total);
    if (!c)
        abort();
    uint8_t h[32];
    fx_hash(FX_0102_SMAP_SEQ, h);
    fx_record_header(c + off, 2, seq, 136, 0, h);
    fx_smap_90593(c + off + 0x68);
    put_container_headers(c, FX_STREAM_CONTAINER_ID, FX_STREAM_GENERATION, total, &seq, &off, 1);
    *len = total;
    return c;
}
