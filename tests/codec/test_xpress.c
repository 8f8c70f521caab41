/* test_xpress.c - Xpress plain LZ77: the [MS-XCA] 3.1/3.2 examples both ways, malformed
 * streams (truncated, distances before the start, lengths past the end, wrong output
 * sizes, trailing bytes, garbage), and encoder -> decoder round trips on varied data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "codec_test_data.h"
#include "codec_test_util.h"

#define GUARD 64
#define GUARD_BYTE 0xa5

/* [MS-XCA] 3.1: 26 letters, no matches. */
static const uint8_t example1_out[] = "abcdefghijklmnopqrstuvwxyz";
static const uint8_t example1_in[] = {
    0x3f, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a};
/* [MS-XCA] 3.2: "abc" 100 times, one long match with the 16-bit length form. */
static const uint8_t example2_in[] = {0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63,
                                      0x17, 0x00, 0x0f, 0xff, 0x26, 0x01};

static void abc100(uint8_t *buf)
{
    for (int i = 0; i < 300; i++)
        buf[i] = (uint8_t)("abc"[i % 3]);
}

/* Decodes into a buffer with guard bytes after out_len and checks they stay untouched. */
static ddp_status decode_guarded(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    uint8_t *buf = malloc(out_len + GUARD);
    assert_non_null(buf);
    memset(buf, GUARD_BYTE, out_len + GUARD);
    ddp_status st = ddp_xpress_decompress(in, in_len, buf, out_len);
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(buf[out_len + i], GUARD_BYTE);
    if (out)
        memcpy(out, buf, out_len);
    free(buf);
    return st;
}

static void test_spec_examples_decode(void **state)
{
    (void)state;
    uint8_t out[300], want[300];
    assert_int_equal(decode_guarded(example1_in, sizeof(example1_in), out, 26), DDP_OK);
    assert_memory_equal(out, example1_out, 26);
    abc100(want);
    assert_int_equal(decode_guarded(example2_in, sizeof(example2_in), out, 300), DDP_OK);
    assert_memory_equal(out, want, 300);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_XPRESS, example2_in, sizeof(example2_in), out, 300),
                     DDP_OK);
    assert_memory_equal(out, want, 300);
}

static void test_spec_examples_encode(void **state)
{
    (void)state;
    uint8_t in[300], out[400];
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    assert_non_null(enc);
    size_t n = ddp_xpress_compress(enc, example1_out, 26, out, sizeof(out));
    assert_int_equal(n, sizeof(example1_in));
    assert_memory_equal(out, example1_in, n);
    abc100(in);
    n = ddp_xpress_compress(enc, in, 300, out, sizeof(out));
    assert_int_equal(n, sizeof(example2_in));
    assert_memory_equal(out, example2_in, n);
    ddp_xpress_encoder_free(enc);
}

static void test_truncated(void **state)
{
    (void)state;
    uint8_t out[300];
    for (size_t cut = 0; cut < sizeof(example1_in); cut++)
        assert_int_equal(decode_guarded(example1_in, cut, out, 26), DDP_ERR_CORRUPT_DATA);
    for (size_t cut = 0; cut < sizeof(example2_in); cut++)
        assert_int_equal(decode_guarded(example2_in, cut, out, 300), DDP_ERR_CORRUPT_DATA);
}

static void test_wrong_out_len(void **state)
{
    (void)state;
    uint8_t out[400];
    assert_int_equal(decode_guarded(example2_in, sizeof(example2_in), out, 299), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(example2_in, sizeof(example2_in), out, 301), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(example2_in, sizeof(example2_in), out, 3), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(example1_in, sizeof(example1_in), out, 25), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(example1_in, sizeof(example1_in), out, 27), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(example1_in, sizeof(example1_in), out, 0), DDP_ERR_CORRUPT_DATA);
}

static void test_bad_distance_and_length(void **state)
{
    (void)state;
    uint8_t out[64];
    /* literal 'a', then a match at distance 2 (only 1 byte is out). */
    static const uint8_t far[] = {0xff, 0xff, 0xff, 0x7f, 0x61, 0x08, 0x00};
    assert_int_equal(decode_guarded(far, sizeof(far), out, 4), DDP_ERR_CORRUPT_DATA);
    /* the same at distance 1 is fine: "aaaa" */
    static const uint8_t near[] = {0xff, 0xff, 0xff, 0x7f, 0x61, 0x00, 0x00};
    assert_int_equal(decode_guarded(near, sizeof(near), out, 4), DDP_OK);
    assert_memory_equal(out, "aaaa", 4);
    /* a match at the very start. */
    static const uint8_t first[] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00};
    assert_int_equal(decode_guarded(first, sizeof(first), out, 3), DDP_ERR_CORRUPT_DATA);
    /* 16-bit length form holding less than 22: malformed. */
    static const uint8_t short_long[] = {0xff, 0xff, 0xff, 0x7f, 0x61, 0x07, 0x00, 0x0f, 0xff, 0x10, 0x00};
    assert_int_equal(decode_guarded(short_long, sizeof(short_long), out, 20), DDP_ERR_CORRUPT_DATA);
    /* 32-bit length form with a huge length. */
    static const uint8_t huge[] = {0xff, 0xff, 0xff, 0x7f, 0x61, 0x07, 0x00, 0x0f, 0xff,
                                   0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(decode_guarded(huge, sizeof(huge), out, 64), DDP_ERR_CORRUPT_DATA);
}

static void test_trailing_bytes(void **state)
{
    (void)state;
    uint8_t in[64], out[64];
    memcpy(in, example1_in, sizeof(example1_in));
    in[sizeof(example1_in)] = 0x00;
    assert_int_equal(decode_guarded(in, sizeof(example1_in) + 1, out, 26), DDP_ERR_CORRUPT_DATA);
    /* A full group followed by an all-ones flag word is how a stream of 32 items ends. */
    uint8_t lit32[4 + 32 + 4];
    memset(lit32, 0, 4);
    for (int i = 0; i < 32; i++)
        lit32[4 + i] = (uint8_t)('A' + i % 26);
    memset(lit32 + 36, 0xff, 4);
    assert_int_equal(decode_guarded(lit32, sizeof(lit32), out, 32), DDP_OK);
    assert_int_equal(decode_guarded(lit32, 36, out, 32), DDP_OK);
    lit32[39] = 0x7f; /* first flag of that word would be a literal */
    assert_int_equal(decode_guarded(lit32, sizeof(lit32), out, 32), DDP_ERR_CORRUPT_DATA);
}

static void test_empty(void **state)
{
    (void)state;
    uint8_t out[8];
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    size_t n = ddp_xpress_compress(enc, NULL, 0, out, sizeof(out));
    assert_int_equal(n, 4);
    assert_int_equal(decode_guarded(out, n, NULL, 0), DDP_OK);
    assert_int_equal(decode_guarded(out, 0, NULL, 0), DDP_OK);
    assert_int_equal(ddp_xpress_compress(enc, NULL, 0, out, 3), 0);
    ddp_xpress_encoder_free(enc);
}

static void round_trip(ddp_xpress_encoder *enc, const uint8_t *data, size_t len)
{
    size_t cap = len + len / 8 + 64;
    uint8_t *comp = malloc(cap), *comp2 = malloc(cap), *back = malloc(len + 1);
    assert_non_null(comp);
    assert_non_null(comp2);
    assert_non_null(back);
    size_t n = ddp_xpress_compress(enc, data, len, comp, cap);
    assert_true(n > 0);
    assert_int_equal(decode_guarded(comp, n, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    /* Deterministic, and exact about out_cap: n fits, n - 1 does not. */
    assert_int_equal(ddp_xpress_compress(enc, data, len, comp2, n), n);
    assert_memory_equal(comp, comp2, n);
    assert_int_equal(ddp_xpress_compress(enc, data, len, comp2, n - 1), 0);
    /* One byte short or too long an output: rejected. */
    if (len > 0)
        assert_int_equal(decode_guarded(comp, n, NULL, len - 1), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(decode_guarded(comp, n, NULL, len + 1), DDP_ERR_CORRUPT_DATA);
    free(comp);
    free(comp2);
    free(back);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 4, 5, 31, 32, 33, 100, 1000, 4095, 4096, 4097,
                                   8191, 8192, 8193, 65535, 65536, 65537, 131072, 262144};
    size_t max = 262144;
    uint8_t *data = malloc(max);
    assert_non_null(data);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    for (int k = 0; k < CODEC_DATA_KINDS; k++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            codec_data_fill((codec_data_kind)k, sizes[s], data, sizes[s]);
            round_trip(enc, data, sizes[s]);
        }
    }
    /* Long zero runs take the 32-bit length form. */
    memset(data, 0, max);
    round_trip(enc, data, 100000);
    ddp_xpress_encoder_free(enc);
    free(data);
}

static void test_compresses(void **state)
{
    (void)state;
    size_t len = 65536;
    uint8_t *data = malloc(len), *comp = malloc(len * 2);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    codec_data_fill(CODEC_DATA_TEXT, 7, data, len);
    size_t n = ddp_xpress_compress(enc, data, len, comp, len * 2);
    assert_true(n > 0 && n < len / 2);
    codec_data_fill(CODEC_DATA_RANDOM, 7, data, len);
    assert_int_equal(ddp_xpress_compress(enc, data, len, comp, len), 0);
    ddp_xpress_encoder_free(enc);
    free(data);
    free(comp);
}

static void test_truncated_encoder_output(void **state)
{
    (void)state;
    size_t len = 3000;
    uint8_t *data = malloc(len), *comp = malloc(2 * len);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    codec_data_fill(CODEC_DATA_TEXT, 3, data, len);
    size_t n = ddp_xpress_compress(enc, data, len, comp, 2 * len);
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, comp, cut);
        ddp_status st = decode_guarded(copy, cut, NULL, len);
        /* Dropping only a final all-ones flag word leaves a complete stream. */
        if (!(cut == n - 4 && comp[n - 1] == 0xff && comp[n - 4] == 0xff))
            assert_int_equal(st, DDP_ERR_CORRUPT_DATA);
        free(copy);
    }
    ddp_xpress_encoder_free(enc);
    free(data);
    free(comp);
}

static void test_garbage(void **state)
{
    (void)state;
    uint64_t rs = 99;
    uint8_t in[512];
    int ok = 0, bad = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t in_len = (size_t)(codec_rand(&rs) % sizeof(in));
        size_t out_len = (size_t)(codec_rand(&rs) % 2048);
        for (size_t i = 0; i < in_len; i++)
            in[i] = (uint8_t)(codec_rand(&rs) >> 40);
        if (iter & 1 && in_len >= 4) /* mostly matches, to reach the match paths */
            in[3] |= 0xf0;
        uint8_t *copy = malloc(in_len ? in_len : 1);
        memcpy(copy, in, in_len);
        ddp_status st = decode_guarded(copy, in_len, NULL, out_len);
        assert_true(st == DDP_OK || st == DDP_ERR_CORRUPT_DATA);
        if (st == DDP_OK)
            ok++;
        else
            bad++;
        free(copy);
    }
    assert_true(bad > 0);
    (void)ok;
}

static void test_fuzz_corrupted(void **state)
{
    (void)state;
    size_t len = 20000;
    uint8_t *data = malloc(len), *comp = malloc(2 * len);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    for (int k = CODEC_DATA_TEXT; k < CODEC_DATA_KINDS; k++) {
        codec_data_fill((codec_data_kind)k, 9, data, len);
        size_t n = ddp_xpress_compress(enc, data, len, comp, 2 * len);
        assert_true(n > 0);
        assert_true(codec_fuzz(ddp_xpress_decompress, comp, n, len, 3000, 31 + (uint64_t)k) > 0);
    }
    ddp_xpress_encoder_free(enc);
    free(data);
    free(comp);
}

static void test_dispatch(void **state)
{
    (void)state;
    uint8_t out[8];
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_NONE, (const uint8_t *)"abcd", 4, out, 4), DDP_OK);
    assert_memory_equal(out, "abcd", 4);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_NONE, (const uint8_t *)"abcd", 4, out, 3),
                     DDP_ERR_CORRUPT_DATA);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), 77, (const uint8_t *)"abcd", 4, out, 4), DDP_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_examples_decode),
        cmocka_unit_test(test_spec_examples_encode),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_wrong_out_len),
        cmocka_unit_test(test_bad_distance_and_length),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_compresses),
        cmocka_unit_test(test_truncated_encoder_output),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_fuzz_corrupted),
        cmocka_unit_test(test_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
