/*
 * worst_case_util.h - what the worst-case stream tests of every decoder share: a
 * growing stream with its expected output, and a decode that runs the decoder on
 * exact-size heap copies (AddressSanitizer sees a read of in[in_len] or a write of
 * out[out_len]) and again on buffers that end flush against a guard page (the same
 * faults in every build), checking that both agree.
 */
#ifndef DDP_WORST_CASE_UTIL_H
#define DDP_WORST_CASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "codec_test_util.h"

#define WC_CAP (256u * 1024u)

typedef struct wc_stream {
    uint8_t in[WC_CAP];
    size_t in_len;
    uint8_t out[WC_CAP];   /* the expected output */
    size_t out_len;
} wc_stream;

void wc_put8(wc_stream *s, uint8_t v);
void wc_put16(wc_stream *s, uint16_t v);
void wc_put32(wc_stream *s, uint32_t v);
/* Appends to the expected output: one byte, or a match of len bytes from dist back. */
void wc_out_byte(wc_stream *s, uint8_t v);
void wc_out_match(wc_stream *s, size_t dist, size_t len);

/* Decodes in[0..in_len) to out_len bytes both ways; returns the status. When it is
 * DDP_OK and expect is non-NULL, the output must equal expect. */
ddp_status wc_decode(codec_decoder fn, const uint8_t *in, size_t in_len, size_t out_len,
                     const uint8_t *expect);
/* The stream must decode to its expected output; out_len +/- 1 and every cut of the
 * stream in its last 64 bytes must not (nor fault). */
void wc_check_valid(codec_decoder fn, const wc_stream *s);

#endif
