/*
 * file_list.c - collecting the stubs to restore from the PATH arguments (file_list.h).
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ddp/reparse.h"
#include "file_list.h"
#include "temp_file.h"
#include "tool_path.h"

/* The absolute form of path without resolving its last component (an ntfs-3g stub is
 * shown as a dangling symbolic link). */
static char *absolute_path(const char *path)
{
    char *copy = strdup(path), *slash, *dir, *out = NULL;
    char resolved[PATH_MAX];
    size_t len;

    if (!copy)
        return NULL;
    len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = 0;
    slash = strrchr(copy, '/');
    if (!slash) {
        dir = ".";
    } else if (slash == copy) {
        dir = "/";
    } else {
        *slash = 0;
        dir = copy;
    }
    if (realpath(dir, resolved)) {
        const char *base = slash ? slash + 1 : copy;
        out = (!strcmp(base, ".") || !strcmp(base, "..")) ? realpath(path, NULL) : tool_path_join(resolved, base);
    }
    free(copy);
    return out;
}

/* Where --out puts file (absolute): relative to root when inside it, else to base. */
static char *out_path_for(const char *file, const char *root, const char *base, const char *out)
{
    size_t lr = root ? strlen(root) : 0, lb = strlen(base);
    const char *rel;

    if (lr && strncmp(file, root, lr) == 0 && file[lr] == '/')
        rel = file + lr + 1;
    else if (lr == 1 && root[0] == '/')
        rel = file + 1;
    else if (strncmp(file, base, lb) == 0 && file[lb] == '/')
        rel = file + lb + 1;
    else if (lb == 1 && base[0] == '/')
        rel = file + 1;
    else
        rel = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    return tool_path_join(out, rel);
}

/* arr (count elements of elem bytes, room for *cap) with room for one more: arr itself,
 * or a larger copy (doubled; first_cap for an empty one); NULL when out of memory (arr
 * is then unchanged). */
static void *room_for_one(void *arr, size_t count, size_t *cap, size_t elem, size_t first_cap)
{
    if (count < *cap)
        return arr;
    size_t grown_cap = *cap ? *cap * 2 : first_cap;
    void *grown = realloc(arr, grown_cap * elem);
    if (grown)
        *cap = grown_cap;
    return grown;
}

static int push(file_list *list, restore_item item)
{
    restore_item *items = room_for_one(list->items, list->count, &list->cap, sizeof item, 256);
    if (!items)
        return -1;
    list->items = items;
    list->items[list->count++] = item;
    return 0;
}

/* The logical size a stub's reparse buffer gives (0 when it does not parse). */
static uint64_t logical_size_of(const uint8_t *buf, size_t len)
{
    ddp_reparse rp;
    return len && ddp_reparse_parse(buf, len, &rp, NULL) == DDP_OK ? rp.logical_size : 0;
}

typedef struct walk {
    file_list *list;
    const char *root, *base, *out;
    ddp_stub_mode mode;
} walk;

static int add_plain(walk *w, const char *path, plain_kind kind)
{
    file_list *list = w->list;
    plain_item item = {strdup(path), out_path_for(path, w->root, w->base, w->out), kind};
    if (list->plain_count == list->plain_cap) {
        size_t cap = list->plain_cap ? list->plain_cap * 2 : 64;
        plain_item *grown = realloc(list->plain, cap * sizeof *grown);
        if (grown) {
            list->plain = grown;
            list->plain_cap = cap;
        }
    }
    if (!item.path || !item.out_path || list->plain_count == list->plain_cap) {
        free(item.path);
        free(item.out_path);
        return -1;
    }
    list->plain[list->plain_count++] = item;
    return 0;
}

/* What the probe of a raw stub saw (malloc'd), while the list's budget lasts; else NULL. */
static ddp_stub_seen *keep_seen(file_list *list, const struct stat *st, const uint8_t *buf, size_t len)
{
    size_t bytes = sizeof(ddp_stub_seen) + len;
    if (list->seen_bytes + bytes > FILE_LIST_SEEN_BUDGET)
        return NULL;
    ddp_stub_seen *seen = malloc(bytes);
    if (!seen)
        return NULL;              /* not needed: the restore reads the stub itself */
    seen->st = *st;
    seen->len = len;
    memcpy(seen->buf, buf, len);
    list->seen_bytes += bytes;
    return seen;
}

static int add_file(walk *w, const char *file)
{
    restore_item item = {0};
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    struct stat st;
    size_t len;
    int stated;

    /* A file we may not read could be a stub: it is kept, and its restore says why it fails.
     * The buffer the probe read gives the logical size: the stub is not opened again here. */
    if (ddp_stub_probe_buffer(file, w->mode, &item.kind, buf, sizeof buf, &len, &st, &stated) !=
            DDP_ERR_ACCESS_DENIED &&
        item.kind == DDP_STUB_NONE) {
        struct stat st;
        if (!w->list->copy_plain || ddp_stub_lstat(file, &st) < 0) {
            w->list->skipped++;
            return 0;
        }
        return add_plain(w, file, S_ISLNK(st.st_mode) ? PLAIN_LINK : PLAIN_FILE);
    }
    item.path = strdup(file);
    item.out_path = w->out ? out_path_for(file, w->root, w->base, w->out) : NULL;
    item.logical_size = logical_size_of(buf, len);
    if (stated && item.kind == DDP_STUB_RAW)
        item.seen = keep_seen(w->list, &st, buf, len);
    if (!item.path || (w->out && !item.out_path) || push(w->list, item) < 0) {
        free(item.path);
        free(item.out_path);
        free(item.seen);
        return -1;
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists path as unreached, with err and what failed. -1 when out of memory. */
static int unreached(file_list *list, const char *path, int err, const char *what)
{
    unreached_path *grown = room_for_one(list->unreached, list->n_unreached, &list->cap_unreached, sizeof *grown, 8);
    if (!grown)
        return -1;
    list->unreached = grown;
    unreached_path *u = &list->unreached[list->n_unreached];
    if (!(u->path = strdup(path)))
        return -1;
    u->err = err;
    u->what = what;
    list->n_unreached++;
    return 0;
}

static int add_tree(walk *w, const char *dir);

static int add_entry(walk *w, const char *path)
{
    struct stat st;
    if (ddp_stub_lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : unreached(w->list, path, errno, "cannot examine it");   /* ENOENT: vanished */
    if (S_ISDIR(st.st_mode))
        return add_tree(w, path);
    if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
        return add_file(w, path);
    w->list->skipped++;              /* a FIFO, socket or device: not a stub */
    return 0;
}

/* Sorted names of dir, without ".", "..", our temporary files and the chunk store folder. */
static int add_tree(walk *w, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (!d)
        return unreached(w->list, dir, errno, "cannot list the folder");
    /* the store root itself has no place of its own under OUT */
    if (w->list->copy_plain && !(w->root && !strcmp(dir, w->root)) && add_plain(w, dir, PLAIN_FOLDER) < 0) {
        closedir(d);
        return -1;
    }
    for (;;) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno && unreached(w->list, dir, errno, "listing the folder failed") < 0)
                rc = -1;
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || ddp_is_temp_name(de->d_name) ||
            !strcasecmp(de->d_name, "System Volume Information"))
            continue;
        if (n == cap) {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 1)           /* an empty folder has no array (names is NULL) */
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0) {
            char *p = tool_path_join(dir, names[i]);
            rc = p ? add_entry(w, p) : -1;
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int file_list_add(file_list *list, const char *path, const char *root, const char *out, ddp_stub_mode mode)
{
    char *abs = absolute_path(path), *root_abs = root ? realpath(root, NULL) : NULL, *base;
    struct stat st;
    walk w;
    int rc;

    if (!abs || ddp_stub_lstat(abs, &st) < 0) {
        fprintf(stderr, "ddp-restore: %s: %s\n", path, strerror(abs ? errno : ENOENT));
        list->missing++;
        free(abs);
        free(root_abs);
        return 0;
    }
    base = strdup(abs);
    if (!base) {
        free(abs);
        free(root_abs);
        return -1;
    }
    if (strrchr(base, '/') && strrchr(base, '/') != base)
        *strrchr(base, '/') = 0;
    else
        strcpy(base, "/");
    w = (walk){list, root_abs, base, out, mode};
    rc = S_ISDIR(st.st_mode) ? add_tree(&w, abs) : add_file(&w, abs);
    free(base);
    free(abs);
    free(root_abs);
    return rc;
}

static const file_list *sort_list;

static int compare_items(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_list->items[x].path, sort_list->items[y].path);
    return c ? c : (x > y) - (x < y);
}

int file_list_unique(file_list *list)
{
    size_t *order = malloc((list->count ? list->count : 1) * sizeof *order), kept = 0;
    if (!order)
        return -1;
    for (size_t i = 0; i < list->count; i++)
        order[i] = i;
    sort_list = list;
    qsort(order, list->count, sizeof *order, compare_items);
    for (size_t i = 1; i < list->count; i++) {
        restore_item *later = &list->items[order[i]];
        if (strcmp(later->path, list->items[order[i - 1]].path) != 0)
            continue;
        free(later->path);          /* a second mention: the first one (lower index) stays */
        free(later->out_path);
        free(later->seen);
        later->path = later->out_path = NULL;
        later->seen = NULL;
        order[i] = order[i - 1];
    }
    free(order);
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].path)
            list->items[kept++] = list->items[i];
    list->count = kept;
    return 0;
}

void file_list_free(file_list *list)
{
    for (size_t i = 0; i < list->plain_count; i++) {
        free(list->plain[i].path);
        free(list->plain[i].out_path);
    }
    free(list->plain);
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].out_path);
        free(list->items[i].seen);
    }
    for (size_t i = 0; i < list->n_unreached; i++)
        free(list->unreached[i].path);
    free(list->unreached);
    free(list->items);
    memset(list, 0, sizeof *list);
}
