/*
 * test_file_reader.c - ddp_file_reader: whole files and random ranges read back
 * byte-exact for every layout, compressed and not, both hash algorithms, every codec,
 * stale hints (Rrtl) and files of more than 512 chunks; a damaged chunk fails only the
 * reads of its range, with a log line naming the file and offset; random reads inside
 * cached chunks read nothing from the store; a one-chunk cache shared with the prefetch
 * workers; readers of different files on several threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/file_reader.h"
#include "ddp/reparse.h"
#include "ddp_thread.h"
#include "fixture.h"
#include "hand_store.h"

/* A store over a mem store: read-only, safe to call from many threads. */
static int32_t mem_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    size_t len = 0;
    const uint8_t *d = ddp_sink_mem_get(ctx, path, &len);
    *got = 0;
    if (!d)
        return FAKE_E_FILE_NOT_FOUND;
    if (offset < len) {
        *got = (uint32_t)(len - offset < size ? len - offset : size);
        memcpy(buf, d + offset, *got);
    }
    return 0;
}

static ddp_backup mem_backup(ddp_sink_mem *m)
{
    ddp_backup s;
    memset(&s, 0, sizeof s);
    s.ctx = m;
    s.read = mem_read;
    return s;
}

typedef struct log_capture {
    char last[400];
    uint32_t lines;
} log_capture;

static void capture(void *ctx, const char *msg)
{
    log_capture *l = ctx;
    snprintf(l->last, sizeof l->last, "%s", msg);
    l->lines++;
}

static ddp_reader_cache *new_cache(log_capture *log, uint32_t chunks)
{
    ddp_reader_options opt;
    ddp_reader_options_default(&opt);
    opt.cache_chunks = chunks;
    opt.log = log ? capture : NULL;
    opt.log_ctx = log;
    ddp_reader_cache *c = NULL;
    assert_int_equal(ddp_reader_cache_new(&opt, &c), DDP_OK);
    return c;
}

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 17;
}

/* Reads the whole file in uneven pieces, then 200 random ranges, comparing each. */
static void read_and_compare(ddp_file_reader *r, const uint8_t *want, size_t size, uint64_t seed)
{
    assert_int_equal(ddp_file_reader_size(r), size);
    uint8_t *buf = malloc(size + 70000);
    size_t pos = 0, got = 0;
    while (pos < size) {
        size_t n = 1 + (size_t)(rng(&seed) % 70000);
        assert_int_equal(ddp_file_reader_read(r, pos, buf + pos, n, &got), DDP_OK);
        assert_int_equal(got, n < size - pos ? n : size - pos);
        pos += got;
    }
    assert_memory_equal(buf, want, size);
    for (int i = 0; i < 200; i++) {
        uint64_t off = rng(&seed) % (size + 10);
        size_t n = (size_t)(rng(&seed) % 40000);
        assert_int_equal(ddp_file_reader_read(r, off, buf, n, &got), DDP_OK);
        size_t expect = off >= size ? 0 : (n < size - off ? n : size - off);
        assert_int_equal(got, expect);
        if (expect)
            assert_memory_equal(buf, want + off, expect);
    }
    free(buf);
}

static void check_store(const ddp_store_builder_options *opt, const size_t *sizes, uint32_t n)
{
    fixture f;
    assert_int_equal(fixture_build(&f, opt, n, sizes, NULL), 0);
    ddp_backup s = mem_backup(f.mem);
    ddp_reader_cache *c = new_cache(NULL, 0);
    for (uint32_t i = 0; i < n; i++) {
        if (!f.files[i].reparse)
            continue;
        ddp_file_reader *r = NULL;
        assert_int_equal(ddp_file_reader_open(&s, c, f.files[i].reparse, f.files[i].reparse_len, "f", &r), DDP_OK);
        read_and_compare(r, f.files[i].data, f.files[i].size, i + 1);
        ddp_reader_stats st;
        ddp_file_reader_stats(r, &st);
        assert_int_equal(st.stream_map_loads, 1);
        assert_int_equal(st.failures, 0);
        if (opt->stale_hints)
            assert_true(st.redirects > 0);
        ddp_file_reader_close(r);
    }
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

static void test_layouts_and_compression(void **state)
{
    (void)state;
    static const uint16_t layouts[3] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    static const size_t sizes[4] = {1, 70000, 300000, 12345};
    for (int l = 0; l < 3; l++) {
        for (int compress = 0; compress < 2; compress++) {
            ddp_store_builder_options opt;
            fixture_options(&opt, layouts[l]);
            opt.compress = compress;
            opt.hash_alg = compress ? DDP_HASH_SHA256 : DDP_HASH_SHA512_TRUNC;
            check_store(&opt, sizes, 4);
        }
    }
}

/* Hints that point elsewhere: every record is found through its container's Rrtl. */
static void test_stale_hints(void **state)
{
    (void)state;
    static const size_t sizes[3] = {200000, 90000, 5000};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.stale_hints = 1;
    check_store(&opt, sizes, 3);
}

/* More than 512 chunks in one file (4-16 KiB chunks), in several data containers. */
static void test_many_chunks(void **state)
{
    (void)state;
    static const size_t sizes[2] = {6u << 20, 3u << 20};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.container_limit = 2u << 20;
    fixture f;
    assert_int_equal(fixture_build(&f, &opt, 2, sizes, NULL), 0);
    assert_true(fixture_count_containers(&f, "Data") > 2);
    ddp_backup s = mem_backup(f.mem);
    ddp_reader_cache *c = new_cache(NULL, 8);
    ddp_file_reader *r = NULL;
    assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "big", &r), DDP_OK);
    read_and_compare(r, f.files[0].data, f.files[0].size, 7);
    ddp_reader_stats st;
    ddp_file_reader_stats(r, &st);
    assert_true(st.chunk_decodes > 512);
    ddp_file_reader_close(r);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

/* Every codec, in every layout, in one file. */
static void test_codecs(void **state)
{
    (void)state;
    static const uint32_t codecs[4] = {DDP_COMPRESSION_NONE, DDP_COMPRESSION_XPRESS, DDP_COMPRESSION_LZNT1,
                                       DDP_COMPRESSION_XPRESS_HUFF};
    static const uint16_t layouts[3] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    size_t size = 300000;
    uint8_t *data = malloc(size);
    uint64_t seed = 99;
    for (size_t i = 0; i < size; i++)   /* compressible: words from a small alphabet */
        data[i] = (uint8_t)("abcdefgh \n"[rng(&seed) % 10]);
    for (int l = 0; l < 3; l++) {
        hand_store h;
        assert_int_equal(hand_store_build(&h, layouts[l], data, size, 16384, codecs, 4), 0);
        ddp_backup s = mem_backup(h.mem);
        ddp_reader_cache *c = new_cache(NULL, 2);
        ddp_file_reader *r = NULL;
        assert_int_equal(ddp_file_reader_open(&s, c, h.reparse, h.reparse_len, "codecs", &r), DDP_OK);
        read_and_compare(r, data, size, l);
        ddp_file_reader_close(r);
        ddp_reader_cache_free(c);
        hand_store_free(&h);
    }
    free(data);
}

/* A damaged chunk: reads needing it fail, with a log line naming the file and the chunk's
 * offset in it; the bytes before it are returned; every other range reads. */
static void test_damaged_chunk(void **state)
{
    (void)state;
    static const size_t sizes[1] = {400000};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0103);
    fixture f;
    assert_int_equal(fixture_build(&f, &opt, 1, sizes, NULL), 0);
    char path[200];
    uint64_t rec = 0;
    const uint32_t k = 5;
    assert_int_equal(fixture_chunk_location(&f, &opt, 0, k, path, sizeof path, &rec), 0);
    size_t clen = 0;
    uint8_t *cont = (uint8_t *)ddp_sink_mem_get(f.mem, path, &clen);
    cont[rec + DDP_DATA_HEADER_SIZE + 10] ^= 0x5A;   /* inside the payload */

    ddp_backup s = mem_backup(f.mem);
    log_capture log = {{0}, 0};
    ddp_reader_cache *c = new_cache(&log, 4);
    ddp_file_reader *r = NULL;
    assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "evidence.bin", &r), DDP_OK);
    /* Where chunk k lies: find its start by reading up to the failure. */
    uint8_t *buf = malloc(sizes[0]);
    size_t got = 0;
    ddp_status st = ddp_file_reader_read(r, 0, buf, sizes[0], &got);
    assert_int_not_equal(st, DDP_OK);
    assert_true(got > 0 && got < sizes[0]);
    assert_memory_equal(buf, f.files[0].data, got);
    assert_int_equal(log.lines, 1);
    char where[64];
    snprintf(where, sizeof where, "evidence.bin offset 0x%llx:", (unsigned long long)got);
    assert_non_null(strstr(log.last, where));
    assert_non_null(strstr(log.last, "chunk"));
    uint64_t bad_start = got;
    /* The next chunk boundary after the damage: the first offset that reads again. */
    uint64_t bad_end = bad_start + 1;
    while (ddp_file_reader_read(r, bad_end, buf, 1, &got) != DDP_OK)
        bad_end++;
    assert_true(bad_end - bad_start >= opt.min_chunk && bad_end - bad_start <= opt.max_chunk);
    /* Everything outside [bad_start, bad_end) reads. */
    assert_int_equal(ddp_file_reader_read(r, 0, buf, (size_t)bad_start, &got), DDP_OK);
    assert_memory_equal(buf, f.files[0].data, bad_start);
    assert_int_equal(ddp_file_reader_read(r, bad_end, buf, sizes[0] - bad_end, &got), DDP_OK);
    assert_int_equal(got, sizes[0] - bad_end);
    assert_memory_equal(buf, f.files[0].data + bad_end, got);
    /* A read starting inside the damaged range fails with nothing. */
    assert_int_not_equal(ddp_file_reader_read(r, bad_start + 100, buf, 10, &got), DDP_OK);
    assert_int_equal(got, 0);
    free(buf);
    ddp_file_reader_close(r);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

/* Random 4 KiB reads inside chunks already read come from the cache: no store reads, the
 * stream map loaded once. */
static void test_cache_serves_random_reads(void **state)
{
    (void)state;
    static const size_t sizes[1] = {100000};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0102);
    fixture f;
    assert_int_equal(fixture_build(&f, &opt, 1, sizes, NULL), 0);
    ddp_backup s = mem_backup(f.mem);
    ddp_reader_cache *c = new_cache(NULL, 64);
    ddp_file_reader *r = NULL;
    assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_OK);
    uint8_t buf[4096];
    size_t got = 0;
    for (uint64_t off = 0; off < sizes[0]; off += sizeof buf)
        assert_int_equal(ddp_file_reader_read(r, off, buf, sizeof buf, &got), DDP_OK);
    ddp_reader_stats before, after;
    ddp_file_reader_stats(r, &before);
    uint64_t seed = 5;
    for (int i = 0; i < 500; i++) {
        uint64_t off = rng(&seed) % sizes[0];
        assert_int_equal(ddp_file_reader_read(r, off, buf, sizeof buf, &got), DDP_OK);
        assert_memory_equal(buf, f.files[0].data + off, got);
    }
    ddp_file_reader_stats(r, &after);
    assert_int_equal(after.store_reads, before.store_reads);
    assert_int_equal(after.chunk_decodes, before.chunk_decodes);
    assert_int_equal(after.stream_map_loads, 1);
    assert_true(after.cache_hits >= before.cache_hits + 500);
    ddp_file_reader_close(r);
    /* A second reader of the same file finds its chunks in the shared cache. */
    assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_OK);
    assert_int_equal(ddp_file_reader_read(r, 5000, buf, sizeof buf, &got), DDP_OK);
    ddp_file_reader_stats(r, &after);
    assert_int_equal(after.chunk_decodes, 0);
    ddp_file_reader_close(r);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

/* Errors at open: another tag, a stream container missing, a damaged stream map. */
static void test_open_failures(void **state)
{
    (void)state;
    static const size_t sizes[1] = {50000};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0102);
    fixture f;
    assert_int_equal(fixture_build(&f, &opt, 1, sizes, NULL), 0);
    ddp_reader_cache *c = new_cache(NULL, 4);
    ddp_file_reader *r = NULL;
    uint8_t other[64];
    memcpy(other, f.files[0].reparse, sizeof other);
    other[0] = 0x0C;   /* tag 0x8000000C */
    ddp_backup s = mem_backup(f.mem);
    assert_int_equal(ddp_file_reader_open(&s, c, other, f.files[0].reparse_len, "f", &r), DDP_ERR_NOT_DEDUP);
    assert_null(r);
    ddp_sink_mem *empty = ddp_sink_mem_new();
    ddp_backup none = mem_backup(empty);
    assert_int_equal(ddp_file_reader_open(&none, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_ERR_NOT_FOUND);
    ddp_sink_mem_free(empty);
    size_t len = 0;
    uint8_t *sc = (uint8_t *)ddp_sink_mem_get(f.mem, fixture_container(&f, "Stream", 0), &len);
    sc[DDP_FIRST_RECORD_OFFSET + DDP_SMAP_HEADER_SIZE] ^= 1;   /* the "Smap" magic */
    assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_ERR_BAD_MAGIC);
    assert_null(r);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

/* Sequential reads hand the records of the following chunks to the prefetch worker (or
 * take them back when they need them first): no record is read twice, content is exact,
 * and random reads prefetch nothing. */
static void test_prefetch(void **state)
{
    (void)state;
    static const size_t sizes[1] = {2u << 20};
    ddp_store_builder_options sopt;
    fixture_options(&sopt, DDP_LAYOUT_0103);
    sopt.stale_hints = 1;
    fixture f;
    assert_int_equal(fixture_build(&f, &sopt, 1, sizes, NULL), 0);
    ddp_backup s = mem_backup(f.mem);
    uint64_t base_reads = 0;
    for (uint32_t depth = 0; depth <= 8; depth += 4) {
        ddp_reader_options opt;
        ddp_reader_options_default(&opt);
        opt.prefetch_chunks = depth;
        ddp_reader_cache *c = NULL;
        assert_int_equal(ddp_reader_cache_new(&opt, &c), DDP_OK);
        ddp_file_reader *r = NULL;
        assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_OK);
        uint8_t *buf = malloc(sizes[0]);
        size_t got = 0;
        for (size_t pos = 0; pos < sizes[0]; pos += got)
            assert_int_equal(ddp_file_reader_read(r, pos, buf + pos, 32768, &got), DDP_OK);
        assert_memory_equal(buf, f.files[0].data, sizes[0]);
        ddp_reader_stats st;
        ddp_file_reader_stats(r, &st);
        /* Every record is read once, whoever decodes it (stale hints: through the Rrtl). */
        if (depth == 0) {
            assert_int_equal(st.prefetches, 0);
            base_reads = st.store_reads;
        } else {
            assert_true(st.prefetches > 0);
            assert_int_equal(st.store_reads, base_reads);
        }
        ddp_file_reader_close(r);
        /* Random reads in a new reader: nothing prefetched. */
        assert_int_equal(ddp_file_reader_open(&s, c, f.files[0].reparse, f.files[0].reparse_len, "f", &r), DDP_OK);
        uint64_t seed = 3;
        for (int k = 0; k < 50; k++) {
            uint64_t off = rng(&seed) % sizes[0];
            assert_int_equal(ddp_file_reader_read(r, off + 1, buf, 4096, &got), DDP_OK);
            assert_memory_equal(buf, f.files[0].data + off + 1, got);
        }
        ddp_file_reader_stats(r, &st);
        assert_int_equal(st.prefetches, 0);
        ddp_file_reader_close(r);
        free(buf);
        ddp_reader_cache_free(c);
    }
    fixture_free(&f);
}

/* One cache over two chunk stores of different hash algorithms (one volume may hold
 * both): each store's algorithm is its own. */
static void test_stores_of_both_algorithms(void **state)
{
    (void)state;
    static const size_t sizes[1] = {120000};
    ddp_store_builder_options opt[2];
    fixture f[2];
    for (int k = 0; k < 2; k++) {
        fixture_options(&opt[k], DDP_LAYOUT_0103);
        opt[k].hash_alg = k ? DDP_HASH_SHA512_TRUNC : DDP_HASH_SHA256;
        opt[k].guid[0] = (uint8_t)(0x40 + k);
        assert_int_equal(fixture_build(&f[k], &opt[k], 1, sizes, NULL), 0);
    }
    ddp_reader_cache *c = new_cache(NULL, 4);
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 2; k++) {
            ddp_backup s = mem_backup(f[k].mem);
            ddp_file_reader *r = NULL;
            assert_int_equal(ddp_file_reader_open(&s, c, f[k].files[0].reparse, f[k].files[0].reparse_len, "f", &r), DDP_OK);
            read_and_compare(r, f[k].files[0].data, f[k].files[0].size, (uint64_t)k);
            ddp_file_reader_close(r);
        }
    }
    ddp_reader_cache_free(c);
    fixture_free(&f[0]);
    fixture_free(&f[1]);
}

typedef struct worker_arg {
    const fixture *f;
    const ddp_backup *s;
    ddp_reader_cache *c;
    uint32_t file;
    int ok;
} worker_arg;

static void worker(void *p)
{
    worker_arg *a = p;
    ddp_file_reader *r = NULL;
    a->ok = 0;
    if (ddp_file_reader_open(a->s, a->c, a->f->files[a->file].reparse, a->f->files[a->file].reparse_len, "t", &r) != DDP_OK)
        return;
    size_t size = a->f->files[a->file].size, got = 0;
    uint8_t *buf = malloc(32768);
    uint64_t seed = a->file + 11;
    int ok = 1;
    /* Sequentially first: the four readers share the cache's prefetch worker. */
    for (size_t pos = 0; ok && pos < size; pos += got)
        ok = ddp_file_reader_read(r, pos, buf, 32768, &got) == DDP_OK && got > 0 &&
             memcmp(buf, a->f->files[a->file].data + pos, got) == 0;
    for (int i = 0; ok && i < 3000; i++) {
        uint64_t off = rng(&seed) % size;
        size_t n = 1 + (size_t)(rng(&seed) % 8192);
        ok = ddp_file_reader_read(r, off, buf, n, &got) == DDP_OK &&
             got == (n < size - off ? n : size - off) && memcmp(buf, a->f->files[a->file].data + off, got) == 0;
    }
    free(buf);
    ddp_file_reader_close(r);
    a->ok = ok;
}

/* Reads the fixture's four files at once, one worker() thread each, through cache c;
 * every read must be exact. */
static void read_on_four_threads(const fixture *f, const ddp_backup *s, ddp_reader_cache *c)
{
    worker_arg args[4];
    ddp_thread *t[4];
    for (uint32_t i = 0; i < 4; i++) {
        args[i] = (worker_arg){f, s, c, i, 0};
        assert_int_equal(ddp_thread_start(&t[i], worker, &args[i]), 0);
    }
    for (uint32_t i = 0; i < 4; i++) {
        ddp_thread_join(t[i]);
        assert_true(args[i].ok);
    }
}

/* Four files read at once on four threads through one small cache (chunks shared by
 * copies of a file meet in it), sequentially (through the prefetch worker) then at
 * random. The store has a DedupFileList: the readers opening at once read it and one
 * copy is kept by the cache, the others freed (checked by ASan, TSan and valgrind). */
static void test_threads(void **state)
{
    (void)state;
    static const size_t sizes[4] = {300000, 200000, 300000, 150000};
    static const int dup[4] = {-1, -1, 0, -1};
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.stream_generation = 3;
    opt.file_list = 1;
    fixture f;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes, dup), 0);
    ddp_backup s = mem_backup(f.mem);
    ddp_reader_cache *c = new_cache(NULL, 8);
    read_on_four_threads(&f, &s, c);
    ddp_reader_stats st;
    ddp_reader_cache_stats(c, &st);
    assert_true(st.cache_hits > 0);
    assert_true(st.prefetches > 0);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.generations_from_list, 4);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

/* A cache of one slot shared by four readers on four threads and two prefetch workers:
 * the slot is lent to one decoder at a time and most decodes find it lent, so they use
 * their own buffers (thousands of times per run here); every read is still exact. */
static void test_one_slot_cache(void **state)
{
    (void)state;
    static const size_t sizes[4] = {300000, 200000, 300000, 150000};
    ddp_store_builder_options sopt;
    fixture_options(&sopt, DDP_LAYOUT_0103);
    fixture f;
    assert_int_equal(fixture_build(&f, &sopt, 4, sizes, NULL), 0);
    ddp_backup s = mem_backup(f.mem);
    ddp_reader_options opt;
    ddp_reader_options_default(&opt);
    opt.cache_chunks = 1;
    opt.prefetch_chunks = 8;
    ddp_reader_cache *c = NULL;
    assert_int_equal(ddp_reader_cache_new(&opt, &c), DDP_OK);
    read_on_four_threads(&f, &s, c);
    ddp_reader_stats st;
    ddp_reader_cache_stats(c, &st);
    assert_int_equal(st.failures, 0);
    ddp_reader_cache_free(c);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts_and_compression),
        cmocka_unit_test(test_stale_hints),
        cmocka_unit_test(test_many_chunks),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_damaged_chunk),
        cmocka_unit_test(test_cache_serves_random_reads),
        cmocka_unit_test(test_open_failures),
        cmocka_unit_test(test_stores_of_both_algorithms),
        cmocka_unit_test(test_prefetch),
        cmocka_unit_test(test_one_slot_cache),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
