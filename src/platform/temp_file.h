/*
 * temp_file.h - the content of a file being restored is written to a temporary file in
 * the destination's own folder (same file system, so it can be renamed over the
 * destination atomically, or copied into it), named ".<name>.ddprestore-XXXXXX".
 */
#ifndef DDP_PLATFORM_TEMP_FILE_H
#define DDP_PLATFORM_TEMP_FILE_H

#define DDP_TEMP_MARK ".ddprestore-"

/* Creates a new empty temporary file beside dest. Returns an fd open for writing with
 * *temp_path (malloc'd), or -1 with errno set. */
int ddp_temp_create(const char *dest, char **temp_path);

/* Creates dest's parent folders (mkdir -p of dirname(dest)). Returns 0 or -1. */
int ddp_make_parents(const char *dest);

/* 1 when name (a final path component) is one of our temporary files. */
int ddp_is_temp_name(const char *name);

#endif
