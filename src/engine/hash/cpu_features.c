/*
 * cpu_features.c - whether this CPU runs the x86 SHA extensions (CPUID leaf 7 EBX bit
 * 29) together with SSE4.1 and SSSE3 (leaf 1 ECX bits 19 and 9), which the SHA-NI
 * block function also uses.
 *
 * CPUID is slow under virtual machines (it traps to the hypervisor), so the answer is
 * computed once and kept in an atomic: threads that race on the first call each compute
 * the same value and store it, an idempotent write that is not a data race. Other
 * architectures answer 0.
 */
#include <stdatomic.h>

#include "sha2.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>

static int probe_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & (1u << 19)) || !(c & (1u << 9)))   /* SSE4.1, SSSE3 */
        return 0;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1u;                          /* SHA */
}
#else
static int probe_sha_ni(void)
{
    return 0;
}
#endif

enum { FEATURE_UNKNOWN = 0, FEATURE_ABSENT = 1, FEATURE_PRESENT = 2 };

static atomic_int sha_ni_state = FEATURE_UNKNOWN;

int ddp_cpu_has_sha_ni(void)
{
    int s = atomic_load_explicit(&sha_ni_state, memory_order_relaxed);
    if (s == FEATURE_UNKNOWN) {
        s = probe_sha_ni() ? FEATURE_PRESENT : FEATURE_ABSENT;
        atomic_store_explicit(&sha_ni_state, s, memory_order_relaxed);
    }
    return s == FEATURE_PRESENT;
}
