/* test_writers.c - every writer's output read back by the format parsers: the three
 * reparse layouts (sizes, slot table and blocks of the real samples, CRCs), Cthr, Rrtl,
 * both record kinds and stream maps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/crc.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"

/* A reference and reparse fields with distinct values in every byte that matters. */
static void sample_reparse(ddp_reparse *r, uint16_t layout)
{
    memset(r, 0, sizeof *r);
    r->layout = layout;
    assert_int_equal(ddp_guid_parse("{5D1B7BFA-B73E-42A0-95CB-91CE1921CFB2}", r->store_guid), 0);
    r->logical_size = 281996;
    r->filetime = 129979262380000000ull;   /* 2012-11-20 06:03:58 UTC */
    r->n_refs = 1;
    ddp_stream_ref *ref = &r->refs[0];
    ref->smap_sequence = 0x1234;
    ref->stream_container_id = 0x20000;
    ref->smap_offset_hint = 0x3AC60;
    ref->unknown_0c[0] = 0x20000;
    ref->unknown_0c[1] = 2;
    ref->smap_size = 8 + 64 * 5;
    for (int i = 0; i < 32; i++)
        ref->hash[i] = (uint8_t)(0xA0 + i);
    ref->range_start = 0;
    ref->range_end = r->logical_size;
}

static void build_and_parse(uint16_t layout, uint8_t *buf, size_t *len, ddp_reparse *back)
{
    ddp_reparse r;
    sample_reparse(&r, layout);
    assert_int_equal(ddp_reparse_build(&r, buf, DDP_REPARSE_MAX_BUFFER, len), DDP_OK);
    ddp_diag d = {0, NULL};
    assert_int_equal(ddp_reparse_parse(buf, *len, back, &d), DDP_OK);
    assert_int_equal(back->tag, DDP_REPARSE_TAG_DEDUP);
    assert_int_equal(back->layout, layout);
    assert_memory_equal(back->store_guid, r.store_guid, 16);
    assert_int_equal(back->logical_size, r.logical_size);
    assert_int_equal(back->has_filetime, 1);
    assert_int_equal(back->filetime, r.filetime);
    assert_int_equal(back->n_refs, 1);
    const ddp_stream_ref *got = &back->refs[0];
    assert_int_equal(got->smap_sequence, 0x1234);
    assert_int_equal(got->stream_container_id, 0x20000);
    assert_int_equal(got->smap_offset_hint, 0x3AC60);
    assert_int_equal(got->unknown_0c[0], 0x20000);
    assert_int_equal(got->unknown_0c[1], 2);
    assert_int_equal(got->unknown_0c[2], 0);
    assert_int_equal(got->smap_size, 8 + 64 * 5);
    assert_int_equal(got->hash_len, layout == DDP_LAYOUT_0201 ? 32 : 16);
    assert_memory_equal(got->hash, r.refs[0].hash, got->hash_len);
    assert_int_equal(got->range_start, 0);
    assert_int_equal(got->range_end, 281996);
    /* The trailer is the CRC-32 of RD+0 .. RD+len-5. */
    uint32_t dl = ddp_le16(buf + 4);
    assert_int_equal(*len, 8 + dl);
    assert_int_equal(ddp_le32(buf + 8 + dl - 4), ddp_crc32(buf + 8, dl - 4));
}

static void test_reparse_0201(void **state)
{
    (void)state;
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    ddp_reparse back;
    build_and_parse(DDP_LAYOUT_0201, buf, &len, &back);
    assert_int_equal(len, 8 + 0x7C);
    assert_int_equal(back.store_guid_offset, 0x20);
    assert_int_equal(back.filetime_offset, 0x38);
    assert_int_equal(back.refs[0].entry_offset, 0x40);
    /* What Windows writes (FORMAT.md §1.3): RP+0x18 zero, RP+0x30 40 00 40 00 40 00 00 00. */
    static const uint8_t zero8[8] = {0}, windows_30[8] = {0x40, 0, 0x40, 0, 0x40, 0, 0, 0};
    assert_memory_equal(buf + 0x18, zero8, 8);
    assert_memory_equal(buf + 0x30, windows_30, 8);
}

static void test_reparse_0102_slots_like_sample(void **state)
{
    (void)state;
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    ddp_reparse back;
    build_and_parse(DDP_LAYOUT_0102, buf, &len, &back);
    assert_int_equal(len, 8 + 0x100);
    static const uint32_t want[11][3] = {
        {4, 4, 0x60}, {3, 4, 0x64}, {3, 4, 0x68}, {6, 8, 0x6C}, {9, 16, 0x74}, {5, 8, 0x84},
        {6, 8, 0x8C}, {10, 32, 0xD4}, {8, 64, 0x94}, {0, 0, 0}, {5, 8, 0xF4},
    };
    assert_int_equal(ddp_le32(buf + 8 + 4), 11);
    for (int i = 0; i < 11; i++) {
        const uint8_t *slot = buf + 8 + 8 + 8 * i;
        assert_int_equal(ddp_le32(slot), want[i][0]);
        assert_int_equal(ddp_le16(slot + 4), want[i][1]);
        assert_int_equal(ddp_le16(slot + 6), want[i][2]);
    }
    assert_int_equal(back.store_guid_offset, 8 + 0x74);
    assert_int_equal(back.refs[0].entry_offset, 8 + 0x94);
    ddp_reparse_prop props[16];
    size_t n = 0;
    assert_int_equal(ddp_reparse_props(buf, len, props, 16, &n, NULL), DDP_OK);
    assert_int_equal(n, 10);   /* the empty slot is not listed */
}

static void test_reparse_0103_blocks_like_sample(void **state)
{
    (void)state;
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    ddp_reparse back;
    build_and_parse(DDP_LAYOUT_0103, buf, &len, &back);
    assert_int_equal(len, 8 + 0x184);
    const uint8_t *ferp = buf + 12;
    assert_memory_equal(ferp, "FeRp", 4);
    assert_int_equal(ddp_le32(ferp + 8), 0x17C);
    ddp_reparse_prop props[32];
    size_t n = 0;
    assert_int_equal(ddp_reparse_props(buf, len, props, 32, &n, NULL), DDP_OK);
    assert_true(n <= 32);
    int ferp_seen = 0, rbrp_seen = 0, ddrp_seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (props[i].kind != DDP_PROP_BLOCK)
            continue;
        const uint8_t *b = buf + props[i].offset;
        /* Every block's CRC-32 covers [+8, Size). */
        assert_int_equal(ddp_le32(b + 4), ddp_crc32(b + 8, props[i].size - 8));
        if (strcmp(props[i].block, "FeRp") == 0)
            ferp_seen = props[i].size == 0x17C;
        if (strcmp(props[i].block, "RbRp") == 0) {
            /* The descriptors of the real 2017 block (FORMAT.md §1.5), in its order. */
            static const uint32_t want[6][3] = {{10, 4, 0x50}, {9, 4, 0x74}, {9, 4, 0x70},
                                                {6, 8, 0x78}, {6, 8, 0x54}, {12, 16, 0x5C}};
            assert_int_equal(props[i].size, 0x80);
            assert_int_equal(ddp_le16(b + 0x0E), 6);
            for (int k = 0; k < 6; k++) {
                assert_int_equal(ddp_le16(b + 0x10 + 8 * k), want[k][0]);
                assert_int_equal(ddp_le16(b + 0x12 + 8 * k), want[k][1]);
                assert_int_equal(ddp_le32(b + 0x14 + 8 * k), want[k][2]);
            }
            rbrp_seen = 1;
        }
        if (strcmp(props[i].block, "DdRp") == 0) {
            ddrp_seen = props[i].size == 116;
            /* The id ref holds the stream-map sequence and the stream container id. */
            assert_int_equal(ddp_le32(b + 0x2C), 0x1234);
            assert_int_equal(ddp_le32(b + 0x30), 0x20000);
        }
    }
    assert_true(ferp_seen && rbrp_seen && ddrp_seen);
    /* A flipped byte inside DdRp breaks its CRC (and the outer ones). */
    buf[8 + 0x184 - 20] ^= 0x40;
    assert_int_equal(ddp_reparse_parse(buf, len, &back, NULL), DDP_ERR_CRC);
}

static void test_reparse_build_rejects(void **state)
{
    (void)state;
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    ddp_reparse r;
    sample_reparse(&r, 0x0301);
    assert_int_equal(ddp_reparse_build(&r, buf, sizeof buf, &len), DDP_ERR_UNKNOWN_LAYOUT);
    sample_reparse(&r, DDP_LAYOUT_0102);
    assert_int_equal(ddp_reparse_build(&r, buf, 8 + 0xFF, &len), DDP_ERR_TRUNCATED);
    assert_int_equal(len, 8 + 0x100);
    r.n_refs = 0;
    assert_int_equal(ddp_reparse_build(&r, buf, sizeof buf, &len), DDP_ERR_UNSUPPORTED);
}

static void test_cthr_round_trip(void **state)
{
    (void)state;
    ddp_cthr h = {.version = 1, .sequence = 3, .container_id = 0x20000, .generation = 7,
                  .valid_data_length = 0x8B7138, .unknown_30 = 0x4000};
    uint8_t bytes[DDP_CTHR_SIZE];
    ddp_cthr_build(&h, bytes);
    ddp_cthr back;
    assert_int_equal(ddp_cthr_parse(bytes, sizeof bytes, &back, NULL), DDP_OK);
    assert_true(back.magic_ok);
    assert_int_equal(back.version, 1);
    assert_int_equal(back.sequence, 3);
    assert_int_equal(back.container_id, 0x20000);
    assert_int_equal(back.generation, 7);
    assert_int_equal(back.valid_data_length, 0x8B7138);
    assert_int_equal(back.unknown_30, 0x4000);
    assert_int_equal(back.crc_match, DDP_CRC64_ZERO_INIT);
    /* The variant the structure names is the one written. */
    h.crc_match = DDP_CRC64_NVME;
    ddp_cthr_build(&h, bytes);
    assert_int_equal(ddp_cthr_parse(bytes, sizeof bytes, &back, NULL), DDP_OK);
    assert_int_equal(back.crc_match, DDP_CRC64_NVME);
}

static void test_rrtl_round_trip(void **state)
{
    (void)state;
    ddp_rrtl h = {.version = 1, .count = 3, .entry_size = 8};
    uint8_t bytes[DDP_RRTL_HEADER_SIZE + 3 * 8];
    ddp_rrtl_build(&h, bytes);
    for (uint32_t i = 0; i < 3; i++) {
        ddp_put32(bytes + 0x20 + 8 * i, 5 + 2 * i);
        ddp_put32(bytes + 0x24 + 8 * i, 0x5260 + 0x100 * i);
    }
    ddp_rrtl back;
    assert_int_equal(ddp_rrtl_parse(bytes, sizeof bytes, &back, NULL), DDP_OK);
    assert_int_equal(back.count, 3);
    assert_int_equal(back.entry_size, 8);
    assert_int_equal(back.crc_match, DDP_CRC64_ZERO_INIT);
    uint32_t off = 0;
    assert_int_equal(ddp_rrtl_lookup(bytes + 0x20, 24, back.count, 9, &off), DDP_OK);
    assert_int_equal(off, 0x5460);
}

static void test_record_round_trip(void **state)
{
    (void)state;
    for (uint16_t kind = DDP_RECORD_KIND_DATA; kind <= DDP_RECORD_KIND_STREAM_MAP; kind++) {
        ddp_record r;
        memset(&r, 0, sizeof r);
        memcpy(r.version, "\x01\x03\x03\x01", 4);
        r.sequence = 0x82;
        r.payload_size = kind == DDP_RECORD_KIND_DATA ? 0x1BD2 : 136;
        r.kind = kind;
        r.compression = kind == DDP_RECORD_KIND_DATA ? DDP_COMPRESSION_XPRESS : 0;
        for (int i = 0; i < 32; i++)
            r.hash[i] = (uint8_t)(i * 7 + kind);
        uint8_t bytes[DDP_SMAP_HEADER_SIZE];
        ddp_record_build(&r, bytes);
        ddp_record back;
        assert_int_equal(ddp_record_parse(bytes, sizeof bytes, &back, NULL), DDP_OK);
        assert_int_equal(back.kind, kind);
        assert_int_equal(back.header_size, kind == DDP_RECORD_KIND_DATA ? 0x58 : 0x68);
        assert_int_equal(back.hash_offset, kind == DDP_RECORD_KIND_DATA ? 0x28 : 0x38);
        assert_int_equal(back.sequence, 0x82);
        assert_int_equal(back.payload_size, r.payload_size);
        assert_int_equal(back.compression, r.compression);
        assert_memory_equal(back.hash, r.hash, 32);
        assert_memory_equal(back.version, r.version, 4);
        assert_int_equal(back.crc_match, DDP_CRC64_ZERO_INIT);
    }
    /* FORMAT.md §6: a data record at 0x8B7138 with 0x1BD2 stored bytes spans to 0x8B8D68. */
    ddp_record d = {.header_size = DDP_DATA_HEADER_SIZE, .payload_size = 0x1BD2};
    assert_int_equal(0x8B7138 + ddp_record_span(&d), 0x8B8D68);
}

static void test_stream_map_round_trip(void **state)
{
    (void)state;
    ddp_chunk_ref refs[3];
    memset(refs, 0, sizeof refs);
    uint64_t end = 0;
    for (uint32_t i = 0; i < 3; i++) {
        refs[i].sequence = 7 + i;
        refs[i].container_id = 1;
        refs[i].offset_hint = 0x6CE20 + 0x10000 * i;
        refs[i].generation = 1;
        end += 40000 + 1000 * i;
        refs[i].end = end;
        memset(refs[i].hash, 0x11 * (int)(i + 1), 32);
        refs[i].stored_size = 30000 + i;
    }
    uint8_t payload[8 + 3 * 64];
    ddp_stream_map_build(refs, 3, payload);
    assert_memory_equal(payload, "Smap\x01\x04\x04\x01", 8);
    uint32_t n = 0;
    assert_int_equal(ddp_stream_map_count(payload, sizeof payload, &n, NULL), DDP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ddp_stream_map_validate(payload, sizeof payload, 0, end, NULL), DDP_OK);
    for (uint32_t i = 0; i < 3; i++) {
        ddp_chunk_ref back;
        ddp_stream_map_entry(payload, i, &back);
        assert_memory_equal(&back, &refs[i], sizeof back);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reparse_0201),
        cmocka_unit_test(test_reparse_0102_slots_like_sample),
        cmocka_unit_test(test_reparse_0103_blocks_like_sample),
        cmocka_unit_test(test_reparse_build_rejects),
        cmocka_unit_test(test_cthr_round_trip),
        cmocka_unit_test(test_rrtl_round_trip),
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_stream_map_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
