/*
 * win_target.h - the engine's ddp_target for Windows files, in two modes:
 *  - reparse mode: the stubs carry real dedup reparse points (FSCTL_GET_REPARSE_POINT);
 *    content is written into the file's $DATA, then FSCTL_DELETE_REPARSE_POINT.
 *  - stub-file mode (DDPBACKUP_STUB_FILES=1): a stub's content is its raw reparse buffer,
 *    as ddp-mkstore writes them; content goes to a temporary file beside it that replaces
 *    the stub on success (".ddprestore-<call id>-<file index>", win_temp_name.h; those of
 *    killed calls in the same folders are deleted at init). This is how the DLL runs end to end under Wine (no reparse points).
 * Refused, the file left as it is (SECURITY.md §2): a directory (DDP_ERR_IS_DIRECTORY), a
 * file with more than one name (NumberOfLinks > 1: DDP_ERR_HARD_LINK), and what Windows
 * will not let us open (ERROR_ACCESS_DENIED: DDP_ERR_ACCESS_DENIED); checked when the
 * reparse point is read, again at begin (reparse mode) or before the move (stub-file mode).
 * Open handles are kept in a small cache: chunks arrive in container order, not file order.
 * finish() only completes a file's content and closes it; commit() makes the batch final:
 * every file given back its stub's creation, last-access and last-write times (writing the
 * content changed them; the application restored them with the stub) and flushed
 * (FlushFileBuffers, fsync under Wine), then the reparse points
 * deleted or the temporary files moved over their stubs (MOVEFILE_WRITE_THROUGH), then
 * each folder of a moved file flushed once (what makes the renames durable under Wine;
 * Windows may refuse it, write-through already covered them there).
 */
#ifndef DDP_PLATFORM_WIN_TARGET_H
#define DDP_PLATFORM_WIN_TARGET_H

#include <windows.h>

#include "ddp/file_state.h"
#include "ddp/restore.h"

#define WIN_TARGET_OPEN_HANDLES 64

typedef struct win_target_file {
    const WCHAR *path;      /* borrowed from the caller (a BSTR) */
    WCHAR *long_path;       /* path, with \\?\ when it is longer than MAX_PATH */
    WCHAR *write_path;      /* where content goes: long_path, or a temporary file (set when
                             * the stub is read: its name comes from the stub's file index) */
    uint64_t size;
    FILE_BASIC_INFO times;  /* the stub's times, given back to the restored file at commit */
    HANDLE handle;          /* INVALID_HANDLE_VALUE when not open */
    unsigned long last_use;
    ddp_file_state state;   /* the engine's states (ddp/file_state.h) */
    int moved;              /* commit(): moved over its stub, reported once the folders are flushed */
} win_target_file;

typedef struct win_target {
    int stub_files;
    uint32_t n;
    win_target_file *files;
    uint32_t open_count;
    unsigned long clock;
    uint64_t call_id;           /* names this call's temporary files (win_temp_name.h) */
    int call_registered;
    uint32_t leftovers_removed; /* temporary files of killed calls deleted at init */
} win_target;

/* Sets up a target over n paths; with clean, first deletes what killed calls left in
 * their folders (win_temp_name.h; FALSE when the caller promised to leave the paths'
 * folders untouched: ddp-restore.exe --verify / --out). Returns FALSE when out of memory. */
BOOL win_target_init(win_target *t, uint32_t n, BSTR *paths, int stub_files, int clean, ddp_target *target);
void win_target_cleanup(win_target *t);

/* TRUE when DDPBACKUP_STUB_FILES=1 asks for stub-file mode. */
BOOL win_target_stub_files_requested(void);

#endif
