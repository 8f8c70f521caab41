/*
 * fuzz_xpress_huffman.c - libFuzzer harness of the Xpress Huffman decoder (ddp_xpress_huffman_decompress);
 * input layout and checks in decode_harness.h.
 */
#include "decode_harness.h"

/* One decoder for the whole run, reused like a restore worker's: state left behind by
 * one input must not change what the next decodes to. */
static ddp_status xpress_huffman(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    static ddp_decoder *dec;
    if (!dec)
        dec = ddp_decoder_new();
    FUZZ_CHECK(dec != NULL);
    return ddp_xpress_huffman_decompress(dec, in, in_len, out, out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode(xpress_huffman, data, size);
}
