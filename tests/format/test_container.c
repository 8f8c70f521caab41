/* test_container.c - Cthr, Rrtl and Ckhr parsing on containers laid out as FORMAT.md §6
 * reports (records at 0x5260, 0x6CE20, 0x7BD20), on boundaries and on malformed headers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/crc.h"
#include "ddp/le.h"
#include "fixtures.h"

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, p, len);
    return c;
}

static void test_cthr(void **state)
{
    (void)state;
    size_t len;
    uint8_t *c = fx_data_container(&len);
    ddp_cthr h;
    ddp_diag d = {0, NULL};
    assert_int_equal(ddp_cthr_parse(c, DDP_CTHR_SIZE, &h, &d), DDP_OK);
    assert_true(h.magic_ok);
    assert_int_equal(h.container_id, 1);
    assert_int_equal(h.generation, 1);
    assert_true(h.valid_data_length == len);
    assert_int_equal(h.unknown_30, 0x4000);
    assert_int_equal(h.crc_match, DDP_CRC64_ZERO_INIT);
    /* The NVME variant is recognised too; a wrong CRC is reported, not fatal. */
    ddp_put64(c + 0x38, ddp_crc64_nvme(c, 0x38));
    assert_int_equal(ddp_cthr_parse(c, DDP_CTHR_SIZE, &h, &d), DDP_OK);
    assert_int_equal(h.crc_match, DDP_CRC64_NVME);
    c[0x20] ^= 1;
    assert_int_equal(ddp_cthr_parse(c, DDP_CTHR_SIZE, &h, &d), DDP_OK);
    assert_int_equal(h.crc_match, DDP_CRC64_NONE);
    for (size_t n = 0; n < DDP_CTHR_SIZE; n++) {
        uint8_t *t = dup_exact(c, n);
        assert_int_equal(ddp_cthr_parse(t, n, &h, &d), DDP_ERR_TRUNCATED);
        free(t);
    }
    c[1] = 'X';
    assert_int_equal(ddp_cthr_parse(c, DDP_CTHR_SIZE, &h, &d), DDP_ERR_BAD_MAGIC);
    assert_int_equal(d.offset, 0);
    free(c);
}

static void test_rrtl_header(void **state)
{
    (void)state;
    size_t len;
    uint8_t *c = fx_data_container(&len);
    uint8_t *r = c + DDP_RRTL_OFFSET;
    ddp_rrtl t;
    ddp_diag d = {0, NULL};
    assert_int_equal(ddp_rrtl_parse(r, DDP_RRTL_HEADER_SIZE, &t, &d), DDP_OK);
    assert_int_equal(t.count, FX_DATA_RECORDS);
    assert_int_equal(t.entry_size, 8);
    assert_int_equal(t.crc_match, DDP_CRC64_NVME);
    for (size_t n = 0; n < DDP_RRTL_HEADER_SIZE; n++) {
        uint8_t *x = dup_exact(r, n);
        assert_int_equal(ddp_rrtl_parse(x, n, &t, &d), DDP_ERR_TRUNCATED);
        free(x);
    }
    ddp_put32(r + 0x0C, 16);
    assert_int_equal(ddp_rrtl_parse(r, DDP_RRTL_HEADER_SIZE, &t, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x0C);
    ddp_put32(r + 0x0C, 8);
    ddp_put32(r + 0x08, DDP_RRTL_MAX_ENTRIES);
    assert_int_equal(ddp_rrtl_parse(r, DDP_RRTL_HEADER_SIZE, &t, &d), DDP_OK);
    assert_int_equal(t.crc_match, DDP_CRC64_NONE);
    ddp_put32(r + 0x08, DDP_RRTL_MAX_ENTRIES + 1);
    assert_int_equal(ddp_rrtl_parse(r, DDP_RRTL_HEADER_SIZE, &t, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x08);
    memcpy(r, "Rrtk", 4);
    assert_int_equal(ddp_rrtl_parse(r, DDP_RRTL_HEADER_SIZE, &t, &d), DDP_ERR_BAD_MAGIC);
    free(c);
}

static void test_rrtl_lookup(void **state)
{
    (void)state;
    size_t len;
    uint8_t *c = fx_data_container(&len);
    const uint8_t *entries = c + DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE;
    uint32_t off = 0;
    /* Every record, the ends included. */
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 1, &off), DDP_OK);
    assert_int_equal(off, 0x5260);
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 7, &off), DDP_OK);
    assert_int_equal(off, FX_CHUNK7_AT);
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 8, &off), DDP_OK);
    assert_int_equal(off, FX_CHUNK8_AT);
    for (uint32_t s = 1; s <= 8; s++) {
        assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, s, &off), DDP_OK);
        assert_int_equal(off, ddp_le32(entries + 8 * (s - 1) + 4));
    }
    /* Absent: below, above, between (after removing 4). */
    off = 0x1234;
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 0, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 9, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 0xFFFFFFFFu, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(off, 0x1234);
    uint8_t gap[56];
    memcpy(gap, entries, 24);
    memcpy(gap + 24, entries + 32, 32);
    assert_int_equal(ddp_rrtl_lookup(gap, sizeof gap, 7, 4, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(ddp_rrtl_lookup(gap, sizeof gap, 7, 5, &off), DDP_OK);
    /* Empty table; a single entry. */
    assert_int_equal(ddp_rrtl_lookup(entries, 0, 0, 1, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(ddp_rrtl_lookup(NULL, 0, 0, 1, &off), DDP_ERR_NOT_FOUND);
    assert_int_equal(ddp_rrtl_lookup(entries, 8, 1, 1, &off), DDP_OK);
    assert_int_equal(ddp_rrtl_lookup(entries, 8, 1, 2, &off), DDP_ERR_NOT_FOUND);
    /* A count the buffer cannot hold, on an exact-size copy. */
    uint8_t *x = dup_exact(entries, 63);
    assert_int_equal(ddp_rrtl_lookup(x, 63, 8, 8, &off), DDP_ERR_TRUNCATED);
    assert_int_equal(ddp_rrtl_lookup(x, 63, 0xFFFFFFFFu, 8, &off), DDP_ERR_TRUNCATED);
    assert_int_equal(ddp_rrtl_lookup(x, 63, 7, 7, &off), DDP_OK);
    free(x);
    assert_int_equal(ddp_rrtl_lookup(entries, 64, 8, 1, NULL), DDP_ERR_INVALID_ARG);
    free(c);
}

static void test_records_of_section6(void **state)
{
    (void)state;
    size_t len;
    uint8_t *c = fx_data_container(&len);
    ddp_record r;
    ddp_diag d = {0, NULL};
    /* Walk every record from 0x5260 to the end by span. */
    uint64_t at = DDP_FIRST_RECORD_OFFSET;
    uint32_t seen = 0;
    while (at < len) {
        assert_int_equal(ddp_record_parse(c + at, len - at, &r, &d), DDP_OK);
        assert_int_equal(r.kind, DDP_RECORD_KIND_DATA);
        assert_int_equal(r.sequence, seen + 1);
        assert_int_equal(r.header_size, 0x58);
        assert_int_equal(r.crc_match, DDP_CRC64_ZERO_INIT);
        assert_int_equal(r.compression, DDP_COMPRESSION_NONE);
        assert_memory_equal(r.version, "\x01\x03\x03\x01", 4);
        if (r.sequence == 7) {
            assert_int_equal(at, FX_CHUNK7_AT);
            assert_int_equal(r.payload_size, FX_CHUNK7_SIZE);
            assert_true(ddp_record_span(&r) == FX_CHUNK8_AT - FX_CHUNK7_AT);   /* 0x6CE20 + 88 + 61095 -> 0x7BD20 */
        }
        at += ddp_record_span(&r);
        seen++;
    }
    assert_int_equal(seen, FX_DATA_RECORDS);
    assert_true(at == len);
    free(c);

    /* §6's first example: 0x8B7138 + 0x58 + 0x1BD2 rounds up to 0x8B8D68. */
    r.header_size = DDP_DATA_HEADER_SIZE;
    r.payload_size = 0x1BD2;
    assert_true(0x8B7138u + ddp_record_span(&r) == 0x8B8D68u);
    r.payload_size = 0x1BD0;   /* already aligned: 0x58 + 0x1BD0 */
    assert_true(ddp_record_span(&r) == 0x58u + 0x1BD0u);

    c = fx_stream_container(&len);
    assert_int_equal(ddp_record_parse(c + FX_SMAP_RECORD_AT, len - FX_SMAP_RECORD_AT, &r, &d), DDP_OK);
    assert_int_equal(r.kind, DDP_RECORD_KIND_STREAM_MAP);
    assert_int_equal(r.header_size, 0x68);
    assert_int_equal(r.hash_offset, 0x38);
    assert_int_equal(r.payload_size, 136);
    assert_memory_equal(r.hash, c + FX_SMAP_RECORD_AT + 0x38, 32);
    assert_int_equal(r.crc_match, DDP_CRC64_ZERO_INIT);
    assert_memory_equal(c + FX_SMAP_RECORD_AT + 0x68, "Smap", 4);   /* Smap at 0x52C8 */
    assert_true(ddp_record_span(&r) == 0x68 + 136);
    free(c);
}

static void test_record_errors(void **state)
{
    (void)state;
    uint8_t h[0x68], hash[32];
    ddp_record r;
    ddp_diag d = {0, NULL};
    fx_hash(1, hash);

    for (int kind = 1; kind <= 2; kind++) {
        size_t hs = kind == 1 ? 0x58 : 0x68;
        fx_record_header(h, (uint16_t)kind, 5, kind == 1 ? 4096 : 136, 2, hash);
        assert_int_equal(ddp_record_parse(h, hs, &r, &d), DDP_OK);
        for (size_t n = 0; n < hs; n++) {
            uint8_t *x = dup_exact(h, n);
            assert_int_equal(ddp_record_parse(x, n, &r, &d), DDP_ERR_TRUNCATED);
            free(x);
        }
        /* A CRC-64 that matches neither variant is reported, never fatal. */
        h[0x08] ^= 1;
        assert_int_equal(ddp_record_parse(h, hs, &r, &d), DDP_OK);
        assert_int_equal(r.crc_match, DDP_CRC64_NONE);
    }

    fx_record_header(h, 1, 5, 4096, 2, hash);
    memcpy(h, "Ckhs", 4);
    assert_int_equal(ddp_record_parse(h, 0x58, &r, &d), DDP_ERR_BAD_MAGIC);
    const uint16_t kinds[] = {0, 3, 0xFFFF};
    for (size_t i = 0; i < 3; i++) {
        fx_record_header(h, 1, 5, 4096, 2, hash);
        ddp_put16(h + 0x10, kinds[i]);
        assert_int_equal(ddp_record_parse(h, 0x58, &r, &d), DDP_ERR_RANGE);
        assert_int_equal(d.offset, 0x10);
    }
    fx_record_header(h, 1, 5, 4096, 2, hash);
    ddp_put16(h + 0x12, 0x38);
    assert_int_equal(ddp_record_parse(h, 0x58, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x12);
    fx_record_header(h, 2, 5, 136, 0, hash);
    ddp_put16(h + 0x12, 0x28);
    assert_int_equal(ddp_record_parse(h, 0x68, &r, &d), DDP_ERR_RANGE);
    /* Kind 2 needs 0x68 bytes: a stream-map header given as much as a data header. */
    fx_record_header(h, 2, 5, 136, 0, hash);
    assert_int_equal(ddp_record_parse(h, 0x58, &r, &d), DDP_ERR_TRUNCATED);

    /* Payload sizes: data 1 .. 256 KiB; stream map 8 + 64 x N up to 64 MiB. */
    const struct { uint16_t kind; uint32_t size; ddp_status st; } sizes[] = {
        {1, 0, DDP_ERR_RANGE}, {1, 1, DDP_OK}, {1, DDP_MAX_CHUNK_SIZE, DDP_OK},
        {1, DDP_MAX_CHUNK_SIZE + 1, DDP_ERR_RANGE}, {1, 0xFFFFFFFFu, DDP_ERR_RANGE},
        {2, 0, DDP_ERR_BAD_LENGTH}, {2, 8, DDP_ERR_BAD_LENGTH}, {2, 72, DDP_OK}, {2, 73, DDP_ERR_BAD_LENGTH},
        {2, DDP_MAX_SMAP_PAYLOAD - 56, DDP_OK}, {2, DDP_MAX_SMAP_PAYLOAD + 8, DDP_ERR_RANGE},
        {2, 0xFFFFFFFFu, DDP_ERR_RANGE},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        fx_record_header(h, sizes[i].kind, 5, sizes[i].size, 0, hash);
        assert_int_equal(ddp_record_parse(h, sizeof h, &r, &d), sizes[i].st);
        if (sizes[i].st != DDP_OK)
            assert_int_equal(d.offset, 0x0C);
    }
    assert_int_equal(ddp_record_parse(NULL, 0x58, &r, &d), DDP_ERR_INVALID_ARG);
}

static void test_record_byte_changes(void **state)
{
    (void)state;
    uint8_t h[0x68], hash[32];
    ddp_record r;
    fx_hash(9, hash);
    for (int kind = 1; kind <= 2; kind++) {
        size_t hs = kind == 1 ? 0x58 : 0x68;
        for (size_t at = 0; at < hs; at++) {
            for (int bit = 0; bit < 8; bit++) {
                fx_record_header(h, (uint16_t)kind, 5, kind == 1 ? 4096 : 136, 2, hash);
                h[at] ^= (uint8_t)(1u << bit);
                uint8_t *x = dup_exact(h, hs);
                ddp_diag d = {0, NULL};
                ddp_status st = ddp_record_parse(x, hs, &r, &d);
                if (st == DDP_OK)
                    assert_int_equal(r.crc_match, DDP_CRC64_NONE);
                else
                    assert_non_null(d.what);
                free(x);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cthr),
        cmocka_unit_test(test_rrtl_header),
        cmocka_unit_test(test_rrtl_lookup),
        cmocka_unit_test(test_records_of_section6),
        cmocka_unit_test(test_record_errors),
        cmocka_unit_test(test_record_byte_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
