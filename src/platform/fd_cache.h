/*
 * fd_cache.h - a bounded cache of open file descriptors, least recently used first out.
 *
 * Both sides of a restore touch many files in an order they do not choose: the store
 * reads containers extent by extent, the target writes chunks into whichever files use
 * them. Keeping every file open would exhaust the descriptor limit; opening one per call
 * would cost a path walk per chunk. Entries are keyed by path; a miss calls the opener.
 */
#ifndef DDP_PLATFORM_FD_CACHE_H
#define DDP_PLATFORM_FD_CACHE_H

#include <stddef.h>

#define DDP_FD_CACHE_DEFAULT 64u

/* Opens key; returns an fd >= 0 or -1 with errno set. */
typedef int (*ddp_fd_opener)(void *ctx, const char *key);

typedef struct ddp_fd_cache_entry {
    char *key;              /* NULL: free slot */
    int fd;
    unsigned long last_use;
} ddp_fd_cache_entry;

typedef struct ddp_fd_cache {
    ddp_fd_cache_entry *entries;
    size_t capacity;
    unsigned long clock;
    ddp_fd_opener open;
    void *ctx;
} ddp_fd_cache;

/* capacity 0: DDP_FD_CACHE_DEFAULT. Returns 0, or -1 when out of memory. */
int ddp_fd_cache_init(ddp_fd_cache *c, size_t capacity, ddp_fd_opener open, void *ctx);
/* The fd for key, opening it (and closing the least recently used one) on a miss.
 * Returns -1 with errno set when the opener fails. */
int ddp_fd_cache_get(ddp_fd_cache *c, const char *key);
/* Caches fd, opened by the caller, under key (the cache owns it from now on; an fd
 * already cached under key is closed). Returns 0, or -1 with errno ENOMEM (fd closed). */
int ddp_fd_cache_put(ddp_fd_cache *c, const char *key, int fd);
/* Closes and forgets key's fd if cached. Returns close()'s result (0 when not cached). */
int ddp_fd_cache_drop(ddp_fd_cache *c, const char *key);
/* Closes every fd and frees the cache. */
void ddp_fd_cache_cleanup(ddp_fd_cache *c);

#endif
