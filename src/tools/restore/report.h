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
    uint64_t bytes;           /* logical bytes of the restored files */
    double seconds;
    const char *mode;         /* "in-place", "out", "verify" */
} restore_totals;

/* One line per failed file on out (text mode). */
void report_failures_text(FILE *out, const file_list *list, const ddp_file_result *results);
void report_summary_text(FILE *out, const restore_totals *t, const ddp_restore_stats *st);
void report_json(FILE *out, const file_list *list, const ddp_file_result *results, const restore_totals *t,
                 const ddp_restore_stats *st);

#endif
