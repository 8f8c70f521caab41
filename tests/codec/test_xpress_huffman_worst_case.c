/*
 * test_xpress_huffman_worst_case.c - Xpress Huffman streams built around the decoder's
 * worst cases: matches with the longest length escape (length code 15, byte 255, 16-bit
 * length) at the end of a 65536-byte block and at the end of the data, right before the
 * end mark, after 0 to 63 literals, so that the stream ends at every offset of its last
 * 64 bytes (worst_case_streams.h, made with the test encoder). The streams, their cuts,
 * wrong output sizes and damaged ends are decoded from exact-size heap buffers and from
 * guard-page buffers (worst_case_util.h).
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

static void test_long_escape_at_every_end_offset(void **state)
{
    wc_stream *s = *state;
    for (int with_block = 0; with_block <= 1; with_block++)
        for (size_t t = 0; t < 64; t++) {
            assert_true(wc_xpress_huffman_long_escape(s, t, with_block));
            wc_check_valid(codec_xpress_huffman, s);
        }
}

/* The stream with its last bytes replaced by all-ones or all-zero bytes (codes that
 * decode to long matches or are unused): no decode may leave the buffers. */
static void test_damaged_ends(void **state)
{
    wc_stream *s = *state;
    for (size_t t = 0; t < 64; t += 7) {
        assert_true(wc_xpress_huffman_long_escape(s, t, 1));
        for (size_t c = 1; c <= 64 && c < s->in_len; c++) {
            uint8_t saved[64];
            memcpy(saved, s->in + s->in_len - c, c);
            memset(s->in + s->in_len - c, 0xff, c);
            wc_decode(codec_xpress_huffman, s->in, s->in_len, s->out_len, NULL);
            memset(s->in + s->in_len - c, 0x00, c);
            wc_decode(codec_xpress_huffman, s->in, s->in_len, s->out_len, NULL);
            memcpy(s->in + s->in_len - c, saved, c);
        }
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
        cmocka_unit_test_setup_teardown(test_long_escape_at_every_end_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_ends, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
