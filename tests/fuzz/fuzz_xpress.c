/*
 * fuzz_xpress.c - libFuzzer harness of the Xpress plain LZ77 decoder (ddp_xpress_decompress);
 * input layout and checks in decode_harness.h.
 */
#include "decode_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode(ddp_xpress_decompress, data, size);
}
