/*
 * temp_file.h - the content of a file being restored is written to a temporary file in
 * the destination's own folder (same file system, so it can be renamed over the
 * destination atomically, or copied into it).
 *
 * Every file a restore creates has a fixed-length ASCII name that does not depend on the
 * destination's name (which may be 255 UTF-16 units, 765 bytes of UTF-8, too long to
 * extend): ".ddprestore-RRRRRRRRRRRRRRRR-IIIIIIIIIIIIIIII" for a temporary file, where R
 * is the run's random id and I the stub's inode number (in place) or a sequence number
 * (with bit 63 set) - and the same with ".journal" appended for a folder's journal
 * (restore_journal.h), which maps temporary names back to their files. A later run
 * recognises exactly these names as its own and never touches any other.
 */
#ifndef DDP_PLATFORM_TEMP_FILE_H
#define DDP_PLATFORM_TEMP_FILE_H

#include <stdint.h>
#include <sys/types.h>

#define DDP_TEMP_MARK ".ddprestore-"
#define DDP_JOURNAL_SUFFIX ".journal"

/* This process's run id (random, fixed for its lifetime). */
uint64_t ddp_run_id(void);

/* Creates a new empty temporary file beside dest (O_EXCL) with permission bits mode
 * (less the umask, as open() does), named after id (a stub's inode number; 0: a
 * sequence number of this run). Returns an fd open for writing with *temp_path
 * (malloc'd), or -1 with errno set. */
int ddp_temp_create(const char *dest, uint64_t id, mode_t mode, char **temp_path);

/* A new journal name in folder (malloc'd, "folder/.ddprestore-R-S.journal"), or NULL. */
char *ddp_journal_name_new(const char *folder);

/* Creates dest's parent folders (mkdir -p of dirname(dest)). Returns 0 or -1. */
int ddp_make_parents(const char *dest);

typedef enum ddp_work_kind { DDP_WORK_NONE = 0, DDP_WORK_TEMP, DDP_WORK_JOURNAL } ddp_work_kind;

/* What a final path component is: one of our temporary files, journals, or neither. */
ddp_work_kind ddp_work_name_kind(const char *name);

/* 1 when name (a final path component) is one of our files (temporary file or journal). */
int ddp_is_temp_name(const char *name);

#endif
