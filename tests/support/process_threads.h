/*
 * process_threads.h - how many threads the test process has now, for the tests that
 * check the engine's worker threads exist while a restore runs and are gone after it
 * (Windows: a Toolhelp snapshot; Linux: /proc/self/task).
 */
#ifndef DDP_TEST_PROCESS_THREADS_H
#define DDP_TEST_PROCESS_THREADS_H

#include <stdint.h>

/* Threads of this process now; 0 when they cannot be counted. */
uint32_t process_threads(void);

#endif
