/*
 * store_reader.h - a small, independent reader of chunk stores held in a ddp_sink_mem,
 * for tests: it follows a reparse point to its stream map and every chunk, through the
 * offset hints or the Rrtl, decompresses, checks every hash, and returns the content.
 * It shares only the format parsers and decoders with the restore engine, so the store
 * builder's tests and the restore engine's tests can check each other.
 */
#ifndef DDP_TEST_STORE_READER_H
#define DDP_TEST_STORE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/status.h"
#include "ddp/store_builder.h"

typedef struct ddp_test_read_info {
    uint32_t chunks;              /* chunk references followed */
    uint32_t compressed;          /* of which stored compressed */
    uint32_t hint_hits;           /* records (stream map included) found at their hint */
    uint32_t rrtl_hits;           /* records found through the Rrtl */
    uint32_t stream_generation;   /* generation of the stream container used (lowest present) */
    ddp_hash_alg chunk_alg;       /* algorithm the chunk hashes match */
    ddp_hash_alg smap_alg;        /* algorithm the stream-map hash matches (over the payload) */
    char error[192];              /* what failed, where */
} ddp_test_read_info;

/* Reads the file whose reparse buffer is given. On success *content (malloc'd, free())
 * holds *len bytes. Every failure names its reason in info->error. */
ddp_status ddp_test_store_read_file(const ddp_sink_mem *m, const uint8_t *reparse, size_t reparse_len,
                                    uint8_t **content, size_t *len, ddp_test_read_info *info);

/* The "\...\{GUID}.ddp" folder of a store GUID (out: at least 100 bytes). */
void ddp_test_store_dir(const uint8_t guid[16], char *out, size_t cap);

#endif
