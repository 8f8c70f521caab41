/*
 * restore_files.c - IDedupBackupSupport::RestoreFiles (API.md §3).
 *
 * Checks the arguments (E_INVALIDARG leaves FileResults untouched), then runs the
 * engine with the application's IDedupReadFileCallback as the store and the named files
 * as the target. Every callback happens synchronously on this thread; no reference on
 * the callback object is kept after return.
 *
 * Chunk hashes: a chunk matching neither candidate when no record of the store
 * identifies its algorithm is restored as unverified (ddp_restore_options.require_verified,
 * allow_unverified: the COM contract restores the file); its file's HRESULT is S_OK, the
 * engine's result says it is unverified and DDPBACKUP_DEBUG traces it.
 * DDPBACKUP_REQUIRE_VERIFIED=1 in the environment makes such files fail with
 * DDP_E_FILE_CORRUPT instead.
 * Each failed file and each file restored unverified is reported in the event log
 * (event_log.h).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <stdlib.h>

#include "callback_backup.h"
#include "event_log.h"
#include "ddp/restore.h"
#include "restore_files.h"
#include "text.h"
#include "trace.h"
#include "win_target.h"

static BOOL arguments_valid(ULONG n, BSTR *paths, IDedupReadFileCallback *store, DWORD flags)
{
    return n <= DEDUP_MAX_RESTORE_FILES && (n == 0 || paths) && store && flags == DEDUP_RECONSTRUCT_UNOPTIMIZED;
}

static void free_names(char **names, ULONG n)
{
    if (!names)
        return;
    for (ULONG i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* UTF-8 names of the files for the engine's messages (NULL entries where a path is NULL). */
static char **utf8_names(BSTR *paths, ULONG n)
{
    char **names = calloc(n, sizeof *names);
    if (!names)
        return NULL;
    for (ULONG i = 0; i < n; i++) {
        if (paths[i] && !(names[i] = ddp_utf16_to_utf8(paths[i], (int)SysStringLen(paths[i])))) {
            free_names(names, n);
            return NULL;
        }
    }
    return names;
}

/* DDPBACKUP_REQUIRE_VERIFIED=1: nothing unverified is restored. */
static uint32_t require_verified_requested(void)
{
    WCHAR value[8];
    DWORD n = GetEnvironmentVariableW(L"DDPBACKUP_REQUIRE_VERIFIED", value, 8);
    return n == 1 && value[0] == L'1';
}

static void trace_results(const ddp_file_result *results, char **names, ULONG n)
{
    for (ULONG i = 0; i < n; i++)
        if (results[i].hr != S_OK || results[i].status != DDP_OK)
            TRACE("%s: %#lx %s", names[i] ? names[i] : "(null)", (unsigned long)results[i].hr, results[i].message);
}

static HRESULT run_engine(ULONG n, BSTR *paths, char **names, IDedupReadFileCallback *callback,
                          ddp_file_result *results)
{
    callback_backup cs;
    ddp_backup store;
    win_target wt;
    ddp_target target;
    ddp_restore_options options;
    ddp_restore_stats stats;
    HRESULT hr;

    if (!win_target_init(&wt, n, paths, win_target_stub_files_requested(), 1, &target))
        return E_OUTOFMEMORY;
    if (wt.leftovers_removed)
        TRACE("removed %lu temporary files left by interrupted calls", (unsigned long)wt.leftovers_removed);
    callback_backup_init(&cs, callback, &store);
    ddp_restore_options_default(&options);
    options.require_verified = require_verified_requested();
    options.allow_unverified = 1;
    TRACE("chunk hashes: %s back end", ddp_hash_backend_name());
    hr = ddp_restore(&store, &target, n, (const char *const *)names, &options, results, &stats);
    TRACE("stream generations: %lu from DedupFileList, %lu from the directory, %lu probed; "
          "list disagreed %lu, damaged copies %lu", (unsigned long)stats.generations_from_list,
          (unsigned long)stats.generations_from_directory, (unsigned long)stats.generations_probed,
          (unsigned long)stats.list_disagreed, (unsigned long)stats.file_lists_damaged);
    callback_backup_cleanup(&cs);
    win_target_cleanup(&wt);
    return hr;
}

HRESULT ddp_restore_files(ULONG n, BSTR *paths, IDedupReadFileCallback *store, DWORD flags, HRESULT *file_results)
{
    ddp_file_result *results;
    char **names;
    HRESULT hr;

    if (!arguments_valid(n, paths, store, flags))
        return E_INVALIDARG;
    if (n == 0)
        return S_OK;
    results = calloc(n, sizeof *results);
    names = utf8_names(paths, n);
    if (!results || !names) {
        free(results);
        free_names(names, n);
        return E_OUTOFMEMORY;
    }
    hr = run_engine(n, paths, names, store, results);
    trace_results(results, names, n);
    ddp_event_report_results(results, paths, n);
    if (file_results)
        for (ULONG i = 0; i < n; i++)
            file_results[i] = results[i].hr;
    free(results);
    free_names(names, n);
    TRACE("-> %#lx", (unsigned long)hr);
    return hr;
}
