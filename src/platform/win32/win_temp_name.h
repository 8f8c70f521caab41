/*
 * win_temp_name.h - the names of the DLL's temporary files (stub-file mode) and the
 * clean-up of those a killed RestoreFiles call left.
 *
 * A temporary file sits beside its stub under a fixed-length ASCII name that does not
 * depend on the stub's name (which may be 255 UTF-16 units, the NTFS limit, too long to
 * extend): ".ddprestore-CCCCCCCCCCCCCCCC-NNNNNNNNNNNNNNNN", C the call's random id, N the
 * file's number among the call's files (unique in the call, known without asking the file
 * system for the stub's file index), lower-case hex - the form ddp-restore uses
 * (src/platform/temp_file.h). A later call deletes, in the folders it restores into,
 * exactly the names of this form whose call id is not a call still running in this
 * process; nothing else is ever deleted. Also the two path helpers the names are built
 * with (the \\?\ prefix for long paths, a path's folder), shared with win_target.c.
 */
#ifndef DDP_PLATFORM_WIN_TEMP_NAME_H
#define DDP_PLATFORM_WIN_TEMP_NAME_H

#include <windows.h>
#include <stdint.h>

#define WIN_TEMP_NAME_LEN 45    /* ".ddprestore-" 12, 16 hex, "-", 16 hex */

/* path, then suffix (may be NULL); "D:\x" forms longer than MAX_PATH get the \\?\ prefix,
 * other forms are used as given. malloc'd; NULL when out of memory. */
WCHAR *win_usable_path(const WCHAR *path, const WCHAR *suffix);
/* The folder part of path ("D:\a\b" -> "D:\a"), malloc'd; NULL when it has none. */
WCHAR *win_folder_of(const WCHAR *path);

/* A new call id, registered as running until win_temp_call_end. */
uint64_t win_temp_call_begin(void);
void win_temp_call_end(uint64_t call_id);

/* The temporary file's path for the stub at path (folder kept, \\?\ added when long),
 * malloc'd; NULL when out of memory. */
WCHAR *win_temp_path(const WCHAR *path, uint64_t call_id, uint64_t file_number);

/* 1 when name (a final path component) has exactly the temporary form; *call_id set. */
int win_temp_is_name(const WCHAR *name, uint64_t *call_id);

/* Deletes the temporary files of calls not running in this process from the folders of
 * the n paths (each folder once). Returns how many were deleted. */
uint32_t win_temp_clean_folders(const BSTR *paths, uint32_t n);

#endif
