/*
 * report.h - what ddp-restore tells its user: per-file results by the DLL's names
 * (S_OK, S_FALSE, DDP_E_*), a summary line, or a JSON report for scripts.
 */
#ifndef DDP_RESTORE_REPORT_H
#define DDP_RESTORE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "ddp/restore.h"
#include "file_list.h"

/* "S_OK", "DDP_E_FILE_CORRUPT", ...; "HRESULT" for a code without a name. */
const char *hr_name(int32_t hr);

typedef struct restore_totals {
    size_t restored, not_dedup, failed, skipped, missing;
    size_t unverified;        /* files with status DDP_WARN_UNVERIFIED, restored or not */
    size_t copied, copy_failed;   /* --out: ordinary files copied, and those that failed */
    uint64_t bytes;           /* logical bytes of the restored files */
    double seconds;
    const char *mode;         /* "in-place", "out", "verify" */
} restore_totals;

/* Reports are streamed batch by batch, so memory does not grow with the number of files:
 * begin once, a batch of results (items [first, first + n) of list) at a time, end once. */
void report_json_begin(FILE *out, const char *mode);
void report_json_batch(FILE *out, const file_list *list, size_t first, size_t n, const ddp_file_result *results);
void report_json_end(FILE *out, const restore_totals *t, const ddp_restore_stats *st, size_t files);
/* One line per failed file of the batch (text, on stderr in ddp-restore): the path
 * once, the result's name and code, the reason. */
void report_failures_text(FILE *out, const file_list *list, size_t first, size_t n, const ddp_file_result *results);
/* The paths the walk could not reach (file_list.unreached), as failures: FAILED lines,
 * and JSON entries after every batch's. */
void report_unreached_text(FILE *out, const file_list *list);
void report_json_unreached(FILE *out, const file_list *list);
/* 1 when one of the n results is a failure. */
int report_has_failures(const ddp_file_result *results, size_t n);
/* Adds a batch's results to the totals. */
void report_count(const file_list *list, size_t first, size_t n, const ddp_file_result *results, restore_totals *t);
void report_summary_text(FILE *out, const restore_totals *t, const ddp_restore_stats *st);

#endif
