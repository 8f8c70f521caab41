/*
 * store_fixture.h - the test suites' chunk stores: files of deterministic content turned
 * into an in-memory chunk store (ddp_sink_mem) by the engine's store builder, with each
 * file's original bytes and the reparse buffer the builder gave it. The restore,
 * reliability, fuzz and DLL tests build every store they restore from through here; each
 * suite chooses the content (store_content_fn) its assertions were written for.
 */
#ifndef DDP_TEST_STORE_FIXTURE_H
#define DDP_TEST_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/reparse.h"
#include "ddp/store_builder.h"

/* Fills out (len bytes) with file `file`'s content for seed. */
typedef void (*store_content_fn)(uint32_t seed, uint32_t file, uint8_t *out, size_t len);

typedef struct store_fixture_file {
    uint8_t *data;               /* the original content */
    size_t size;
    uint8_t *reparse;            /* the builder's reparse buffer; NULL for an empty file (kept as it is) */
    size_t reparse_len;
} store_fixture_file;

typedef struct store_fixture {
    ddp_sink_mem *mem;
    uint32_t n;
    store_fixture_file *files;
    ddp_store_builder_stats stats;
} store_fixture;

/* Small chunks (4 / 8 / 16 KiB) so that small files span several chunks. */
void store_fixture_small_chunks(ddp_store_builder_options *opt);

/* Compressible text, random bytes and blocks shared between files, by 2 KiB block (so
 * chunks are deduplicated across files); files 5, 11, 17, ... random bytes only (their
 * chunks are stored raw). */
void store_content_mixed(uint32_t seed, uint32_t file, uint8_t *out, size_t len);

/* Builds a store of n files of the given sizes with content(seed, i); copy_of[i] >= 0
 * (copy_of may be NULL) makes file i a byte copy of that earlier file of the same size.
 * Files are fed to the builder in uneven pieces, as a reader of real files would.
 * Returns DDP_OK or the builder's failure (out is then freed). */
ddp_status store_fixture_build(store_fixture *out, const ddp_store_builder_options *opt, uint32_t n, const size_t *sizes,
                               const int *copy_of, store_content_fn content, uint32_t seed);
void store_fixture_free(store_fixture *f);

/* The k-th (0-based, in path order) container file whose path contains kind ("\\Data\\"
 * or "\\Stream\\"), or NULL past the last one. */
const char *store_fixture_container(const store_fixture *f, const char *kind, uint32_t k);
uint32_t store_fixture_count_containers(const store_fixture *f, const char *kind);

#endif
