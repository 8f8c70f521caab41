/*
 * fuzz_check.h - what every libFuzzer harness shares: the entry point's prototype and
 * FUZZ_CHECK, which aborts (a finding for libFuzzer) when an invariant the engine
 * promises does not hold for the input being fuzzed.
 */
#ifndef DDP_FUZZ_CHECK_H
#define DDP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding: under libFuzzer, abort; in a regression test (DDP_FUZZ_REPLAY), the test's
 * own failure function, which reports and ends that test. */
#ifdef DDP_FUZZ_REPLAY
void fuzz_replay_fail(const char *file, int line, const char *what);
#define FUZZ_FAIL(what) fuzz_replay_fail(__FILE__, __LINE__, what)
#else
#define FUZZ_FAIL(what)                                                          \
    do {                                                                         \
        fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, what); \
        abort();                                                                 \
    } while (0)
#endif

#define FUZZ_CHECK(cond)         \
    do {                         \
        if (!(cond))             \
            FUZZ_FAIL(#cond);    \
    } while (0)

/* Copies the input into an allocation of exactly its size, so that AddressSanitizer
 * sees a read one byte past the end (libFuzzer's own buffer is exact too; parsers given
 * a sub-range of it would not be caught otherwise). The caller frees it. */
static inline uint8_t *fuzz_exact_copy(const uint8_t *data, size_t size)
{
    uint8_t *p = malloc(size ? size : 1);
    if (!p)
        abort();
    for (size_t i = 0; i < size; i++)
        p[i] = data[i];
    return p;
}

#endif
