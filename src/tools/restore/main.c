/*
 * main.c - ddp-restore: rebuilds deduplicated files on Linux from a chunk store, with the
 * same engine and the same per-file results as DdpBackup.dll, without COM.
 *
 *   ddp-restore --store ROOT [--stubs raw|xattr|auto] [--out DIR | --verify] [--json]
 *               [--plan] [--threads N] [--quiet] PATH...
 *
 * ROOT holds "System Volume Information/Dedup" (a volume or its backup). Each PATH is a
 * stub or a folder of stubs. In place, a raw stub is replaced by its content and an
 * ntfs-3g stub gets its content and loses its reparse point; --out writes copies under
 * DIR and never touches the sources; --verify rebuilds and checks, writing nothing.
 * In place, what an earlier run interrupted by a crash left on an ntfs-3g mount is
 * finished first (recover.h).
 * Files go to the engine in batches of at most 10,000. Exit: 0 every stub restored,
 * 1 some failed, 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir_store.h"
#include "file_list.h"
#include "file_target.h"
#include "progress.h"
#include "recover.h"
#include "report.h"

#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

typedef struct options {
    const char *store, *out;
    ddp_stub_mode stubs;
    int verify, json, quiet, plan, require_verified;
    uint32_t threads;        /* options.threads: 0 one per online CPU, 1 no worker thread */
} options;

static void usage(FILE *f)
{
    fputs("usage: ddp-restore --store ROOT [options] PATH...\n"
          "  --store ROOT          volume or backup root holding System Volume Information/Dedup\n"
          "  --stubs raw|xattr|auto  where reparse points are: file content (raw), the ntfs-3g\n"
          "                        attribute system.ntfs_reparse_data (xattr), or either (auto, default)\n"
          "  --out DIR             write restored copies under DIR; sources stay untouched\n"
          "  --verify              rebuild and check every file, write nothing\n"
          "  --json                machine-readable report on standard output\n"
          "  --plan                read containers sorted, whole files (default: engine's order)\n"
          "  --threads N           threads decompressing and verifying chunks (default 0: one per\n"
          "                        online CPU, at most 8; 1: everything on one thread)\n"
          "  --require-verified    fail a file whose chunks match neither hash candidate (SHA-256,\n"
          "                        truncated SHA-512) even when no chunk identifies the store's\n"
          "                        algorithm (default: restore it and report it as unverified)\n"
          "  --quiet               no progress bar and no summary\n"
          "exit status: 0 all restored, 1 some failed, 2 usage\n",
          f);
}

/* A thread count: decimal digits, at most 4096 (the engine uses at most DDP_MAX_THREADS). */
static int parse_threads(const char *s, uint32_t *n)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v > 4096)
        return -1;
    *n = (uint32_t)v;
    return 0;
}

static int parse_stubs(const char *s, ddp_stub_mode *mode)
{
    if (!strcmp(s, "raw"))
        *mode = DDP_STUBS_RAW;
    else if (!strcmp(s, "xattr"))
        *mode = DDP_STUBS_XATTR;
    else if (!strcmp(s, "auto"))
        *mode = DDP_STUBS_AUTO;
    else
        return -1;
    return 0;
}

/* Options may come before or after the PATHs ("--" ends them). The PATHs are moved to
 * the front of argv in their order; returns their count, or -1 on a usage error. */
static int parse_args(int argc, char **argv, options *o)
{
    int n_paths = 0, options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (options_done || a[0] != '-' || !strcmp(a, "-")) {
            argv[n_paths++] = argv[i];
        } else if (!strcmp(a, "--")) {
            options_done = 1;
        } else if (!strcmp(a, "--store") && has_value) {
            o->store = argv[++i];
        } else if (!strcmp(a, "--out") && has_value) {
            o->out = argv[++i];
        } else if (!strcmp(a, "--stubs") && has_value) {
            if (parse_stubs(argv[++i], &o->stubs) < 0)
                return -1;
        } else if (!strcmp(a, "--verify")) {
            o->verify = 1;
        } else if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--plan")) {
            o->plan = 1;
        } else if (!strcmp(a, "--require-verified")) {
            o->require_verified = 1;
        } else if (!strcmp(a, "--threads") && has_value) {
            if (parse_threads(argv[++i], &o->threads) < 0)
                return -1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else {
            return -1;
        }
    }
    if (!o->store || n_paths == 0 || (o->out && o->verify))
        return -1;
    return n_paths;
}

/* Restores items [first, first + n) in one engine call; results[0..n) gets their results. */
static int restore_batch(const options *o, const ddp_store *store, file_list *list, size_t first, uint32_t n,
                         progress *prog, ddp_file_result *results, ddp_restore_stats *total)
{
    ddp_target_file *files = calloc(n, sizeof *files);
    const char **names = calloc(n, sizeof *names);
    ddp_file_target *ft = NULL;
    ddp_target inner, wrapped;
    ddp_restore_options ropt;
    ddp_restore_stats st = {0};
    ddp_target_mode mode = o->verify ? DDP_TARGET_VERIFY : o->out ? DDP_TARGET_OUT : DDP_TARGET_IN_PLACE;

    if (!files || !names) {
        free(files);
        free(names);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        const restore_item *it = &list->items[first + i];
        files[i] = (ddp_target_file){it->path, it->kind, it->out_path};
        names[i] = it->path;
    }
    if (ddp_file_target_new(mode, n, files, 0, &ft) != DDP_OK) {
        free(files);
        free(names);
        return -1;
    }
    ddp_file_target_bind(ft, &inner);
    progress_wrap(prog, &inner, &wrapped);
    ddp_restore_options_default(&ropt);
    ropt.threads = o->threads;
    ropt.require_verified = (uint32_t)o->require_verified;
    (void)ddp_restore(store, &wrapped, n, names, &ropt, results, &st);
    ddp_file_target_free(ft);
    total->read_calls += st.read_calls;
    total->preview_calls += st.preview_calls;
    total->order_calls += st.order_calls;
    total->bytes_read += st.bytes_read;
    total->bytes_written += st.bytes_written;
    total->chunks_read += st.chunks_read;
    total->chunk_refs += st.chunk_refs;
    total->backward_seeks += st.backward_seeks;
    total->coalesced_runs += st.coalesced_runs;
    total->commit_calls += st.commit_calls;
    total->generations_from_list += st.generations_from_list;
    total->generations_from_directory += st.generations_from_directory;
    total->generations_probed += st.generations_probed;
    total->list_disagreed += st.list_disagreed;
    total->file_lists_damaged += st.file_lists_damaged;
    free(files);
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    options o = {0};
    file_list list = {0};
    ddp_dir_store *ds = NULL;
    ddp_dir_store_options sopt = {0};
    ddp_store store;
    ddp_file_result *results;
    ddp_restore_stats stats = {0};
    restore_totals totals = {0};
    progress prog;
    uint64_t total_bytes = 0;
    struct stat st;
    int n_paths = parse_args(argc, argv, &o);
    int failed_recoveries = 0;

    if (n_paths < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (stat(o.store, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ddp-restore: --store %s is not a folder\n", o.store);
        return EXIT_USAGE;
    }
    if (!o.out && !o.verify && o.stubs != DDP_STUBS_RAW) {
        recover_counts rc;   /* in place on ntfs-3g: finish what a crash interrupted first */
        recover_interrupted(argv, n_paths, stderr, &rc);
        if (rc.failed)
            failed_recoveries = 1;
    }
    for (int i = 0; i < n_paths; i++) {
        if (file_list_add(&list, argv[i], o.store, o.out, o.stubs) < 0) {
            fprintf(stderr, "ddp-restore: out of memory\n");
            return EXIT_SOME_FAILED;
        }
    }
    if (file_list_unique(&list) < 0) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    sopt.plan = o.plan;
    results = calloc(DDP_MAX_RESTORE_FILES, sizeof *results);
    if (!results || ddp_dir_store_open(o.store, &sopt, &ds) != DDP_OK) {
        fprintf(stderr, "ddp-restore: cannot open the store\n");
        return EXIT_SOME_FAILED;
    }
    ddp_dir_store_bind(ds, &store);
    for (size_t i = 0; i < list.count; i++)
        total_bytes += list.items[i].logical_size;
    totals.mode = o.verify ? "verify" : o.out ? "out" : "in-place";
    progress_init(&prog, !o.quiet && isatty(STDERR_FILENO) ? stderr : NULL, list.count, total_bytes);
    if (o.json)
        report_json_begin(stdout, totals.mode);
    for (size_t i = 0; i < list.count; i += DDP_MAX_RESTORE_FILES) {
        size_t n = list.count - i < DDP_MAX_RESTORE_FILES ? list.count - i : DDP_MAX_RESTORE_FILES;
        memset(results, 0, n * sizeof *results);
        if (restore_batch(&o, &store, &list, i, (uint32_t)n, &prog, results, &stats) < 0) {
            fprintf(stderr, "ddp-restore: out of memory\n");
            return EXIT_SOME_FAILED;
        }
        report_count(&list, i, n, results, &totals);
        if (o.json)
            report_json_batch(stdout, &list, i, n, results);
        if (prog.out && report_has_failures(results, n))
            fputc('\n', stderr);          /* keeps the bar off the failure lines */
        report_failures_text(stderr, &list, i, n, results);
    }
    progress_end(&prog);
    totals.seconds = progress_now() - prog.start;
    totals.skipped = list.skipped;
    totals.missing = list.missing;
    if (o.json)
        report_json_end(stdout, &totals, &stats, list.count);
    if (!o.quiet && !o.json)
        report_summary_text(stdout, &totals, &stats);
    ddp_dir_store_close(ds);
    free(results);
    file_list_free(&list);
    return totals.failed || totals.missing || failed_recoveries ? EXIT_SOME_FAILED : 0;
}
