/*
 * undo.c - what a refused or failed ddp-mkstore run takes back, so that it leaves
 * nothing behind: every file and folder the run created, in reverse order, and the
 * chunk store folder it wrote (with its contents), so no half store remains. A file that
 * existed before and was replaced (only with --force) cannot be brought back and stays.
 * This file owns the list of what was created.
 */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef _WIN32
#include <direct.h>
#define remove_dir(p) _rmdir(p)
#else
#include <unistd.h>
#define remove_dir(p) rmdir(p)
#endif

#include "mkstore.h"
#include "tool_path.h"

static struct {
    char **paths;
    unsigned char *is_dir;
    size_t n, cap;
    char *store_root;       /* the store folder to remove with its contents */
} created;

int mkstore_path_exists(const char *path)
{
#ifdef _WIN32
    struct _stat64 sb;
    return _stat64(path, &sb) == 0;
#else
    struct stat sb;
    return lstat(path, &sb) == 0;
#endif
}

void mkstore_undo_note(const char *path, int is_dir)
{
    if (created.n == created.cap) {
        size_t cap = created.cap ? created.cap * 2 : 64;
        char **paths = realloc(created.paths, cap * sizeof *paths);
        unsigned char *dirs = paths ? realloc(created.is_dir, cap) : NULL;
        if (paths)
            created.paths = paths;
        if (!dirs)
            return;          /* out of memory: the path is not taken back (said below) */
        created.is_dir = dirs;
        created.cap = cap;
    }
    char *copy = malloc(strlen(path) + 1);
    if (!copy)
        return;
    strcpy(copy, path);
    created.paths[created.n] = copy;
    created.is_dir[created.n++] = (unsigned char)(is_dir != 0);
}

void mkstore_undo_note_store(const char *folder)
{
    free(created.store_root);
    created.store_root = malloc(strlen(folder) + 1);
    if (created.store_root)
        strcpy(created.store_root, folder);
}

int mkstore_remove_tree(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return remove(path);
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *child = tool_path_join(path, e->d_name);
        if (!child || mkstore_remove_tree(child) != 0)
            rc = -1;
        free(child);
    }
    closedir(d);
    return remove_dir(path) == 0 && rc == 0 ? 0 : -1;
}

int mkstore_undo_all(void)
{
    int rc = 0;
    if (created.store_root && mkstore_remove_tree(created.store_root) != 0) {
        fprintf(stderr, "ddp-mkstore: cannot remove %s: %s\n", created.store_root, strerror(errno));
        rc = -1;
    }
    while (created.n > 0) {
        size_t i = --created.n;
        const char *p = created.paths[i];
        int gone = (created.is_dir[i] ? remove_dir(p) : remove(p)) == 0 || errno == ENOENT;
        if (!gone) {
            fprintf(stderr, "ddp-mkstore: cannot remove %s: %s\n", p, strerror(errno));
            rc = -1;
        }
        free(created.paths[i]);
    }
    mkstore_undo_forget();
    return rc;
}

void mkstore_undo_forget(void)
{
    for (size_t i = 0; i < created.n; i++)
        free(created.paths[i]);
    free(created.paths);
    free(created.is_dir);
    free(created.store_root);
    memset(&created, 0, sizeof created);
}
