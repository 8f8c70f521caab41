/*
 * thread_posix.c - ddp_thread.h on POSIX threads (native builds); the CPU count from
 * sysconf(_SC_NPROCESSORS_ONLN).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "ddp_thread.h"

struct ddp_thread {
    pthread_t id;
    void (*fn)(void *arg);
    void *arg;
};

struct ddp_mutex {
    pthread_mutex_t m;
};

struct ddp_cond {
    pthread_cond_t c;
};

static void *trampoline(void *p)
{
    ddp_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

int ddp_thread_start(ddp_thread **out, void (*fn)(void *arg), void *arg)
{
    ddp_thread *t = malloc(sizeof *t);
    if (!t)
        return -1;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->id, NULL, trampoline, t) != 0) {
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

void ddp_thread_join(ddp_thread *t)
{
    if (!t)
        return;
    pthread_join(t->id, NULL);
    free(t);
}

ddp_mutex *ddp_mutex_new(void)
{
    ddp_mutex *m = malloc(sizeof *m);
    if (m && pthread_mutex_init(&m->m, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void ddp_mutex_free(ddp_mutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void ddp_mutex_lock(ddp_mutex *m)
{
    pthread_mutex_lock(&m->m);
}

void ddp_mutex_unlock(ddp_mutex *m)
{
    pthread_mutex_unlock(&m->m);
}

ddp_cond *ddp_cond_new(void)
{
    ddp_cond *c = malloc(sizeof *c);
    if (c && pthread_cond_init(&c->c, NULL) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

void ddp_cond_free(ddp_cond *c)
{
    if (!c)
        return;
    pthread_cond_destroy(&c->c);
    free(c);
}

void ddp_cond_wait(ddp_cond *c, ddp_mutex *m)
{
    pthread_cond_wait(&c->c, &m->m);
}

void ddp_cond_signal(ddp_cond *c)
{
    pthread_cond_signal(&c->c);
}

void ddp_cond_broadcast(ddp_cond *c)
{
    pthread_cond_broadcast(&c->c);
}

uint32_t ddp_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 1024 ? 1024u : (uint32_t)n;
}
