/*
 * sample_store.h - a small chunk store built in memory with the store builder, for the
 * reliability tests and the fuzzers: deterministic file contents (compressible text,
 * random bytes and blocks shared between files, so chunks are deduplicated across
 * files; files 5, 11, ... wholly random, stored raw), their reparse buffers, and the container files in a ddp_mem_store.
 */
#ifndef DDP_SAMPLE_STORE_H
#define DDP_SAMPLE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/reparse.h"
#include "ddp/store_builder.h"

typedef struct sample_file {
    uint8_t *data;                        /* the original content */
    size_t size;
    uint8_t reparse[DDP_REPARSE_MAX_BUFFER];
    size_t reparse_len;                   /* 0 for an empty file (kept as it is) */
} sample_file;

typedef struct sample_store {
    ddp_mem_store *mem;
    uint32_t n_files;
    sample_file *files;
    ddp_store_builder_stats stats;
} sample_store;

/* Small chunks (4 / 8 / 16 KiB) so that small files span several chunks. */
void sample_store_small_chunks(ddp_store_options *opt);

/* Fills out with file `file`'s deterministic content for seed. */
void sample_content(uint32_t seed, uint32_t file, uint8_t *out, size_t len);

/* Builds a store of n_files files of the given sizes; copy_of[i] >= 0 (copy_of may be
 * NULL) makes file i a byte copy of that earlier file. Fails with the builder's status. */
ddp_status sample_store_build(const ddp_store_options *opt, uint32_t n_files, const size_t *sizes,
                              const int *copy_of, uint32_t seed, sample_store *out);
void sample_store_free(sample_store *s);

/* Path of the i-th container file of the store whose path contains kind ("\\Data\\" or
 * "\\Stream\\"), or NULL past the last one. */
const char *sample_store_container(const sample_store *s, const char *kind, size_t i);

#endif
