/*
 * codec_test_encoders.h - test-quality encoders for LZNT1 and Xpress Huffman, used
 * only to make inputs for the decoders in tests and the codec benchmark (the engine
 * itself only writes Xpress plain LZ77). Both return the compressed size, or 0 when
 * it would not fit in out_cap.
 */
#ifndef DDP_CODEC_TEST_ENCODERS_H
#define DDP_CODEC_TEST_ENCODERS_H

#include <stddef.h>
#include <stdint.h>

size_t test_lznt1_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap);
size_t test_xpress_huffman_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap);

#endif
