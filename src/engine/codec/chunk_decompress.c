/*
 * chunk_decompress.c - picks the decoder for a data record's compression field
 * (container.h DDP_COMPRESSION_*): stored raw, LZNT1, Xpress plain LZ77 or Xpress
 * Huffman. Raw chunks must be exactly as long as their logical size.
 */
#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"

ddp_status ddp_chunk_decompress(ddp_decoder *dec, uint32_t compression, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_len)
{
    switch (compression) {
    case DDP_COMPRESSION_NONE:
        if (in_len != out_len)
            return DDP_ERR_CORRUPT_DATA;
        if ((in == NULL || out == NULL) && in_len)
            return DDP_ERR_INVALID_ARG;
        if (in_len)
            memmove(out, in, in_len);
        return DDP_OK;
    case DDP_COMPRESSION_LZNT1:
        return ddp_lznt1_decompress(in, in_len, out, out_len);
    case DDP_COMPRESSION_XPRESS:
        return ddp_xpress_decompress(in, in_len, out, out_len);
    case DDP_COMPRESSION_XPRESS_HUFF:
        return ddp_xpress_huffman_decompress(dec, in, in_len, out, out_len);
    default:
        return DDP_ERR_UNSUPPORTED;
    }
}
