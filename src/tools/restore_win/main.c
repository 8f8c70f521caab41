/*
 * main.c - ddp-restore.exe: rebuilds deduplicated files on a Windows machine without the
 * Data Deduplication role (a server's data disk attached to Windows 10/11, a restored VM,
 * a forensic copy), with the same engine and file target as DdpBackup.dll, without COM.
 *
 *   ddp-restore.exe --store ROOT [--stub-files] [--verify] [--json] [--quiet] PATH...
 *
 * ROOT is the volume ("E:\") or a copy of it holding System Volume Information\Dedup,
 * read with backup semantics (win_dir_store.h) after enabling SeBackupPrivilege and
 * SeRestorePrivilege (win_privilege.h; without them a clear warning, and every file
 * the system then refuses fails with access denied). Each PATH is a stub or a folder of
 * stubs (walk.h): in place a stub's content replaces its dedup reparse point
 * (win_target.h, as the DLL does); --stub-files takes stubs whose content is the raw
 * reparse buffer (ddp-mkstore --stubs raw, the DLL's DDPBACKUP_STUB_FILES); --verify
 * rebuilds and checks, writing nothing; --out DIR writes copies (out_target.h) to
 * DIR\<the PATH's name>\..., never writing to the sources. Per-file results, the summary and
 * the JSON report are ddp-restore's (src/tools/restore/report.c). Files go to the engine
 * in batches of at most 10,000 (DDP_MAX_RESTORE_FILES). Exit: 0 every file
 * restored (or verified), 1 some failed or could not be reached, 2 usage.
 */
#include <windows.h>
#include <errno.h>
#include <io.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_list.h"
#include "hash_choice.h"
#include "progress.h"
#include "report.h"
#include "tool_cli.h"
#include "out_target.h"
#include "verify_target.h"
#include "win_dir_store.h"
#include "win_privilege.h"
#include "win_target.h"
#include "walk.h"
#include "wtext.h"

#define EXIT_SOME_FAILED 1
#define EXIT_USAGE CLI_EXIT_USAGE
/* Longest full path compared by out_apart (longer ones cannot be the same as a shorter one). */
#define FULL_PATH_CHARS 32768

typedef struct options {
    const char *store, *out;
    int stub_files, verify, json, quiet;
} options;

static void usage(FILE *f)
{
    fputs("usage: ddp-restore.exe --store ROOT [options] [--] PATH...\n"
          "Rebuilds deduplicated files (dedup reparse points, \"stubs\") of a volume on a machine\n"
          "without the Data Deduplication role: in place, as copies under --out DIR, or only\n"
          "checked (--verify). A PATH is a\n"
          "stub or a folder (walked). Run it from\n"
          "an elevated prompt (Administrators or Backup Operators): it reads System Volume\n"
          "Information with SeBackupPrivilege.\n"
          "  --store ROOT          the volume (E:\\) or a copy holding System Volume Information\\Dedup\n"
          "  --stub-files          stubs are files holding the raw reparse buffer (ddp-mkstore\n"
          "                        --stubs raw), not reparse points\n"
          "  --out DIR             write restored copies under DIR (DIR\\<PATH's name>\\...),\n"
          "                        never touching the sources\n"
          "  --verify              rebuild and check every file, write nothing\n"
          "  --json                machine-readable report on standard output\n"
          "  --quiet, -q           no progress bar and no summary\n"
          "  --help, -h            this text on standard output\n"
          "  --version             version and commit\n"
          "exit status: 0 all restored, 1 some failed or could not be reached, 2 usage\n",
          f);
}

enum { OPT_STORE = 1, OPT_OUT, OPT_STUB_FILES, OPT_VERIFY, OPT_JSON, OPT_QUIET };
static const cli_option restore_options[] = {
    {"--store", NULL, 1, OPT_STORE},
    {"--out", NULL, 1, OPT_OUT},
    {"--stub-files", NULL, 0, OPT_STUB_FILES},
    {"--verify", NULL, 0, OPT_VERIFY},
    {"--json", NULL, 0, OPT_JSON},
    {"--quiet", "-q", 0, OPT_QUIET},
    {NULL, NULL, 0, 0},
};

/* The PATHs are moved to the front of argv; returns their count, or -1 after a usage error. */
static int parse_args(int argc, char **argv, options *o)
{
    int n_paths = 0, id;
    const char *v;
    cli c;
    cli_init(&c, "ddp-restore", usage, argc, argv);
    while ((id = cli_next(&c, restore_options, &v)) != CLI_END) {
        switch (id) {
        case CLI_ERROR: return -1;
        case CLI_OPERAND: argv[n_paths++] = (char *)v; break;
        case OPT_STORE: o->store = v; break;
        case OPT_OUT: o->out = v; break;
        case OPT_STUB_FILES: o->stub_files = 1; break;
        case OPT_VERIFY: o->verify = 1; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_QUIET: o->quiet = 1; break;
        }
    }
    if (!o->store)
        return cli_usage_error(&c, "missing --store ROOT"), -1;
    if (o->out && o->verify)
        return cli_usage_error(&c, "--out and --verify cannot be combined"), -1;
    if (n_paths == 0)
        return cli_usage_error(&c, "missing PATH"), -1;
    return n_paths;
}

/* The command line as UTF-8 (Windows hands main() the ANSI code page). NULL: no memory. */
static char **utf8_arguments(int *argc)
{
    WCHAR **wargv = CommandLineToArgvW(GetCommandLineW(), argc);
    char **argv = wargv ? calloc((size_t)*argc + 1, sizeof *argv) : NULL;
    for (int i = 0; argv && i < *argc; i++)
        if (!(argv[i] = wtext_utf8(wargv[i])))
            argv = NULL;          /* out of memory: the process ends */
    LocalFree(wargv);
    return argv;
}

/* Restores (or verifies) items [first, first + n) in one engine call; results[0..n) gets
 * their results, the items their logical sizes, total the call's statistics. */
static int restore_batch(const options *o, const ddp_store *store, file_list *list, size_t first, uint32_t n,
                         progress *prog, ddp_file_result *results, ddp_restore_stats *total)
{
    restore_item *items = list->items + first;
    ddp_restore_stats st = {0};
    WCHAR **paths = calloc(n ? n : 1, sizeof *paths);
    const char **names = calloc(n ? n : 1, sizeof *names);
    win_target wt;
    verify_target vt;
    out_target ot;
    const char **outs = calloc(n ? n : 1, sizeof *outs);
    ddp_target inner, checked, wrapped;
    ddp_restore_options ropt;
    int ok = paths && names && outs;
    for (uint32_t i = 0; ok && i < n; i++) {
        names[i] = items[i].path;
        outs[i] = items[i].out_path;
        ok = (paths[i] = wtext_wide(items[i].path)) != NULL;
    }
    if (ok && !win_target_init(&wt, n, (BSTR *)paths, o->stub_files, !(o->verify || o->out), &inner))
        ok = 0;
    if (ok && ((o->verify && verify_target_init(&vt, n, &inner, &checked) < 0) ||
               (o->out && out_target_init(&ot, n, outs, &inner, &checked) < 0))) {
        win_target_cleanup(&wt);
        ok = 0;
    }
    if (ok) {
        progress_wrap(prog, o->verify || o->out ? &checked : &inner, &wrapped);
        ddp_restore_options_default(&ropt);
        ropt.allow_unverified = (uint32_t)(o->verify || o->out);
        (void)ddp_restore(store, &wrapped, n, names, &ropt, results, &st);
        ddp_restore_stats_add(total, &st);
        for (uint32_t i = 0; i < n; i++)
            items[i].logical_size = o->verify ? verify_target_size(&vt, i)
                                          : o->out  ? out_target_size(&ot, i)
                                                    : wt.files[i].size;
        if (o->verify)
            verify_target_cleanup(&vt);
        if (o->out)
            out_target_cleanup(&ot);
        win_target_cleanup(&wt);
    }
    for (uint32_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(names);
    free(outs);
    return ok ? 0 : -1;
}

/* 1 when no destination under --out is its own source (that would overwrite the stub). */
static int out_apart(const file_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        WCHAR *a = wtext_wide(list->items[i].path), *b = wtext_wide(list->items[i].out_path);
        WCHAR fa[FULL_PATH_CHARS], fb[FULL_PATH_CHARS];
        DWORD na = a ? GetFullPathNameW(a, FULL_PATH_CHARS, fa, NULL) : 0;
        DWORD nb = b ? GetFullPathNameW(b, FULL_PATH_CHARS, fb, NULL) : 0;
        int same = na && na < FULL_PATH_CHARS && nb && nb < FULL_PATH_CHARS && !_wcsicmp(fa, fb);
        free(a);
        free(b);
        if (same) {
            fprintf(stderr, "ddp-restore: --out: %s would be written over itself; choose another folder\n",
                    list->items[i].path);
            return 0;
        }
    }
    return 1;
}

static void warn_privileges(void)
{
    const char *missing;
    DWORD err = win_enable_backup_privileges(&missing);
    if (err == ERROR_NOT_ALL_ASSIGNED)
        fprintf(stderr, "ddp-restore: not elevated: this process does not hold %s. Files the system "
                        "protects (System Volume Information is readable by SYSTEM only) will fail with "
                        "access denied: run from an elevated prompt as an administrator or a Backup "
                        "Operator.\n", missing);
    else if (err != ERROR_SUCCESS)
        fprintf(stderr, "ddp-restore: cannot enable the backup privileges (error %lu); files the system "
                        "protects will fail with access denied\n", (unsigned long)err);
}

int main(void)
{
    options o = {0};
    file_list list = {0};
    win_dir_store *ds = NULL;
    ddp_store store;
    ddp_file_result *results = NULL;
    ddp_restore_stats stats = {0};
    restore_totals totals = {0};
    progress prog;
    WCHAR *root;
    int argc, n_paths;
    char **argv = utf8_arguments(&argc);

    if (!argv) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    if ((n_paths = parse_args(argc, argv, &o)) < 0)
        return EXIT_USAGE;
    ddp_choose_hash_backend();
    root = wtext_wide(o.store);
    if (!root || win_dir_store_open(root, &ds) != DDP_OK) {
        fprintf(stderr, "ddp-restore: --store %s is not a folder\n", o.store);
        return EXIT_USAGE;
    }
    warn_privileges();
    for (int i = 0; i < n_paths; i++)
        if (walk_add(&list, argv[i], o.stub_files, o.out) < 0) {
            fprintf(stderr, "ddp-restore: out of memory\n");
            return EXIT_SOME_FAILED;
        }
    walk_unique(&list);
    if (o.out && !out_apart(&list))
        return EXIT_USAGE;
    if (!(results = calloc(DDP_MAX_RESTORE_FILES, sizeof *results))) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    win_dir_store_bind(ds, &store);
    totals.mode = o.verify ? "verify" : o.out ? "out" : "in-place";
    progress_init(&prog, !o.quiet && _isatty(_fileno(stderr)) ? stderr : NULL, list.count, 0);
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
    report_unreached_text(stderr, &list);
    if (o.json)
        report_json_unreached(stdout, &list);
    totals.failed += list.n_unreached;
    totals.missing = list.missing;
    totals.skipped = list.skipped;
    totals.seconds = progress_now() - prog.start;
    if (o.json)
        report_json_end(stdout, &totals, &stats, list.count);
    if (!o.quiet && !o.json)
        report_summary_text(stdout, &totals, &stats);
    win_dir_store_close(ds);
    free(root);
    free(results);
    walk_free(&list);
    return totals.failed || totals.missing ? EXIT_SOME_FAILED : 0;
}
