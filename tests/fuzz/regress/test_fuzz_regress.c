/*
 * test_fuzz_regress.c - replays the inputs the fuzzers found (and a few hand-made edge
 * inputs of the same kind) through the engine entry points the harnesses drive, and
 * checks the documented status for each. Runs in every build, native and under Wine,
 * without the fuzzing runtime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include "worst_case_util.h"

/* Decodes in into out_len bytes from exact-size heap copies (AddressSanitizer) and from
 * buffers that end at a guard page (a fault in every build); both must agree. */
static ddp_status decode(ddp_status (*fn)(const uint8_t *, size_t, uint8_t *, size_t), const uint8_t *in,
                         size_t in_len, size_t out_len)
{
    return wc_decode(fn, in, in_len, out_len, NULL);
}

/* Xpress: a match whose distance reaches before the start of the output. */
static void test_xpress_distance_before_start(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x00, 0x00, 0x00, 0x40, 'a', 0x08, 0x00};   /* literal, match dist 2 */
    assert_int_equal(decode(ddp_xpress_decompress, in, sizeof in, 8), DDP_ERR_CORRUPT_DATA);
}

/* Xpress: a stream that ends inside its flag word. */
static void test_xpress_truncated_flags(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x00, 0x00};
    assert_int_equal(decode(ddp_xpress_decompress, in, sizeof in, 4), DDP_ERR_CORRUPT_DATA);
}

/* Xpress (SECURITY.md finding 16): 32 literals, then a group of 32 matches that all use
 * the 32-bit length form (token 0x0007, shared nibble 0xF, byte 255, 16-bit 0, 32-bit
 * length - 3 = 22), then a group of 16 literals: 364 bytes. The worst group starts 328
 * bytes before the end, past the old fast-path margin of 324, and its literal copy
 * before the 32nd match read 32 bytes from 299 bytes into the group: 7 bytes past the
 * input (AddressSanitizer: heap-buffer-overflow, READ of size 16). */
static void test_xpress_group_margin_overread(void **state)
{
    (void)state;
    uint8_t in[364];
    size_t n = 0;
    memset(in, 0, 4);
    n = 4;
    for (unsigned i = 0; i < 32; i++)
        in[n++] = (uint8_t)('a' + i % 26);
    memset(in + n, 0xff, 4);
    n += 4;
    for (unsigned m = 0; m < 32; m++) {
        static const uint8_t first[] = {0x07, 0x00, 0xff, 0xff, 0x00, 0x00, 22, 0, 0, 0};
        /* the second of two long matches uses the high nibble of the first one's byte */
        const uint8_t *item = first;
        size_t len = sizeof first;
        uint8_t second[9] = {0x07, 0x00, 0xff, 0x00, 0x00, 22, 0, 0, 0};
        if (m & 1) {
            item = second;
            len = sizeof second;
        }
        memcpy(in + n, item, len);
        n += len;
    }
    memset(in + n, 0, 4);
    n += 4;
    for (unsigned i = 0; i < 16; i++)
        in[n++] = (uint8_t)('A' + i);
    assert_int_equal(n, sizeof in);
    /* 32 literals, 32 matches of 25 bytes, 16 literals. */
    assert_int_equal(decode(ddp_xpress_decompress, in, sizeof in, 32 + 32 * 25 + 16), DDP_OK);
    assert_int_equal(decode(ddp_xpress_decompress, in, sizeof in, 32 + 32 * 25 + 17), DDP_ERR_CORRUPT_DATA);
}

/* LZNT1: a chunk header announcing more bytes than the input holds. */
static void test_lznt1_chunk_past_input(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x10, 0xB0, 0x00, 'a', 'b'};
    assert_int_equal(decode(ddp_lznt1_decompress, in, sizeof in, 16), DDP_ERR_CORRUPT_DATA);
}

/* Rrtl lookup with a count whose byte size is above the entries given. */
static void test_rrtl_count_past_entries(void **state)
{
    (void)state;
    static const uint8_t entries[16] = {1, 0, 0, 0, 0x60, 0x52, 0, 0, 2, 0, 0, 0, 0x00, 0x53, 0, 0};
    uint32_t off = 0;
    assert_int_equal(ddp_rrtl_lookup(entries, sizeof entries, 0x20000000u, 2, &off), DDP_ERR_TRUNCATED);
    assert_int_equal(ddp_rrtl_lookup(entries, sizeof entries, 2, 2, &off), DDP_OK);
    assert_int_equal(off, 0x5300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xpress_distance_before_start),
        cmocka_unit_test(test_xpress_truncated_flags),
        cmocka_unit_test(test_xpress_group_margin_overread),
        cmocka_unit_test(test_lznt1_chunk_past_input),
        cmocka_unit_test(test_rrtl_count_past_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
