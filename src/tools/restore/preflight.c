/*
 * preflight.c - ddp-restore's checks of --store and --out before any stub or container
 * is read or anything is written (preflight.h).
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddp/container.h"
#include "path_resolve.h"
#include "preflight.h"
#include "tool_path.h"


/* ---- --store ---- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

/* Opens the first container file of folder sub of a chunk store: 0, or errno when the
 * folder or that file cannot be read (a missing folder is not this check's concern). */
static int probe_containers(const char *ddp, const char *sub, char **where)
{
    char *dir = tool_path_join(ddp, sub);
    DIR *d = dir ? opendir(dir) : NULL;
    int err = 0;
    if (!dir)
        return ENOMEM;
    if (!d) {
        err = errno == ENOENT ? 0 : errno;
        *where = err ? dir : NULL;
        if (!err)
            free(dir);
        return err;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (!ends_with_ci(de->d_name, ".ccc"))
            continue;
        char *file = tool_path_join(dir, de->d_name);
        FILE *f = file ? fopen(file, "rb") : NULL;
        if (f) {
            fclose(f);
            free(file);
        } else {
            err = file ? errno : ENOMEM;
            *where = file;
        }
        break;
    }
    closedir(d);
    free(dir);
    return err;
}

/* Every {GUID}.ddp folder of the chunk store folder cs: its Stream and Data folders and
 * their first container can be read. Returns the number of chunk stores, or -1 with
 * *err and *where set. */
static int probe_chunk_stores(const char *cs, int *err, char **where)
{
    DIR *d = opendir(cs);
    int found = 0;
    if (!d) {
        *err = errno;
        *where = strdup(cs);
        return -1;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (!ends_with_ci(de->d_name, ".ddp"))
            continue;
        char *ddp = tool_path_join(cs, de->d_name);
        struct stat st;
        if (!ddp || stat(ddp, &st) < 0 || !S_ISDIR(st.st_mode)) {
            free(ddp);
            continue;
        }
        found++;
        *err = probe_containers(ddp, "Stream", where);
        if (!*err)
            *err = probe_containers(ddp, "Data", where);
        free(ddp);
        if (*err) {
            found = -1;
            break;
        }
    }
    closedir(d);
    return found;
}

int preflight_store(const char *root, FILE *log)
{
    char *cs = NULL, *where = NULL;
    int err = 0, n;
    if (ddp_path_resolve(root, DDP_CHUNK_STORE_ROOT, &cs) < 0) {
        err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            fprintf(log, "ddp-restore: --store %s holds no chunk store: it has no "
                         "System Volume Information/Dedup/ChunkStore folder\n", root);
            return PREFLIGHT_USAGE;
        }
        fprintf(log, "ddp-restore: --store %s cannot be read: looking for System Volume Information/Dedup/"
                     "ChunkStore: %s\n", root, strerror(err));
        return PREFLIGHT_FAILED;
    }
    n = probe_chunk_stores(cs, &err, &where);
    if (n == 0)
        fprintf(log, "ddp-restore: --store %s holds no chunk store: %s has no {GUID}.ddp folder\n", root, cs);
    else if (n < 0)
        fprintf(log, "ddp-restore: --store %s cannot be read: %s: %s\n", root, where ? where : cs, strerror(err));
    free(where);
    free(cs);
    return n == 0 ? PREFLIGHT_USAGE : n < 0 ? PREFLIGHT_FAILED : 0;
}

/* ---- --out ---- */

/* The absolute form of path, which need not exist: its deepest existing ancestor
 * resolved, then the rest as given ("." and ".." in the rest are refused: NULL). */
static char *canonical(const char *path)
{
    char *resolved = realpath(path, NULL), *copy, *base, *parent, *out = NULL;
    if (resolved || errno != ENOENT)
        return resolved;
    copy = strdup(path);
    if (!copy)
        return NULL;
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    base = strrchr(copy, '/');
    if (!base) {
        parent = ".";
        base = copy;
    } else {
        *base++ = '\0';
        parent = copy[0] ? copy : "/";
    }
    if (strcmp(base, ".") && strcmp(base, "..")) {
        char *p = canonical(parent);
        out = p ? tool_path_join(p, base) : NULL;
        free(p);
    }
    free(copy);
    return out;
}

/* 1 when path is dir or lies inside it (both absolute and canonical). */
static int is_within(const char *path, const char *dir)
{
    size_t ld = strlen(dir);
    if (ld == 1 && dir[0] == '/')
        return 1;
    return strncmp(path, dir, ld) == 0 && (path[ld] == '\0' || path[ld] == '/');
}

/* The folder a PATH argument restores: itself, or a file's folder. NULL when missing. */
static char *restored_folder(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return NULL;
    if (S_ISDIR(st.st_mode))
        return realpath(path, NULL);
    char *copy = strdup(path), *dir = copy ? realpath(dirname(copy), NULL) : NULL;
    free(copy);
    return dir;
}

/* mkdir -p of an absolute path. */
static int make_folders(const char *abs)
{
    char *p = strdup(abs);
    int rc = 0;
    if (!p)
        return -1;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    int err = errno;
    free(p);
    errno = err;
    return rc;
}

/* Creates and removes a file in dir: 0, or -1 with errno. */
static int try_write(const char *dir)
{
    char *name = tool_path_join(dir, ".ddprestore-probe-XXXXXX");
    int fd = name ? mkstemp(name) : -1, err = errno;
    if (fd >= 0) {
        close(fd);
        unlink(name);
    }
    free(name);
    errno = err;
    return fd >= 0 ? 0 : -1;
}

/* --out must not be (or lie in) a folder being restored, nor be the store root that
 * the copies of files inside it are placed relative to. 0 or PREFLIGHT_USAGE. */
static int out_outside_sources(const char *out, const char *abs, char *const *paths, int n, const char *store,
                               FILE *log)
{
    char *root = realpath(store, NULL);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char *dir = restored_folder(paths[i]);
        if (dir && is_within(abs, dir)) {
            fprintf(log, "ddp-restore: --out %s %s the folder being restored (%s): the copies would "
                         "replace the sources\n", out, strcmp(abs, dir) ? "lies inside" : "is", dir);
            rc = PREFLIGHT_USAGE;
        } else if (dir && root && strcmp(abs, root) == 0 && is_within(dir, root)) {
            fprintf(log, "ddp-restore: --out %s is the --store root, which holds %s: the copies would "
                         "replace the sources\n", out, dir);
            rc = PREFLIGHT_USAGE;
        }
        free(dir);
    }
    free(root);
    return rc;
}

int preflight_out(const char *out, char *const *paths, int n_paths, const char *store, FILE *log)
{
    struct stat st;
    char *abs;
    int rc;
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(log, "ddp-restore: --out %s is not a folder\n", out);
        return PREFLIGHT_USAGE;
    }
    abs = canonical(out);
    if (!abs) {
        fprintf(log, "ddp-restore: --out %s cannot be created: %s\n", out,
                errno && errno != ENOENT ? strerror(errno) : "it ends in . or ..");
        return PREFLIGHT_USAGE;
    }
    rc = out_outside_sources(out, abs, paths, n_paths, store, log);
    if (!rc && make_folders(abs) < 0) {
        fprintf(log, "ddp-restore: --out %s cannot be created: %s\n", out, strerror(errno));
        rc = PREFLIGHT_USAGE;
    } else if (!rc && try_write(abs) < 0) {
        fprintf(log, "ddp-restore: --out %s cannot be written: %s\n", out, strerror(errno));
        rc = PREFLIGHT_USAGE;
    }
    free(abs);
    return rc;
}
