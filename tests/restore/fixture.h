/*
 * fixture.h - the restore engine's test corpus: files generated deterministically,
 * turned into an in-memory chunk store (store_fixture.h), their reparse buffers handed to
 * a fake_target; and checks of the engine's calls against the protocol (API.md §3-§4) on
 * the fake backup's log.
 */
#ifndef DDP_TEST_RESTORE_FIXTURE_H
#define DDP_TEST_RESTORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/store_builder.h"
#include "fake_backup.h"
#include "fake_target.h"
#include "store_fixture.h"

typedef store_fixture fixture;

/* Store options for tests: small chunks (4/8/16 KiB), the given layout. */
void fixture_options(ddp_store_builder_options *opt, uint16_t layout);
/* Builds n files of the restore corpus (half random bytes, half repetitive text, so both
 * raw and Xpress chunks appear): sizes[i] bytes each; dup[i] >= 0 makes file i a copy of
 * file dup[i] (dup may be NULL). Returns 0 on success. */
int fixture_build(fixture *f, const ddp_store_builder_options *opt, uint32_t n, const size_t *sizes, const int *dup);
void fixture_free(fixture *f);
/* b: a fake backup of the fixture's store that keeps its log (protocol checks). */
void fixture_backup(fake_backup *b, const ddp_sink_mem *mem);
/* A target of the fixture's n files with their reparse buffers. */
void fixture_target(const fixture *f, fake_target *t);
/* 1 when file i of t holds exactly the original bytes and was finished. */
int fixture_restored(const fixture *f, const fake_target *t, uint32_t i);

/* The stored path of the k-th container (0-based, path order) under sub ("Data"/"Stream"). */
const char *fixture_container(const fixture *f, const char *sub, uint32_t k);
uint32_t fixture_count_containers(const fixture *f, const char *sub);

/* "\...\{GUID}.ddp\<name>": the path of a file of the fixture's chunk store (out, cap
 * bytes). Returns 0, or -1 when the store has no stream container. */
int fixture_store_file(const fixture *f, const char *name, char *out, size_t cap);
/* Puts a stream container from another store's past into mem: generation 1 of
 * "00010000" (the first stream container of a 2-file layout 0x0201 store), whose Cthr
 * agrees with a store made with another stream generation but whose stream maps are not
 * that store's. *path (may be NULL) gets its path in mem. Returns 0, or -1. */
int fixture_put_old_generation(ddp_sink_mem *mem, const char **path);

/* Where chunk k of file i's first stream map lives: the Data container path and the
 * offset of its Ckhr. Returns 0 on success. */
int fixture_chunk_location(const fixture *f, const ddp_store_builder_options *opt, uint32_t i, uint32_t k,
                           char *path, size_t cap, uint64_t *offset);
/* Runs ddp_restore over the fake backup and target (names NULL), and the same scenario
 * with the other thread counts, failing the test unless every outcome is identical
 * (twins.h). */
int32_t fixture_restore(fake_backup *m, fake_target *t, const ddp_restore_options *opt, ddp_file_result *results,
                        ddp_restore_stats *stats);

/* ---- protocol checks on the log; each returns 0 when fine, else writes why ---- */
/* Two order calls, Stream paths then Data paths; no Stream read (other than Cthr
 * probes) before order #1 or after order #2; no Data read before order #2. */
int check_order_calls(const fake_backup *m, char *why, size_t cap);
/* Every read follows a preview of the same path whose list it continues exactly,
 * and reads inside one preview's list go in ascending offset order. */
int check_previews(const fake_backup *m, char *why, size_t cap);
/* With a plan: every read group (the reads of one preview) of that order call's phase
 * starts inside one plan extent; groups go in plan order; groups outside every extent
 * come after the others. *outside gets how many groups lie outside. */
int check_plan_order(const fake_backup *m, uint32_t order_no, uint32_t *outside, char *why, size_t cap);
/* How many times the range [offset, offset+1) of path was read. */
uint32_t count_reads_covering(const fake_backup *m, const char *path, uint64_t offset);

#endif
