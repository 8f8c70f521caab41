/*
 * test_xpress_worst_case.c - Xpress plain LZ77 streams built around the decoder's worst
 * case: a group of 32 matches that all take the longest length escape (shared nibble,
 * byte 255, 16-bit 0, 32-bit length), followed by every tail length from 0 to 63 bytes,
 * so that the group ends at every offset of the input's last 64 bytes, on both sides
 * of the fast-path margin. Valid and cut streams, wrong output sizes and garbage tails
 * are decoded from exact-size heap buffers and from guard-page buffers
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

/* A match of len (>= 25) bytes at dist with the 32-bit length form. *half is the input
 * offset of a nibble byte whose high half is still free, or 0. */
static void xp_long_match(wc_stream *s, size_t dist, size_t len, size_t *half)
{
    wc_put16(s, (uint16_t)(((dist - 1) << 3) | 7u));
    if (*half == 0) {
        *half = s->in_len;
        wc_put8(s, 0x0f);
    } else {
        s->in[*half] |= 0xf0;
        *half = 0;
    }
    wc_put8(s, 255);
    wc_put16(s, 0);
    wc_put32(s, (uint32_t)(len - 3));
    wc_out_match(s, dist, len);
}

/* 32 literals (one full group of them): the history the matches refer to. */
static void xp_literal_group(wc_stream *s, uint8_t seed)
{
    wc_put32(s, 0);
    for (unsigned i = 0; i < 32; i++) {
        uint8_t b = (uint8_t)(seed + i * 37u);
        wc_put8(s, b);
        wc_out_byte(s, b);
    }
}

/* The worst group: 32 long-escape matches. */
static void xp_worst_group(wc_stream *s, size_t *half)
{
    wc_put32(s, 0xffffffffu);
    for (unsigned i = 0; i < 32; i++)
        xp_long_match(s, 1 + (i * 7u) % 32u, 25 + i % 5u, half);
}

/* tail bytes of literal groups after a complete group: a flag word of literals and up
 * to 32 of them, repeated; a lone flag word is the end mark. Returns 0 when no valid
 * stream has that many bytes (1 to 3 bytes left over); those get garbage bytes. */
static int xp_tail(wc_stream *s, size_t tail)
{
    size_t left = tail;
    while (left >= 4) {
        size_t lits = left - 4 < 32 ? left - 4 : 32;
        wc_put32(s, lits ? 0 : 0x80000000u);
        for (size_t i = 0; i < lits; i++) {
            uint8_t b = (uint8_t)(0x41 + i);
            wc_put8(s, b);
            wc_out_byte(s, b);
        }
        left -= 4 + lits;
        if (lits < 32 && left)
            break;
    }
    int valid = left == 0;
    for (; left; left--)
        wc_put8(s, 0xff);
    return valid;
}

static ddp_status xp_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    return ddp_xpress_decompress(in, in_len, out, out_len);
}

static void test_worst_group_at_every_end_offset(void **state)
{
    wc_stream *s = *state;
    for (size_t groups = 1; groups <= 2; groups++) {
        for (size_t tail = 0; tail < 64; tail++) {
            size_t half = 0;
            memset(s, 0, sizeof(*s));
            xp_literal_group(s, (uint8_t)tail);
            for (size_t g = 0; g < groups; g++)
                xp_worst_group(s, &half);
            if (xp_tail(s, tail))
                wc_check_valid(xp_decode, s);
            else
                assert_int_equal(wc_decode(xp_decode, s->in, s->in_len, s->out_len, NULL),
                                 DDP_ERR_CORRUPT_DATA);
        }
    }
}

/* The same group whose matches ask for more output than there is, and garbage after
 * it: every decode must stop inside the input. */
static void test_worst_group_invalid(void **state)
{
    wc_stream *s = *state;
    for (size_t tail = 0; tail < 64; tail++) {
        size_t half = 0;
        memset(s, 0, sizeof(*s));
        xp_literal_group(s, 1);
        xp_worst_group(s, &half);
        for (size_t i = 0; i < tail; i++)
            wc_put8(s, (uint8_t)(i & 1 ? 0xff : 0x07));
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
        memset(s, 0, sizeof(*s));
        xp_literal_group(s, (uint8_t)k);
        wc_put32(s, 0x80000000u);
        wc_put16(s, (uint16_t)((16 - 1) << 3));
        wc_out_match(s, 16, 3);
        for (size_t i = 0; i < k; i++) {
            if (i == 31)
                wc_put32(s, 0);
            wc_put8(s, (uint8_t)(0x61 + i));
            wc_out_byte(s, (uint8_t)(0x61 + i));
        }
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
