/* test_stream_map.c - Smap payloads: the two of FORMAT.md §6, every check of
 * ddp_stream_map_validate, truncation and byte changes on exact-size buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "fixtures.h"

static ddp_status validate_exact(const uint8_t *p, size_t len, uint64_t start, uint64_t end, ddp_diag *d)
{
    uint8_t *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, p, len);
    ddp_status st = ddp_stream_map_validate(c, len, start, end, d);
    free(c);
    return st;
}

static void test_section6_maps(void **state)
{
    (void)state;
    uint8_t m[136];
    uint32_t n = 0;
    ddp_chunk_ref c;
    ddp_diag d = {0, NULL};

    fx_smap_3ac60(m);
    assert_int_equal(ddp_stream_map_count(m, 136, &n, &d), DDP_OK);
    assert_int_equal(n, 2);
    ddp_stream_map_entry(m, 0, &c);
    assert_int_equal(c.sequence, 0x82);
    assert_int_equal(c.container_id, 4);
    assert_int_equal(c.generation, 0x10000);
    assert_int_equal(c.offset_hint, 0x8B7138);
    assert_int_equal(c.stored_size, 0x1BD2);
    assert_true(c.end == 0x9E63);
    ddp_stream_map_entry(m, 1, &c);
    assert_int_equal(c.sequence, 0x83);
    assert_int_equal(c.offset_hint, 0x8B8D68);
    assert_int_equal(c.stored_size, 0x4AE);
    assert_true(c.end - 0x9E63 == 0x16D7);
    assert_memory_equal(c.hash, m + 72 + 0x18, 32);
    assert_int_equal(validate_exact(m, 136, 0, 0x9E63 + 0x16D7, &d), DDP_OK);

    fx_smap_90593(m);
    assert_int_equal(validate_exact(m, 136, 0, 90593, &d), DDP_OK);
    ddp_stream_map_entry(m, 1, &c);
    assert_int_equal(c.sequence, 8);
    assert_int_equal(c.offset_hint, 0x7BD20);
    assert_int_equal(c.stored_size, 29498);
    /* Ranges that do not start at 0: the same chunks shifted. */
    ddp_put64(m + 8 + 0x10, 1000 + 61095);
    ddp_put64(m + 72 + 0x10, 1000 + 90593);
    assert_int_equal(validate_exact(m, 136, 1000, 1000 + 90593, &d), DDP_OK);
    assert_int_equal(validate_exact(m, 136, 0, 90593, &d), DDP_ERR_RANGE);   /* last end is 91,593 */
}

static void test_count_errors(void **state)
{
    (void)state;
    uint8_t m[136];
    uint32_t n = 77;
    ddp_diag d = {0, NULL};
    fx_smap_90593(m);
    for (size_t len = 0; len < 8; len++)
        assert_int_equal(ddp_stream_map_count(m, len, &n, &d), DDP_ERR_TRUNCATED);
    assert_int_equal(ddp_stream_map_count(m, 8, &n, &d), DDP_OK);
    assert_int_equal(n, 0);
    for (size_t len = 9; len < 136; len++) {
        ddp_status st = ddp_stream_map_count(m, len, &n, &d);
        assert_int_equal(st, len == 72 ? DDP_OK : DDP_ERR_BAD_LENGTH);
    }
    assert_int_equal(ddp_stream_map_count(m, (size_t)DDP_MAX_SMAP_PAYLOAD + 64, &n, &d), DDP_ERR_BAD_LENGTH);
    memcpy(m, "Smaq", 4);
    assert_int_equal(ddp_stream_map_count(m, 136, &n, &d), DDP_ERR_BAD_MAGIC);
    assert_int_equal(ddp_stream_map_count(NULL, 136, &n, &d), DDP_ERR_INVALID_ARG);
}

static void test_validate_errors(void **state)
{
    (void)state;
    uint8_t m[136];
    ddp_diag d = {0, NULL};
    const uint64_t size = 90593;

    /* Ends not increasing: equal, decreasing. */
    fx_smap_90593(m);
    ddp_put64(m + 72 + 0x10, 61095);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 72 + 0x10);
    ddp_put64(m + 72 + 0x10, 100);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_ERR_RANGE);
    /* First chunk does not start after the range start. */
    fx_smap_90593(m);
    assert_int_equal(validate_exact(m, 136, 61095, 61095 + 90593, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 8 + 0x10);
    ddp_put64(m + 8 + 0x10, 0);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 8 + 0x10);
    /* Last end other than the range end. */
    fx_smap_90593(m);
    assert_int_equal(validate_exact(m, 136, 0, size + 1, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 72 + 0x10);
    assert_int_equal(validate_exact(m, 72, 0, size, &d), DDP_ERR_RANGE);
    /* Sizes: logical above the bound, stored 0 and above the bound, at the bound. */
    fx_smap_90593(m);
    ddp_put64(m + 8 + 0x10, DDP_MAX_CHUNK_SIZE + 1);
    ddp_put64(m + 72 + 0x10, DDP_MAX_CHUNK_SIZE + 2);
    assert_int_equal(validate_exact(m, 136, 0, DDP_MAX_CHUNK_SIZE + 2, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 8 + 0x10);
    ddp_put64(m + 8 + 0x10, DDP_MAX_CHUNK_SIZE);
    assert_int_equal(validate_exact(m, 136, 0, DDP_MAX_CHUNK_SIZE + 2, &d), DDP_OK);
    fx_smap_90593(m);
    ddp_put32(m + 72 + 0x38, 0);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 72 + 0x38);
    ddp_put32(m + 72 + 0x38, DDP_MAX_CHUNK_SIZE + 1);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_ERR_RANGE);
    ddp_put32(m + 72 + 0x38, DDP_MAX_CHUNK_SIZE);
    assert_int_equal(validate_exact(m, 136, 0, size, &d), DDP_OK);
    /* Bad length, no entries, inverted range. */
    fx_smap_90593(m);
    assert_int_equal(validate_exact(m, 135, 0, size, &d), DDP_ERR_BAD_LENGTH);
    assert_int_equal(validate_exact(m, 8, 0, size, &d), DDP_ERR_RANGE);
    assert_int_equal(validate_exact(m, 8, 5, 5, &d), DDP_OK);
    assert_int_equal(validate_exact(m, 136, 5, 5, &d), DDP_ERR_RANGE);
    assert_int_equal(validate_exact(m, 136, 6, 5, &d), DDP_ERR_INVALID_ARG);
    /* An end that wraps past 2^64 is not an increase. */
    fx_smap_90593(m);
    ddp_put64(m + 8 + 0x10, 0xFFFFFFFFFFFFFFF0ull);
    ddp_put64(m + 72 + 0x10, 5);
    assert_int_equal(validate_exact(m, 136, 0xFFFFFFFFFFFFFF00ull, 5, &d), DDP_ERR_INVALID_ARG);
    assert_int_equal(validate_exact(m, 136, 0xFFFFFFFFFFFFFF00ull, 0xFFFFFFFFFFFFFFFFull, &d), DDP_ERR_RANGE);
}

static void test_byte_changes(void **state)
{
    (void)state;
    uint8_t m[136];
    for (size_t at = 0; at < 136; at++) {
        for (int bit = 0; bit < 8; bit++) {
            fx_smap_90593(m);
            m[at] ^= (uint8_t)(1u << bit);
            ddp_diag d = {0, NULL};
            ddp_status st = validate_exact(m, 136, 0, 90593, &d);
            if (st != DDP_OK) {
                assert_non_null(d.what);
                assert_true(d.offset < 136);
            }
            /* Changes to the magic and to the last end are always caught (the first end
             * may move and still leave two valid chunks). */
            if (at < 4 || (at >= 72 + 0x10 && at < 72 + 0x18))
                assert_int_not_equal(st, DDP_OK);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_section6_maps),
        cmocka_unit_test(test_count_errors),
        cmocka_unit_test(test_validate_errors),
        cmocka_unit_test(test_byte_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
