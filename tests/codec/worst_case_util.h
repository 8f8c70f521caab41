/*
 * worst_case_util.h - what the worst-case stream tests of every decoder share: a decode
 * that runs the decoder on exact-size heap copies (AddressSanitizer sees a read of
 * in[in_len] or a write of out[out_len]) and again on buffers that end flush against a
 * guard page (the same faults in every build), checking that both agree.
 */
#ifndef DDP_WORST_CASE_UTIL_H
#define DDP_WORST_CASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "codec_test_util.h"
#include "worst_case_streams.h"

/* Decodes in[0..in_len) to out_len bytes both ways; returns the status. When it is
 * DDP_OK and expect is non-NULL, the output must equal expect. */
ddp_status wc_decode(codec_decoder fn, const uint8_t *in, size_t in_len, size_t out_len,
                     const uint8_t *expect);
/* The stream must decode to its expected output and fail with out_len +/- 1; every cut
 * of it in its last 64 bytes must fail or give the same output. */
void wc_check_valid(codec_decoder fn, const wc_stream *s);

#endif
