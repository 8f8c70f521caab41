/*
 * fd_cache.c - the least-recently-used cache of open file descriptors (fd_cache.h).
 * A linear scan is enough: the cache holds tens of entries, and a lookup costs far less
 * than the pread or pwrite it precedes.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd_cache.h"

int ddp_fd_cache_init(ddp_fd_cache *c, size_t capacity, ddp_fd_opener open, void *ctx)
{
    memset(c, 0, sizeof *c);
    c->capacity = capacity ? capacity : DDP_FD_CACHE_DEFAULT;
    c->entries = calloc(c->capacity, sizeof *c->entries);
    c->open = open;
    c->ctx = ctx;
    return c->entries ? 0 : -1;
}

static ddp_fd_cache_entry *find(ddp_fd_cache *c, const char *key)
{
    for (size_t i = 0; i < c->capacity; i++)
        if (c->entries[i].key && strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    return NULL;
}

static int release(ddp_fd_cache_entry *e)
{
    int rc = close(e->fd);
    free(e->key);
    e->key = NULL;
    e->fd = -1;
    return rc;
}

/* A free slot, or the least recently used one after closing its fd. */
static ddp_fd_cache_entry *victim(ddp_fd_cache *c)
{
    ddp_fd_cache_entry *oldest = &c->entries[0];
    for (size_t i = 0; i < c->capacity; i++) {
        if (!c->entries[i].key)
            return &c->entries[i];
        if (c->entries[i].last_use < oldest->last_use)
            oldest = &c->entries[i];
    }
    release(oldest);
    return oldest;
}

int ddp_fd_cache_get(ddp_fd_cache *c, const char *key)
{
    ddp_fd_cache_entry *e = find(c, key);
    char *copy;
    int fd;

    if (e) {
        e->last_use = ++c->clock;
        return e->fd;
    }
    copy = strdup(key);
    if (!copy) {
        errno = ENOMEM;
        return -1;
    }
    e = victim(c);
    fd = c->open(c->ctx, key);
    if (fd < 0) {
        int saved = errno;
        free(copy);
        errno = saved;
        return -1;
    }
    e->key = copy;
    e->fd = fd;
    e->last_use = ++c->clock;
    return fd;
}

int ddp_fd_cache_put(ddp_fd_cache *c, const char *key, int fd)
{
    char *copy = strdup(key);
    if (!copy) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    ddp_fd_cache_entry *e = find(c, key);
    if (e)
        release(e);
    e = victim(c);
    e->key = copy;
    e->fd = fd;
    e->last_use = ++c->clock;
    return 0;
}

int ddp_fd_cache_drop(ddp_fd_cache *c, const char *key)
{
    ddp_fd_cache_entry *e = find(c, key);
    return e ? release(e) : 0;
}

void ddp_fd_cache_cleanup(ddp_fd_cache *c)
{
    if (!c->entries)
        return;
    for (size_t i = 0; i < c->capacity; i++)
        if (c->entries[i].key)
            release(&c->entries[i]);
    free(c->entries);
    c->entries = NULL;
}
