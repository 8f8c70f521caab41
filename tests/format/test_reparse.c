/* test_reparse.c - ddp_reparse_parse and ddp_reparse_props on the three real layouts
 * (fixtures from FORMAT.md §1.3-1.5), on every distinct error, on every truncation and
 * on single-byte changes (with and without recomputed CRCs, so the deep checks run). */
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
#include "ddp/reparse.h"
#include "fixtures.h"

static uint8_t fx[3][512];
static size_t fx_len[3];

static int make_fixtures(void **state)
{
    (void)state;
    fx_len[0] = fx_reparse_0201(fx[0]);
    fx_len[1] = fx_reparse_0102(fx[1]);
    fx_len[2] = fx_reparse_0103(fx[2]);
    return 0;
}

/* Parses a heap copy of exactly len bytes, so that any read past it is caught by ASan. */
static ddp_status parse_exact(const uint8_t *buf, size_t len, ddp_reparse *out, ddp_diag *diag)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    ddp_status st = ddp_reparse_parse(copy, len, out, diag);
    free(copy);
    return st;
}

static void assert_guid(const uint8_t guid[16], const char *text)
{
    char s[39];
    ddp_guid_format(guid, s);
    assert_string_equal(s, text);
}

static void test_layout_0201(void **state)
{
    (void)state;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    assert_int_equal(parse_exact(fx[0], fx_len[0], &r, &d), DDP_OK);
    assert_int_equal(r.layout, 0x0201);
    assert_int_equal(r.data_length, 0x7C);
    assert_true(r.logical_size == FX_0201_SIZE);
    assert_int_equal(r.logical_size_offset, 0x10);
    assert_guid(r.store_guid, FX_0201_GUID);
    static const uint8_t guid_bytes[8] = {0xcb, 0xeb, 0xc5, 0x00, 0x6a, 0x97, 0x63, 0x4d};
    assert_memory_equal(r.store_guid, guid_bytes, 8);
    assert_int_equal(r.store_guid_offset, 0x20);
    assert_true(r.has_filetime);
    assert_true(r.filetime == FX_0201_FILETIME);
    assert_int_equal(r.filetime_offset, 0x38);
    assert_int_equal(r.crc32_offset, 0x80);
    assert_int_equal(r.crc32, ddp_crc32(fx[0] + 8, 0x78));
    assert_int_equal(r.n_refs, 1);
    assert_int_equal(r.refs[0].smap_sequence, FX_0201_SMAP_SEQ);
    assert_int_equal(r.refs[0].stream_container_id, FX_0201_SMAP_CONTAINER);
    assert_int_equal(r.refs[0].smap_offset_hint, FX_0201_SMAP_HINT);
    assert_int_equal(r.refs[0].smap_size, FX_0201_SMAP_SIZE);
    assert_int_equal(r.refs[0].hash_len, 32);
    assert_memory_equal(r.refs[0].hash, fx[0] + 0x60, 32);
    assert_true(r.refs[0].range_start == 0);
    assert_true(r.refs[0].range_end == FX_0201_SIZE);
    assert_int_equal(r.refs[0].entry_offset, 0x40);
    size_t n = 99;
    assert_int_equal(ddp_reparse_props(fx[0], fx_len[0], NULL, 0, &n, NULL), DDP_OK);
    assert_int_equal(n, 0);
}

/* The two real 0x0201 buffers of a 2025 volume (FORMAT.md §1.3), as published. */
static const char *const real_2025[2] = {
    "13000080 7c000000 01027c00 00000000 f3310100 00000000 00000000 00000000 76ff896f 45ae0248 bd0e4075 177c075f"
    "40004000 40000000 802019a5 aa28dc01 01000000 00000100 00500000 01000000 01000000 c8000000 48000000 00000000"
    "19e49892 840d301c 26d1cebe fc6cb6ff dbaf4f0f a043b577 acf38b99 0bbda146 defc590a",
    "13000080 7c000000 01027c00 00000000 5b3f0100 00000000 00000000 00000000 76ff896f 45ae0248 bd0e4075 177c075f"
    "40004000 40000000 317b56d9 9f29dc01 b2000000 00000100 d0370200 01000000 01000000 c8000000 48000000 00000000"
    "ddbfb482 26c577cd cae1cc61 40e09f40 f3648f27 fe2fff6d 814573bf 819aa092 78029b79",
};

static size_t unhex(const char *text, uint8_t *out)
{
    size_t n = 0;
    for (const char *p = text; p[0]; p++) {
        if (p[0] == ' ')
            continue;
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = p[k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[n++] = (uint8_t)v;
        p++;
    }
    return n;
}

static void test_real_0201_of_2025(void **state)
{
    (void)state;
    static const struct {
        uint64_t size, filetime;
        uint32_t sequence, hint, crc32;
        uint8_t hash0, hash31;
    } want[2] = {
        {78323, 0x01DC28AAA5192080ull, 1, 0x5000, 0x0A59FCDE, 0x19, 0x46},
        {81755, 0x01DC299FD9567B31ull, 0xB2, 0x237D0, 0x799B0278, 0xDD, 0x92},
    };
    for (int i = 0; i < 2; i++) {
        uint8_t buf[0x84];
        assert_int_equal(unhex(real_2025[i], buf), 0x84);
        ddp_reparse r;
        assert_int_equal(ddp_reparse_parse(buf, sizeof buf, &r, NULL), DDP_OK);
        assert_int_equal(r.layout, DDP_LAYOUT_0201);
        assert_int_equal(r.data_length, 0x7C);
        assert_true(r.logical_size == want[i].size);
        assert_guid(r.store_guid, "{6F89FF76-AE45-4802-BD0E-4075177C075F}");
        assert_true(r.has_filetime && r.filetime == want[i].filetime);
        assert_int_equal(r.crc32, want[i].crc32);
        assert_int_equal(r.n_refs, 1);
        const ddp_stream_ref *e = &r.refs[0];
        assert_int_equal(e->smap_sequence, want[i].sequence);
        assert_int_equal(e->stream_container_id, 0x10000);
        assert_int_equal(e->smap_offset_hint, want[i].hint);
        /* +0x0C, +0x10 = 1; +0x14 = 8 + 64 x ceil(size / 32768) */
        assert_int_equal(e->unknown_0c[0], 1);
        assert_int_equal(e->unknown_0c[1], 1);
        assert_int_equal(e->unknown_0c[2], 8 + 64 * ((want[i].size + 32767) / 32768));
        assert_int_equal(e->smap_size, 0x48);
        assert_int_equal(e->unknown_1c, 0);
        assert_int_equal(e->hash_len, 32);
        assert_int_equal(e->hash[0], want[i].hash0);
        assert_int_equal(e->hash[31], want[i].hash31);
        assert_memory_equal(e->hash, buf + 0x60, 32);
        assert_true(e->range_start == 0 && e->range_end == want[i].size);
        assert_int_equal(e->entry_offset, 0x40);
    }
}

static void test_layout_0102(void **state)
{
    (void)state;
    ddp_reparse r;
    assert_int_equal(parse_exact(fx[1], fx_len[1], &r, NULL), DDP_OK);
    assert_int_equal(r.layout, 0x0102);
    assert_int_equal(r.data_length, 0x100);
    assert_int_equal(fx_len[1], 264);
    assert_guid(r.store_guid, FX_0102_GUID);
    assert_int_equal(r.store_guid_offset, 8 + 0x74);
    assert_true(r.logical_size == FX_0102_SIZE);
    assert_int_equal(r.logical_size_offset, FX_0102_REF_AT + 0x30);
    /* The first type-6 slot holds no plausible time; the second does. */
    assert_true(r.has_filetime);
    assert_true(r.filetime == FX_0102_FILETIME);
    assert_int_equal(r.filetime_offset, 8 + 0x8C);
    assert_int_equal(r.crc32_offset, 8 + 0xFC);
    assert_int_equal(r.n_refs, 1);
    assert_int_equal(r.refs[0].entry_offset, FX_0102_REF_AT);
    assert_int_equal(r.refs[0].smap_sequence, FX_0102_SMAP_SEQ);
    assert_int_equal(r.refs[0].smap_offset_hint, 0x5260);
    assert_int_equal(r.refs[0].smap_size, 136);
    assert_int_equal(r.refs[0].hash_len, 16);
    assert_memory_equal(r.refs[0].hash, fx[1] + FX_0102_REF_AT + 0x20, 16);
    assert_true(r.refs[0].range_end == FX_0102_SIZE);

    ddp_reparse_prop props[16];
    size_t n = 0;
    assert_int_equal(ddp_reparse_props(fx[1], fx_len[1], props, 16, &n, NULL), DDP_OK);
    assert_int_equal(n, 10);   /* 11 slots, one unused */
    assert_int_equal(props[4].kind, DDP_PROP_SLOT);
    assert_int_equal(props[4].type, 9);
    assert_int_equal(props[4].size, 16);
    assert_int_equal(props[4].offset, 8 + 0x74);
    assert_int_equal(props[4].entry_offset, 8 + 8 + 4 * 8);
    assert_int_equal(props[8].type, 8);
    assert_int_equal(props[8].offset, FX_0102_REF_AT);
    assert_int_equal(props[9].type, 5);
    assert_int_equal(props[9].offset, 8 + 0xF4);
    /* A short array still gets the full count. */
    assert_int_equal(ddp_reparse_props(fx[1], fx_len[1], props, 2, &n, NULL), DDP_OK);
    assert_int_equal(n, 10);
}

static void test_layout_0103(void **state)
{
    (void)state;
    ddp_reparse r;
    assert_int_equal(parse_exact(fx[2], fx_len[2], &r, NULL), DDP_OK);
    assert_int_equal(r.layout, 0x0103);
    assert_int_equal(r.data_length, 0x184);
    assert_int_equal(ddp_le32(fx[2] + FX_0103_FERP_AT + 8), 0x17C);
    assert_guid(r.store_guid, FX_0103_GUID);
    assert_int_equal(r.store_guid_offset, FX_0103_FERP_AT + 0x60);
    assert_true(r.logical_size == 281996);
    assert_int_equal(r.logical_size_offset, FX_0103_FERP_AT + 0x78);
    assert_true(r.has_filetime);
    assert_true(r.filetime == FX_0103_FILETIME);
    assert_int_equal(r.filetime_offset, FX_0103_FERP_AT + 0x70);
    assert_int_equal(r.n_refs, 1);
    assert_int_equal(r.refs[0].entry_offset, FX_0103_REF_AT);
    assert_int_equal(r.refs[0].smap_sequence, FX_0103_SMAP_SEQ);
    assert_int_equal(r.refs[0].stream_container_id, 0x20000);
    assert_int_equal(r.refs[0].smap_offset_hint, 0x3AC60);
    assert_int_equal(r.refs[0].smap_size, FX_0103_SMAP_SIZE);
    assert_int_equal(r.refs[0].unknown_0c[0], 0x20000);
    assert_int_equal(r.refs[0].unknown_0c[2], 0x8D88);
    assert_true(r.refs[0].range_end == 281996);

    ddp_reparse_prop props[32];
    size_t n = 0;
    assert_int_equal(ddp_reparse_props(fx[2], fx_len[2], props, 32, &n, NULL), DDP_OK);
    assert_int_equal(n, 1 + 9 + 1 + 5 + 1 + 3);
    assert_int_equal(props[0].kind, DDP_PROP_BLOCK);
    assert_string_equal(props[0].block, "FeRp");
    assert_int_equal(props[0].size, 0x17C);
    assert_int_equal(props[0].type, 9);
    assert_int_equal(props[0].crc32, ddp_le32(fx[2] + FX_0103_FERP_AT + 4));
    assert_int_equal(props[8].type, 13);               /* FeRp descriptor 7: RbRp */
    assert_int_equal(props[9].kind, DDP_PROP_BLOCK);   /* the nested block follows it */
    assert_string_equal(props[9].block, "RbRp");
    assert_int_equal(props[9].offset, FX_0103_RBRP_AT);
    assert_int_equal(props[9].depth, 1);
    assert_int_equal(props[16].kind, DDP_PROP_BLOCK);
    assert_string_equal(props[16].block, "DdRp");
    assert_int_equal(props[16].size, 116);
    assert_int_equal(props[19].type, 13);
    assert_int_equal(props[19].offset, FX_0103_REF_AT);
    assert_string_equal(props[19].block, "DdRp");
}

static ddp_status parse_mutated(int which, size_t at, uint8_t value, int reseal, ddp_diag *d)
{
    uint8_t buf[512];
    ddp_reparse r;
    memcpy(buf, fx[which], fx_len[which]);
    buf[at] = value;
    if (reseal)
        fx_reparse_reseal(buf, fx_len[which]);
    return parse_exact(buf, fx_len[which], &r, d);
}

static void put16_reseal(uint8_t *buf, size_t len, size_t at, uint16_t v)
{
    ddp_put16(buf + at, v);
    fx_reparse_reseal(buf, len);
}

static void put32_reseal(uint8_t *buf, size_t len, size_t at, uint32_t v)
{
    ddp_put32(buf + at, v);
    fx_reparse_reseal(buf, len);
}

static void test_common_errors(void **state)
{
    (void)state;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    uint8_t buf[512];

    assert_int_equal(parse_exact(fx[0], 7, &r, &d), DDP_ERR_TRUNCATED);
    assert_int_equal(parse_exact(fx[0], 0, &r, &d), DDP_ERR_TRUNCATED);
    assert_int_equal(ddp_reparse_parse(NULL, 10, &r, &d), DDP_ERR_INVALID_ARG);

    memcpy(buf, fx[0], fx_len[0]);
    ddp_put32(buf, 0xA000000C);   /* a symbolic link */
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_NOT_DEDUP);
    assert_int_equal(d.offset, 0);

    memcpy(buf, fx[0], fx_len[0]);
    ddp_put16(buf + 4, 0x7D);     /* one byte more than the buffer holds */
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, 4);
    ddp_put16(buf + 4, 7);
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_BAD_LENGTH);

    memcpy(buf, fx[0], fx_len[0]);
    put16_reseal(buf, fx_len[0], 8, 0x0202);
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_UNKNOWN_LAYOUT);
    assert_int_equal(d.offset, 8);

    memcpy(buf, fx[0], fx_len[0]);
    put16_reseal(buf, fx_len[0], 10, 0x7B);
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, 10);

    for (int which = 0; which < 3; which++) {
        memcpy(buf, fx[which], fx_len[which]);
        buf[fx_len[which] - 1] ^= 1;
        assert_int_equal(parse_exact(buf, fx_len[which], &r, &d), DDP_ERR_CRC);
        assert_int_equal(d.offset, fx_len[which] - 4);
        memcpy(buf, fx[which], fx_len[which]);
        buf[0x20] ^= 0x40;
        assert_int_equal(parse_exact(buf, fx_len[which], &r, &d), DDP_ERR_CRC);
    }

    /* The property lister runs the same checks first. */
    memcpy(buf, fx[2], fx_len[2]);
    buf[FX_0103_DDRP_AT + 0x40] ^= 1;
    size_t n_props = 0;
    assert_int_equal(ddp_reparse_props(buf, fx_len[2], NULL, 0, &n_props, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, fx_len[2] - 4);
    fx_reparse_reseal(buf, fx_len[2]);
    ddp_put32(buf + FX_0103_DDRP_AT + 4, ddp_le32(fx[2] + FX_0103_DDRP_AT + 4));
    ddp_put32(buf + FX_0103_FERP_AT + 4, ddp_crc32(buf + FX_0103_FERP_AT + 8, 0x17C - 8));
    ddp_put32(buf + fx_len[2] - 4, ddp_crc32(buf + 8, fx_len[2] - 12));
    assert_int_equal(ddp_reparse_props(buf, fx_len[2], NULL, 0, &n_props, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, FX_0103_DDRP_AT + 4);

    /* Nothing above MAXIMUM_REPARSE_DATA_BUFFER_SIZE (16 KiB in all). */
    uint8_t *big = calloc(1, DDP_REPARSE_MAX_BUFFER + 64);
    assert_non_null(big);
    memcpy(big, fx[1], fx_len[1]);
    ddp_put16(big + 4, DDP_REPARSE_MAX_BUFFER - 7);
    ddp_put16(big + 10, DDP_REPARSE_MAX_BUFFER - 7);
    fx_reparse_reseal(big, DDP_REPARSE_MAX_BUFFER + 64);
    assert_int_equal(parse_exact(big, DDP_REPARSE_MAX_BUFFER + 64, &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, 4);
    ddp_put16(big + 4, DDP_REPARSE_MAX_BUFFER - 8);   /* the largest: past the common checks */
    ddp_put16(big + 10, DDP_REPARSE_MAX_BUFFER - 8);
    fx_reparse_reseal(big, DDP_REPARSE_MAX_BUFFER + 64);
    assert_int_equal(parse_exact(big, DDP_REPARSE_MAX_BUFFER + 64, &r, &d), DDP_OK);
    assert_true(r.logical_size == FX_0102_SIZE);
    free(big);

    /* A dump padded past the reparse data still parses. */
    memcpy(buf, fx[2], fx_len[2]);
    memset(buf + fx_len[2], 0xEE, 16);
    assert_int_equal(parse_exact(buf, fx_len[2] + 16, &r, &d), DDP_OK);
}

static void test_0201_errors(void **state)
{
    (void)state;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    uint8_t buf[512];

    /* Data length other than 0x7C, consistent everywhere else. */
    memcpy(buf, fx[0], fx_len[0]);
    ddp_put16(buf + 4, 0x80);
    ddp_put16(buf + 10, 0x80);
    fx_reparse_reseal(buf, sizeof buf);
    assert_int_equal(parse_exact(buf, 0x88, &r, &d), DDP_ERR_BAD_LENGTH);

    const uint32_t bad_sizes[] = {0, 8, 8 + 63, 8 + 64 + 1, DDP_MAX_SMAP_PAYLOAD + 64};
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        memcpy(buf, fx[0], fx_len[0]);
        put32_reseal(buf, fx_len[0], 0x40 + 0x18, bad_sizes[i]);
        assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_RANGE);
        assert_int_equal(d.offset, 0x58);
    }
    memcpy(buf, fx[0], fx_len[0]);
    ddp_put64(buf + 0x10, 0);
    fx_reparse_reseal(buf, fx_len[0]);
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[0], fx_len[0]);
    ddp_put64(buf + 0x10, 0x8000000000000000ull);
    fx_reparse_reseal(buf, fx_len[0]);
    assert_int_equal(parse_exact(buf, fx_len[0], &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x10);
}

static void test_0102_errors(void **state)
{
    (void)state;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    uint8_t buf[512];
    const size_t len = fx_len[1];
    const size_t slot = 16;   /* RP offset of slot 0 */

    memcpy(buf, fx[1], len);
    put32_reseal(buf, len, 12, 31);   /* (0x100 - 12) / 8 = 30 slots fit */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, 12);
    memcpy(buf, fx[1], len);
    put32_reseal(buf, len, 12, 0xFFFFFFFFu);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);

    /* Slot value overlapping the table, running into the CRC, or past the data. */
    const uint16_t bad_offsets[] = {0x00, 0x5F, 0xF8, 0xFD, 0xFFFF};
    for (size_t i = 0; i < sizeof bad_offsets / sizeof bad_offsets[0]; i++) {
        memcpy(buf, fx[1], len);
        put16_reseal(buf, len, slot + 10 * 8 + 6, bad_offsets[i]);
        assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
        assert_int_equal(d.offset, slot + 10 * 8 + 6);
    }
    memcpy(buf, fx[1], len);
    put16_reseal(buf, len, slot + 10 * 8 + 4, 9);   /* 0xF4 + 9 > 0xFC */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);

    memcpy(buf, fx[1], len);
    put16_reseal(buf, len, slot + 4 * 8 + 4, 8);    /* GUID slot of size 8 */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    memcpy(buf, fx[1], len);
    put16_reseal(buf, len, slot + 8 * 8 + 4, 32);   /* references of 32 bytes */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    memcpy(buf, fx[1], len);
    put16_reseal(buf, len, slot + 8 * 8 + 4, 0);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);

    memcpy(buf, fx[1], len);
    put32_reseal(buf, len, slot + 4 * 8, 7);        /* no GUID slot */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[1], len);
    put32_reseal(buf, len, slot + 8 * 8, 7);        /* no reference slot */
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[1], len);
    put32_reseal(buf, len, slot + 9 * 8, 9);        /* the unused slot becomes a second GUID */
    ddp_put16(buf + slot + 9 * 8 + 4, 16);
    put16_reseal(buf, len, slot + 9 * 8 + 6, 0x74);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, slot + 9 * 8);

    /* Range: start not 0, empty. */
    memcpy(buf, fx[1], len);
    ddp_put64(buf + FX_0102_REF_AT + 0x38, 1);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, FX_0102_REF_AT + 0x38);
    memcpy(buf, fx[1], len);
    ddp_put64(buf + FX_0102_REF_AT + 0x30, 0);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);

    /* No plausible type-6 value: no file time. */
    memcpy(buf, fx[1], len);
    ddp_put64(buf + 8 + 0x8C, 5);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_OK);
    assert_false(r.has_filetime);
}

/* A layout-0x0102 buffer with a GUID slot and n contiguous references ending at size. */
static size_t build_0102_refs(uint8_t *buf, uint32_t n, const uint64_t *ends)
{
    uint32_t refs_at = 8 + 2 * 8 + 16;   /* from RD+0 */
    uint32_t dl = refs_at + n * 64 + 4;
    memset(buf, 0, 8 + dl);
    ddp_put32(buf, DDP_REPARSE_TAG_DEDUP);
    ddp_put16(buf + 4, (uint16_t)dl);
    ddp_put16(buf + 8, 0x0102);
    ddp_put16(buf + 10, (uint16_t)dl);
    ddp_put32(buf + 12, 2);
    ddp_put32(buf + 16, 9);
    ddp_put16(buf + 20, 16);
    ddp_put16(buf + 22, 24);
    ddp_put32(buf + 24, 8);
    ddp_put16(buf + 28, (uint16_t)(n * 64));
    ddp_put16(buf + 30, (uint16_t)refs_at);
    uint64_t start = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = buf + 8 + refs_at + 64 * i;
        ddp_put32(e, i + 1);
        ddp_put32(e + 4, 0x10000);
        ddp_put32(e + 0x18, 8 + 64);
        ddp_put64(e + 0x30, ends[i]);
        ddp_put64(e + 0x38, start);
        start = ends[i];
    }
    fx_reparse_reseal(buf, 8 + dl);
    return 8 + dl;
}

static void test_several_references(void **state)
{
    (void)state;
    uint8_t buf[1024];
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    const uint64_t ends[9] = {100, 200, 300, 400, 500, 600, 700, 800, 900};

    size_t len = build_0102_refs(buf, 3, ends);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_OK);
    assert_int_equal(r.n_refs, 3);
    assert_true(r.logical_size == 300);
    assert_true(r.refs[1].range_start == 100);
    assert_false(r.has_filetime);

    len = build_0102_refs(buf, 8, ends);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_OK);
    len = build_0102_refs(buf, 9, ends);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_UNSUPPORTED);

    /* A gap between references, an overlap. */
    len = build_0102_refs(buf, 3, ends);
    ddp_put64(buf + 8 + 40 + 64 + 0x38, 101);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 8 + 40 + 64 + 0x38);
    len = build_0102_refs(buf, 3, ends);
    ddp_put64(buf + 8 + 40 + 64 + 0x38, 99);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
}

static void test_0103_errors(void **state)
{
    (void)state;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    uint8_t buf[512];
    const size_t len = fx_len[2];
    const uint32_t ferp = FX_0103_FERP_AT, ddrp = FX_0103_DDRP_AT, rbrp = FX_0103_RBRP_AT;

    memcpy(buf, fx[2], len);   /* FeRp magic */
    buf[ferp] = 'X';
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_MAGIC);
    assert_int_equal(d.offset, ferp);
    memcpy(buf, fx[2], len);   /* nested magic */
    memcpy(buf + ddrp, "FeRp", 4);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_MAGIC);
    assert_int_equal(d.offset, ddrp);

    memcpy(buf, fx[2], len);   /* FeRp size */
    put32_reseal(buf, len, ferp + 8, 0x178);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, ferp + 8);
    memcpy(buf, fx[2], len);   /* DdRp size differs from its descriptor */
    ddp_put32(buf + ddrp + 8, 112);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, ddrp + 8);
    memcpy(buf, fx[2], len);   /* descriptor count past the block */
    put16_reseal(buf, len, ddrp + 0x0E, 13);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(d.offset, ddrp + 0x0E);
    memcpy(buf, fx[2], len);   /* nested descriptor of size 8: block smaller than a header */
    put16_reseal(buf, len, ferp + 0x10 + 8 * 8 + 2, 8);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);

    memcpy(buf, fx[2], len);   /* block CRC, data CRC fine */
    buf[rbrp + 0x50] ^= 1;
    fx_reparse_reseal(buf, len);
    ddp_put32(buf + rbrp + 4, ddp_le32(fx[2] + rbrp + 4));
    ddp_put32(buf + ferp + 4, ddp_crc32(buf + ferp + 8, 0x17C - 8));
    ddp_put32(buf + len - 4, ddp_crc32(buf + 8, len - 12));
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, rbrp + 4);
    memcpy(buf, fx[2], len);
    buf[ferp + 0x60] ^= 1;
    ddp_put32(buf + len - 4, ddp_crc32(buf + 8, len - 12));
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, ferp + 4);

    memcpy(buf, fx[2], len);   /* descriptor value out of its block */
    put32_reseal(buf, len, ddrp + 0x10 + 2 * 8 + 4, 0x35);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, ddrp + 0x10 + 2 * 8 + 4);
    memcpy(buf, fx[2], len);   /* descriptor value over the descriptor table */
    put32_reseal(buf, len, ferp + 0x10 + 4, 0x50);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);

    memcpy(buf, fx[2], len);   /* GUID of 8 bytes, FILETIME and size of 4 */
    put16_reseal(buf, len, ferp + 0x10 + 2 * 8 + 2, 8);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    memcpy(buf, fx[2], len);
    put16_reseal(buf, len, ferp + 0x10 + 3 * 8 + 2, 4);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    memcpy(buf, fx[2], len);
    put16_reseal(buf, len, ferp + 0x10 + 4 * 8 + 2, 4);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
    memcpy(buf, fx[2], len);   /* stream references of 60 bytes */
    put16_reseal(buf, len, ddrp + 0x10 + 2 * 8 + 2, 60);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);

    memcpy(buf, fx[2], len);   /* missing GUID, size, references */
    put16_reseal(buf, len, ferp + 0x10 + 2 * 8, 99);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[2], len);
    put16_reseal(buf, len, ferp + 0x10 + 4 * 8, 99);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[2], len);
    put16_reseal(buf, len, ddrp + 0x10 + 2 * 8, 99);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    memcpy(buf, fx[2], len);   /* file size differs from the reference range */
    ddp_put64(buf + ferp + 0x78, 281995);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, FX_0103_REF_AT + 0x30);
    memcpy(buf, fx[2], len);   /* two file size descriptors */
    put16_reseal(buf, len, ferp + 0x10 + 3 * 8, 6);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_RANGE);

    memcpy(buf, fx[2], len);   /* data length too small for FeRp */
    ddp_put16(buf + 4, 20);
    ddp_put16(buf + 10, 20);
    fx_reparse_reseal(buf, len);
    assert_int_equal(parse_exact(buf, len, &r, &d), DDP_ERR_BAD_LENGTH);
}

static void test_every_truncation(void **state)
{
    (void)state;
    ddp_reparse r;
    for (int which = 0; which < 3; which++) {
        for (size_t len = 0; len < fx_len[which]; len++) {
            ddp_status st = parse_exact(fx[which], len, &r, NULL);
            assert_int_equal(st, len < 8 ? DDP_ERR_TRUNCATED : DDP_ERR_BAD_LENGTH);
        }
    }
}

static void test_single_byte_changes(void **state)
{
    (void)state;
    static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
    for (int which = 0; which < 3; which++) {
        for (size_t at = 0; at < fx_len[which]; at++) {
            for (size_t v = 0; v < sizeof values; v++) {
                for (int reseal = 0; reseal < 2; reseal++) {
                    uint8_t old = fx[which][at];
                    uint8_t nv = v == 0 ? (uint8_t)(old ^ 0x55) : values[v];
                    ddp_diag d = {0, NULL};
                    ddp_status st = parse_mutated(which, at, nv, reseal, &d);
                    if (st != DDP_OK) {
                        assert_non_null(d.what);
                        assert_true(d.offset <= fx_len[which]);
                    }
                    /* Without a new CRC, any change to the data is caught. */
                    if (!reseal && at >= 8 && nv != old && st == DDP_OK)
                        fail_msg("layout %d byte %u = 0x%02x parsed without CRC error", which, (unsigned)at, nv);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_0201),
        cmocka_unit_test(test_real_0201_of_2025),
        cmocka_unit_test(test_layout_0102),
        cmocka_unit_test(test_layout_0103),
        cmocka_unit_test(test_common_errors),
        cmocka_unit_test(test_0201_errors),
        cmocka_unit_test(test_0102_errors),
        cmocka_unit_test(test_several_references),
        cmocka_unit_test(test_0103_errors),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_single_byte_changes),
    };
    return cmocka_run_group_tests(tests, make_fixtures, NULL);
}
