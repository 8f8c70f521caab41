/*
 * report.c - per-file results, the summary and the JSON report of ddp-restore (report.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static const struct {
    int32_t hr;
    const char *name;
} hr_names[] = {
    {DDP_S_OK, "S_OK"},
    {DDP_S_FALSE, "S_FALSE"},
    {DDP_HR_NOT_FOUND, "DDP_E_NOT_FOUND"},
    {DDP_HR_PATH_NOT_FOUND, "DDP_E_PATH_NOT_FOUND"},
    {(int32_t)0x8056530Bu, "DDP_E_VOLUME_UNSUPPORTED"},
    {DDP_HR_UNEXPECTED, "DDP_E_UNEXPECTED"},
    {(int32_t)0x8056530Eu, "DDP_E_FILE_SYSTEM_CORRUPT"},
    {DDP_HR_INVALID_DATA, "DDP_E_INVALID_DATA"},
    {(int32_t)0x80565323u, "DDP_E_VOLUME_DEDUP_DISABLED"},
    {DDP_HR_FILE_CORRUPT, "DDP_E_FILE_CORRUPT"},
    {DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS, "DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS"},
    {DDP_HR_E_INVALIDARG, "E_INVALIDARG"},
    {DDP_HR_E_OUTOFMEMORY, "E_OUTOFMEMORY"},
    {DDP_HR_E_FAIL, "E_FAIL"},
    {DDP_HR_E_ACCESSDENIED, "E_ACCESSDENIED"},
    {DDP_HR_DIRECTORY_NOT_SUPPORTED, "ERROR_DIRECTORY_NOT_SUPPORTED"},
    {DDP_HR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED"},
};

const char *hr_name(int32_t hr)
{
    for (size_t i = 0; i < sizeof hr_names / sizeof hr_names[0]; i++)
        if (hr_names[i].hr == hr)
            return hr_names[i].name;
    return "HRESULT";
}

void report_failures_text(FILE *out, const file_list *list, size_t first, size_t n, const ddp_file_result *results)
{
    for (size_t i = 0; i < n; i++) {
        if (results[i].hr == DDP_S_OK && results[i].status == DDP_WARN_UNVERIFIED)
            fprintf(out, "UNVERIFIED %s: %s\n", list->items[first + i].path, results[i].message);
        if (results[i].hr >= 0)
            continue;
        fprintf(out, "FAILED %s: %s (0x%08" PRIx32 ")%s%s\n", list->items[first + i].path, hr_name(results[i].hr),
                (uint32_t)results[i].hr, results[i].message[0] ? ": " : "", results[i].message);
    }
}

int report_has_failures(const ddp_file_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (results[i].hr < 0)
            return 1;
    return 0;
}

void report_count(const file_list *list, size_t first, size_t n, const ddp_file_result *results, restore_totals *t)
{
    for (size_t i = 0; i < n; i++) {
        if (results[i].hr == DDP_S_OK) {
            t->restored++;
            t->bytes += list->items[first + i].logical_size;
        } else if (results[i].hr >= 0) {
            t->not_dedup++;
        } else {
            t->failed++;
        }
    }
}

void report_summary_text(FILE *out, const restore_totals *t, const ddp_restore_stats *st)
{
    double mb = (double)t->bytes / 1e6;
    fprintf(out, "%s: %zu restored (%.1f MB), %zu failed, %zu not deduplicated, %zu other files skipped",
            t->mode, t->restored, mb, t->failed, t->not_dedup, t->skipped);
    if (t->missing)
        fprintf(out, ", %zu paths missing", t->missing);
    fprintf(out, " in %.2f s (%.1f MB/s)\n", t->seconds, t->seconds > 0 ? mb / t->seconds : 0.0);
    fprintf(out, "store: %" PRIu64 " reads (%" PRIu64 " bytes), %" PRIu64 " previews, %" PRIu64
            " plans; %" PRIu64 " chunks for %" PRIu64 " references\n",
            st->read_calls, st->bytes_read, st->preview_calls, st->order_calls, st->chunks_read, st->chunk_refs);
}

/* A JSON string: quotes, backslashes and control characters escaped, other bytes as-is. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void report_json_begin(FILE *out, const char *mode)
{
    fprintf(out, "{\n  \"mode\": \"%s\",\n  \"files\": [", mode);
}

void report_json_batch(FILE *out, const file_list *list, size_t first, size_t n, const ddp_file_result *results)
{
    for (size_t i = 0; i < n; i++) {
        const restore_item *it = &list->items[first + i];
        fprintf(out, "%s\n    {\"path\": ", first + i ? "," : "");
        json_string(out, it->path);
        if (it->out_path) {
            fprintf(out, ", \"out\": ");
            json_string(out, it->out_path);
        }
        fprintf(out, ", \"result\": \"%s\", \"hr\": \"0x%08" PRIx32 "\", \"status\": ",
                hr_name(results[i].hr), (uint32_t)results[i].hr);
        json_string(out, ddp_status_str(results[i].status));
        fprintf(out, ", \"verified\": %s, \"size\": %" PRIu64 ", \"message\": ",
                results[i].status == DDP_WARN_UNVERIFIED ? "false" : "true", it->logical_size);
        json_string(out, results[i].message);
        fputc('}', out);
    }
}

void report_json_end(FILE *out, const restore_totals *t, const ddp_restore_stats *st, size_t files)
{
    fprintf(out, "\n  ],\n  \"totals\": {\"files\": %zu, \"restored\": %zu, \"failed\": %zu, \"not_dedup\": %zu, "
            "\"skipped\": %zu, \"missing\": %zu, \"bytes\": %" PRIu64 ", \"seconds\": %.3f},\n",
            files, t->restored, t->failed, t->not_dedup, t->skipped, t->missing, t->bytes, t->seconds);
    fprintf(out, "  \"stats\": {\"read_calls\": %" PRIu64 ", \"preview_calls\": %" PRIu64 ", \"order_calls\": %" PRIu64
            ", \"bytes_read\": %" PRIu64 ", \"bytes_written\": %" PRIu64 ", \"chunks_read\": %" PRIu64
            ", \"chunk_refs\": %" PRIu64 ", \"backward_seeks\": %" PRIu64 ", \"coalesced_runs\": %" PRIu64
            ", \"commit_calls\": %" PRIu64 ", \"unverified_chunks\": %" PRIu64 "},\n",
            st->read_calls, st->preview_calls, st->order_calls, st->bytes_read, st->bytes_written, st->chunks_read,
            st->chunk_refs, st->backward_seeks, st->coalesced_runs, st->commit_calls, st->unverified_chunks);
    /* How each stream container's generation was found (FORMAT.md §2.1). */
    fprintf(out, "  \"generation_sources\": {\"file_list\": %" PRIu64 ", \"directory\": %" PRIu64
            ", \"probed\": %" PRIu64 ", \"list_disagreed\": %" PRIu64 ", \"file_lists_damaged\": %" PRIu64 "}\n}\n",
            st->generations_from_list, st->generations_from_directory, st->generations_probed, st->list_disagreed,
            st->file_lists_damaged);
}
