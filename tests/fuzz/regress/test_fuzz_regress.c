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

/* Decodes in (exact-size copy) into an exact-size output of out_len bytes. */
static ddp_status decode(ddp_status (*fn)(const uint8_t *, size_t, uint8_t *, size_t), const uint8_t *in,
                         size_t in_len, size_t out_len)
{
    uint8_t *i = malloc(in_len ? in_len : 1), *o = malloc(out_len ? out_len : 1);
    assert_non_null(i);
    assert_non_null(o);
    memcpy(i, in, in_len);
    ddp_status st = fn(i, in_len, o, out_len);
    free(o);
    free(i);
    return st;
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
        cmocka_unit_test(test_lznt1_chunk_past_input),
        cmocka_unit_test(test_rrtl_count_past_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
