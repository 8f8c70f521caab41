/*
 * fuzz_xpress_huffman.c - libFuzzer harness of the Xpress Huffman decoder (ddp_xpress_huffman_decompress);
 * input layout and checks in decode_harness.h.
 */
#include "decode_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode(ddp_xpress_huffman_decompress, data, size);
}
