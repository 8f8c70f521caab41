/*
 * mkstore.h - what the parts of ddp-mkstore share: the options, the walk of the source
 * tree, the stub writers and the summary.
 */
#ifndef DDP_MKSTORE_H
#define DDP_MKSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ddp/store_builder.h"

#define EXIT_BUILD_FAILED 1
#define EXIT_USAGE 2

typedef enum stub_mode { STUBS_RAW = 0, STUBS_XATTR = 1 } stub_mode;

typedef struct mkstore_options {
    ddp_store_builder_options store;
    stub_mode stubs;
    uint64_t min_size;        /* smaller files are copied as they are */
    int json, quiet, force;
    const char *src, *dest;
} mkstore_options;

/* cli.c: parses argv; returns 0, or prints why to stderr and returns -1. */
int mkstore_parse_args(int argc, char **argv, mkstore_options *opt);
void mkstore_usage(FILE *f);

/* What the walk passes over: symbolic links, special files, folders without entries. */
typedef struct mkstore_skips {
    uint64_t links, special, empty_folders;
} mkstore_skips;

/* walk.c: calls visit for every regular file under root, names sorted bytewise at every
 * level, with its path relative to root ('/'-separated) and its size, and counts in
 * skips what it passes over. A non-zero return of visit stops the walk and is returned;
 * -1 when a folder cannot be read. */
typedef int (*mkstore_visit)(void *ctx, const char *full_path, const char *rel_path, uint64_t size);
int mkstore_walk(const char *root, mkstore_visit visit, void *ctx, mkstore_skips *skips);

/* stubs.c: writes under dest (folders created). 0 on success, -1 with errno-style cause printed. */
int mkstore_write_raw_stub(const char *path, const uint8_t *reparse, size_t len);
int mkstore_write_xattr_stub(const char *path, uint64_t size, const uint8_t *reparse, size_t len);
int mkstore_copy_file(const char *from, const char *to);
int mkstore_make_parents(char *path);

/* undo.c: what a refused or failed run takes back. note: path was created by this run
 * (folders and files; a stub written over an existing file is not noted). note_store:
 * the store folder to remove with its contents. undo_all removes, newest first, and
 * forgets; 0, or -1 when something could not be removed (said on stderr). forget: the
 * run succeeded. */
void mkstore_undo_note(const char *path, int is_dir);
void mkstore_undo_note_store(const char *folder);
int mkstore_undo_all(void);
void mkstore_undo_forget(void);
int mkstore_remove_tree(const char *path);
int mkstore_path_exists(const char *path);

/* summary.c */
typedef struct mkstore_totals {
    ddp_store_builder_stats stats;
    uint64_t copied_files, copied_bytes;
    uint64_t copied_empty;    /* of copied_files, the files of 0 bytes */
    mkstore_skips skipped;
} mkstore_totals;
void mkstore_print_summary(FILE *f, const mkstore_options *opt, const mkstore_totals *t, int json);

#endif
