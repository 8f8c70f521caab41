/*
 * walk.c - the walk of ddp-mkstore's source tree: depth first, the names of every
 * folder sorted bytewise, so the same tree always gives the same file order (and so the
 * same store). Only regular files are visited; symbolic links, special files (devices,
 * FIFOs, sockets) and empty folders are skipped and counted (on POSIX the entries are
 * examined with lstat).
 */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mkstore.h"
#include "tool_path.h"

typedef struct entry_info {
    int is_dir, is_file, is_link;
    uint64_t size;
} entry_info;

static int examine(const char *path, entry_info *info)
{
    memset(info, 0, sizeof *info);
#ifdef _WIN32
    struct _stat64 sb;
    if (_stat64(path, &sb) != 0)
        return -1;
    info->is_dir = (sb.st_mode & _S_IFMT) == _S_IFDIR;
    info->is_file = (sb.st_mode & _S_IFMT) == _S_IFREG;
#else
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return -1;
    info->is_dir = S_ISDIR(sb.st_mode);
    info->is_file = S_ISREG(sb.st_mode);
    info->is_link = S_ISLNK(sb.st_mode);
#endif
    info->size = (uint64_t)sb.st_size;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a folder (without "." and ".."); NULL when it cannot be read. */
static char **list_folder(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                ok = 0;
                break;
            }
            names = grown;
        }
        size_t len = strlen(e->d_name);
        names[*n] = malloc(len + 1);
        if (!names[*n]) {
            ok = 0;
            break;
        }
        memcpy(names[*n], e->d_name, len + 1);
        (*n)++;
    }
    closedir(d);
    if (!ok) {
        for (size_t i = 0; i < *n; i++)
            free(names[i]);
        free(names);
        return NULL;
    }
    if (!names)
        names = malloc(1 * sizeof *names);   /* an empty folder is not an error */
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

static int walk_folder(const char *full, const char *rel, mkstore_visit visit, void *ctx, mkstore_skips *skips)
{
    size_t n = 0;
    char **names = list_folder(full, &n);
    if (!names) {
        fprintf(stderr, "ddp-mkstore: cannot read folder %s\n", full);
        return -1;
    }
    int r = 0;
    if (n == 0 && *rel)
        skips->empty_folders++;
    for (size_t i = 0; i < n && r == 0; i++) {
        char *child_full = tool_path_join(full, names[i]);
        char *child_rel = tool_path_join(rel, names[i]);
        entry_info info;
        if (!child_full || !child_rel) {
            r = -1;
        } else if (examine(child_full, &info) != 0) {
            fprintf(stderr, "ddp-mkstore: cannot examine %s\n", child_full);
            r = -1;
        } else if (info.is_dir) {
            r = walk_folder(child_full, child_rel, visit, ctx, skips);
        } else if (info.is_file) {
            r = visit(ctx, child_full, child_rel, info.size);
        } else if (info.is_link) {
            skips->links++;
        } else {
            skips->special++;
        }
        free(child_full);
        free(child_rel);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return r;
}

int mkstore_walk(const char *root, mkstore_visit visit, void *ctx, mkstore_skips *skips)
{
    return walk_folder(root, "", visit, ctx, skips);
}
