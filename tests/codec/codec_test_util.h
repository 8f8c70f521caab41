/*
 * codec_test_util.h - shared checks of the codec tests: decode into a buffer followed
 * by guard bytes (and a private copy of the input, so AddressSanitizer sees any read
 * past it), asserting that nothing is written beyond out_len.
 */
#ifndef DDP_CODEC_TEST_UTIL_H
#define DDP_CODEC_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/codec.h"
#include "ddp/status.h"

typedef ddp_status (*codec_decoder)(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

/* One decoder for the whole test program (as a worker thread keeps its own), so every
 * stream is also decoded with the state the previous one left behind. */
ddp_decoder *codec_test_decoder(void);
/* ddp_xpress_huffman_decompress with codec_test_decoder(), in the shape of the others. */
ddp_status codec_xpress_huffman(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

/* Decodes with fn; copies the output to out (if non-NULL). */
ddp_status codec_decode_guarded(codec_decoder fn, const uint8_t *in, size_t in_len, uint8_t *out,
                                size_t out_len);
/* Every proper prefix of a valid stream, and the stream with out_len one less and one
 * more, must give DDP_ERR_CORRUPT_DATA; allowed_prefix (or (size_t)-1) names one
 * prefix length that is a complete stream too. */
void codec_check_truncations(codec_decoder fn, const uint8_t *in, size_t in_len, size_t out_len,
                             size_t allowed_prefix);
/* Random garbage and randomly corrupted copies of a valid stream: decoding must end in
 * DDP_OK or DDP_ERR_CORRUPT_DATA without touching memory it must not. Returns how many
 * of the corrupted copies were rejected. */
unsigned codec_fuzz(codec_decoder fn, const uint8_t *valid, size_t valid_len, size_t out_len,
                    unsigned iterations, uint64_t seed);

#endif
