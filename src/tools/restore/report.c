/*
 * report.c - per-file results, the summary and the JSON report of ddp-restore (report.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tool_cli.h"

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

/* Words for the Win32 errors (as HRESULTs) the store's reads report. */
static const char *win32_words(unsigned long hr)
{
    switch (hr) {
    case 0x80070002ul: return "file not found";
    case 0x80070003ul: return "path not found";
    case 0x80070005ul: return "access denied";
    case 0x8007000Eul: return "out of memory";
    case 0x8007001Eul: return "read fault";
    case 0x80070026ul: return "end of file";
    default: return NULL;
    }
}

/* The engine's message for a file, as one line for this user: container names with '/'
 * (the store's names are Windows paths), "(error 0x80070002)" with its words, and
 * without the file's own path, which the line already starts with (the engine ends some
 * messages with " (PATH)"). */
static void print_reason(FILE *out, const char *message, const char *path)
{
    size_t len = strlen(message), lp = strlen(path);
    if (len >= lp + 3 && message[len - 1] == ')' && !strncmp(message + len - lp - 1, path, lp) &&
        !strncmp(message + len - lp - 3, " (", 2))
        len -= lp + 3;
    for (size_t i = 0; i < len; i++) {
        const char *words = NULL;
        fputc(message[i] == '\\' ? '/' : message[i], out);
        if (i + 17 < len && !strncmp(message + i, "(error 0x", 9) && message[i + 18 - 1] == ')')
            words = win32_words(strtoul(message + i + 7, NULL, 16));
        if (words) {                 /* "(error 0x80070002: file not found)" */
            fwrite(message + i + 1, 1, 16, out);
            fprintf(out, ": %s", words);
            i += 16;
        }
    }
}

void report_failures_text(FILE *out, const file_list *list, size_t first, size_t n, const ddp_file_result *results)
{
    for (size_t i = 0; i < n; i++) {
        const char *path = list->items[first + i].path;
        if (results[i].hr == DDP_S_OK && results[i].status == DDP_WARN_UNVERIFIED) {
            fprintf(out, "UNVERIFIED %s: ", path);
            print_reason(out, results[i].message, path);
            fputc('\n', out);
        }
        if (results[i].hr >= 0)
            continue;
        fprintf(out, "FAILED %s: %s (0x%08" PRIx32 ")%s", path, hr_name(results[i].hr), (uint32_t)results[i].hr,
                results[i].message[0] ? ": " : "");
        print_reason(out, results[i].message, path);
        fputc('\n', out);
    }
}

/* The result of a path the walk could not reach. */
static int32_t unreached_hr(int err)
{
    return err == EACCES || err == EPERM ? DDP_HR_E_ACCESSDENIED : DDP_HR_E_FAIL;
}

static ddp_status unreached_status(int err)
{
    return err == EACCES || err == EPERM ? DDP_ERR_ACCESS_DENIED : DDP_ERR_IO;
}

void report_unreached_text(FILE *out, const file_list *list)
{
    for (size_t i = 0; i < list->n_unreached; i++) {
        const unreached_path *u = &list->unreached[i];
        fprintf(out, "FAILED %s: %s (0x%08" PRIx32 "): %s: %s\n", u->path, hr_name(unreached_hr(u->err)),
                (uint32_t)unreached_hr(u->err), u->what, strerror(u->err));
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
        if (results[i].status == DDP_WARN_UNVERIFIED)
            t->unverified++;
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

static const char *files(size_t n)
{
    return cli_plural(n, "file", "files");
}

void report_summary_text(FILE *out, const restore_totals *t, const ddp_restore_stats *st)
{
    double mb = (double)t->bytes / 1e6;
    int verify = !strcmp(t->mode, "verify");
    fprintf(out, "%s: %zu %s %s (%.1f MB), %zu failed", t->mode, t->restored, files(t->restored),
            verify ? "verified" : "restored", mb, t->failed);
    if (t->unverified)
        fprintf(out, ", %zu unverified", t->unverified);
    if (t->not_dedup)
        fprintf(out, ", %zu not deduplicated", t->not_dedup);
    if (t->copied || t->copy_failed)
        fprintf(out, ", %zu ordinary %s copied", t->copied, files(t->copied));
    if (t->copy_failed)
        fprintf(out, " (%zu failed)", t->copy_failed);
    if (t->skipped)
        fprintf(out, ", %zu other %s skipped", t->skipped, files(t->skipped));
    if (t->missing)
        fprintf(out, ", %zu %s missing", t->missing, cli_plural(t->missing, "path", "paths"));
    fprintf(out, " in %.2f s (%.1f MB/s)\n", t->seconds, t->seconds > 0 ? mb / t->seconds : 0.0);
    fprintf(out, "store: %" PRIu64 " %s (%" PRIu64 " bytes), %" PRIu64 " %s, %" PRIu64 " %s; %" PRIu64
            " %s for %" PRIu64 " %s\n",
            st->read_calls, cli_plural(st->read_calls, "read", "reads"), st->bytes_read, st->preview_calls,
            cli_plural(st->preview_calls, "preview", "previews"), st->order_calls,
            cli_plural(st->order_calls, "plan", "plans"), st->chunks_read, cli_plural(st->chunks_read, "chunk", "chunks"),
            st->chunk_refs, cli_plural(st->chunk_refs, "reference", "references"));
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, at most U+10FFFF), 0 when p does not start one. */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        unsigned lo = p[0] == 0xE0 ? 0xA0 : 0x80, hi = p[0] == 0xED ? 0x9F : 0xBF;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        unsigned lo = p[0] == 0xF0 ? 0x90 : 0x80, hi = p[0] == 0xF4 ? 0x8F : 0xBF;
        return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

static int utf8_valid(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_sequence(p);
        if (!n)
            return 0;
        p += n;
    }
    return 1;
}

/* A JSON string: quotes, backslashes and control characters escaped, well-formed UTF-8
 * as-is, and each byte that is not part of it as \u00XX (so the report stays valid JSON;
 * names that are not UTF-8 also get their bytes in a hex field: json_name). */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_sequence(p);
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || n == 0)
            fprintf(out, "\\u%04x", *p);
        else
            fwrite(p, 1, n, out);
        p += n ? n : 1;
    }
    fputc('"', out);
}

/* "key": "name", plus "key_hex": "<bytes>" when name is not UTF-8 (the exact name). */
static void json_name(FILE *out, const char *key, const char *name)
{
    fprintf(out, "\"%s\": ", key);
    json_string(out, name);
    if (utf8_valid(name))
        return;
    fprintf(out, ", \"%s_hex\": \"", key);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        fprintf(out, "%02x", *p);
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
        fprintf(out, "%s\n    {", first + i ? "," : "");
        json_name(out, "path", it->path);
        if (it->out_path) {
            fputs(", ", out);
            json_name(out, "out", it->out_path);
        }
        fprintf(out, ", \"result\": \"%s\", \"hr\": \"0x%08" PRIx32 "\", \"status\": ",
                hr_name(results[i].hr), (uint32_t)results[i].hr);
        json_string(out, ddp_status_str(results[i].status));
        fprintf(out, ", \"verified\": %s, \"size\": %" PRIu64 ", \"message\": ",
                results[i].hr == DDP_S_OK && results[i].status != DDP_WARN_UNVERIFIED ? "true" : "false",
                it->logical_size);
        json_string(out, results[i].message);
        fputc('}', out);
    }
}

void report_json_unreached(FILE *out, const file_list *list)
{
    for (size_t i = 0; i < list->n_unreached; i++) {
        const unreached_path *u = &list->unreached[i];
        char msg[256];
        fprintf(out, "%s\n    {", list->count + i ? "," : "");
        json_name(out, "path", u->path);
        fprintf(out, ", \"result\": \"%s\", \"hr\": \"0x%08" PRIx32 "\", \"status\": ", hr_name(unreached_hr(u->err)),
                (uint32_t)unreached_hr(u->err));
        json_string(out, ddp_status_str(unreached_status(u->err)));
        snprintf(msg, sizeof msg, "%s: %s", u->what, strerror(u->err));
        fprintf(out, ", \"verified\": false, \"size\": 0, \"message\": ");
        json_string(out, msg);
        fputc('}', out);
    }
}

void report_json_end(FILE *out, const restore_totals *t, const ddp_restore_stats *st, size_t files)
{
    fprintf(out, "\n  ],\n  \"totals\": {\"files\": %zu, \"restored\": %zu, \"failed\": %zu, \"unverified\": %zu, "
            "\"not_dedup\": %zu, \"skipped\": %zu, \"missing\": %zu, \"copied\": %zu, \"copy_failed\": %zu, "
            "\"bytes\": %" PRIu64 ", \"seconds\": %.3f},\n",
            files, t->restored, t->failed, t->unverified, t->not_dedup, t->skipped, t->missing, t->copied,
            t->copy_failed, t->bytes, t->seconds);
    fprintf(out, "  \"stats\": {\"read_calls\": %" PRIu64 ", \"preview_calls\": %" PRIu64 ", \"order_calls\": %" PRIu64
            ", \"bytes_read\": %" PRIu64 ", \"bytes_written\": %" PRIu64 ", \"chunks_read\": %" PRIu64
            ", \"chunk_refs\": %" PRIu64 ", \"backward_seeks\": %" PRIu64 ", \"coalesced_runs\": %" PRIu64
            ", \"commit_calls\": %" PRIu64 ", \"unverified_chunks\": %" PRIu64 ", \"identify_reads\": %" PRIu64
            "},\n",
            st->read_calls, st->preview_calls, st->order_calls, st->bytes_read, st->bytes_written, st->chunks_read,
            st->chunk_refs, st->backward_seeks, st->coalesced_runs, st->commit_calls, st->unverified_chunks,
            st->identify_reads);
    /* How each stream container's generation was found (FORMAT.md §2.1). */
    fprintf(out, "  \"generation_sources\": {\"file_list\": %" PRIu64 ", \"directory\": %" PRIu64
            ", \"probed\": %" PRIu64 ", \"list_disagreed\": %" PRIu64 ", \"file_lists_damaged\": %" PRIu64 "}\n}\n",
            st->generations_from_list, st->generations_from_directory, st->generations_probed, st->list_disagreed,
            st->file_lists_damaged);
}
