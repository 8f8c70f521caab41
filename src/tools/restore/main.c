/*
 * main.c - ddp-restore: rebuilds deduplicated files on Linux from a chunk store, with the
 * same engine and the same per-file results as DdpBackup.dll, without COM.
 *
 *   ddp-restore --store ROOT [--stubs raw|xattr|auto] [--out DIR | --verify] [--json]
 *               [--plan] [--threads N] [--require-verified | --allow-unverified] [--quiet] PATH...
 *
 * ROOT holds "System Volume Information/Dedup" (a volume or its backup). Each PATH is a
 * stub or a folder of stubs. In place, a raw stub is replaced by its content and an
 * ntfs-3g stub gets its content and loses its reparse point; --out writes copies under
 * DIR, with copies of the ordinary files (the whole tree; --stubs-only: the stubs only),
 * and never touches the sources; --verify rebuilds and checks, writing nothing.
 * Restored files keep their zero runs as holes and the stub's access and modification
 * times (src/platform/file_target.c).
 * First, what earlier runs interrupted by a crash left under the paths (in place) or
 * under DIR (--out) is finished and removed (recover.h).
 * Every file is verified, or reported unverified; in place an unverified file keeps its
 * stub unless --allow-unverified. A folder that cannot be listed is a failure.
 * Files go to the engine in batches of at most 10,000. Exit: 0 every stub restored,
 * 1 some failed (or could not be reached), 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir_backup.h"
#include "file_list.h"
#include "hash_choice.h"
#include "file_target.h"
#include "plain_copy.h"
#include "preflight.h"
#include "progress.h"
#include "recover.h"
#include "report.h"
#include "run.h"
#include "tool_cli.h"

#define EXIT_SOME_FAILED 1
#define EXIT_USAGE CLI_EXIT_USAGE
/* --threads above the engine's DDP_MAX_THREADS run DDP_MAX_THREADS threads. */
#define MAX_THREADS_OPTION 64u

typedef struct options {
    run_options r;           /* --store, --out, --verify, --json, --quiet */
    ddp_stub_mode stubs;
    int plan, require_verified, allow_unverified, stubs_only;
    uint32_t threads;        /* options.threads: 0 one per online CPU, 1 no worker thread */
} options;

static void usage(FILE *f)
{
    fputs("usage: ddp-restore --store ROOT [options] [--] PATH...\n"
          "Rebuilds deduplicated files (dedup reparse points, \"stubs\") from a chunk store:\n"
          "in place, as copies under --out DIR, or only checked (--verify). A PATH is a stub or\n"
          "a folder (walked). Options may come before or after the PATHs; -- ends them.\n"
          "  --store ROOT          volume or backup root holding System Volume Information/Dedup\n"
          "  --stubs raw|xattr|auto  where reparse points are: file content (raw), the ntfs-3g\n"
          "                        attribute system.ntfs_reparse_data (xattr), or either (auto, default)\n"
          "  --out DIR             write restored copies under DIR, with copies of the ordinary\n"
          "                        files, links and folders: the whole tree; sources stay untouched\n"
          "  --stubs-only          with --out: only the deduplicated files\n"
          "  --verify              rebuild and check every file, write nothing\n"
          "  --json                machine-readable report on standard output\n"
          "  --plan                read containers sorted, whole files (default: engine's order)\n"
          "  --threads N           threads decompressing and verifying chunks, 0..64 (default 0:\n"
          "                        one per online CPU; at most 8 run; 1: everything on one thread)\n"
          "  --require-verified    fail a file whose chunks match neither hash candidate (SHA-256,\n"
          "                        truncated SHA-512) even when no record identifies the store's\n"
          "                        algorithm (default: every file is verified, or reported unverified)\n"
          "  --allow-unverified    in place, restore such unverified files too (default: they keep\n"
          "                        their stubs and fail; --out and --verify report them unverified)\n"
          "  --quiet, -q           no progress bar and no summary\n"
          "  --help, -h            this text on standard output\n"
          "  --version             version and commit\n"
          "exit status: 0 all restored, 1 some failed or could not be reached, 2 usage\n",
          f);
}

static int parse_stubs(const char *s, ddp_stub_mode *mode)
{
    if (!strcmp(s, "raw"))
        *mode = DDP_STUB_MODE_RAW;
    else if (!strcmp(s, "xattr"))
        *mode = DDP_STUB_MODE_XATTR;
    else if (!strcmp(s, "auto"))
        *mode = DDP_STUB_MODE_AUTO;
    else
        return -1;
    return 0;
}

enum { OPT_STUBS = RUN_OPT_TOOL, OPT_PLAN, OPT_REQUIRE_VERIFIED, OPT_ALLOW_UNVERIFIED, OPT_THREADS, OPT_STUBS_ONLY };
static const cli_option restore_options[] = {
    RUN_CLI_OPTIONS,
    {"--stubs", NULL, 1, OPT_STUBS},
    {"--plan", NULL, 0, OPT_PLAN},
    {"--require-verified", NULL, 0, OPT_REQUIRE_VERIFIED},
    {"--allow-unverified", NULL, 0, OPT_ALLOW_UNVERIFIED},
    {"--threads", NULL, 1, OPT_THREADS},
    {"--stubs-only", NULL, 0, OPT_STUBS_ONLY},
    {NULL, NULL, 0, 0},
};

/* A run_tool_option_fn (run.h): ddp-restore's own options. */
static int tool_option(const cli *c, int id, const char *v, void *opt)
{
    options *o = opt;
    uint64_t n;
    switch (id) {
    case OPT_STUBS:
        if (parse_stubs(v, &o->stubs) < 0)
            return cli_usage_error(c, "--stubs: must be raw, xattr or auto, not '%s'", v), -1;
        break;
    case OPT_PLAN: o->plan = 1; break;
    case OPT_REQUIRE_VERIFIED: o->require_verified = 1; break;
    case OPT_ALLOW_UNVERIFIED: o->allow_unverified = 1; break;
    case OPT_STUBS_ONLY: o->stubs_only = 1; break;
    case OPT_THREADS:
        if (cli_parse_u64(v, 0, MAX_THREADS_OPTION, &n) < 0)
            return cli_usage_error(c, "--threads: must be 0..%u", MAX_THREADS_OPTION), -1;
        o->threads = (uint32_t)n;
        break;
    }
    return 0;
}

/* The PATHs are moved to the front of argv in their order; returns their count, or -1
 * after a usage error was reported. */
static int parse_args(int argc, char **argv, options *o)
{
    cli c;
    int n_paths;
    cli_init(&c, "ddp-restore", usage, argc, argv);
    if ((n_paths = run_parse_args(&c, restore_options, &o->r, tool_option, o)) < 0)
        return -1;
    if (o->require_verified && o->allow_unverified)
        return cli_usage_error(&c, "--require-verified and --allow-unverified cannot be combined"), -1;
    if (o->stubs_only && !o->r.out)
        return cli_usage_error(&c, "--stubs-only goes with --out"), -1;
    return n_paths;
}

/* A run_batch_fn (run.h): items [first, first + n) through the file target. */
static int restore_batch(const void *opt, const ddp_backup *store, file_list *list, size_t first, uint32_t n,
                         progress *prog, ddp_file_result *results, ddp_restore_stats *total)
{
    const options *o = opt;
    ddp_target_spec *files = calloc(n, sizeof *files);
    const char **names = calloc(n, sizeof *names);
    ddp_file_target *ft = NULL;
    ddp_target inner, wrapped;
    ddp_restore_options ropt;
    ddp_restore_stats st = {0};
    ddp_target_mode mode = o->r.verify ? DDP_TARGET_VERIFY : o->r.out ? DDP_TARGET_OUT : DDP_TARGET_IN_PLACE;

    if (!files || !names) {
        free(files);
        free(names);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        const restore_item *it = &list->items[first + i];
        files[i] = (ddp_target_spec){it->path, it->kind, it->out_path};
        names[i] = it->path;
    }
    if (ddp_file_target_new(mode, n, files, 0, &ft) != DDP_OK) {
        free(files);
        free(names);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++)
        ddp_file_target_seen(ft, i, list->items[first + i].seen);
    ddp_file_target_bind(ft, &inner);
    progress_wrap(prog, &inner, &wrapped);
    ddp_restore_options_default(&ropt);
    ropt.threads = o->threads;
    ropt.require_verified = (uint32_t)o->require_verified;
    ropt.allow_unverified = (uint32_t)(o->allow_unverified || mode != DDP_TARGET_IN_PLACE);
    (void)ddp_restore(store, &wrapped, n, names, &ropt, results, &st);
    ddp_file_target_free(ft);
    ddp_restore_stats_add(total, &st);
    free(files);
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    options o = {0};
    file_list list = {0};
    ddp_dir_backup *ds = NULL;
    ddp_dir_backup_options sopt = {0};
    ddp_backup store;
    ddp_restore_stats stats = {0};
    restore_totals totals = {0};
    progress prog;
    uint64_t total_bytes = 0;
    struct stat st;
    int n_paths = parse_args(argc, argv, &o);
    int failed_recoveries = 0, checked;

    if (n_paths < 0)
        return EXIT_USAGE;
    ddp_choose_hash_backend();
    if (stat(o.r.store, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ddp-restore: --store %s is not a folder\n", o.r.store);
        return EXIT_USAGE;
    }
    if ((o.r.out && (checked = preflight_out(o.r.out, argv, n_paths, o.r.store, stderr)) != 0) ||
        (checked = preflight_store(o.r.store, stderr)) != 0)
        return checked;
    if (!o.r.verify) {
        recover_counts rc;   /* finish what a crash interrupted, remove what it left */
        if (o.r.out && stat(o.r.out, &st) == 0)
            recover_interrupted(&o.r.out, 1, stderr, &rc);
        else if (!o.r.out)
            recover_interrupted((const char *const *)argv, n_paths, stderr, &rc);
        else
            memset(&rc, 0, sizeof rc);
        if (rc.failed)
            failed_recoveries = 1;
    }
    list.copy_plain = o.r.out && !o.stubs_only;
    for (int i = 0; i < n_paths; i++) {
        if (file_list_add(&list, argv[i], o.r.store, o.r.out, o.stubs) < 0) {
            fprintf(stderr, "ddp-restore: out of memory\n");
            return EXIT_SOME_FAILED;
        }
    }
    if (file_list_unique(&list) < 0) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    sopt.plan = o.plan;
    if (ddp_dir_backup_open(o.r.store, &sopt, &ds) != DDP_OK) {
        fprintf(stderr, "ddp-restore: cannot open the store\n");
        return EXIT_SOME_FAILED;
    }
    ddp_dir_backup_bind(ds, &store);
    for (size_t i = 0; i < list.count; i++)
        total_bytes += list.items[i].logical_size;
    totals.mode = o.r.verify ? "verify" : o.r.out ? "out" : "in-place";
    progress_init(&prog, !o.r.quiet && isatty(STDERR_FILENO) ? stderr : NULL, list.count, total_bytes);
    if (run_batches(&list, &store, o.r.json, &prog, restore_batch, &o, &totals, &stats) < 0)
        return EXIT_SOME_FAILED;
    plain_copy_all(&list, stderr, &totals.copied, &totals.copy_failed);
    run_summary(&list, o.r.json, o.r.quiet, &prog, &totals, &stats);
    ddp_dir_backup_close(ds);
    file_list_free(&list);
    return totals.failed || totals.missing || totals.copy_failed || failed_recoveries ? EXIT_SOME_FAILED : 0;
}
