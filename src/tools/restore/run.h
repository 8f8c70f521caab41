/*
 * run.h - what ddp-restore and ddp-restore.exe share between their command line and
 * their exit code: the options both take and their checks; the file list going to the
 * engine in batches of at most DDP_MAX_RESTORE_FILES, each restored by the tool's own
 * batch function (its store and targets), every batch's results reported as they come
 * (failure lines, JSON), then the paths the walk could not reach, then the summary.
 */
#ifndef DDP_RESTORE_RUN_H
#define DDP_RESTORE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "file_list.h"
#include "progress.h"
#include "report.h"
#include "tool_cli.h"

/* The options both tools take; their ids come first in each tool's option table, whose
 * own ids start at RUN_OPT_TOOL. */
typedef struct run_options {
    const char *store, *out;
    int verify, json, quiet;
} run_options;

enum { RUN_OPT_STORE = 1, RUN_OPT_OUT, RUN_OPT_VERIFY, RUN_OPT_JSON, RUN_OPT_QUIET, RUN_OPT_TOOL };
#define RUN_CLI_OPTIONS                                                                                     \
    {"--store", NULL, 1, RUN_OPT_STORE}, {"--out", NULL, 1, RUN_OPT_OUT}, {"--verify", NULL, 0, RUN_OPT_VERIFY}, \
        {"--json", NULL, 0, RUN_OPT_JSON}, {"--quiet", "-q", 0, RUN_OPT_QUIET}

/* Takes a tool's own option id with its value into opt; 0, or -1 after a usage error. */
typedef int (*run_tool_option_fn)(const cli *c, int id, const char *value, void *opt);

/* Reads the command line of c (cli_init) with the options table opts (options may come
 * before or after the PATHs, "--" ends them): the common options into r, the tool's own
 * through tool_option; then checks --store is given, --out is not with --verify, and a
 * PATH is. The PATHs are moved to the front of c's argv in their order; returns their
 * count, or -1 after a usage error was reported. */
int run_parse_args(cli *c, const cli_option *opts, run_options *r, run_tool_option_fn tool_option, void *opt);

/* Restores items [first, first + n) of list from store in one engine call, as the tool's
 * options opt say: results[0..n) gets their results, total the call's statistics.
 * Returns 0, or -1 when out of memory. */
typedef int (*run_batch_fn)(const void *opt, const ddp_backup *store, file_list *list, size_t first, uint32_t n,
                            progress *prog, ddp_file_result *results, ddp_restore_stats *total);

/* Every batch of list through batch (JSON on stdout when json, failures on stderr), then
 * the bar's end and the unreached paths (counted as failures in totals). Returns 0, or -1
 * after "out of memory" was reported. */
int run_batches(file_list *list, const ddp_backup *store, int json, progress *prog, run_batch_fn batch,
                const void *opt, restore_totals *totals, ddp_restore_stats *stats);
/* The run's last words: the time taken, the walk's skipped and missing paths into
 * totals, the JSON report's end (json) or the summary on stdout (unless quiet). */
void run_summary(const file_list *list, int json, int quiet, const progress *prog, restore_totals *totals,
                 const ddp_restore_stats *stats);

#endif
