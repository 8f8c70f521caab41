/*
 * ddp_thread.h - the few threading primitives the restore engine's worker pipeline and
 * the file reader's cache and prefetcher (src/engine/reader) need, behind one small interface: a thread that runs a function and is joined, a
 * mutex, a condition variable, and the number of online CPUs. C11's <threads.h> is not
 * available on MinGW, so each platform has its own back end: thread_posix.c (pthreads,
 * sysconf) and thread_win32.c (CreateThread, SRWLOCK, CONDITION_VARIABLE, GetSystemInfo).
 *
 * Every object is allocated by its _new/_start function (NULL or non-zero: could not be
 * created, the caller then goes without threads) and released by its _free/_join.
 */
#ifndef DDP_THREAD_H
#define DDP_THREAD_H

#include <stdint.h>

typedef struct ddp_thread ddp_thread;
typedef struct ddp_mutex ddp_mutex;
typedef struct ddp_cond ddp_cond;

/* Starts fn(arg) on a new thread. Returns 0 and *out, or -1 (nothing started). */
int ddp_thread_start(ddp_thread **out, void (*fn)(void *arg), void *arg);
/* Waits for the thread's function to return, then releases the thread. */
void ddp_thread_join(ddp_thread *t);

ddp_mutex *ddp_mutex_new(void);
void ddp_mutex_free(ddp_mutex *m);
void ddp_mutex_lock(ddp_mutex *m);
void ddp_mutex_unlock(ddp_mutex *m);

ddp_cond *ddp_cond_new(void);
void ddp_cond_free(ddp_cond *c);
/* Releases m, waits for a signal (or a spurious wake-up), takes m again. */
void ddp_cond_wait(ddp_cond *c, ddp_mutex *m);
void ddp_cond_signal(ddp_cond *c);
void ddp_cond_broadcast(ddp_cond *c);

/* Online CPUs (at least 1). */
uint32_t ddp_cpu_count(void);

#endif
