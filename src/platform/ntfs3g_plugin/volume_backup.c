/*
 * volume_backup.c - see volume_backup.h. read() answers like dir_backup: a read past the
 * end gives S_OK with fewer bytes; a missing file HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND),
 * any other failure ERROR_READ_FAULT. find_container() lists the folder through
 * libntfs-3g as dir_backup lists it through the mount: "%08x.%08x.ccc" names of the id
 * (ddp_container_name_parse, which skips names holding "delete"), the highest generation
 * answered (FORMAT.md §2), so a stream container of any generation is found without
 * probing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "ntfs3g_headers.h"
#include "volume_backup.h"

#define VS_HR_FILE_NOT_FOUND ((int32_t)0x80070002u)
#define VS_HR_READ_FAULT ((int32_t)0x8007001Eu)

typedef struct vs_open {
    char *path;              /* the store's path, as asked */
    ntfs_inode *ni;
    ntfs_attr *na;           /* the unnamed $DATA */
    uint64_t used;           /* 0: free */
} vs_open;

struct volume_backup {
    ntfs_volume *vol;
    pthread_mutex_t lock;
    vs_open open[VS_OPEN_CONTAINERS];
    uint64_t tick;
};

volume_backup *vs_new(struct _ntfs_volume *vol)
{
    volume_backup *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->vol = vol;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

struct _ntfs_volume *vs_volume(const volume_backup *s)
{
    return s->vol;
}

static void close_one(vs_open *o)
{
    if (o->na)
        ntfs_attr_close(o->na);
    if (o->ni)
        ntfs_inode_close(o->ni);
    free(o->path);
    memset(o, 0, sizeof *o);
}

void vs_close_containers(volume_backup *s)
{
    pthread_mutex_lock(&s->lock);
    for (uint32_t i = 0; i < VS_OPEN_CONTAINERS; i++)
        if (s->open[i].used)
            close_one(&s->open[i]);
    pthread_mutex_unlock(&s->lock);
}

void vs_free(volume_backup *s)
{
    if (!s)
        return;
    vs_close_containers(s);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* "\A\B" -> "/A/B" (malloc'd). */
static char *volume_path(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 2);
    if (!p)
        return NULL;
    size_t k = 0;
    if (path[0] != '\\' && path[0] != '/')
        p[k++] = '/';
    for (size_t i = 0; i <= n; i++)
        p[k++] = path[i] == '\\' ? '/' : path[i];
    return p;
}

/* The open container for path, opened (in the least recently used slot) if need be. */
static int32_t get_open(volume_backup *s, const char *path, vs_open **out)
{
    vs_open *victim = &s->open[0];
    for (uint32_t i = 0; i < VS_OPEN_CONTAINERS; i++) {
        vs_open *o = &s->open[i];
        if (o->used && strcmp(o->path, path) == 0) {
            o->used = ++s->tick;
            *out = o;
            return 0;
        }
        if (o->used < victim->used)
            victim = o;
    }
    if (victim->used)
        close_one(victim);
    char *vpath = volume_path(path);
    char *copy = malloc(strlen(path) + 1);
    if (!vpath || !copy) {
        free(vpath);
        free(copy);
        return VS_HR_READ_FAULT;
    }
    strcpy(copy, path);
    ntfs_inode *ni = ntfs_pathname_to_inode(s->vol, NULL, vpath);
    int missing = !ni && errno == ENOENT;
    free(vpath);
    ntfs_attr *na = ni ? ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0) : NULL;
    if (!na) {
        if (ni)
            ntfs_inode_close(ni);
        free(copy);
        return missing ? VS_HR_FILE_NOT_FOUND : VS_HR_READ_FAULT;
    }
    victim->path = copy;
    victim->ni = ni;
    victim->na = na;
    victim->used = ++s->tick;
    *out = victim;
    return 0;
}

static int32_t vs_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    volume_backup *s = ctx;
    *got = 0;
    pthread_mutex_lock(&s->lock);
    vs_open *o = NULL;
    int32_t hr = get_open(s, path, &o);
    if (hr == 0 && offset < (uint64_t)o->na->data_size) {
        uint64_t avail = (uint64_t)o->na->data_size - offset;
        s64 n = ntfs_attr_pread(o->na, (s64)offset, (s64)(avail < size ? avail : size), buf);
        if (n < 0)
            hr = VS_HR_READ_FAULT;
        else
            *got = (uint32_t)n;
    }
    pthread_mutex_unlock(&s->lock);
    return hr;
}

typedef struct vs_listing {
    uint32_t id, best_gen;
    char best[32];
} vs_listing;

static int list_entry(void *ctx, const ntfschar *name, const int name_len, const int name_type, const s64 pos,
                      const MFT_REF mref, const unsigned dt_type)
{
    (void)pos;
    (void)mref;
    (void)dt_type;
    vs_listing *l = ctx;
    if (name_type == FILE_NAME_DOS || name_len <= 0 || name_len >= (int)sizeof l->best)
        return 0;
    char *mb = NULL;
    if (ntfs_ucstombs(name, name_len, &mb, 0) < 0 || !mb)
        return 0;
    uint32_t id = 0, gen = 0;
    if (strlen(mb) < sizeof l->best && ddp_container_name_parse(mb, &id, &gen) == 0 && id == l->id &&
        (!l->best[0] || gen > l->best_gen)) {
        l->best_gen = gen;
        strcpy(l->best, mb);
    }
    free(mb);
    return 0;
}

static int32_t vs_find_container(void *ctx, const char *dir, uint32_t id, char **path)
{
    volume_backup *s = ctx;
    *path = NULL;
    char *vdir = volume_path(dir);
    if (!vdir)
        return (int32_t)0x8007000Eu;   /* E_OUTOFMEMORY */
    vs_listing l = {id, 0, ""};
    pthread_mutex_lock(&s->lock);
    ntfs_inode *ni = ntfs_pathname_to_inode(s->vol, NULL, vdir);
    s64 pos = 0;
    int rc = ni ? ntfs_readdir(ni, &pos, &l, list_entry) : -1;
    if (ni)
        ntfs_inode_close(ni);
    pthread_mutex_unlock(&s->lock);
    free(vdir);
    if (rc != 0 || !l.best[0])
        return 1;   /* no such folder or no container of the id */
    size_t n = strlen(dir) + 1 + strlen(l.best) + 1;
    *path = malloc(n);
    if (!*path)
        return (int32_t)0x8007000Eu;
    snprintf(*path, n, "%s\\%s", dir, l.best);
    return 0;
}

void vs_api(volume_backup *s, ddp_backup *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = s;
    out->read = vs_read;
    out->find_container = vs_find_container;
}
