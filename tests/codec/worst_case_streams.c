/* worst_case_streams.c - the worst-case stream builders of worst_case_streams.h. */
#include <string.h>

#include "codec_test_data.h"
#include "codec_test_encoders.h"
#include "worst_case_streams.h"

void wc_reset(wc_stream *s)
{
    s->in_len = 0;
    s->out_len = 0;
    s->overflow = 0;
}

void wc_put8(wc_stream *s, uint8_t v)
{
    if (s->in_len >= WC_CAP) {
        s->overflow = 1;
        return;
    }
    s->in[s->in_len++] = v;
}

void wc_put16(wc_stream *s, uint16_t v)
{
    wc_put8(s, (uint8_t)v);
    wc_put8(s, (uint8_t)(v >> 8));
}

void wc_put32(wc_stream *s, uint32_t v)
{
    wc_put16(s, (uint16_t)v);
    wc_put16(s, (uint16_t)(v >> 16));
}

/* ORs v into the input byte at `at` (already written). */
static void wc_patch_or(wc_stream *s, size_t at, uint8_t v)
{
    if (at >= s->in_len) {
        s->overflow = 1;
        return;
    }
    s->in[at] |= v;
}

void wc_out_byte(wc_stream *s, uint8_t v)
{
    if (s->out_len >= WC_CAP) {
        s->overflow = 1;
        return;
    }
    s->out[s->out_len++] = v;
}

void wc_out_match(wc_stream *s, size_t dist, size_t len)
{
    if (dist < 1 || dist > s->out_len || len > WC_CAP - s->out_len) {
        s->overflow = 1;
        return;
    }
    for (size_t i = 0; i < len; i++, s->out_len++)
        s->out[s->out_len] = s->out[s->out_len - dist];
}

/* ---- Xpress plain LZ77 ---- */

/* A match of len (>= 25) bytes at dist with the 32-bit length form. *half is the input
 * offset of a nibble byte whose high half is still free, or 0. */
static void xp_long_match(wc_stream *s, size_t dist, size_t len, size_t *half)
{
    wc_put16(s, (uint16_t)(((dist - 1) << 3) | 7u));
    if (*half == 0) {
        *half = s->in_len;
        wc_put8(s, 0x0f);
    } else {
        wc_patch_or(s, *half, 0xf0);
        *half = 0;
    }
    wc_put8(s, 255);
    wc_put16(s, 0);
    wc_put32(s, (uint32_t)(len - 3));
    wc_out_match(s, dist, len);
}

static void xp_literal_group(wc_stream *s, uint8_t seed)
{
    wc_put32(s, 0);
    for (unsigned i = 0; i < 32; i++) {
        uint8_t b = (uint8_t)(seed + i * 37u);
        wc_put8(s, b);
        wc_out_byte(s, b);
    }
}

/* tail bytes of literal groups after a complete group: a flag word and up to 32
 * literals, repeated; a lone flag word is the end mark. */
static int xp_tail(wc_stream *s, size_t tail)
{
    size_t left = tail;
    while (left >= 4) {
        size_t lits = left - 4 < 32 ? left - 4 : 32;
        wc_put32(s, lits ? 0 : 0x80000000u);
        for (size_t i = 0; i < lits; i++) {
            wc_put8(s, (uint8_t)(0x41 + i));
            wc_out_byte(s, (uint8_t)(0x41 + i));
        }
        left -= 4 + lits;
    }
    int valid = left == 0;
    for (; left; left--)
        wc_put8(s, 0xff);
    return valid;
}

int wc_xpress_worst_groups(wc_stream *s, unsigned groups, size_t tail)
{
    size_t half = 0;
    wc_reset(s);
    xp_literal_group(s, (uint8_t)tail);
    for (unsigned g = 0; g < groups; g++) {
        wc_put32(s, 0xffffffffu);
        for (unsigned i = 0; i < 32; i++)
            xp_long_match(s, 1 + (i * 7u) % 32u, 25 + i % 5u, &half);
    }
    return xp_tail(s, tail);
}

void wc_xpress_short_match(wc_stream *s, size_t k)
{
    wc_reset(s);
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
}

/* ---- LZNT1 ---- */

#define LZNT1_CHUNK 4096u

/* One compressed chunk being built: flag bytes are patched as items come. */
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
        wc_patch_or(s, c->flag, (uint8_t)(1u << c->items));
    c->items++;
}

static void chunk_literal(wc_stream *s, lz_chunk *c, uint8_t b)
{
    chunk_item(s, c, 0);
    wc_put8(s, b);
    wc_out_byte(s, b);
}

/* Length bits of a token with pos bytes of the chunk decoded ([MS-XCA] 2.5). */
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
    if (len > LZNT1_CHUNK - pos)
        len = LZNT1_CHUNK - pos;
    chunk_item(s, c, 1);
    wc_put16(s, (uint16_t)(((dist - 1) << lbits) | (len - 3)));
    wc_out_match(s, dist, len);
}

static void chunk_end(wc_stream *s, lz_chunk *c)
{
    size_t size = s->in_len - c->header - 2;
    /* the header was written as zero */
    wc_patch_or(s, c->header, (uint8_t)(size - 1));
    wc_patch_or(s, c->header + 1, (uint8_t)(0xB0 | ((size - 1) >> 8)));
}

void wc_lznt1_last_chunk(wc_stream *s, size_t t, int variant, size_t *header)
{
    lz_chunk c;
    wc_reset(s);
    /* A full first chunk: 16 literals, then one token to its end. */
    chunk_begin(s, &c);
    for (unsigned i = 0; i < 16; i++)
        chunk_literal(s, &c, (uint8_t)(t + i * 13u));
    chunk_longest_token(s, &c, 1 + t % 16u);
    chunk_end(s, &c);
    *header = s->in_len;
    if (variant == 2) {
        wc_put16(s, (uint16_t)(0x3000u | (t - 1)));
        for (size_t i = 0; i < t; i++) {
            wc_put8(s, (uint8_t)(i * 3));
            wc_out_byte(s, (uint8_t)(i * 3));
        }
        return;
    }
    chunk_begin(s, &c);
    for (size_t i = 0; i < t; i++)
        chunk_literal(s, &c, (uint8_t)(0x30 + i));
    if (variant == 1)
        chunk_longest_token(s, &c, 1 + t / 2);
    chunk_end(s, &c);
}

/* ---- Xpress Huffman ---- */

#define XH_BLOCK 65536u
#define XH_RUN 300u   /* one match whose length needs the 16-bit form */

int wc_xpress_huffman_long_escape(wc_stream *s, size_t t, int with_block)
{
    uint64_t rs = 0x9e3779b97f4a7c15ull + t;
    wc_reset(s);
    if (with_block) {
        for (size_t i = 0; i < 200; i++)
            wc_out_byte(s, (uint8_t)(codec_rand(&rs) >> 40));
        memset(s->out + s->out_len, 0x5a, XH_BLOCK - 200);
        s->out_len = XH_BLOCK;
    }
    for (size_t i = 0; i < t; i++)
        wc_out_byte(s, (uint8_t)(codec_rand(&rs) >> 40));
    memset(s->out + s->out_len, 0xc3, XH_RUN);
    s->out_len += XH_RUN;
    s->in_len = test_xpress_huffman_compress(s->out, s->out_len, s->in, WC_CAP);
    return s->in_len > 0;
}
