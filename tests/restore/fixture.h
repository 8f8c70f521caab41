/*
 * fixture.h - test corpora for the restore engine: files generated deterministically,
 * turned into an in-memory chunk store by the store builder, their reparse buffers
 * handed to a mem_target; and checks of the engine's calls against the protocol
 * (API.md §3-§4) on the mock store's log.
 */
#ifndef DDP_TEST_RESTORE_FIXTURE_H
#define DDP_TEST_RESTORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/store_builder.h"
#include "mem_target.h"
#include "mock_store.h"

typedef struct fixture {
    ddp_mem_store *mem;
    uint32_t n;
    uint8_t **data;
    size_t *size;
    uint8_t **reparse;           /* NULL when the builder gave none (empty file) */
    size_t *reparse_len;
    ddp_store_builder_stats stats;
} fixture;

/* Store options for tests: small chunks (4/8/16 KiB), the given layout. */
void fixture_options(ddp_store_options *opt, uint16_t layout);
/* Builds n files: sizes[i] bytes each; dup[i] >= 0 makes file i a copy of file dup[i]
 * (dup may be NULL). Returns 0 on success. */
int fixture_build(fixture *f, const ddp_store_options *opt, uint32_t n, const size_t *sizes, const int *dup);
void fixture_free(fixture *f);
/* A target of the fixture's n files with their reparse buffers. */
void fixture_target(const fixture *f, mem_target *t);
/* 1 when file i of t holds exactly the original bytes and was finished. */
int fixture_restored(const fixture *f, const mem_target *t, uint32_t i);

/* The stored path of the k-th container (0-based, path order) under sub ("Data"/"Stream"). */
const char *fixture_container(const fixture *f, const char *sub, uint32_t k);
uint32_t fixture_count_containers(const fixture *f, const char *sub);

/* Where chunk k of file i's first stream map lives: the Data container path and the
 * offset of its Ckhr. Returns 0 on success. */
int fixture_chunk_location(const fixture *f, const ddp_store_options *opt, uint32_t i, uint32_t k,
                           char *path, size_t cap, uint64_t *offset);
/* Runs ddp_restore over the mock store and target (names NULL), and the same scenario
 * with the other thread counts, failing the test unless every outcome is identical
 * (same_threads.h). */
int32_t fixture_restore(mock_store *m, mem_target *t, const ddp_restore_options *opt, ddp_file_result *results,
                        ddp_restore_stats *stats);

/* ---- protocol checks on the log; each returns 0 when fine, else writes why ---- */
/* Two order calls, Stream paths then Data paths; no Stream read (other than Cthr
 * probes) before order #1 or after order #2; no Data read before order #2. */
int check_order_calls(const mock_store *m, char *why, size_t cap);
/* Every read follows a preview of the same path whose list it continues exactly,
 * and reads inside one preview's list go in ascending offset order. */
int check_previews(const mock_store *m, char *why, size_t cap);
/* With a plan: every read group (the reads of one preview) of that order call's phase
 * starts inside one plan extent; groups go in plan order; groups outside every extent
 * come after the others. *outside gets how many groups lie outside. */
int check_plan_order(const mock_store *m, uint32_t order_no, uint32_t *outside, char *why, size_t cap);
/* How many times the range [offset, offset+1) of path was read. */
uint32_t count_reads_covering(const mock_store *m, const char *path, uint64_t offset);

#endif
