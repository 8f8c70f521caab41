/*
 * test_lznt1_worst_case.c - LZNT1 streams built around the decoder's worst cases: a
 * first chunk ending in the longest copy token (12 length bits, up to the chunk's 4096
 * bytes), then a last chunk of 1 to 63 literals (the 8-literal block copy near the end
 * of the chunk data) with or without a longest token after them, or stored raw, so that
 * the stream ends at every offset of its last 64 bytes. Valid streams, their cuts,
 * wrong output sizes and chunks whose header is cut to match are decoded from exact-size
 * heap buffers and from guard-page buffers (worst_case_util.h).
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

#define CHUNK 4096u

/* Items of one compressed chunk being built: flag bytes are patched as items come. */
typedef struct lz_chunk {
    size_t header;     /* input offset of the chunk header */
    size_t flag;       /* input offset of the current flag byte */
    unsigned items;    /* items under the current flag byte */
    size_t start;      /* output offset of the chunk start */
} lz_chunk;

static void chunk_begin(wc_stream *s, lz_chunk *c)
{
    c->header = s->in_len;
    wc_put16(s, 0);
    c->items = 8;
    c->start = s->out_len;
}

static void chunk_item(wc_stream *s, lz_chunk *c, int is_token)
{
    if (c->items == 8) {
        c->flag = s->in_len;
        wc_put8(s, 0);
        c->items = 0;
    }
    if (is_token)
        s->in[c->flag] |= (uint8_t)(1u << c->items);
    c->items++;
}

static void chunk_literal(wc_stream *s, lz_chunk *c, uint8_t b)
{
    chunk_item(s, c, 0);
    wc_put8(s, b);
    wc_out_byte(s, b);
}

static unsigned length_bits(size_t pos)
{
    unsigned bits = 12;
    while (pos - 1 >= (1u << (16 - bits)))
        bits--;
    return bits;
}

/* The longest token the position allows, cut to what remains of the chunk. */
static void chunk_longest_token(wc_stream *s, lz_chunk *c, size_t dist)
{
    size_t pos = s->out_len - c->start;
    unsigned lbits = length_bits(pos);
    size_t len = ((size_t)1 << lbits) - 1 + 3;
    if (len > CHUNK - pos)
        len = CHUNK - pos;
    chunk_item(s, c, 1);
    wc_put16(s, (uint16_t)(((dist - 1) << lbits) | (len - 3)));
    wc_out_match(s, dist, len);
}

static void chunk_end(wc_stream *s, lz_chunk *c)
{
    size_t size = s->in_len - c->header - 2;
    s->in[c->header] = (uint8_t)(size - 1);
    s->in[c->header + 1] = (uint8_t)(0xB0 | ((size - 1) >> 8));
}

/* A full first chunk: 16 literals, then one token to its end. */
static void first_chunk(wc_stream *s, uint8_t seed)
{
    lz_chunk c;
    chunk_begin(s, &c);
    for (unsigned i = 0; i < 16; i++)
        chunk_literal(s, &c, (uint8_t)(seed + i * 13u));
    chunk_longest_token(s, &c, 1 + seed % 16u);
    chunk_end(s, &c);
    assert_int_equal(s->out_len, CHUNK);
}

/* Every variant of the last chunk with t items; also its cuts with the header made to
 * match, so the chunk decoder itself meets the cut end. */
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
            memset(s, 0, sizeof(*s));
            first_chunk(s, (uint8_t)t);
            size_t header = s->in_len;
            if (variant == 2) {
                /* stored raw */
                wc_put16(s, (uint16_t)(0x3000u | (t - 1)));
                for (size_t i = 0; i < t; i++) {
                    wc_put8(s, (uint8_t)(i * 3));
                    wc_out_byte(s, (uint8_t)(i * 3));
                }
            } else {
                lz_chunk c;
                chunk_begin(s, &c);
                for (size_t i = 0; i < t; i++)
                    chunk_literal(s, &c, (uint8_t)(0x30 + i));
                if (variant == 1)
                    chunk_longest_token(s, &c, 1 + t / 2);
                chunk_end(s, &c);
            }
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
