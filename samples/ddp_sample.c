/*
 * ddp_sample.c - a backup application that restores deduplicated files with
 * DdpBackup.dll, the way backup products use it.
 *
 *   ddp-sample backup  <volume root> <backup folder>
 *   ddp-sample restore <backup folder> <target root> [--batch N]
 *
 * restore puts every file back; dedup stubs come back as stubs (their reparse points, with
 * BackupWrite),
 * then IDedupBackupSupport::RestoreFiles rebuilds their content from the chunk store in
 * the backup, reading it through our IDedupReadFileCallback (backup_store.c). At most
 * 10,000 files go into one RestoreFiles call. Under Wine, which has no reparse points,
 * set DDPBACKUP_STUB_FILES=1 (for us and for the DLL): stubs are then stub files.
 *
 * Exit status: 0 all restored, 1 some file failed, 2 usage or set-up error.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "backup_store.h"
#include "ddpbackup.h"
#include "error_text.h"
#include "tree.h"

/* The stubs to rebuild, collected while the tree is put back. */
typedef struct stub_list {
    BSTR *paths;
    ULONG count, capacity;
} stub_list;

static BOOL add_stub(void *ctx, const WCHAR *full_path)
{
    stub_list *list = ctx;
    if (list->count == list->capacity) {
        ULONG cap = list->capacity ? list->capacity * 2 : 1024;
        BSTR *grown = realloc(list->paths, cap * sizeof *grown);
        if (!grown)
            return FALSE;
        list->paths = grown;
        list->capacity = cap;
    }
    list->paths[list->count] = SysAllocString(full_path);
    return list->paths[list->count++] != NULL;
}

static BOOL stub_files_mode(void)
{
    WCHAR v[4];
    return GetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", v, 4) == 1 && v[0] == L'1';
}

static double seconds_since(LARGE_INTEGER start)
{
    LARGE_INTEGER now, freq;
    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&freq);
    return (double)(now.QuadPart - start.QuadPart) / (double)freq.QuadPart;
}

static ULONGLONG file_size(const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &d))
        return 0;
    return ((ULONGLONG)d.nFileSizeHigh << 32) | d.nFileSizeLow;
}

/* One RestoreFiles call for paths[0..n): prints each file that did not come back. */
static HRESULT restore_batch(IDedupBackupSupport *support, IDedupReadFileCallback *callback, BSTR *paths, ULONG n,
                             ULONG *restored, ULONG *not_dedup, ULONG *failed, ULONGLONG *bytes)
{
    HRESULT *results = calloc(n, sizeof *results);
    HRESULT hr;

    if (!results)
        return E_OUTOFMEMORY;
    hr = IDedupBackupSupport_RestoreFiles(support, n, paths, callback, DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    if (hr == E_INVALIDARG) {
        free(results);
        return hr;
    }
    for (ULONG i = 0; i < n; i++) {
        if (results[i] == S_OK) {
            (*restored)++;
            *bytes += file_size(paths[i]);
        } else if (results[i] == S_FALSE)
            (*not_dedup)++;
        else {
            /* The stub keeps its reparse point: nothing is lost, the restore can be retried. */
            (*failed)++;
            fwprintf(stderr, L"FAILED 0x%08lx %ls\n", (unsigned long)results[i], paths[i]);
        }
    }
    free(results);
    return hr;
}

static int command_restore(const WCHAR *backup_root, const WCHAR *target_root, ULONG batch)
{
    stub_list stubs = { NULL, 0, 0 };
    tree_counts counts;
    IDedupBackupSupport *support = NULL;
    backup_store *store;
    backup_store_stats stats;
    ULONG restored = 0, not_dedup = 0, failed = 0, calls = 0;
    ULONGLONG bytes = 0;
    LARGE_INTEGER start;
    DWORD err;
    HRESULT hr;
    double secs;

    err = tree_restore(backup_root, target_root, stub_files_mode(), &counts, add_stub, &stubs);
    if (err) {
        WCHAR text[SAMPLE_ERROR_TEXT_CHARS];
        fwprintf(stderr, L"restore: putting the tree back failed: error %lu (%ls)\n", (unsigned long)err,
                 sample_error_text(err, text, SAMPLE_ERROR_TEXT_CHARS));
        return 2;
    }
    wprintf(L"tree restored: %lu directories, %lu files, %lu dedup stubs\n", (unsigned long)counts.directories,
            (unsigned long)counts.files, (unsigned long)counts.stubs);

    hr = CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER, &IID_IDedupBackupSupport,
                          (void **)&support);
    if (FAILED(hr)) {
        WCHAR text[SAMPLE_ERROR_TEXT_CHARS];
        fwprintf(stderr, L"CoCreateInstance(DedupBackupSupport) failed: 0x%08lx (%ls) (is DdpBackup.dll registered?)\n",
                 (unsigned long)hr, sample_error_text((DWORD)hr, text, SAMPLE_ERROR_TEXT_CHARS));
        return 2;
    }
    store = backup_store_create(backup_root);
    if (!store) {
        IDedupBackupSupport_Release(support);
        return 2;
    }
    QueryPerformanceCounter(&start);
    for (ULONG first = 0; first < stubs.count; first += batch) {
        ULONG n = stubs.count - first < batch ? stubs.count - first : batch;
        hr = restore_batch(support, backup_store_callback(store), stubs.paths + first, n, &restored, &not_dedup,
                           &failed, &bytes);
        calls++;
        if (hr == E_INVALIDARG || hr == E_OUTOFMEMORY) {
            WCHAR text[SAMPLE_ERROR_TEXT_CHARS];
            fwprintf(stderr, L"RestoreFiles failed: 0x%08lx (%ls)\n", (unsigned long)hr,
                     sample_error_text((DWORD)hr, text, SAMPLE_ERROR_TEXT_CHARS));
            failed += n;
        }
    }
    secs = seconds_since(start);
    backup_store_get_stats(store, &stats);
    backup_store_release(store);
    IDedupBackupSupport_Release(support);

    wprintf(L"RestoreFiles: %lu call(s); %lu restored, %lu not deduplicated, %lu failed\n", (unsigned long)calls,
            (unsigned long)restored, (unsigned long)not_dedup, (unsigned long)failed);
    wprintf(L"restored bytes: %llu in %.3f s (%.1f MB/s)\n", bytes, secs,
            secs > 0 ? (double)bytes / secs / 1e6 : 0.0);
    wprintf(L"callbacks: ReadBackupFile=%lu PreviewContainerRead=%lu OrderContainersRestore=%lu "
            L"FindContainerFile=%lu\n",
            (unsigned long)stats.read_calls, (unsigned long)stats.preview_calls, (unsigned long)stats.order_calls,
            (unsigned long)stats.find_calls);
    wprintf(L"media bytes read: %llu (returned to the DLL: %llu)\n", stats.bytes_read_from_media,
            stats.bytes_returned);
    for (ULONG i = 0; i < stubs.count; i++)
        SysFreeString(stubs.paths[i]);
    free(stubs.paths);
    return failed ? 1 : 0;
}

static int command_backup(const WCHAR *volume_root, const WCHAR *backup_root)
{
    tree_counts counts;
    DWORD err = tree_backup(volume_root, backup_root, stub_files_mode(), &counts);
    if (err) {
        WCHAR text[SAMPLE_ERROR_TEXT_CHARS];
        fwprintf(stderr, L"backup failed: error %lu (%ls)\n", (unsigned long)err,
                 sample_error_text(err, text, SAMPLE_ERROR_TEXT_CHARS));
        return 2;
    }
    wprintf(L"backed up: %lu directories, %lu files (%llu bytes), %lu dedup stubs\n",
            (unsigned long)counts.directories, (unsigned long)counts.files, counts.bytes,
            (unsigned long)counts.stubs);
    return 0;
}

static int usage(void)
{
    fwprintf(stderr, L"usage: ddp-sample backup <volume root> <backup folder>\n"
                     L"       ddp-sample restore <backup folder> <target root> [--batch N (1..10000)]\n");
    return 2;
}

int wmain(int argc, WCHAR **argv)
{
    ULONG batch = DEDUP_MAX_RESTORE_FILES;
    int rc;

    if (argc >= 6 && !wcscmp(argv[4], L"--batch")) {
        batch = wcstoul(argv[5], NULL, 10);
        if (batch < 1 || batch > DEDUP_MAX_RESTORE_FILES)
            return usage();
    } else if (argc != 4)
        return usage();
    if (!wcscmp(argv[1], L"backup"))
        return command_backup(argv[2], argv[3]);
    if (wcscmp(argv[1], L"restore"))
        return usage();
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return 2;
    rc = command_restore(argv[2], argv[3], batch);
    CoUninitialize();
    return rc;
}
