/*
 * fault_alloc.c - the allocation interposer of fault_alloc.h. glibc lets the main
 * program define malloc, calloc, realloc and free; every allocation in the process
 * (the engine's, OpenSSL's, CMocka's) then comes here, and the real allocator is
 * reached through glibc's __libc_* entry points. Used only in native builds without
 * sanitizers (AddressSanitizer brings its own allocator).
 *
 * Tracking: while armed, each block whose allocation call comes from the executable
 * itself (dladdr() names the same object as this file's code) goes into a fixed
 * open-addressing table; free() takes it out. realloc moves the entry.
 *
 * The restore engine's worker threads allocate too (the hash back end, the decoders):
 * the counting and the table are kept under one recursive mutex (recursive in case the
 * C library allocates while it answers dladdr), so the k-th allocation is the k-th of
 * the whole process. Arming and reading the counts stay single-threaded.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "fault_alloc.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

#define TABLE_SIZE (1u << 16)

/* volatile: the compiler takes malloc for the builtin, which touches no global. */
static volatile uint64_t fail_at, calls, failures;
static int armed;
static void *own_base;
static struct {
    void *block;
    void *caller;
} table[TABLE_SIZE];
static uint64_t tracked;
static pthread_mutex_t guard = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static size_t slot_of(const void *p)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 48) & (TABLE_SIZE - 1);
}

static int from_program(void *caller)
{
    Dl_info info;
    if (!own_base) {
        if (!dladdr((void *)fault_alloc_arm, &info))
            return 0;
        own_base = info.dli_fbase;
    }
    return dladdr(caller, &info) && info.dli_fbase == own_base;
}

static void track(void *p, void *caller)
{
    if (!armed || !p || !from_program(caller) || tracked + 1 >= TABLE_SIZE)
        return;
    size_t i = slot_of(p);
    while (table[i].block)
        i = (i + 1) & (TABLE_SIZE - 1);
    table[i].block = p;
    table[i].caller = caller;
    tracked++;
}

/* Removes p, re-inserting the entries of its cluster that follow it. */
static void untrack(void *p)
{
    if (!p || !tracked)
        return;
    size_t i = slot_of(p);
    while (table[i].block && table[i].block != p)
        i = (i + 1) & (TABLE_SIZE - 1);
    if (!table[i].block)
        return;
    table[i].block = NULL;
    tracked--;
    for (size_t j = (i + 1) & (TABLE_SIZE - 1); table[j].block; j = (j + 1) & (TABLE_SIZE - 1)) {
        void *b = table[j].block, *c = table[j].caller;
        table[j].block = NULL;
        size_t k = slot_of(b);
        while (table[k].block)
            k = (k + 1) & (TABLE_SIZE - 1);
        table[k].block = b;
        table[k].caller = c;
    }
}

int fault_alloc_active(void)
{
    /* Called through a volatile pointer: not inlined, so a tool that redirects calls to
     * malloc's address (valgrind) is seen; the block is kept in a volatile too. */
    void *(*volatile alloc)(size_t) = malloc;
    static void *volatile probe;
    uint64_t before = calls;
    probe = alloc(1);
    int active = calls != before;
    free(probe);
    probe = NULL;
    return active;
}

void fault_alloc_arm(uint64_t k)
{
    for (size_t i = 0; i < TABLE_SIZE; i++)
        table[i].block = NULL;
    tracked = 0;
    fail_at = k;
    calls = 0;
    failures = 0;
    armed = 1;
}

void fault_alloc_disarm(void)
{
    fail_at = 0;
    armed = 0;
}

uint64_t fault_alloc_calls(void)
{
    return calls;
}

uint64_t fault_alloc_failures(void)
{
    return failures;
}

uint64_t fault_alloc_own_live(void **caller)
{
    *caller = NULL;
    for (size_t i = 0; i < TABLE_SIZE && tracked; i++)
        if (table[i].block) {
            *caller = table[i].caller;
            break;
        }
    return tracked;
}

/* Counts an allocation; 1 when this one must fail. */
static int must_fail(void)
{
    calls++;
    if (fail_at && calls == fail_at) {
        failures++;
        return 1;
    }
    return 0;
}

static void *allocated(void *p, void *caller)
{
    track(p, caller);
    pthread_mutex_unlock(&guard);
    return p;
}

void *malloc(size_t size)
{
    pthread_mutex_lock(&guard);
    if (must_fail())
        return allocated(NULL, NULL);
    return allocated(__libc_malloc(size), __builtin_return_address(0));
}

void *calloc(size_t n, size_t size)
{
    pthread_mutex_lock(&guard);
    if (must_fail())
        return allocated(NULL, NULL);
    return allocated(__libc_calloc(n, size), __builtin_return_address(0));
}

void *realloc(void *old, size_t size)
{
    pthread_mutex_lock(&guard);
    if (!old) {
        if (must_fail())
            return allocated(NULL, NULL);
        return allocated(__libc_malloc(size), __builtin_return_address(0));
    }
    if (size == 0) {
        untrack(old);
        __libc_free(old);
        return allocated(NULL, NULL);
    }
    if (must_fail())
        return allocated(NULL, NULL);
    void *p = __libc_realloc(old, size);
    if (p)
        untrack(old);
    return allocated(p, __builtin_return_address(0));
}

void free(void *p)
{
    pthread_mutex_lock(&guard);
    untrack(p);
    __libc_free(p);
    pthread_mutex_unlock(&guard);
}
