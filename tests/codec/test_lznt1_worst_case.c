/*
 * test_lznt1_worst_case.c - LZNT1 streams built around the decoder's worst cases
 * (worst_case_streams.h): a first chunk ending in the longest copy token (12 length
 * bits, up to the chunk's 4096 bytes), then a last chunk of 1 to 63 literals (the
 * 8-literal block copy near the end of the chunk data) with or without a longest token
 * after them, or stored raw, so that the stream ends at every offset of its last 64
 * bytes. Valid streams, their cuts, wrong output sizes and chunks whose header is cut to
 * match are decoded from exact-size heap buffers and from guard-page buffers
 * (worst_case_util.h).
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

/* The stream, then its last chunk cut by 1..64 bytes with the header made to match, so
 * the chunk decoder itself meets the cut end. */
static void check_with_cut_chunks(wc_stream *s, size_t header)
{
    wc_check_valid(ddp_lznt1_decompress, s);
    size_t size = s->in_len - header - 2;
    for (size_t c = 1; c <= 64 && c < size; c++) {
        uint8_t h0 = s->in[header], h1 = s->in[header + 1];
        size_t cut = size - c;
        s->in[header] = (uint8_t)(cut - 1);
        s->in[header + 1] = (uint8_t)((h1 & 0xF0) | ((cut - 1) >> 8));
        wc_decode(ddp_lznt1_decompress, s->in, s->in_len - c, s->out_len, s->out);
        s->in[header] = h0;
        s->in[header + 1] = h1;
    }
}

static void test_last_chunk_at_every_end_offset(void **state)
{
    wc_stream *s = *state;
    for (size_t t = 1; t < 64; t++) {
        for (int variant = 0; variant < 3; variant++) {
            size_t header;
            wc_lznt1_last_chunk(s, t, variant, &header);
            assert_false(s->overflow);
            check_with_cut_chunks(s, header);
            /* with the end mark (a zero header) after it */
            wc_put16(s, 0);
            assert_int_equal(wc_decode(ddp_lznt1_decompress, s->in, s->in_len, s->out_len, s->out), DDP_OK);
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
        cmocka_unit_test_setup_teardown(test_last_chunk_at_every_end_offset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
