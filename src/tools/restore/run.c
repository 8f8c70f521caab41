/*
 * run.c - the options, batches and reports ddp-restore and ddp-restore.exe share (run.h).
 */
#include <stdlib.h>
#include <string.h>

#include "run.h"

int run_parse_args(cli *c, const cli_option *opts, run_options *r, run_tool_option_fn tool_option, void *opt)
{
    int n_paths = 0, id;
    const char *v;
    while ((id = cli_next(c, opts, &v)) != CLI_END) {
        switch (id) {
        case CLI_ERROR: return -1;
        case CLI_OPERAND: c->argv[n_paths++] = (char *)v; break;
        case RUN_OPT_STORE: r->store = v; break;
        case RUN_OPT_OUT: r->out = v; break;
        case RUN_OPT_VERIFY: r->verify = 1; break;
        case RUN_OPT_JSON: r->json = 1; break;
        case RUN_OPT_QUIET: r->quiet = 1; break;
        default:
            if (tool_option(c, id, v, opt) < 0)
                return -1;
            break;
        }
    }
    if (!r->store)
        return cli_usage_error(c, "missing --store ROOT"), -1;
    if (r->out && r->verify)
        return cli_usage_error(c, "--out and --verify cannot be combined"), -1;
    if (n_paths == 0)
        return cli_usage_error(c, "missing PATH"), -1;
    return n_paths;
}

int run_batches(file_list *list, const ddp_backup *store, int json, progress *prog, run_batch_fn batch,
                const void *opt, restore_totals *totals, ddp_restore_stats *stats)
{
    ddp_file_result *results = calloc(DDP_MAX_RESTORE_FILES, sizeof *results);
    int rc = results ? 0 : -1;
    if (json)
        report_json_begin(stdout, totals->mode);
    for (size_t i = 0; rc == 0 && i < list->count; i += DDP_MAX_RESTORE_FILES) {
        size_t n = list->count - i < DDP_MAX_RESTORE_FILES ? list->count - i : DDP_MAX_RESTORE_FILES;
        memset(results, 0, n * sizeof *results);
        if ((rc = batch(opt, store, list, i, (uint32_t)n, prog, results, stats)) < 0)
            break;
        report_count(list, i, n, results, totals);
        if (json)
            report_json_batch(stdout, list, i, n, results);
        if (prog->out && report_has_failures(results, n))
            fputc('\n', stderr);          /* keeps the bar off the failure lines */
        report_failures_text(stderr, list, i, n, results);
    }
    free(results);
    if (rc < 0) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return -1;
    }
    progress_end(prog);
    report_unreached_text(stderr, list);
    if (json)
        report_json_unreached(stdout, list);
    totals->failed += list->n_unreached;
    return 0;
}

void run_summary(const file_list *list, int json, int quiet, const progress *prog, restore_totals *totals,
                 const ddp_restore_stats *stats)
{
    totals->seconds = progress_now() - prog->start;
    totals->skipped = list->skipped;
    totals->missing = list->missing;
    if (json)
        report_json_end(stdout, totals, stats, list->count);
    if (!quiet && !json)
        report_summary_text(stdout, totals, stats);
}
