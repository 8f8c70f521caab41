/*
 * tree.h - the sample application's backup format: a folder mirroring the volume, plus a
 * manifest naming each entry's kind, so restore knows which files are dedup stubs.
 */
#ifndef SAMPLE_TREE_H
#define SAMPLE_TREE_H

#include <windows.h>

#define SAMPLE_MANIFEST L"ddp-sample-manifest.txt"
#define SAMPLE_CHUNK_STORE_DIR L"System Volume Information"

typedef struct tree_counts {
    ULONG directories, files, stubs;
    ULONGLONG bytes;
} tree_counts;

/* Copies volume_root into backup_root: ordinary files and the chunk store as they are,
 * stubs as their reparse buffers; writes the manifest. Returns 0, or a Win32 error. */
DWORD tree_backup(const WCHAR *volume_root, const WCHAR *backup_root, BOOL stub_files, tree_counts *counts);

/* Puts the backup's files back under target_root (not the chunk store: the DLL reads that
 * from the backup) and recreates each stub. Every stub's full path is passed to on_stub. */
typedef BOOL (*tree_stub_fn)(void *ctx, const WCHAR *full_path);
DWORD tree_restore(const WCHAR *backup_root, const WCHAR *target_root, BOOL stub_files, tree_counts *counts,
                   tree_stub_fn on_stub, void *ctx);

#endif
