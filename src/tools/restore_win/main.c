/*
 * main.c - ddp-restore.exe: rebuilds deduplicated files on a Windows machine without the
 * Data Deduplication role (a server's data disk attached to Windows 10/11, a restored VM,
 * a forensic copy), with the same engine and file target as DdpBackup.dll, without COM.
 *
 *   ddp-restore.exe --store ROOT [--stub-files] [--verify] [--json] [--quiet] PATH...
 *
 * ROOT is the volume ("E:\") or a copy of it holding System Volume Information\Dedup,
 * read with backup semantics (win_dir_backup.h) after enabling SeBackupPrivilege and
 * SeRestorePrivilege (win_privilege.h; without them a clear warning, and every file
 * the system then refuses fails with access denied). Each PATH is a stub or a folder of
 * stubs (walk.h): in place a stub's content replaces its dedup reparse point
 * (win_target.h, as the DLL does); --stub-files takes stubs whose content is the raw
 * reparse buffer (ddp-mkstore --stubs raw, the DLL's DDPBACKUP_STUB_FILES); --verify
 * rebuilds and checks, writing nothing, and --out DIR writes copies (both out_target.h) to
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
#include "run.h"
#include "tool_cli.h"
#include "out_target.h"
#include "win_dir_backup.h"
#include "win_privilege.h"
#include "win_target.h"
#include "walk.h"
#include "wtext.h"

#define EXIT_SOME_FAILED 1
#define EXIT_USAGE CLI_EXIT_USAGE
/* Longest full path compared by out_apart (longer ones cannot be the same as a shorter one). */
#define FULL_PATH_CHARS 32768

typedef struct options {
    run_options r;           /* --store, --out, --verify, --json, --quiet */
    int stub_files;
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

enum { OPT_STUB_FILES = RUN_OPT_TOOL };
static const cli_option restore_options[] = {
    RUN_CLI_OPTIONS,
    {"--stub-files", NULL, 0, OPT_STUB_FILES},
    {NULL, NULL, 0, 0},
};

/* A run_tool_option_fn (run.h): ddp-restore.exe's own option. */
static int tool_option(const cli *c, int id, const char *v, void *opt)
{
    (void)c;
    (void)v;
    if (id == OPT_STUB_FILES)
        ((options *)opt)->stub_files = 1;
    return 0;
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

/* A run_batch_fn (run.h): restores (or verifies) items [first, first + n) in one engine
 * call; the items also get their logical sizes. */
static int restore_batch(const void *opt, const ddp_backup *store, file_list *list, size_t first, uint32_t n,
                         progress *prog, ddp_file_result *results, ddp_restore_stats *total)
{
    const options *o = opt;
    restore_item *items = list->items + first;
    ddp_restore_stats st = {0};
    WCHAR **paths = calloc(n ? n : 1, sizeof *paths);
    const char **names = calloc(n ? n : 1, sizeof *names);
    win_target wt;
    out_target ot;             /* --verify or --out */
    int elsewhere = o->r.verify || o->r.out;
    const char **outs = calloc(n ? n : 1, sizeof *outs);
    ddp_target inner, checked, wrapped;
    ddp_restore_options ropt;
    int ok = paths && names && outs;
    for (uint32_t i = 0; ok && i < n; i++) {
        names[i] = items[i].path;
        outs[i] = items[i].out_path;
        ok = (paths[i] = wtext_wide(items[i].path)) != NULL;
    }
    if (ok && !win_target_init(&wt, n, (BSTR *)paths, o->stub_files, !elsewhere, &inner))
        ok = 0;
    if (ok && elsewhere && out_target_init(&ot, n, o->r.out ? outs : NULL, &inner, &checked) < 0) {
        win_target_cleanup(&wt);
        ok = 0;
    }
    if (ok) {
        progress_wrap(prog, elsewhere ? &checked : &inner, &wrapped);
        ddp_restore_options_default(&ropt);
        ropt.allow_unverified = (uint32_t)elsewhere;
        (void)ddp_restore(store, &wrapped, n, names, &ropt, results, &st);
        ddp_restore_stats_add(total, &st);
        for (uint32_t i = 0; i < n; i++)
            items[i].logical_size = elsewhere ? out_target_size(&ot, i) : wt.files[i].size;
        if (elsewhere)
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
    win_dir_backup *ds = NULL;
    ddp_backup store;
    ddp_restore_stats stats = {0};
    restore_totals totals = {0};
    progress prog;
    WCHAR *root;
    int argc, n_paths;
    cli c;
    char **argv = utf8_arguments(&argc);

    if (!argv) {
        fprintf(stderr, "ddp-restore: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    cli_init(&c, "ddp-restore", usage, argc, argv);
    if ((n_paths = run_parse_args(&c, restore_options, &o.r, tool_option, &o)) < 0)
        return EXIT_USAGE;
    ddp_choose_hash_backend();
    root = wtext_wide(o.r.store);
    if (!root || win_dir_backup_open(root, &ds) != DDP_OK) {
        fprintf(stderr, "ddp-restore: --store %s is not a folder\n", o.r.store);
        return EXIT_USAGE;
    }
    warn_privileges();
    for (int i = 0; i < n_paths; i++)
        if (walk_add(&list, argv[i], o.stub_files, o.r.out) < 0) {
            fprintf(stderr, "ddp-restore: out of memory\n");
            return EXIT_SOME_FAILED;
        }
    walk_unique(&list);
    if (o.r.out && !out_apart(&list))
        return EXIT_USAGE;
    win_dir_backup_bind(ds, &store);
    totals.mode = o.r.verify ? "verify" : o.r.out ? "out" : "in-place";
    progress_init(&prog, !o.r.quiet && _isatty(_fileno(stderr)) ? stderr : NULL, list.count, 0);
    if (run_batches(&list, &store, o.r.json, &prog, restore_batch, &o, &totals, &stats) < 0)
        return EXIT_SOME_FAILED;
    run_summary(&list, o.r.json, o.r.quiet, &prog, &totals, &stats);
    win_dir_backup_close(ds);
    free(root);
    walk_free(&list);
    return totals.failed || totals.missing ? EXIT_SOME_FAILED : 0;
}
