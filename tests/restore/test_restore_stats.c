/*
 * test_restore_stats.c - ddp_restore_stats_add adds every count: each field of the
 * statistics gets its own value, and a sum of two must hold each field's sum (a field
 * the function forgot stays at its first value).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/restore.h"

#define N_FIELDS (sizeof(ddp_restore_stats) / sizeof(uint64_t))

static void fill(ddp_restore_stats *st, uint64_t base)
{
    uint64_t v[N_FIELDS];
    for (size_t i = 0; i < N_FIELDS; i++)
        v[i] = base + i * 1000u;
    memcpy(st, v, sizeof v);
}

static void test_adds_every_field(void **state)
{
    (void)state;
    ddp_restore_stats sum, add;
    uint64_t got[N_FIELDS];
    assert_int_equal(sizeof(ddp_restore_stats) % sizeof(uint64_t), 0);
    fill(&sum, 1);
    fill(&add, 7);
    ddp_restore_stats_add(&sum, &add);
    memcpy(got, &sum, sizeof got);
    for (size_t i = 0; i < N_FIELDS; i++)
        if (got[i] != 8 + 2 * i * 1000u)
            fail_msg("field %zu (of %zu) not added: %llu", i, N_FIELDS, (unsigned long long)got[i]);
    assert_int_equal(sum.unverified_chunks, 8 + 2 * 1000u * (offsetof(ddp_restore_stats, unverified_chunks) / 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adds_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
