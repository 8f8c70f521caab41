/* test_chunker.c - content-defined chunking: boundaries independent of how input is
 * split, size bounds on random and repetitive data, an average near 64 KiB, and
 * boundaries that realign after an insertion (what makes dedup work across files). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chunker.h"

#define MIN_SIZE (32u * 1024u)
#define AVG_SIZE (64u * 1024u)
#define MAX_SIZE (128u * 1024u)
#define MAX_CHUNKS 4096

typedef struct cuts {
    size_t n;
    size_t len[MAX_CHUNKS];
    uint64_t total;
} cuts;

static ddp_status record_cut(void *ctx, const uint8_t *chunk, size_t len)
{
    cuts *c = ctx;
    (void)chunk;
    assert_true(c->n < MAX_CHUNKS);
    c->len[c->n++] = len;
    c->total += len;
    return DDP_OK;
}

static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* Chunks data, fed in pieces of the given step (0: one call). */
static void chunk_all(const uint8_t *data, size_t n, size_t step, cuts *out)
{
    ddp_chunker c;
    memset(out, 0, sizeof *out);
    assert_int_equal(ddp_chunker_init(&c, MIN_SIZE, AVG_SIZE, MAX_SIZE), DDP_OK);
    size_t off = 0;
    while (off < n) {
        size_t take = step && step < n - off ? step : n - off;
        assert_int_equal(ddp_chunker_push(&c, data + off, take, record_cut, out), DDP_OK);
        off += take;
        if (step)
            step = step * 7 % 100003 + 1;   /* uneven pieces */
    }
    assert_int_equal(ddp_chunker_flush(&c, record_cut, out), DDP_OK);
    ddp_chunker_free(&c);
    assert_int_equal(out->total, n);
}

static void check_bounds(const cuts *c)
{
    for (size_t i = 0; i < c->n; i++) {
        assert_true(c->len[i] <= MAX_SIZE);
        if (i + 1 < c->n)
            assert_true(c->len[i] >= MIN_SIZE);
        assert_true(c->len[i] >= 1);
    }
}

static void test_split_independent(void **state)
{
    (void)state;
    size_t n = 6u << 20;
    uint8_t *data = malloc(n);
    assert_non_null(data);
    fill_random(data, n, 42);
    static cuts whole, pieces;
    chunk_all(data, n, 0, &whole);
    chunk_all(data, n, 1, &pieces);
    assert_int_equal(whole.n, pieces.n);
    assert_memory_equal(whole.len, pieces.len, whole.n * sizeof whole.len[0]);
    check_bounds(&whole);
    free(data);
}

static void test_random_average(void **state)
{
    (void)state;
    size_t n = 16u << 20;
    uint8_t *data = malloc(n);
    assert_non_null(data);
    fill_random(data, n, 7);
    static cuts c;
    chunk_all(data, n, 0, &c);
    check_bounds(&c);
    uint64_t avg = c.total / c.n;
    assert_true(avg >= 48u * 1024u && avg <= 80u * 1024u);
    /* Not all at the bounds: the content decides. */
    size_t at_max = 0;
    for (size_t i = 0; i < c.n; i++)
        at_max += c.len[i] == MAX_SIZE;
    assert_true(at_max < c.n / 4);
    free(data);
}

static void test_repetitive_data(void **state)
{
    (void)state;
    size_t n = 1000000;
    uint8_t *data = calloc(1, n);
    assert_non_null(data);
    static cuts c;
    chunk_all(data, n, 4096, &c);
    check_bounds(&c);
    /* A constant hash finds no boundary: every chunk but the last is max size. */
    for (size_t i = 0; i + 1 < c.n; i++)
        assert_int_equal(c.len[i], MAX_SIZE);
    assert_int_equal(c.len[c.n - 1], n % MAX_SIZE);
    /* A short period (text repeated) still gives bounded chunks. */
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)"the same sentence again. "[i % 25];
    chunk_all(data, n, 0, &c);
    check_bounds(&c);
    free(data);
}

static void test_boundaries_realign(void **state)
{
    (void)state;
    size_t n = 4u << 20;
    uint8_t *data = malloc(n + 1);
    assert_non_null(data);
    fill_random(data + 1, n, 99);
    data[0] = 0x5A;
    static cuts a, b;
    chunk_all(data + 1, n, 0, &a);
    chunk_all(data, n + 1, 0, &b);
    /* End offsets (in the original's coordinates) shared by both. */
    size_t shared = 0, ia = 0, ib = 0;
    uint64_t ea = a.len[0], eb = b.len[0] - 1;
    while (ia < a.n && ib < b.n) {
        if (ea == eb) {
            shared++;
            if (++ia < a.n)
                ea += a.len[ia];
            if (++ib < b.n)
                eb += b.len[ib];
        } else if (ea < eb) {
            if (++ia < a.n)
                ea += a.len[ia];
        } else if (++ib < b.n) {
            eb += b.len[ib];
        }
    }
    assert_true(shared + 3 >= a.n);
    free(data);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    ddp_chunker c;
    assert_int_equal(ddp_chunker_init(&c, 0, 10, 20), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunker_init(&c, 30, 20, 40), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunker_init(&c, 10, 50, 40), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunker_init(&c, 1024, 2048, 512u * 1024u), DDP_ERR_INVALID_ARG);
    /* min == avg == max: fixed-size chunks. */
    assert_int_equal(ddp_chunker_init(&c, 1000, 1000, 1000), DDP_OK);
    static cuts out;
    memset(&out, 0, sizeof out);
    uint8_t buf[2500];
    fill_random(buf, sizeof buf, 3);
    assert_int_equal(ddp_chunker_push(&c, buf, sizeof buf, record_cut, &out), DDP_OK);
    assert_int_equal(ddp_chunker_flush(&c, record_cut, &out), DDP_OK);
    ddp_chunker_free(&c);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.len[0], 1000);
    assert_int_equal(out.len[2], 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_independent),
        cmocka_unit_test(test_random_average),
        cmocka_unit_test(test_repetitive_data),
        cmocka_unit_test(test_boundaries_realign),
        cmocka_unit_test(test_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
