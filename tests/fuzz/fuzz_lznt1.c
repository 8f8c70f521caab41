/*
 * fuzz_lznt1.c - libFuzzer harness of the LZNT1 decoder (ddp_lznt1_decompress);
 * input layout and checks in decode_harness.h.
 */
#include "decode_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode(ddp_lznt1_decompress, data, size);
}
