/*
 * codec.h - chunk payload codecs of [MS-XCA]: Xpress plain LZ77, LZNT1 and
 * Xpress Huffman decoders, and the Xpress plain LZ77 encoder used by ddp-mkstore.
 *
 * Decoders produce exactly out_len bytes: output that ends early or would run past
 * out_len, and input that ends early or is malformed, give DDP_ERR_CORRUPT_DATA.
 * They never read in[in_len] or write out[out_len] and beyond.
 */
#ifndef DDP_CODEC_H
#define DDP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"

/* Decoder state: the work areas of the decoders (Xpress Huffman's 32 KiB of decoding
 * tables), made once and reused for every chunk, so that decoding allocates nothing.
 * One per thread: a decoder is not shared between concurrent calls. NULL when out of
 * memory. */
typedef struct ddp_decoder ddp_decoder;
ddp_decoder *ddp_decoder_new(void);
void ddp_decoder_free(ddp_decoder *dec);

ddp_status ddp_xpress_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
ddp_status ddp_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
/* dec: the calling thread's decoder (DDP_ERR_INVALID_ARG when NULL). */
ddp_status ddp_xpress_huffman_decompress(ddp_decoder *dec, const uint8_t *in, size_t in_len, uint8_t *out,
                                         size_t out_len);

/* Dispatch on a data record's compression field (container.h DDP_COMPRESSION_*), with
 * the calling thread's decoder. DDP_COMPRESSION_NONE requires in_len == out_len and
 * copies. Unknown: DDP_ERR_UNSUPPORTED. */
ddp_status ddp_chunk_decompress(ddp_decoder *dec, uint32_t compression, const uint8_t *in, size_t in_len,
                                uint8_t *out, size_t out_len);

/* Xpress plain LZ77 encoder with a hash-chain match finder. One encoder object per
 * thread; reusable. */
typedef struct ddp_xpress_encoder ddp_xpress_encoder;
ddp_xpress_encoder *ddp_xpress_encoder_new(void);
void ddp_xpress_encoder_free(ddp_xpress_encoder *enc);
/* Compresses in into out (out_cap bytes). Returns the compressed size, or 0 when the
 * result would not fit in out_cap (the caller then stores the chunk raw). */
size_t ddp_xpress_compress(ddp_xpress_encoder *enc, const uint8_t *in, size_t in_len,
                           uint8_t *out, size_t out_cap);

#endif
