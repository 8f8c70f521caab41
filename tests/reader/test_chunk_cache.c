/*
 * test_chunk_cache.c - the reader's chunk cache (src/engine/reader/chunk_cache.c) lends
 * slots to decode into: a lent slot is neither found nor reused until it is handed back,
 * then holds its chunk when the chunk verified and nothing when it failed; with every
 * slot lent nothing more is lent (the decoder uses its own buffer) and a put keeps
 * nothing; a chunk is kept in one slot only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reader_internal.h"

static ddp_reader_cache *new_cache(uint32_t slots)
{
    ddp_reader_options opt;
    ddp_reader_options_default(&opt);
    opt.cache_chunks = slots;
    opt.prefetch_chunks = 0;
    ddp_reader_cache *c = NULL;
    assert_int_equal(ddp_reader_cache_new(&opt, &c), DDP_OK);
    return c;
}

static rd_key key(uint32_t sequence)
{
    rd_key k;
    memset(&k, 0, sizeof k);
    k.guid[0] = 7;
    k.container_id = 1;
    k.generation = 1;
    k.sequence = sequence;
    k.logical = 1000;
    k.hash[0] = (uint8_t)sequence;
    return k;
}

/* Fills a slot with 1000 bytes of value v and hands it back as chunk sequence. */
static void keep(ddp_reader_cache *c, uint32_t sequence, uint8_t v)
{
    uint8_t *buf = NULL;
    int slot = rd_cache_fill_begin(c, 1000, &buf);
    assert_true(slot >= 0);
    memset(buf, v, 1000);
    rd_key k = key(sequence);
    rd_cache_fill_end(c, slot, &k, 1000, 1);
}

static void assert_holds(ddp_reader_cache *c, uint32_t sequence, uint8_t v)
{
    rd_key k = key(sequence);
    uint8_t out[1000], want[1000];
    memset(want, v, sizeof want);
    assert_true(rd_cache_copy(c, &k, 0, out, sizeof out));
    assert_memory_equal(out, want, sizeof out);
}

static void test_lent_slot_is_not_found_until_verified(void **state)
{
    (void)state;
    ddp_reader_cache *c = new_cache(2);
    rd_key k = key(1);
    uint8_t *buf = NULL;
    int slot = rd_cache_fill_begin(c, 1000, &buf);
    assert_true(slot >= 0);
    assert_non_null(buf);
    memset(buf, 0x11, 1000);
    assert_false(rd_cache_has(c, &k));
    rd_cache_fill_end(c, slot, &k, 1000, 1);
    assert_holds(c, 1, 0x11);
    /* A chunk that failed verification leaves its slot empty. */
    rd_key bad = key(2);
    slot = rd_cache_fill_begin(c, 1000, &buf);
    assert_true(slot >= 0);
    memset(buf, 0x22, 1000);
    rd_cache_fill_end(c, slot, &bad, 1000, 0);
    assert_false(rd_cache_has(c, &bad));
    assert_holds(c, 1, 0x11);
    ddp_reader_cache_free(c);
}

static void test_lent_slot_is_not_reused(void **state)
{
    (void)state;
    ddp_reader_cache *c = new_cache(2);
    uint8_t *lent = NULL;
    int slot = rd_cache_fill_begin(c, 1000, &lent);
    assert_true(slot >= 0);
    memset(lent, 0x33, 1000);
    /* Chunks kept meanwhile all go to the other slot. */
    for (uint32_t s = 10; s < 15; s++)
        keep(c, s, (uint8_t)s);
    assert_holds(c, 14, 14);
    rd_key k = key(3);
    rd_cache_fill_end(c, slot, &k, 1000, 1);
    assert_holds(c, 3, 0x33);
    assert_holds(c, 14, 14);
    ddp_reader_cache_free(c);
}

static void test_every_slot_lent(void **state)
{
    (void)state;
    ddp_reader_cache *c = new_cache(2);
    uint8_t *a = NULL, *b = NULL, *none = (uint8_t *)&none;
    int sa = rd_cache_fill_begin(c, 1000, &a), sb = rd_cache_fill_begin(c, 1000, &b);
    assert_true(sa >= 0 && sb >= 0 && sa != sb);
    assert_int_equal(rd_cache_fill_begin(c, 1000, &none), -1);
    assert_null(none);
    uint8_t content[1000];
    memset(content, 0x44, sizeof content);
    rd_key k4 = key(4);
    rd_cache_put(c, &k4, content, sizeof content);
    assert_false(rd_cache_has(c, &k4));
    /* Larger than any chunk: never lent. */
    rd_key ka = key(5), kb = key(6);
    rd_cache_fill_end(c, sa, &ka, 1000, 0);
    assert_int_equal(rd_cache_fill_begin(c, DDP_MAX_CHUNK_SIZE + 1, &none), -1);
    memset(b, 0x66, 1000);
    rd_cache_fill_end(c, sb, &kb, 1000, 1);
    assert_holds(c, 6, 0x66);
    ddp_reader_cache_free(c);
}

/* A chunk decoded by two threads at once is kept once, and putting a chunk already kept
 * gives up no other chunk. */
static void test_same_chunk_kept_once(void **state)
{
    (void)state;
    ddp_reader_cache *c = new_cache(3);
    keep(c, 7, 0x77);
    uint8_t *a = NULL, *b = NULL;
    int sa = rd_cache_fill_begin(c, 1000, &a), sb = rd_cache_fill_begin(c, 1000, &b);
    assert_true(sa >= 0 && sb >= 0);   /* the two empty slots: 7 stays */
    memset(a, 0x88, 1000);
    memset(b, 0x88, 1000);
    rd_key k8 = key(8);
    rd_cache_fill_end(c, sa, &k8, 1000, 1);
    rd_cache_fill_end(c, sb, &k8, 1000, 1);
    keep(c, 9, 0x99);   /* had 8 been kept twice, 7 would make room for it */
    assert_holds(c, 7, 0x77);
    assert_holds(c, 8, 0x88);
    assert_holds(c, 9, 0x99);
    uint8_t content[1000];
    memset(content, 0x88, sizeof content);
    rd_cache_put(c, &k8, content, sizeof content);
    assert_holds(c, 7, 0x77);
    assert_holds(c, 8, 0x88);
    assert_holds(c, 9, 0x99);
    ddp_reader_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lent_slot_is_not_found_until_verified),
        cmocka_unit_test(test_lent_slot_is_not_reused),
        cmocka_unit_test(test_every_slot_lent),
        cmocka_unit_test(test_same_chunk_kept_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
