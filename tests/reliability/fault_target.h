/*
 * fault_target.h - an in-memory ddp_target with fault injection and protocol checks,
 * for the reliability tests and the restore fuzzer.
 *
 * Each file has a reparse buffer (or none), the content it should get, and the content
 * it receives. The k-th begin / write / finish can be made to fail. Protocol violations
 * are counted with the first one's description: a write before begin, outside the size
 * given to begin, or after finish/abandon; begin twice; finish or abandon twice; abandon
 * after finish; finish without begin. A failed finish leaves the stub as it was (the
 * contract calls abandon never after finish, so none is expected then).
 */
#ifndef DDP_FAULT_TARGET_H
#define DDP_FAULT_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"

typedef struct fault_target_file {
    const uint8_t *reparse;       /* not owned; NULL: no reparse point */
    size_t reparse_len;
    const uint8_t *expect;        /* the original content (not owned) */
    size_t expect_len;
    uint8_t *content;             /* allocated by begin */
    uint64_t size;
    int begun, finished, abandoned;
    int finish_failed;            /* finish was called and failed: no abandon follows */
    uint32_t writes;
} fault_target_file;

typedef struct fault_target {
    fault_target_file *files;
    uint32_t n;
    uint32_t fail_begin_at, fail_write_at, fail_finish_at;   /* 1-based; 0: never */
    ddp_status fail_status;                                  /* default DDP_ERR_IO */
    uint32_t begins, writes, finishes, abandons, reparse_reads;
    int64_t injected_file;                                   /* file of the injected failure; -1: none */
    int violations;
    char violation[200];
    uint64_t calls, call_digest;                             /* every call, FNV-1a over them in order */
} fault_target;

int fault_target_init(fault_target *t, uint32_t n);
void fault_target_free(fault_target *t);
/* dst: an independent copy of src (files, received content, behaviour, counters). 0, or -1. */
int fault_target_clone(const fault_target *src, fault_target *dst);
void fault_target_set_file(fault_target *t, uint32_t i, const uint8_t *reparse, size_t reparse_len,
                           const uint8_t *expect, size_t expect_len);
void fault_target_api(fault_target *t, ddp_target *out);
/* Back to the state before a restore (content freed, counters zero); keeps the files. */
void fault_target_reset(fault_target *t);

/*
 * Checks the outcome of a restore against the promise "nothing lost": every file whose
 * result is S_OK was finished exactly once, never abandoned, and holds exactly its
 * original bytes; every other file was not finished, and was abandoned exactly once if
 * it was begun; failed results carry a failure HRESULT and a message; the overall code
 * agrees with the per-file results (API.md §3); no protocol violation happened.
 * Returns 0, or -1 with the first problem in why.
 */
int fault_target_check(const fault_target *t, const ddp_file_result *results, int32_t overall, char *why,
                       size_t cap);

#endif
