/*
 * thread_win32.c - ddp_thread.h on the Win32 API (MinGW builds), so that DdpBackup.dll
 * needs no threading runtime beyond kernel32: CreateThread, slim reader/writer locks
 * (used exclusively) and condition variables (Windows Vista and later); the CPU count
 * from GetSystemInfo. The one file of the engine besides the BCrypt back end that
 * includes <windows.h>.
 */
#if !defined(_WIN32_WINNT) || _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#include <stdlib.h>

#include <windows.h>

#include "ddp_thread.h"

struct ddp_thread {
    HANDLE handle;
    void (*fn)(void *arg);
    void *arg;
};

struct ddp_mutex {
    SRWLOCK lock;
};

struct ddp_cond {
    CONDITION_VARIABLE cv;
};

static DWORD WINAPI trampoline(LPVOID p)
{
    ddp_thread *t = p;
    t->fn(t->arg);
    return 0;
}

int ddp_thread_start(ddp_thread **out, void (*fn)(void *arg), void *arg)
{
    ddp_thread *t = malloc(sizeof *t);
    if (!t)
        return -1;
    t->fn = fn;
    t->arg = arg;
    t->handle = CreateThread(NULL, 0, trampoline, t, 0, NULL);
    if (!t->handle) {
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
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
    free(t);
}

ddp_mutex *ddp_mutex_new(void)
{
    ddp_mutex *m = malloc(sizeof *m);
    if (m)
        InitializeSRWLock(&m->lock);
    return m;
}

void ddp_mutex_free(ddp_mutex *m)
{
    free(m);   /* an SRWLOCK needs no destruction */
}

void ddp_mutex_lock(ddp_mutex *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void ddp_mutex_unlock(ddp_mutex *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

ddp_cond *ddp_cond_new(void)
{
    ddp_cond *c = malloc(sizeof *c);
    if (c)
        InitializeConditionVariable(&c->cv);
    return c;
}

void ddp_cond_free(ddp_cond *c)
{
    free(c);
}

void ddp_cond_wait(ddp_cond *c, ddp_mutex *m)
{
    SleepConditionVariableSRW(&c->cv, &m->lock, INFINITE, 0);
}

void ddp_cond_signal(ddp_cond *c)
{
    WakeConditionVariable(&c->cv);
}

void ddp_cond_broadcast(ddp_cond *c)
{
    WakeAllConditionVariable(&c->cv);
}

uint32_t ddp_cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors ? (uint32_t)si.dwNumberOfProcessors : 1u;
}
