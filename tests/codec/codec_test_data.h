/*
 * codec_test_data.h - deterministic sample data for the codec tests and benchmark:
 * zeros, random bytes, English-like text, byte runs and structured binary records,
 * all from a fixed-seed generator so every run sees the same bytes.
 */
#ifndef DDP_CODEC_TEST_DATA_H
#define DDP_CODEC_TEST_DATA_H

#include <stddef.h>
#include <stdint.h>

typedef enum codec_data_kind {
    CODEC_DATA_ZEROS,
    CODEC_DATA_RANDOM,
    CODEC_DATA_TEXT,
    CODEC_DATA_RUNS,
    CODEC_DATA_BINARY,
    CODEC_DATA_KINDS
} codec_data_kind;

const char *codec_data_name(codec_data_kind kind);
/* Fills buf with len bytes of the given kind; seed varies the content. */
void codec_data_fill(codec_data_kind kind, uint64_t seed, uint8_t *buf, size_t len);
/* A 64-bit xorshift step (state must be non-zero). */
uint64_t codec_rand(uint64_t *state);

#endif
