/*
 * decoder_state.h - what a ddp_decoder (codec.h) holds: the work areas the decoders
 * would otherwise allocate per chunk. Only Xpress Huffman has any (its decoding tables,
 * rebuilt from every block's code lengths); Xpress plain LZ77 and LZNT1 decode with
 * locals only.
 */
#ifndef DDP_CODEC_DECODER_STATE_H
#define DDP_CODEC_DECODER_STATE_H

#include <stdint.h>

#include "ddp/codec.h"

#define XH_SYMBOLS 512u
#define XH_MAX_BITS 15u
#define XH_PRIMARY_BITS 12u
#define XH_SECONDARY_BITS (XH_MAX_BITS - XH_PRIMARY_BITS)

/* Xpress Huffman decoding tables of one block. Entry: bits 0-3 code length (0 = no such
 * code), bits 4-12 symbol; or XH_SUB_FLAG with the secondary table's index in bits 16-31. */
typedef struct xh_tables {
    uint32_t primary[1u << XH_PRIMARY_BITS];
    uint32_t secondary[XH_SYMBOLS << XH_SECONDARY_BITS];
} xh_tables;

struct ddp_decoder {
    xh_tables huffman;   /* 32 KiB; no content carries over from one block to the next */
};

#endif
