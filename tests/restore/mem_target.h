/*
 * mem_target.h - an in-memory ddp_target for the restore engine's tests: each file has
 * a reparse buffer (or none) and receives its content in memory. Records begin, write,
 * finish and abandon, and flags protocol violations (a write before begin, out of
 * bounds, after finish or abandon; finish with bytes never written; abandon after
 * finish; a second finish or abandon).
 *
 * Commit mode (commit_mode = 1) offers commit(): finish() then only completes the content
 * and the reparse point goes in the next commit(), which can be made to fail as a whole
 * (fail_commit), to report one file as failed (fail_done_file, stub kept), to leave one
 * file unreported (silent_file) or to report one file twice (double_done_file).
 *
 * Every call (kind, file, offset, length, size, status) is folded into call_digest, in
 * order, so two runs can be compared call sequence for call sequence.
 */
#ifndef DDP_TEST_MEM_TARGET_H
#define DDP_TEST_MEM_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"

typedef struct mem_target_file {
    uint8_t *reparse;            /* NULL: no reparse point */
    size_t reparse_len;
    uint8_t *content;            /* after begin */
    uint8_t *written;            /* one flag per byte */
    uint64_t size;
    int begins, finishes, abandons;
    uint64_t bytes_written;
    int reparse_removed;         /* finish succeeded (commit mode: the commit did) */
    int awaiting_commit;         /* commit mode: finished, not yet committed */
    int commit_failed;           /* commit mode: the commit reported a failure */
} mem_target_file;

typedef struct mem_target {
    mem_target_file *files;
    uint32_t n;
    int violations;
    char last_violation[160];
    int fail_write_file;         /* -1: none; this file's writes fail */
    int commit_mode;             /* 1: offer commit() (see above) */
    uint32_t fail_commit;        /* 0: never; the fail_commit-th commit() returns DDP_ERR_IO, reporting nothing */
    int fail_done_file;          /* -1: none; commit reports DDP_ERR_IO for this file */
    int silent_file;             /* -1: none; commit never reports this file */
    int double_done_file;        /* -1: none; commit reports this file twice (S_OK, then a failure) */
    uint32_t commits;            /* commit() calls */
    uint32_t largest_batch;      /* most files one commit() saw waiting */
    uint64_t calls;              /* target calls so far */
    uint64_t call_digest;        /* FNV-1a over the calls in order */
} mem_target;

void mem_target_init(mem_target *t, uint32_t n);
void mem_target_free(mem_target *t);
/* Copies the reparse buffer of file i (NULL: the file has none). */
void mem_target_set_reparse(mem_target *t, uint32_t i, const uint8_t *buf, size_t len);
void mem_target_api(mem_target *t, ddp_target *out);
/* Files finished but never committed (commit mode; 0 when the engine committed them all). */
uint32_t mem_target_uncommitted(const mem_target *t);
/* Forgets the content and counters (keeps reparse buffers, restores removed ones). */
void mem_target_reset(mem_target *t);
/* dst becomes an independent copy of src (files, content, behaviour, counters). 0: done. */
int mem_target_clone(const mem_target *src, mem_target *dst);

#endif
