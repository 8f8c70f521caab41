/*
 * test_xpress_worst_case.c - Xpress plain LZ77 streams built around the decoder's worst
 * case (worst_case_streams.h): one or two groups of 32 matches that all take the longest
 * length escape (shared nibble, byte 255, 16-bit 0, 32-bit length), followed by every
 * tail length from 0 to 63 bytes, so that the group ends at every offset of the input's
 * last 64 bytes, on both sides of the fast-path margin; and a 3-byte match at every
 * distance from the output end. Valid and cut streams, wrong output sizes and garbage
 * tails are decoded from exact-size heap buffers and from guard-page buffers
 * (worst_case_util.h): a read of in[in_len] or a write of out[out_len] fails the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/codec.h"
#include "worst_case_util.h"

static ddp_status xp_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    return ddp_xpress_decompress(in, in_len, out, out_len);
}

static void test_worst_group_at_every_end_offset(void **state)
{
    wc_stream *s = *state;
    for (unsigned groups = 1; groups <= 2; groups++) {
        for (size_t tail = 0; tail < 64; tail++) {
            int valid = wc_xpress_worst_groups(s, groups, tail);
            assert_false(s->overflow);
            if (valid)
                wc_check_valid(xp_decode, s);
            else
                assert_int_equal(wc_decode(xp_decode, s->in, s->in_len, s->out_len, NULL),
                                 DDP_ERR_CORRUPT_DATA);
        }
    }
}

/* The worst group asked for less output than its matches give (so a match runs past the
 * end), or for much more (so the decoder runs on into garbage after it). */
static void test_worst_group_invalid(void **state)
{
    wc_stream *s = *state;
    for (size_t tail = 0; tail < 64; tail++) {
        wc_xpress_worst_groups(s, 1, 0);
        for (size_t i = 0; i < tail; i++)
            wc_put8(s, (uint8_t)(i & 1 ? 0xff : 0x07));
        assert_false(s->overflow);
        for (size_t less = 1; less <= 64; less += 21)
            assert_int_equal(wc_decode(xp_decode, s->in, s->in_len, s->out_len - less, NULL),
                             DDP_ERR_CORRUPT_DATA);
        wc_decode(xp_decode, s->in, s->in_len, s->out_len + 1000, NULL);
    }
}

/* A 3-byte match at distance 16 (the copy that writes the most past its end: 29 bytes)
 * followed by 0 to 63 literals that end the output: the output ends at every distance
 * from the match, on both sides of the copy slack. */
static void test_short_match_near_output_end(void **state)
{
    wc_stream *s = *state;
    for (size_t k = 0; k < 64; k++) {
        wc_xpress_short_match(s, k);
        wc_check_valid(xp_decode, s);
    }
}

static int setup(void **state)
{
    *state = malloc(sizeof(wc_stream));
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_worst_group_at_every_end_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worst_group_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_match_near_output_end, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
