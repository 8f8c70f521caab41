/*
 * worst_case_streams.h - builders of the streams that drive each decoder into its worst
 * case (longest length escapes at group / chunk / block ends, followed by every short
 * tail), with the output they must decode to. Shared by the worst-case tests and the
 * fuzz seed generator (tests/fuzz/fuzz_seeds.c); plain C, no test framework.
 */
#ifndef DDP_WORST_CASE_STREAMS_H
#define DDP_WORST_CASE_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#define WC_CAP (256u * 1024u)

typedef struct wc_stream {
    uint8_t in[WC_CAP];
    size_t in_len;
    uint8_t out[WC_CAP];   /* the expected output */
    size_t out_len;
    int overflow;          /* set when a builder ran out of room (a bug in the builder) */
} wc_stream;

void wc_reset(wc_stream *s);
void wc_put8(wc_stream *s, uint8_t v);
void wc_put16(wc_stream *s, uint16_t v);
void wc_put32(wc_stream *s, uint32_t v);
/* Appends to the expected output: one byte, or a match of len bytes from dist back. */
void wc_out_byte(wc_stream *s, uint8_t v);
void wc_out_match(wc_stream *s, size_t dist, size_t len);

/* Xpress: 32 literals, `groups` groups of 32 matches that all take the 32-bit length
 * form, then `tail` bytes of literal groups. Returns 1 when the stream is valid, 0 when
 * no valid stream has that tail (1 to 3 bytes left over, filled with 0xff). */
int wc_xpress_worst_groups(wc_stream *s, unsigned groups, size_t tail);
/* Xpress: 32 literals, a 3-byte match at distance 16 (the copy writing most past its
 * end), then k literals that end the output. */
void wc_xpress_short_match(wc_stream *s, size_t k);

/* LZNT1: a full chunk ending in its longest token, then a last chunk of t (1..) items:
 * variant 0 literals only, 1 literals then the longest token, 2 stored raw. *header
 * gets the input offset of the last chunk's header. */
void wc_lznt1_last_chunk(wc_stream *s, size_t t, int variant, size_t *header);

/* Xpress Huffman (with the test encoder): [a 65536-byte block ending in a long run], t
 * random bytes, a 300-byte run (a match with the 16-bit length form before the end
 * mark). Returns 0 when the encoder failed. */
int wc_xpress_huffman_long_escape(wc_stream *s, size_t t, int with_block);

#endif
