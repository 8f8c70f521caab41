/*
 * dll_fixture.h - builds a real chunk store in memory with the engine's store builder,
 * writes it and the files' stubs into a temporary folder, and checks restored files against
 * the originals. For the end-to-end tests of DdpBackup.dll. The stubs are stub files (the
 * raw reparse buffer as content, stub-file mode); built with DDP_TEST_REPARSE, for
 * DdpBackupReparse.dll, they are what the dedup filter leaves: sparse files of the original
 * size holding zeros, with the dedup reparse point (reparse_shim.c).
 */
#ifndef DDP_DLL_FIXTURE_H
#define DDP_DLL_FIXTURE_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#include "ddp/store_builder.h"
#include "store_fixture.h"

typedef struct dll_fixture {
    WCHAR root[MAX_PATH];         /* the backup root: holds "System Volume Information" */
    WCHAR target[MAX_PATH];       /* where the stubs are restored */
    store_fixture store;          /* the files (originals, reparse buffers) and their store */
    BSTR *paths;                  /* full paths of the stubs */
} dll_fixture;

/* Builds the store with opt from n files of the given sizes (sizes[i] bytes each, of
 * deterministic content: 64 KiB blocks shared by every file mixed with unique ones) and
 * writes it under a new temporary folder named tag. Empty files are written as plain
 * files, not stubs. Returns 0 on success. */
int fixture_create(dll_fixture *f, const wchar_t *tag, const ddp_store_builder_options *opt, uint32_t seed, uint32_t n,
                   const size_t *sizes);
/* 1 when file i's current content equals its original (in reparse mode: and it has no
 * reparse point left). */
int fixture_file_matches(const dll_fixture *f, uint32_t i);
/* 1 when file i is still its stub (the reparse buffer written at create time; in reparse
 * mode also the reparse and sparse attributes, and zeros as content). */
int fixture_file_is_stub(const dll_fixture *f, uint32_t i);
/* Full path (Windows) of a store file such as "\System Volume Information\...\Data\00000001.00000001.ccc". */
void fixture_store_path(const dll_fixture *f, const char *store_path, WCHAR *out, size_t cap);
/* File i's reparse buffer as created (NULL for a plain file). */
const uint8_t *fixture_stub_buffer(const dll_fixture *f, uint32_t i, size_t *len);
/* Creates (or truncates) path for writing; in reparse mode an existing reparse point goes
 * with the old content, as an overwrite does on NTFS. */
HANDLE fixture_overwrite(const WCHAR *path);
void fixture_destroy(dll_fixture *f);

#endif
