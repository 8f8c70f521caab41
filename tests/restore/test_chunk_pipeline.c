/*
 * test_chunk_pipeline.c - the data phase's worker stage (chunk_pipeline.h) on its own,
 * with 1, 2 and 4 workers: every submitted record comes back from rs_pipe_next exactly
 * once, in submission order, with its bytes, its decompressed content and the workers'
 * verdict (sound or not; which candidate hash matched, or only the known algorithm's).
 * When every batch of the ring is in use, rs_pipe_submit answers RS_PIPE_FULL instead of
 * queueing more, so what is queued never exceeds workers + RS_PIPE_EXTRA_BATCHES batches;
 * a record larger than a batch is refused (RS_PIPE_TOO_LARGE) and nothing is queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chunk_pipeline.h"
#include "ddp/container.h"

#define N_CHUNKS 3000u
#define BIG (N_CHUNKS)           /* one more chunk, larger than a batch */
#define BIG_SIZE 80000u

typedef struct corpus {
    rs_chunk chunks[N_CHUNKS + 1];
    uint8_t *records[N_CHUNKS + 1];
    uint32_t lens[N_CHUNKS + 1];
    uint8_t *contents[N_CHUNKS + 1];
} corpus;

static int bad_record(uint32_t i) { return i % 11 == 5; }    /* no Ckhr: not examined */
static int wrong_hash(uint32_t i) { return i % 7 == 3; }     /* sound record, content hash differs */
static ddp_hash_alg alg_of(uint32_t i) { return i % 2 ? DDP_HASH_SHA512_TRUNC : DDP_HASH_SHA256; }

static void make_chunk(corpus *c, uint32_t i, uint32_t size)
{
    uint8_t *content = malloc(size);
    assert_non_null(content);
    for (uint32_t k = 0; k < size; k++)
        content[k] = (uint8_t)(k * 31 + i * 7 + (k >> 5));
    rs_chunk *ch = &c->chunks[i];
    memset(ch, 0, sizeof *ch);
    assert_int_equal(ddp_chunk_hash(alg_of(i), content, size, ch->hash), DDP_OK);
    if (wrong_hash(i))
        ch->hash[0] ^= 0x5a;
    ch->stored = ch->logical = size;
    ddp_record r;
    memset(&r, 0, sizeof r);
    static const uint8_t version[4] = {0x01, 0x03, 0x03, 0x01};
    memcpy(r.version, version, 4);
    r.sequence = i + 1;
    r.payload_size = size;
    r.kind = DDP_RECORD_KIND_DATA;
    r.compression = DDP_COMPRESSION_NONE;
    memcpy(r.hash, ch->hash, DDP_HASH_SIZE);
    uint32_t len = (DDP_DATA_HEADER_SIZE + size + DDP_RECORD_ALIGN - 1) & ~(DDP_RECORD_ALIGN - 1);
    uint8_t *rec = calloc(1, len);
    assert_non_null(rec);
    ddp_record_build(&r, rec);
    memcpy(rec + DDP_DATA_HEADER_SIZE, content, size);
    if (bad_record(i))
        rec[0] = 'X';
    c->records[i] = rec;
    c->lens[i] = len;
    c->contents[i] = content;
}

static corpus *corpus_new(void)
{
    corpus *c = calloc(1, sizeof *c);
    assert_non_null(c);
    for (uint32_t i = 0; i < N_CHUNKS; i++)
        make_chunk(c, i, 200 + (i * 37) % 1500);
    make_chunk(c, BIG, BIG_SIZE);
    return c;
}

static void corpus_free(corpus *c)
{
    for (uint32_t i = 0; i <= N_CHUNKS; i++) {
        free(c->records[i]);
        free(c->contents[i]);
    }
    free(c);
}

/* What a finished chunk must say when it was submitted with alg. */
static void check_done(const corpus *c, const rs_pipe_done *d, uint32_t i, ddp_hash_alg alg)
{
    assert_int_equal(d->rec, i);
    assert_int_equal(d->record_len, c->lens[i]);
    assert_memory_equal(d->record, c->records[i], c->lens[i]);
    if (bad_record(i)) {
        assert_int_equal(d->examined, 0);
        assert_int_equal(d->matches, 0);
        return;
    }
    assert_int_equal(d->examined, 1);
    assert_int_equal(d->content_len, c->chunks[i].logical);
    assert_memory_equal(d->content, c->contents[i], d->content_len);
    unsigned want = 0;
    if (!wrong_hash(i) && (alg == DDP_HASH_UNKNOWN || alg == alg_of(i)))
        want = RS_HASH_BIT(alg_of(i));
    assert_int_equal(d->matches, want);
}

typedef struct run {
    const corpus *c;
    rs_pipe *p;
    ddp_hash_alg alg;
    uint32_t pulled;              /* chunks pulled back so far (the next one expected) */
    uint64_t queued_content;      /* content bytes submitted and not pulled back */
} run;

static int pull(run *r, int wait)
{
    rs_pipe_done d;
    if (!rs_pipe_next(r->p, wait, &d))
        return 0;
    assert_true(r->pulled < N_CHUNKS);
    check_done(r->c, &d, r->pulled, r->alg);
    r->queued_content -= r->c->chunks[r->pulled].logical;
    r->pulled++;
    return 1;
}

/* Submits every chunk; eager: pulls whatever is finished after each submission, else
 * only when the ring is full. Returns how often it was full. */
static uint32_t submit_all(run *r, uint32_t workers, int eager)
{
    const corpus *c = r->c;
    uint32_t fulls = 0;
    uint64_t bound = (uint64_t)(workers + RS_PIPE_EXTRA_BATCHES) * RS_PIPE_MIN_BYTES;
    for (uint32_t i = 0; i < N_CHUNKS; i++) {
        if (i == N_CHUNKS / 2)
            assert_int_equal(rs_pipe_submit(r->p, BIG, c->records[BIG], c->lens[BIG], r->alg), RS_PIPE_TOO_LARGE);
        rs_pipe_put put;
        while ((put = rs_pipe_submit(r->p, i, c->records[i], c->lens[i], r->alg)) == RS_PIPE_FULL) {
            fulls++;
            assert_true(pull(r, 1));   /* a full ring always has a batch to wait for */
        }
        assert_int_equal(put, RS_PIPE_QUEUED);
        r->queued_content += c->chunks[i].logical;
        assert_true(r->queued_content <= bound);
        while (eager && pull(r, 0))
            ;
    }
    rs_pipe_flush(r->p, r->alg);
    while (pull(r, 1))
        ;
    assert_int_equal(r->pulled, N_CHUNKS);
    assert_int_equal(r->queued_content, 0);
    assert_int_equal(rs_pipe_next(r->p, 1, &(rs_pipe_done){0}), 0);
    return fulls;
}

static void run_with(uint32_t workers, ddp_hash_alg alg, int eager)
{
    corpus *c = corpus_new();
    /* An empty load: the smallest batches (RS_PIPE_MIN_BYTES), so the ring fills. */
    rs_pipe_load load = {0, 0, 0, 0};
    run r = {c, rs_pipe_new(workers, c->chunks, &load), alg, 0, 0};
    assert_non_null(r.p);
    uint32_t fulls = submit_all(&r, workers, eager);
    if (!eager)
        assert_true(fulls > 0);
    rs_pipe_free(r.p);
    corpus_free(c);
}

static void test_order_and_verdicts(void **state)
{
    (void)state;
    static const uint32_t workers[] = {1, 2, 4};
    for (size_t w = 0; w < sizeof workers / sizeof workers[0]; w++) {
        run_with(workers[w], DDP_HASH_UNKNOWN, 1);
        run_with(workers[w], DDP_HASH_SHA256, 1);
    }
}

static void test_full_ring_waits_for_the_caller(void **state)
{
    (void)state;
    run_with(2, DDP_HASH_UNKNOWN, 0);
    run_with(4, DDP_HASH_SHA512_TRUNC, 0);
}

/* Freeing with chunks still queued (the caller stops pulling) joins the workers cleanly. */
static void test_free_with_queued_chunks(void **state)
{
    (void)state;
    corpus *c = corpus_new();
    rs_pipe_load load = {0, 0, 0, 0};
    rs_pipe *p = rs_pipe_new(2, c->chunks, &load);
    assert_non_null(p);
    uint32_t i = 0;
    while (i < N_CHUNKS && rs_pipe_submit(p, i, c->records[i], c->lens[i], DDP_HASH_UNKNOWN) == RS_PIPE_QUEUED)
        i++;
    assert_true(i > 0 && i < N_CHUNKS);
    rs_pipe_flush(p, DDP_HASH_UNKNOWN);
    rs_pipe_free(p);
    corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_verdicts),
        cmocka_unit_test(test_full_ring_waits_for_the_caller),
        cmocka_unit_test(test_free_with_queued_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
