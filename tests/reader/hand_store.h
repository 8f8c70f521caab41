/*
 * hand_store.h - a chunk store written record by record for the reader tests, so that
 * its chunks can use every codec (the store builder writes only raw and Xpress): one
 * file cut into fixed-size chunks, chunk k stored with codecs[k % n_codecs] (raw,
 * Xpress, LZNT1 or Xpress Huffman, from the engine's encoder and the test encoders),
 * in one Data container and one Stream container, with a reparse point of the given
 * layout. Chunk hashes are SHA-256.
 */
#ifndef DDP_TEST_HAND_STORE_H
#define DDP_TEST_HAND_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/store_builder.h"

typedef struct hand_store {
    ddp_sink_mem *mem;
    uint8_t reparse[512];
    size_t reparse_len;
    uint32_t n_chunks;
} hand_store;

/* Returns 0 on success. */
int hand_store_build(hand_store *h, uint16_t layout, const uint8_t *data, size_t len, uint32_t chunk,
                     const uint32_t *codecs, uint32_t n_codecs);
void hand_store_free(hand_store *h);

#endif
