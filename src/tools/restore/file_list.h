/*
 * file_list.h - the files ddp-restore works on: every PATH given, folders walked in
 * sorted order (not following symbolic links, skipping "System Volume Information" and
 * our own temporary files), keeping the files that are dedup stubs of the kind asked for,
 * and the files that cannot be read (whether they are stubs is unknown: their restore
 * fails with E_ACCESSDENIED, they are not skipped silently). For --out, unless
 * --stubs-only, the rest of the tree too (ordinary files, symbolic links, folders), to be
 * copied as it is (plain_copy.h). A folder that cannot be listed (or not to its end) and
 * an entry that cannot be examined are kept as unreached paths, which the caller reports
 * as failures.
 */
#ifndef DDP_RESTORE_FILE_LIST_H
#define DDP_RESTORE_FILE_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "stub_source.h"

typedef struct restore_item {
    char *path;           /* the stub as found */
    char *out_path;       /* --out: OUT/<path relative to ROOT, or to the PATH's parent> */
    ddp_stub_kind kind;
    uint64_t logical_size;  /* from the reparse point (0 when it does not parse) */
    ddp_stub_seen *seen;  /* raw stubs while FILE_LIST_SEEN_BUDGET lasts: what the listing
                           * read, so that the restore does not read the stub again; or NULL */
} restore_item;

/* The most bytes of ddp_stub_seen a list keeps (beyond it, stubs are read again when
 * restored): about 40,000 stubs of 264 bytes, whatever the size of the tree. */
#define FILE_LIST_SEEN_BUDGET (16u << 20)

/* A path the walk could not reach (a folder it could not list, or not completely, an
 * entry it could not examine): whether it holds stubs is unknown, so it is a failure. */
typedef struct unreached_path {
    char *path;
    int err;              /* errno */
    const char *what;     /* "cannot list the folder", ... */
} unreached_path;

/* --out without --stubs-only: what is not a stub is copied as it is. */
typedef enum plain_kind { PLAIN_FILE, PLAIN_LINK, PLAIN_FOLDER } plain_kind;
typedef struct plain_item {
    char *path, *out_path;
    plain_kind kind;
} plain_item;

typedef struct file_list {
    restore_item *items;
    size_t count, cap;
    int copy_plain;       /* set before adding: keep ordinary files, links and folders in plain */
    plain_item *plain;
    size_t plain_count, plain_cap;
    size_t skipped;       /* regular files that are not dedup stubs (and are not copied) */
    size_t missing;       /* PATH arguments that do not exist */
    size_t seen_bytes;    /* held by the items' seen */
    unreached_path *unreached;
    size_t n_unreached, cap_unreached;
} file_list;

/* Adds path (a file or a folder) to list. root: the --store folder; out: the --out folder
 * or NULL. Returns 0, or -1 when out of memory. A missing path is counted and reported
 * on stderr; a path the walk cannot reach is listed in unreached (reported by the caller). */
int file_list_add(file_list *list, const char *path, const char *root, const char *out, ddp_stub_mode mode);
/* Drops second mentions of a path (a file named and also inside a folder named). */
int file_list_unique(file_list *list);
void file_list_free(file_list *list);

#endif
