/*
 * decode_harness.h - the body shared by the decoder harnesses: the first 4 bytes of the
 * input (little-endian, modulo DDP_MAX_CHUNK_SIZE + 1) give out_len, the rest is the
 * compressed stream. Input and output are exact-size allocations, so AddressSanitizer
 * reports any read of in[in_len] or write of out[out_len]. A decoder must either
 * succeed or say DDP_ERR_CORRUPT_DATA (codec.h); decoding twice gives the same bytes.
 */
#ifndef DDP_FUZZ_DECODE_HARNESS_H
#define DDP_FUZZ_DECODE_HARNESS_H

#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "fuzz_check.h"

typedef ddp_status (*fuzz_decoder)(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

static inline int fuzz_decode(fuzz_decoder decode, const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    size_t out_len = ddp_le32(data) % (DDP_MAX_CHUNK_SIZE + 1u);
    size_t in_len = size - 4;
    uint8_t *in = fuzz_exact_copy(data + 4, in_len);
    uint8_t *out = malloc(out_len ? out_len : 1);
    uint8_t *again = malloc(out_len ? out_len : 1);
    FUZZ_CHECK(out && again);
    ddp_status st = decode(in, in_len, out, out_len);
    FUZZ_CHECK(st == DDP_OK || st == DDP_ERR_CORRUPT_DATA);
    if (st == DDP_OK) {
        FUZZ_CHECK(decode(in, in_len, again, out_len) == DDP_OK);
        FUZZ_CHECK(memcmp(out, again, out_len) == 0);
    }
    free(again);
    free(out);
    free(in);
    return 0;
}

#endif
