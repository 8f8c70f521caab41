/*
 * builder_fixture.h - helpers of the store builder tests: deterministic file contents,
 * a build of a set of files into a ddp_sink_mem, and a check that every file reads
 * back byte-exact through the test store reader.
 */
#ifndef DDP_TEST_BUILDER_FIXTURE_H
#define DDP_TEST_BUILDER_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/reparse.h"
#include "ddp/store_builder.h"
#include "store_reader.h"

#define FIX_MAX_FILES 64

typedef struct fix_file {
    uint8_t *data;
    size_t len;
} fix_file;

typedef struct fix_build {
    ddp_sink_mem *store;
    ddp_store_builder_stats stats;
    uint8_t reparse[FIX_MAX_FILES][512];   /* our layouts need at most 8 + 0x184 */
    size_t reparse_len[FIX_MAX_FILES];
    ddp_status end_status[FIX_MAX_FILES];
} fix_build;

/* Contents: pseudo-random (incompressible) and text-like (compressible). */
void fix_random(fix_file *f, size_t len, uint64_t seed);
void fix_text(fix_file *f, size_t len, uint64_t seed);
void fix_copy(fix_file *f, const fix_file *from);
void fix_free(fix_file *f);

/* Builds the files (fed in uneven pieces) into a new mem store; b must be zeroed or freed
 * before. Asserts that every step succeeds (a file of size 0 ends with NOT_REPARSE). */
void fix_build_store(fix_build *b, const ddp_store_builder_options *opt, const fix_file *files, size_t n);
void fix_build_free(fix_build *b);
/* Reads every non-empty file back and compares; sums the read infos into total. */
void fix_read_back(const fix_build *b, const fix_file *files, size_t n, ddp_test_read_info *total);

#endif
