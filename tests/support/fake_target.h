/*
 * fake_target.h - the test suites' ddp_target: files in memory, each with a reparse
 * buffer (or none), the content it should get and the content it receives. It checks
 * the engine's side of the contract (API.md §3-§4) and counts every violation, keeping
 * the first one's description: begin twice or after finish/abandon; a write before
 * begin, after finish/abandon, outside the size begin gave, or over a byte already
 * written; finish without begin, twice, after abandon or with bytes never written;
 * abandon after finish (also a failed one) or twice; a file number past the last one.
 *
 * Faults on request: the k-th begin / write / finish fails (fail_*_at), or every write
 * to one file (fail_write_file). Commit mode (commit_mode = 1) offers commit(): finish()
 * then only completes the content and the reparse point goes in the next commit(),
 * which can fail as a whole (fail_commit), report one file as failed (fail_done_file,
 * stub kept), leave one file unreported (silent_file) or report one twice
 * (double_done_file). Every call (kind, file, two numbers) is folded into call_digest, in
 * order, so two runs can be compared call for call.
 */
#ifndef DDP_TEST_FAKE_TARGET_H
#define DDP_TEST_FAKE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"

#define FAKE_UNSET_HR ((int32_t)0x7EEEEEEE)   /* a result the engine has not written */

typedef struct fake_target_file {
    uint8_t *reparse;             /* owned; NULL: no reparse point */
    size_t reparse_len;
    const uint8_t *expect;        /* the original content (not owned), for fake_target_check */
    size_t expect_len;
    uint8_t *content;             /* allocated by begin, freed by abandon */
    uint8_t *written;             /* one flag per byte of content */
    uint64_t size;
    int begins, finishes, abandons;   /* begins and finishes that succeeded; abandon calls */
    int finish_failed;            /* finish was called and failed: no abandon may follow */
    uint32_t writes;              /* writes that succeeded */
    uint64_t bytes_written;
    int reparse_removed;          /* finish succeeded (commit mode: the commit did) */
    int awaiting_commit;          /* commit mode: finished, not yet committed */
    int commit_failed;            /* commit mode: the commit reported a failure */
} fake_target_file;

typedef struct fake_target {
    fake_target_file *files;
    uint32_t n;
    /* behaviour */
    uint32_t fail_begin_at, fail_write_at, fail_finish_at;   /* 1-based; 0: never */
    ddp_status fail_status;       /* what they fail with (default DDP_ERR_IO) */
    int fail_write_file;          /* -1: none; this file's writes fail with DDP_ERR_IO */
    int commit_mode;              /* 1: offer commit() (see above) */
    uint32_t fail_commit;         /* 0: never; the fail_commit-th commit() returns DDP_ERR_IO, reporting nothing */
    int fail_done_file;           /* -1: none; commit reports DDP_ERR_IO for this file */
    int silent_file;              /* -1: none; commit never reports this file */
    int double_done_file;         /* -1: none; commit reports this file twice (S_OK, then a failure) */
    /* record */
    uint32_t begins, writes, finishes, abandons, reparse_reads;
    int64_t injected_file;        /* file of the injected failure; -1: none */
    uint32_t commits;             /* commit() calls */
    uint32_t largest_batch;       /* most files one commit() saw waiting */
    int violations;
    char violation[200];          /* the first one */
    uint64_t calls, call_digest;  /* every call; FNV-1a over them in order */
} fake_target;

/* n files, none with a reparse point yet. 0, or -1 when out of memory. */
int fake_target_init(fake_target *t, uint32_t n);
void fake_target_free(fake_target *t);
/* Copies the reparse buffer of file i (NULL: the file has none). */
void fake_target_set_reparse(fake_target *t, uint32_t i, const uint8_t *buf, size_t len);
/* The content file i should receive (borrowed), for fake_target_check. */
void fake_target_set_expect(fake_target *t, uint32_t i, const uint8_t *expect, size_t len);
void fake_target_api(fake_target *t, ddp_target *out);
/* Files finished but never committed (commit mode; 0 when the engine committed them all). */
uint32_t fake_target_uncommitted(const fake_target *t);
/* Back to the state before a restore: content and counters gone, removed reparse
 * buffers back; keeps the files and the behaviour. */
void fake_target_reset(fake_target *t);
/* dst: an independent copy of src (files, content, behaviour, counters). 0, or -1. */
int fake_target_clone(const fake_target *src, fake_target *dst);

/*
 * Checks the outcome of a restore against the promise "nothing lost": every file whose
 * result is S_OK was finished exactly once, never abandoned, and holds exactly its
 * expected bytes; every other file was not finished, and was abandoned exactly once if
 * it was begun; failed results carry a failure HRESULT and a message; the overall code
 * agrees with the per-file results (API.md §3); no protocol violation happened. The
 * results were filled with FAKE_UNSET_HR before the run. Returns 0, or -1 with the first
 * problem in why.
 */
int fake_target_check(const fake_target *t, const ddp_file_result *results, int32_t overall, char *why,
                      size_t cap);

#endif
