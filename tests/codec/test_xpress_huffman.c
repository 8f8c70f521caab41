/* test_xpress_huffman.c - Xpress Huffman: the two [MS-XCA] 3.2 examples, code tables (over-
 * subscribed, incomplete, single symbol), the end mark, block boundaries at 64 KiB,
 * malformed streams, garbage, and round trips through the test encoder. */
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
#include "codec_test_encoders.h"
#include "codec_test_util.h"

/* [MS-XCA] 3.2: "abcdefghijklmnopqrstuvwxyz" as literals then the end mark. */
static void example1(uint8_t in[276])
{
    static const uint8_t bits[20] = {0xd8, 0x52, 0x3e, 0xd7, 0x94, 0x11, 0x5b, 0xe9, 0x19, 0x5f,
                                     0xf9, 0xd6, 0x7c, 0xdf, 0x8d, 0x04, 0x00, 0x00, 0x00, 0x00};
    memset(in, 0, 256);
    in[48] = 0x50;
    for (int i = 49; i <= 58; i++)
        in[i] = 0x55;
    in[59] = 0x45;
    in[60] = 0x44;
    in[61] = 0x04;
    in[128] = 0x04;
    memcpy(in + 256, bits, sizeof(bits));
}

static void test_spec_example(void **state)
{
    (void)state;
    uint8_t in[276], out[32];
    example1(in);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 26), DDP_OK);
    assert_memory_equal(out, "abcdefghijklmnopqrstuvwxyz", 26);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_XPRESS_HUFF, in, sizeof(in), out, 26), DDP_OK);
    assert_memory_equal(out, "abcdefghijklmnopqrstuvwxyz", 26);
    /* Output one byte short: the next symbol is 'z', not the end mark. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 25),
                     DDP_ERR_CORRUPT_DATA);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 27),
                     DDP_ERR_CORRUPT_DATA);
    /* Cut anywhere in the table or the bit stream before the last symbol's bits. */
    for (size_t cut = 0; cut < 256 + 16; cut++)
        assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, cut, NULL, 26),
                         DDP_ERR_CORRUPT_DATA);
}

/* [MS-XCA] 3.2, second example: "abc" x 100 (300 bytes) as the literals a, b, c, one
 * match (distance 3, length 297: length code 15, then the byte 0xff, then the u16
 * 0x0126 = 297 - 3) and the end mark. Code lengths: 'a' 3, 'b' 3, 'c' 2, end mark 2,
 * match symbol 287 (length code 15, one distance bit) 2. */
static void example2(uint8_t in[263])
{
    static const uint8_t bits[7] = {0xa8, 0xdc, 0x00, 0x00, 0xff, 0x26, 0x01};
    memset(in, 0, 256);
    in[48] = 0x30;
    in[49] = 0x23;
    in[128] = 0x02;
    in[143] = 0x20;
    memcpy(in + 256, bits, sizeof(bits));
}

static void test_spec_example_long_match(void **state)
{
    (void)state;
    uint8_t in[263], want[300], out[301];
    for (int i = 0; i < 300; i++)
        want[i] = (uint8_t)("abc"[i % 3]);
    example2(in);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 300), DDP_OK);
    assert_memory_equal(out, want, 300);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_XPRESS_HUFF, in, sizeof(in), out, 300), DDP_OK);
    assert_memory_equal(out, want, 300);
    /* The match runs past a shorter output; a longer one wants more than the stream has. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 299),
                     DDP_ERR_CORRUPT_DATA);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 301),
                     DDP_ERR_CORRUPT_DATA);
    /* Cut before the match's length bytes end. */
    for (size_t cut = 0; cut < sizeof(in) - 1; cut++)
        assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, cut, NULL, 300),
                         DDP_ERR_CORRUPT_DATA);
    /* An over-subscribed code ('a' of length 1 beside the others) is rejected. */
    in[48] = 0x31;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 300),
                     DDP_ERR_CORRUPT_DATA);
}

static void test_tables(void **state)
{
    (void)state;
    uint8_t in[276], out[32];
    example1(in);
    /* Over-subscribed: one more 4-bit code. */
    in[61] = 0x44;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 26),
                     DDP_ERR_CORRUPT_DATA);
    /* All lengths zero: no symbol decodes. */
    memset(in, 0, sizeof(in));
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, sizeof(in), out, 1),
                     DDP_ERR_CORRUPT_DATA);
    /* One symbol 'a' of length 1 (an incomplete code): after five 'a' the next symbol
     * is another 'a', not the end mark; and code 1 does not exist. */
    memset(in, 0, sizeof(in));
    in[48] = 0x10;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 5),
                     DDP_ERR_CORRUPT_DATA);
    in[257] = 0x10;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 5),
                     DDP_ERR_CORRUPT_DATA);
    /* 'a' = 0 and the end mark = 1: bits 00000 1. */
    in[128] = 0x01;
    in[257] = 0x04;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 5), DDP_OK);
    assert_memory_equal(out, "aaaaa", 5);
    /* Too short for a table. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 100, out, 5), DDP_ERR_CORRUPT_DATA);
    /* Nothing to decode and no input is fine. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 0, NULL, 0), DDP_OK);
}

static void test_bad_match(void **state)
{
    (void)state;
    /* Codes: 'a' = 0, end mark = 10, symbol 256 + (1 << 4) (distance 2..3, length 3)
     * = 11. Bits 0 11 0: 'a', then a match at distance 2, before the start of the output. */
    uint8_t in[260], out[8];
    memset(in, 0, sizeof(in));
    in[48] = 0x10;
    in[128] = 0x02;
    in[136] = 0x02;
    in[257] = 0x60;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 4), DDP_ERR_CORRUPT_DATA);
    /* Bits 0 0 11 0 10: "aa", the match (giving "aaaaa"), the end mark. */
    in[257] = 0x34;
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 5), DDP_OK);
    assert_memory_equal(out, "aaaaa", 5);
    /* ... but not with an output of 4: the match runs past it. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, in, 260, out, 4), DDP_ERR_CORRUPT_DATA);
}

static void round_trip(const uint8_t *data, size_t len, int check_truncation)
{
    size_t cap = len + len / 4 + 4096;
    uint8_t *comp = malloc(cap), *back = malloc(len + 1);
    assert_non_null(comp);
    assert_non_null(back);
    size_t n = test_xpress_huffman_compress(data, len, comp, cap);
    assert_true(n > 0);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    if (len > 0) {
        assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n, NULL, len - 1),
                         DDP_ERR_CORRUPT_DATA);
    }
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n, NULL, len + 1),
                     DDP_ERR_CORRUPT_DATA);
    if (check_truncation) {
        /* Dropping input up to the last 4 bytes (the end mark and padding words may be
         * dropped without losing data) must be rejected. */
        for (size_t cut = 0; cut + 6 < n; cut++)
            assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, cut, NULL, len),
                             DDP_ERR_CORRUPT_DATA);
    }
    free(comp);
    free(back);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 4, 16, 100, 1000, 4096, 65535, 65536, 65537,
                                   131071, 131072, 131073, 262144};
    uint8_t *data = malloc(262144);
    assert_non_null(data);
    for (int k = 0; k < CODEC_DATA_KINDS; k++)
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            codec_data_fill((codec_data_kind)k, sizes[s] + 11, data, sizes[s]);
            round_trip(data, sizes[s], sizes[s] > 0 && sizes[s] <= 1000 && k != CODEC_DATA_ZEROS);
        }
    free(data);
}

static void test_block_boundary_end(void **state)
{
    (void)state;
    size_t len = 65536;
    uint8_t *data = malloc(len), *comp = malloc(2 * len), *back = malloc(len);
    codec_data_fill(CODEC_DATA_TEXT, 3, data, len);
    size_t n = test_xpress_huffman_compress(data, len, comp, 2 * len);
    /* The output fills the first block exactly; a last block holds only the end mark:
     * its table (256 bytes) and two words. */
    assert_true(n > 260);
    assert_int_equal(comp[n - 260 + 128] & 0x0f, 1);
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    /* Without that block the stream is complete too. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n - 260, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    /* Part of it, or a last block whose first symbol is not the end mark: rejected. */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n - 100, back, len),
                     DDP_ERR_CORRUPT_DATA);
    comp[n - 3] |= 0x80; /* first bit of the first word: code 1, which does not exist */
    assert_int_equal(codec_decode_guarded(codec_xpress_huffman, comp, n, back, len),
                     DDP_ERR_CORRUPT_DATA);
    free(data);
    free(comp);
    free(back);
}

static void test_fuzz(void **state)
{
    (void)state;
    size_t len = 70000;
    uint8_t *data = malloc(len), *comp = malloc(2 * len);
    codec_data_fill(CODEC_DATA_TEXT, 5, data, len);
    size_t n = test_xpress_huffman_compress(data, len, comp, 2 * len);
    assert_true(n > 0);
    unsigned rejected = codec_fuzz(codec_xpress_huffman, comp, n, len, 600, 23);
    assert_true(rejected > 0);
    free(data);
    free(comp);
}

/* One decoder reused across streams (as a worker reuses its own) gives what a fresh
 * decoder gives, also right after a stream that failed halfway through its tables or
 * its symbols. */
static void test_decoder_reuse(void **state)
{
    (void)state;
    enum { LEN = 70000 };
    uint8_t *text = malloc(LEN), *bin = malloc(LEN), *ct = malloc(2 * LEN), *cb = malloc(2 * LEN);
    uint8_t *out = malloc(LEN);
    assert_non_null(text);
    assert_non_null(bin);
    assert_non_null(ct);
    assert_non_null(cb);
    assert_non_null(out);
    codec_data_fill(CODEC_DATA_TEXT, 41, text, LEN);
    codec_data_fill(CODEC_DATA_BINARY, 42, bin, LEN);
    size_t nt = test_xpress_huffman_compress(text, LEN, ct, 2 * LEN);
    size_t nb = test_xpress_huffman_compress(bin, LEN, cb, 2 * LEN);
    assert_true(nt > 300 && nb > 300);
    ddp_decoder *dec = ddp_decoder_new();
    assert_non_null(dec);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(ddp_xpress_huffman_decompress(dec, ct, nt, out, LEN), DDP_OK);
        assert_memory_equal(out, text, LEN);
        /* a failure inside the second block's symbols, then one in the first table */
        ct[nt - 40] ^= 0x5a;
        ddp_xpress_huffman_decompress(dec, ct, nt, out, LEN);
        ct[nt - 40] ^= 0x5a;
        uint8_t saved = cb[0];
        cb[0] = 0x11;   /* symbols 0 and 1 of length 1, so the rest over-subscribes */
        assert_int_equal(ddp_xpress_huffman_decompress(dec, cb, nb, out, LEN), DDP_ERR_CORRUPT_DATA);
        cb[0] = saved;
        assert_int_equal(ddp_xpress_huffman_decompress(dec, cb, nb, out, LEN), DDP_OK);
        assert_memory_equal(out, bin, LEN);
    }
    assert_int_equal(ddp_xpress_huffman_decompress(NULL, ct, nt, out, LEN), DDP_ERR_INVALID_ARG);
    ddp_decoder_free(dec);
    ddp_decoder_free(NULL);
    free(text);
    free(bin);
    free(ct);
    free(cb);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_spec_example_long_match),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_bad_match),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_block_boundary_end),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_decoder_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
