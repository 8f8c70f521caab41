/*
 * fd_closer.c - a ring of descriptors waiting to be closed and the thread closing them
 * (fd_closer.h).
 */
#include <pthread.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <unistd.h>

#include "fd_closer.h"

struct ddp_fd_closer {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int *fds;
    unsigned cap, head, count;   /* ring: fds[head .. head + count) modulo cap */
    int stop;
    unsigned long closed;
};

static void *closer_main(void *arg)
{
    ddp_fd_closer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (c->count == 0 && !c->stop)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->count == 0)
            break;                    /* stopping, nothing left */
        int fd = c->fds[c->head];
        c->head = (c->head + 1) % c->cap;
        c->count--;
        pthread_mutex_unlock(&c->lock);
        (void)close(fd);
        pthread_mutex_lock(&c->lock);
        c->closed++;
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

unsigned ddp_fd_closer_capacity(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) < 0 || lim.rlim_cur < 2 * DDP_FD_CLOSER_RESERVE)
        return 0;
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur - DDP_FD_CLOSER_RESERVE > DDP_FD_CLOSER_MAX)
        return DDP_FD_CLOSER_MAX;
    return (unsigned)(lim.rlim_cur - DDP_FD_CLOSER_RESERVE);
}

ddp_fd_closer *ddp_fd_closer_new(unsigned capacity)
{
    ddp_fd_closer *c = capacity ? calloc(1, sizeof *c) : NULL;
    if (!c)
        return NULL;
    c->cap = capacity;
    c->fds = malloc(capacity * sizeof *c->fds);
    if (!c->fds || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->fds);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->wake, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        free(c->fds);
        free(c);
        return NULL;
    }
    if (pthread_create(&c->thread, NULL, closer_main, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
        free(c->fds);
        free(c);
        return NULL;
    }
    return c;
}

void ddp_fd_closer_put(ddp_fd_closer *c, int fd)
{
    if (fd < 0)
        return;
    if (c) {
        pthread_mutex_lock(&c->lock);
        if (c->count < c->cap) {
            c->fds[(c->head + c->count) % c->cap] = fd;
            c->count++;
            pthread_cond_signal(&c->wake);
            pthread_mutex_unlock(&c->lock);
            return;
        }
        pthread_mutex_unlock(&c->lock);
    }
    (void)close(fd);
}

void ddp_fd_closer_free(ddp_fd_closer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c->fds);
    free(c);
}

unsigned long ddp_fd_closer_closed(ddp_fd_closer *c)
{
    unsigned long n;
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    n = c->closed;
    pthread_mutex_unlock(&c->lock);
    return n;
}
