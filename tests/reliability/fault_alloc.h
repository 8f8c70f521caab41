/*
 * fault_alloc.h - allocation failure injection for a native test program on glibc: the
 * program's own malloc/calloc/realloc/free (fault_alloc.c) count every allocation and
 * can make the k-th one, after arming, return NULL. While armed it also keeps the blocks
 * allocated by code of the program itself (the engine and the test helpers, not shared
 * libraries such as libcrypto, whose caches legitimately outlive a call), so a test can
 * see that everything allocated during a run was freed. Allocations may come from any
 * thread; arming, disarming and reading the counts only while no other thread allocates.
 */
#ifndef DDP_FAULT_ALLOC_H
#define DDP_FAULT_ALLOC_H

#include <stdint.h>

/* 1 when the interposer is in effect (not under valgrind, which replaces malloc itself). */
int fault_alloc_active(void);
/* From now on, the k-th allocation (1-based) fails; 0: none fails, but count and track.
 * Resets the counts and the tracked blocks. */
void fault_alloc_arm(uint64_t k);
/* Stops failing and tracking; the tracked blocks stay for fault_alloc_own_live(). */
void fault_alloc_disarm(void);
/* Allocations counted since the last arm, and failures injected. */
uint64_t fault_alloc_calls(void);
uint64_t fault_alloc_failures(void);
/* Blocks the program's own code allocated while armed and that are not freed yet;
 * *caller gets the return address of the first one's allocation call (or NULL). */
uint64_t fault_alloc_own_live(void **caller);

#endif
