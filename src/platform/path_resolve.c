/*
 * path_resolve.c - volume-relative Windows paths to host paths under a root folder,
 * with case-insensitive lookup of each component (path_resolve.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "path_resolve.h"

typedef struct path_buf {
    char *s;
    size_t len, cap;
} path_buf;

static int buf_append(path_buf *b, const char *part, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        size_t cap = (b->len + n + 2) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            errno = ENOMEM;
            return -1;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, part, n);
    b->len += n;
    b->s[b->len] = 0;
    return 0;
}

/* Appends "/name" choosing the on-disk spelling of name inside folder b->s. */
static int append_component(path_buf *b, const char *name, size_t n)
{
    struct stat st;
    size_t base = b->len;
    DIR *dir;
    struct dirent *de;

    if ((n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.')) {
        errno = EINVAL;
        return -1;
    }
    if (buf_append(b, "/", 1) < 0 || buf_append(b, name, n) < 0)
        return -1;
    if (lstat(b->s, &st) == 0)
        return 0;
    if (errno != ENOENT)
        return -1;
    b->s[base] = 0;
    b->len = base;
    dir = opendir(base ? b->s : "/");
    if (!dir)
        return -1;
    while ((de = readdir(dir)) != NULL) {
        if (strlen(de->d_name) == n && strncasecmp(de->d_name, name, n) == 0) {
            int rc = buf_append(b, "/", 1) < 0 || buf_append(b, de->d_name, n) < 0 ? -1 : 0;
            closedir(dir);
            return rc;
        }
    }
    closedir(dir);
    errno = ENOENT;
    return -1;
}

int ddp_path_resolve(const char *root, const char *volume_path, char **out)
{
    path_buf b = {0};
    const char *p = volume_path;
    size_t root_len = strlen(root);

    *out = NULL;
    while (root_len > 1 && root[root_len - 1] == '/')
        root_len--;
    if (buf_append(&b, root, root_len) < 0)
        return -1;
    while (*p) {
        size_t n;
        while (*p == '\\' || *p == '/')
            p++;
        n = strcspn(p, "\\/");
        if (n && append_component(&b, p, n) < 0) {
            int saved = errno;
            free(b.s);
            errno = saved;
            return -1;
        }
        p += n;
    }
    *out = b.s;
    return 0;
}
