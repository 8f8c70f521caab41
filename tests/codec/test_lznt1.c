/* test_lznt1.c - LZNT1: the [MS-XCA] 3.3 example, chunk headers (uncompressed chunks,
 * end marker, bad signature, short middle chunks), tokens reaching before the chunk,
 * truncation, garbage, and round trips through the test encoder. */
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

static const char example_text[] =
    "F# F# G A A G F# E D D E F# F# E E F# F# G A A G F# E D D E F# E D D E E F# D E F# G F# D E "
    "F# G F# E D E A F# F# G A A G F# E D D E F# E D D";
static const uint8_t example_in[] = {
    0x38, 0xb0, 0x88, 0x46, 0x23, 0x20, 0x00, 0x20, 0x47, 0x20, 0x41, 0x00, 0x10, 0xa2, 0x47,
    0x01, 0xa0, 0x45, 0x20, 0x44, 0x00, 0x08, 0x45, 0x01, 0x50, 0x79, 0x00, 0xc0, 0x45, 0x20,
    0x05, 0x24, 0x13, 0x88, 0x05, 0xb4, 0x02, 0x4a, 0x44, 0xef, 0x03, 0x58, 0x02, 0x8c, 0x09,
    0x16, 0x01, 0x48, 0x45, 0x00, 0xbe, 0x00, 0x9e, 0x00, 0x04, 0x01, 0x18, 0x90, 0x00};

static void test_spec_example(void **state)
{
    (void)state;
    uint8_t out[142];
    assert_int_equal(sizeof(example_text), 142);
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, example_in, sizeof(example_in), out, 142),
                     DDP_OK);
    assert_memory_equal(out, example_text, 142);
    assert_int_equal(ddp_chunk_decompress(codec_test_decoder(), DDP_COMPRESSION_LZNT1, example_in, sizeof(example_in), out, 142),
                     DDP_OK);
    assert_memory_equal(out, example_text, 142);
    codec_check_truncations(ddp_lznt1_decompress, example_in, sizeof(example_in), 142, (size_t)-1);
}

static void test_end_marker_and_trailing(void **state)
{
    (void)state;
    uint8_t in[sizeof(example_in) + 4], out[142];
    memcpy(in, example_in, sizeof(example_in));
    memset(in + sizeof(example_in), 0, 4);
    /* A zero header ends the buffer; what follows it is not read. */
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, sizeof(example_in) + 2, out, 142), DDP_OK);
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, sizeof(example_in) + 4, out, 142), DDP_OK);
    assert_memory_equal(out, example_text, 142);
    /* One stray byte, or a non-zero header after the data: the stream is longer. */
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, sizeof(example_in) + 1, out, 142),
                     DDP_ERR_CORRUPT_DATA);
    in[sizeof(example_in)] = 0x01;
    in[sizeof(example_in) + 1] = 0x30;
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, sizeof(example_in) + 4, out, 142),
                     DDP_ERR_CORRUPT_DATA);
}

static void test_headers(void **state)
{
    (void)state;
    uint8_t in[4096 + 2 + 6], out[4100];
    /* An uncompressed 4096-byte chunk then an uncompressed 3-byte chunk. */
    in[0] = 0xff;
    in[1] = 0x3f;
    for (int i = 0; i < 4096; i++)
        in[2 + i] = (uint8_t)(i * 7);
    in[4098] = 0x02;
    in[4099] = 0x30;
    in[4100] = 'x';
    in[4101] = 'y';
    in[4102] = 'z';
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, 4103, out, 4099), DDP_OK);
    assert_memory_equal(out, in + 2, 4096);
    assert_memory_equal(out + 4096, "xyz", 3);
    /* Signature other than 3. */
    in[1] = 0x2f;
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, in, 4103, out, 4099), DDP_ERR_CORRUPT_DATA);
    in[1] = 0x3f;
    /* A short chunk that is not the last. */
    static const uint8_t two_short[] = {0x01, 0x30, 'a', 'b', 0x01, 0x30, 'c', 'd'};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, two_short, sizeof(two_short), out, 4),
                     DDP_ERR_CORRUPT_DATA);
    /* A chunk whose size runs past the input. */
    static const uint8_t past[] = {0x05, 0x30, 'a', 'b'};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, past, sizeof(past), out, 2),
                     DDP_ERR_CORRUPT_DATA);
    /* A zero header before the output is complete. */
    static const uint8_t early_end[] = {0x01, 0x30, 'a', 'b', 0x00, 0x00};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, early_end, sizeof(early_end), out, 3),
                     DDP_ERR_CORRUPT_DATA);
}

static void test_bad_tokens(void **state)
{
    (void)state;
    uint8_t out[64];
    /* flags 0b10: literal 'a' then a token with distance 2 (only 1 byte out). */
    static const uint8_t far[] = {0x03, 0xb0, 0x02, 'a', 0x00, 0x10};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, far, sizeof(far), out, 4), DDP_ERR_CORRUPT_DATA);
    /* distance 1, length 3: "aaaa". */
    static const uint8_t near[] = {0x03, 0xb0, 0x02, 'a', 0x00, 0x00};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, near, sizeof(near), out, 4), DDP_OK);
    assert_memory_equal(out, "aaaa", 4);
    /* a token first. */
    static const uint8_t first[] = {0x02, 0xb0, 0x01, 0x00, 0x00};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, first, sizeof(first), out, 3),
                     DDP_ERR_CORRUPT_DATA);
    /* a token longer than the output. */
    static const uint8_t longer[] = {0x03, 0xb0, 0x02, 'a', 0x10, 0x00};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, longer, sizeof(longer), out, 10),
                     DDP_ERR_CORRUPT_DATA);
    /* a token cut in half by the chunk end. */
    static const uint8_t cut[] = {0x02, 0xb0, 0x02, 'a', 0x00, 0x00};
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, cut, sizeof(cut), out, 4), DDP_ERR_CORRUPT_DATA);
}

static void round_trip(const uint8_t *data, size_t len, int check_truncation)
{
    size_t cap = len + len / 512 * 2 + 64;
    uint8_t *comp = malloc(cap), *back = malloc(len + 1);
    assert_non_null(comp);
    assert_non_null(back);
    size_t n = test_lznt1_compress(data, len, comp, cap);
    assert_true(n > 0 || len == 0);
    assert_int_equal(codec_decode_guarded(ddp_lznt1_decompress, comp, n, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    if (check_truncation)
        codec_check_truncations(ddp_lznt1_decompress, comp, n, len, (size_t)-1);
    free(comp);
    free(back);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 4, 16, 17, 33, 100, 1000, 4095, 4096, 4097,
                                   8191, 8192, 8193, 65536, 65537, 131072, 262144};
    uint8_t *data = malloc(262144);
    assert_non_null(data);
    for (int k = 0; k < CODEC_DATA_KINDS; k++)
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            codec_data_fill((codec_data_kind)k, sizes[s], data, sizes[s]);
            round_trip(data, sizes[s], sizes[s] <= 4097 && sizes[s] > 0);
        }
    free(data);
}

static void test_fuzz(void **state)
{
    (void)state;
    size_t len = 9000;
    uint8_t *data = malloc(len), *comp = malloc(2 * len);
    codec_data_fill(CODEC_DATA_TEXT, 5, data, len);
    size_t n = test_lznt1_compress(data, len, comp, 2 * len);
    assert_true(n > 0);
    unsigned rejected = codec_fuzz(ddp_lznt1_decompress, comp, n, len, 4000, 17);
    assert_true(rejected > 0);
    free(data);
    free(comp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_end_marker_and_trailing),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_bad_tokens),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
