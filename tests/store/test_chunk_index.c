/* test_chunk_index.c - the builder's chunk index: every added chunk is found with its
 * location after many growths, absent hashes are not, and bad entries are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "chunk_index.h"

static void make_loc(ddp_chunk_loc *loc, uint32_t i)
{
    memset(loc, 0, sizeof *loc);
    /* Hashes sharing their first 8 bytes in pairs: lookups must compare all 32. */
    uint32_t key = i / 2;
    memcpy(loc->hash, &key, sizeof key);
    memcpy(loc->hash + 28, &i, sizeof i);
    loc->container_id = 1 + i / 1000;
    loc->generation = 1;
    loc->sequence = i + 1;
    loc->offset = 0x5260 + 8 * i;
    loc->offset_hint = loc->offset ^ 8;
    loc->stored_size = 100 + i;
}

static void test_add_and_find(void **state)
{
    (void)state;
    ddp_chunk_index idx;
    ddp_chunk_index_init(&idx);
    ddp_chunk_loc loc;
    make_loc(&loc, 0);
    assert_null(ddp_chunk_index_find(&idx, loc.hash));
    const uint32_t n = 50000;
    for (uint32_t i = 0; i < n; i++) {
        make_loc(&loc, i);
        assert_null(ddp_chunk_index_find(&idx, loc.hash));
        assert_int_equal(ddp_chunk_index_add(&idx, &loc), DDP_OK);
    }
    assert_int_equal(idx.count, n);
    assert_true(idx.count * 4 <= idx.capacity * 3);
    for (uint32_t i = 0; i < n; i++) {
        make_loc(&loc, i);
        const ddp_chunk_loc *got = ddp_chunk_index_find(&idx, loc.hash);
        assert_non_null(got);
        assert_memory_equal(got, &loc, sizeof loc);
    }
    make_loc(&loc, n);
    assert_null(ddp_chunk_index_find(&idx, loc.hash));
    ddp_chunk_index_free(&idx);
}

static void test_refuses_empty_entry(void **state)
{
    (void)state;
    ddp_chunk_index idx;
    ddp_chunk_index_init(&idx);
    ddp_chunk_loc loc;
    make_loc(&loc, 5);
    loc.stored_size = 0;   /* the free-slot marker */
    assert_int_equal(ddp_chunk_index_add(&idx, &loc), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_index_add(&idx, NULL), DDP_ERR_INVALID_ARG);
    assert_int_equal(idx.count, 0);
    ddp_chunk_index_free(&idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_find),
        cmocka_unit_test(test_refuses_empty_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
