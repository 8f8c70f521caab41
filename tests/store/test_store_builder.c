/* test_store_builder.c - the store builder, read back through the test store reader
 * (format parsers + decoders): every layout x hash x compression, several containers,
 * stale hints, generations, determinism, dedup, the container structure, empty files,
 * options and the directory sink. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "builder_fixture.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "dir_sink.h"

#define KiB 1024u

static fix_build *new_build(void)
{
    fix_build *b = calloc(1, sizeof *b);
    assert_non_null(b);
    return b;
}

static void free_build(fix_build *b)
{
    fix_build_free(b);
    free(b);
}

/* A mixed set: random, text, a copy of the random one, a tiny file, an empty file. */
static size_t mixed_files(fix_file *f)
{
    fix_random(&f[0], 700 * KiB + 123, 1);
    fix_text(&f[1], 500 * KiB + 7, 2);
    fix_copy(&f[2], &f[0]);
    fix_random(&f[3], 100, 3);
    fix_random(&f[4], 0, 4);
    fix_text(&f[5], 40 * KiB, 5);
    return 6;
}

static void free_files(fix_file *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fix_free(&f[i]);
}

static void test_matrix_round_trip(void **state)
{
    (void)state;
    static const uint16_t layouts[] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    static const ddp_hash_alg algs[] = {DDP_HASH_SHA256, DDP_HASH_SHA512_TRUNC};
    fix_file files[8];
    size_t n = mixed_files(files);
    for (size_t l = 0; l < 3; l++)
        for (size_t a = 0; a < 2; a++)
            for (int compress = 0; compress <= 1; compress++) {
                ddp_store_builder_options opt;
                ddp_store_builder_options_default(&opt);
                opt.layout = layouts[l];
                opt.hash_alg = algs[a];
                opt.compress = compress;
                fix_build *b = new_build();
                fix_build_store(b, &opt, files, n);
                ddp_test_read_info total;
                fix_read_back(b, files, n, &total);
                assert_int_equal(total.chunk_alg, algs[a]);
                assert_int_equal(total.smap_alg, algs[a]);
                assert_int_equal(total.rrtl_hits, 0);
                assert_int_equal(total.chunks, b->stats.chunks);
                assert_true(compress ? total.compressed > 0 : total.compressed == 0);
                for (size_t i = 0; i < n; i++) {
                    if (!files[i].len)
                        continue;
                    ddp_reparse r;
                    assert_int_equal(ddp_reparse_parse(b->reparse[i], b->reparse_len[i], &r, NULL), DDP_OK);
                    assert_int_equal(r.layout, layouts[l]);
                    assert_memory_equal(r.store_guid, opt.guid, 16);
                    assert_int_equal(r.filetime, opt.filetime);
                    assert_int_equal(r.refs[0].unknown_0c[1], opt.stream_generation);
                }
                assert_int_equal(b->stats.files, 5);
                assert_int_equal(b->stats.empty_files, 1);
                free_build(b);
            }
    free_files(files, n);
}

/* Paths of the container files of one kind, in store order. */
static size_t container_paths(const ddp_sink_mem *m, const char *kind, const char **out, size_t cap)
{
    size_t n = 0;
    const char *p;
    for (size_t i = 0; (p = ddp_sink_mem_path(m, i)) != NULL; i++)
        if (strstr(p, kind) && n < cap)
            out[n++] = p;
    return n;
}

/* The CRC-64 variant check_container expects (the builder's default: NVME). */
static ddp_crc64_match expected_crc64 = DDP_CRC64_NVME;

/* Walks a container's records from 0x5260: packed, 8-aligned, sequence 1, 2, ...,
 * ending at the Cthr's valid data length, which is the file size; every CRC-64 of the
 * expected variant. Returns the count. */
static uint32_t check_container(const ddp_sink_mem *m, const char *path, uint32_t id, uint32_t generation,
                                uint16_t kind)
{
    size_t len = 0;
    const uint8_t *file = ddp_sink_mem_get(m, path, &len);
    assert_non_null(file);
    ddp_cthr cthr;
    assert_int_equal(ddp_cthr_parse(file, len, &cthr, NULL), DDP_OK);
    assert_int_equal(cthr.container_id, id);
    assert_int_equal(cthr.generation, generation);
    assert_int_equal(cthr.valid_data_length, len);
    assert_int_equal(cthr.crc_match, expected_crc64);
    ddp_rrtl rrtl;
    assert_int_equal(ddp_rrtl_parse(file + DDP_RRTL_OFFSET, len - DDP_RRTL_OFFSET, &rrtl, NULL), DDP_OK);
    assert_int_equal(rrtl.crc_match, expected_crc64);
    uint64_t off = DDP_FIRST_RECORD_OFFSET;
    uint32_t seq = 0;
    while (off < len) {
        ddp_record r;
        assert_int_equal(off % 8, 0);
        assert_int_equal(ddp_record_parse(file + off, len - off, &r, NULL), DDP_OK);
        assert_int_equal(r.kind, kind);
        assert_int_equal(r.sequence, ++seq);
        assert_int_equal(r.crc_match, expected_crc64);
        off += ddp_record_span(&r);
    }
    assert_int_equal(off, len);
    return seq;
}

static void multi_container(int zero_init);

static void test_multi_container(void **state)
{
    (void)state;
    multi_container(0);
}

/* The other CRC-64 variant on request (readers accept both). */
static void test_multi_container_zero_init_crc(void **state)
{
    (void)state;
    multi_container(1);
}

static void multi_container(int zero_init)
{
    expected_crc64 = zero_init ? DDP_CRC64_ZERO_INIT : DDP_CRC64_NVME;
    fix_file files[24];
    size_t n = 0;
    for (; n < 20; n++)
        fix_random(&files[n], 60 * KiB + 1000 * n, 100 + n);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.crc64_zero_init = zero_init;
    opt.container_limit = 0x6000 + 200 * KiB;   /* a few chunks per Data container */
    opt.min_chunk = 8 * KiB;
    opt.avg_chunk = 16 * KiB;
    opt.max_chunk = 32 * KiB;
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, n);
    ddp_test_read_info total;
    fix_read_back(b, files, n, &total);
    assert_true(b->stats.data_containers >= 5);
    const char *paths[64];
    size_t nd = container_paths(b->store, "\\Data\\", paths, 64);
    assert_int_equal(nd, b->stats.data_containers);
    uint64_t records = 0;
    for (size_t i = 0; i < nd; i++) {
        char want[22];
        ddp_container_name((uint32_t)(i + 1), 1, want);
        assert_non_null(strstr(paths[i], want));
        records += check_container(b->store, paths[i], (uint32_t)(i + 1), 1, DDP_RECORD_KIND_DATA);
    }
    assert_int_equal(records, b->stats.unique_chunks);
    /* Seal after the limit: every Data container but the last holds at least the limit. */
    for (size_t i = 0; i + 1 < nd; i++) {
        size_t len = 0;
        ddp_sink_mem_get(b->store, paths[i], &len);
        assert_true(len >= opt.container_limit);
    }
    free_build(b);

    /* A limit just past the first record start: one stream map per Stream container. */
    opt.container_limit = DDP_FIRST_RECORD_OFFSET + 1;
    b = new_build();
    fix_build_store(b, &opt, files, 4);
    fix_read_back(b, files, 4, &total);
    assert_int_equal(b->stats.stream_containers, 4);
    size_t ns = container_paths(b->store, "\\Stream\\", paths, 64);
    assert_int_equal(ns, 4);
    for (size_t i = 0; i < ns; i++) {
        char want[22];
        ddp_container_name((uint32_t)(0x10000 * (i + 1)), 1, want);
        assert_non_null(strstr(paths[i], want));
        assert_int_equal(check_container(b->store, paths[i], (uint32_t)(0x10000 * (i + 1)), 1,
                                         DDP_RECORD_KIND_STREAM_MAP), 1);
    }
    free_build(b);
    free_files(files, n);
    expected_crc64 = DDP_CRC64_NVME;
}

static void test_stale_hints(void **state)
{
    (void)state;
    fix_file files[8];
    size_t n = mixed_files(files);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.stale_hints = 1;
    opt.layout = DDP_LAYOUT_0103;
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, n);
    ddp_test_read_info total;
    fix_read_back(b, files, n, &total);
    /* Every record is found through the Rrtl: chunks plus one stream map per file. */
    assert_int_equal(total.hint_hits, 0);
    assert_int_equal(total.rrtl_hits, total.chunks + b->stats.files);
    /* The reparse hints are wrong, the Rrtl right and sorted by sequence. */
    for (size_t i = 0; i < n; i++) {
        if (!files[i].len)
            continue;
        ddp_reparse r;
        assert_int_equal(ddp_reparse_parse(b->reparse[i], b->reparse_len[i], &r, NULL), DDP_OK);
        char dir[160], path[200], name[22];
        ddp_test_store_dir(opt.guid, dir, sizeof dir);
        ddp_container_name(r.refs[0].stream_container_id, 1, name);
        snprintf(path, sizeof path, "%s\\Stream\\%s", dir, name);
        size_t len = 0;
        const uint8_t *file = ddp_sink_mem_get(b->store, path, &len);
        assert_non_null(file);
        ddp_rrtl rrtl;
        assert_int_equal(ddp_rrtl_parse(file + DDP_RRTL_OFFSET, len - DDP_RRTL_OFFSET, &rrtl, NULL), DDP_OK);
        uint32_t truth = 0;
        assert_int_equal(ddp_rrtl_lookup(file + 0x3020, len - 0x3020, rrtl.count, r.refs[0].smap_sequence, &truth),
                         DDP_OK);
        assert_int_not_equal(truth, r.refs[0].smap_offset_hint);
        for (uint32_t k = 1; k < rrtl.count; k++)
            assert_true(ddp_le32(file + 0x3020 + 8 * k) > ddp_le32(file + 0x3020 + 8 * (k - 1)));
    }
    free_build(b);
    free_files(files, n);
}

/* More records than the Rrtl region holds (1096): the rest keep true hints. */
static void test_stale_hints_rrtl_full(void **state)
{
    (void)state;
    fix_file files[1];
    fix_random(&files[0], 1300 * 200, 77);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.stale_hints = 1;
    opt.compress = 0;
    opt.min_chunk = opt.avg_chunk = opt.max_chunk = 200;   /* 1300 fixed-size chunks */
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 1);
    assert_int_equal(b->stats.unique_chunks, 1300);
    assert_int_equal(b->stats.data_containers, 1);
    ddp_test_read_info total;
    fix_read_back(b, files, 1, &total);
    assert_int_equal(total.rrtl_hits, 1096 + 1);   /* + the stream map */
    assert_int_equal(total.hint_hits, 1300 - 1096);
    const char *paths[2];
    assert_int_equal(container_paths(b->store, "\\Data\\", paths, 2), 1);
    size_t len = 0;
    const uint8_t *file = ddp_sink_mem_get(b->store, paths[0], &len);
    ddp_rrtl rrtl;
    assert_int_equal(ddp_rrtl_parse(file + DDP_RRTL_OFFSET, len - DDP_RRTL_OFFSET, &rrtl, NULL), DDP_OK);
    assert_int_equal(rrtl.count, 1096);
    assert_int_equal(ddp_le32(file + 0x3020), 1);
    assert_int_equal(ddp_le32(file + 0x3024), DDP_FIRST_RECORD_OFFSET);
    free_build(b);
    fix_free(&files[0]);
}

/* A stream map larger than the 1 MiB write buffer: its header is written after the
 * entries have left the buffer. */
static void test_large_stream_map(void **state)
{
    (void)state;
    fix_file files[1];
    fix_random(&files[0], 20000 * 64 + 17, 31);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.compress = 0;
    opt.min_chunk = opt.avg_chunk = opt.max_chunk = 64;
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 1);
    assert_int_equal(b->stats.chunks, 20001);
    ddp_test_read_info total;
    fix_read_back(b, files, 1, &total);
    assert_int_equal(total.chunks, 20001);
    ddp_reparse r;
    assert_int_equal(ddp_reparse_parse(b->reparse[0], b->reparse_len[0], &r, NULL), DDP_OK);
    assert_int_equal(r.refs[0].smap_size, 8 + 64 * 20001);
    free_build(b);
    fix_free(&files[0]);
}

/* Stale hints in every container of a multi-container store. */
static void test_stale_hints_multi_container(void **state)
{
    (void)state;
    fix_file files[12];
    size_t n = 0;
    for (; n < 12; n++)
        fix_text(&files[n], 50 * KiB + 3000 * n, 200 + n);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.stale_hints = 1;
    opt.container_limit = DDP_FIRST_RECORD_OFFSET + 20 * KiB;
    opt.min_chunk = 1 * KiB;
    opt.avg_chunk = 2 * KiB;
    opt.max_chunk = 4 * KiB;
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, n);
    assert_true(b->stats.data_containers > 3);
    assert_true(b->stats.stream_containers > 1);
    ddp_test_read_info total;
    fix_read_back(b, files, n, &total);
    assert_int_equal(total.hint_hits, 0);
    assert_int_equal(total.rrtl_hits, total.chunks + n);
    free_build(b);
    free_files(files, n);
}

static void test_generations(void **state)
{
    (void)state;
    fix_file files[8];
    size_t n = mixed_files(files);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.data_generation = 0x10000;
    opt.stream_generation = 3;
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, n);
    ddp_test_read_info total;
    fix_read_back(b, files, n, &total);
    assert_int_equal(total.stream_generation, 3);
    const char *paths[4];
    assert_int_equal(container_paths(b->store, "\\Data\\00000001.00010000.ccc", paths, 4), 1);
    assert_int_equal(container_paths(b->store, "\\Stream\\00010000.00000003.ccc", paths, 4), 1);
    check_container(b->store, paths[0], 0x10000, 3, DDP_RECORD_KIND_STREAM_MAP);
    ddp_reparse r;
    assert_int_equal(ddp_reparse_parse(b->reparse[0], b->reparse_len[0], &r, NULL), DDP_OK);
    assert_int_equal(r.refs[0].unknown_0c[0], 0x10000);
    assert_int_equal(r.refs[0].unknown_0c[1], 3);
    free_build(b);
    free_files(files, n);
}

static void assert_same_store(const fix_build *a, const fix_build *b, size_t n)
{
    const char *p;
    size_t i = 0;
    for (; (p = ddp_sink_mem_path(a->store, i)) != NULL; i++) {
        assert_string_equal(p, ddp_sink_mem_path(b->store, i));
        size_t la = 0, lb = 0;
        const uint8_t *da = ddp_sink_mem_get(a->store, p, &la);
        const uint8_t *db = ddp_sink_mem_get(b->store, p, &lb);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
    }
    assert_null(ddp_sink_mem_path(b->store, i));
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(a->reparse_len[k], b->reparse_len[k]);
        assert_memory_equal(a->reparse[k], b->reparse[k], a->reparse_len[k]);
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    fix_file files[8];
    size_t n = mixed_files(files);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.stale_hints = 1;
    fix_build *a = new_build(), *b = new_build();
    fix_build_store(a, &opt, files, n);
    fix_build_store(b, &opt, files, n);
    assert_same_store(a, b, n);
    free_build(a);
    free_build(b);
    free_files(files, n);
}

static void test_dedup(void **state)
{
    (void)state;
    fix_file files[2];
    fix_random(&files[0], 2u << 20, 11);
    fix_copy(&files[1], &files[0]);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 2);
    ddp_test_read_info total;
    fix_read_back(b, files, 2, &total);
    assert_int_equal(b->stats.chunks, 2 * b->stats.unique_chunks);
    assert_int_equal(b->stats.logical_bytes, 4u << 20);
    /* Random data stays raw: exactly one copy is stored. */
    assert_int_equal(b->stats.stored_bytes, 2u << 20);
    /* Both stream maps name the same chunks. */
    ddp_reparse r0, r1;
    assert_int_equal(ddp_reparse_parse(b->reparse[0], b->reparse_len[0], &r0, NULL), DDP_OK);
    assert_int_equal(ddp_reparse_parse(b->reparse[1], b->reparse_len[1], &r1, NULL), DDP_OK);
    assert_int_equal(r0.refs[0].smap_size, r1.refs[0].smap_size);
    assert_memory_equal(r0.refs[0].hash, r1.refs[0].hash, 16);
    assert_int_not_equal(r0.refs[0].smap_sequence, r1.refs[0].smap_sequence);
    free_build(b);
    /* Shared content inside otherwise different files dedups too. */
    fix_file mixed[2];
    fix_random(&mixed[0], 1u << 20, 12);
    fix_random(&mixed[1], (1u << 20) + 5000, 13);
    memcpy(mixed[1].data + 5000, mixed[0].data, 1u << 20);
    b = new_build();
    fix_build_store(b, &opt, mixed, 2);
    fix_read_back(b, mixed, 2, &total);
    assert_true(b->stats.unique_chunks + 10 < b->stats.chunks);
    assert_true(b->stats.stored_bytes < (1u << 20) + 300 * KiB);
    free_build(b);
    fix_free(&mixed[0]);
    fix_free(&mixed[1]);
    fix_free(&files[0]);
    fix_free(&files[1]);
}

/* Text compresses: stored bytes well below logical, and reads back. */
static void test_compression_pays(void **state)
{
    (void)state;
    fix_file files[1];
    fix_text(&files[0], 1u << 20, 21);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 1);
    ddp_test_read_info total;
    fix_read_back(b, files, 1, &total);
    assert_int_equal(total.compressed, total.chunks);
    assert_true(b->stats.stored_bytes < b->stats.logical_bytes / 2);
    free_build(b);
    fix_free(&files[0]);
}

/* The read-back check is not blind: a damaged payload byte, a damaged stream-map hint
 * with no Rrtl to fall back on, and a damaged reparse point are all caught. */
static void test_reader_detects_damage(void **state)
{
    (void)state;
    fix_file files[1];
    fix_text(&files[0], 300 * KiB, 41);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 1);
    const char *data_path[1] = {NULL}, *stream_path[1] = {NULL};
    assert_int_equal(container_paths(b->store, "\\Data\\", data_path, 1), 1);
    assert_int_equal(container_paths(b->store, "\\Stream\\", stream_path, 1), 1);
    size_t len = 0;
    /* The store owns these bytes; the test damages them in place. */
    uint8_t *data = (uint8_t *)ddp_sink_mem_get(b->store, data_path[0], &len);
    uint8_t *stream = (uint8_t *)ddp_sink_mem_get(b->store, stream_path[0], &len);
    uint8_t *content = NULL;
    size_t got = 0;
    ddp_test_read_info info;
    const size_t payload_byte = DDP_FIRST_RECORD_OFFSET + DDP_DATA_HEADER_SIZE + 100;
    data[payload_byte] ^= 0x01;
    assert_int_not_equal(ddp_test_store_read_file(b->store, b->reparse[0], b->reparse_len[0], &content, &got, &info),
                         DDP_OK);
    assert_null(content);
    data[payload_byte] ^= 0x01;
    /* The first entry's hint (Smap at record + 0x68, entry + 0x08). */
    const size_t hint_byte = DDP_FIRST_RECORD_OFFSET + DDP_SMAP_HEADER_SIZE + 8 + 0x08;
    stream[hint_byte] ^= 0x08;
    assert_int_not_equal(ddp_test_store_read_file(b->store, b->reparse[0], b->reparse_len[0], &content, &got, &info),
                         DDP_OK);
    stream[hint_byte] ^= 0x08;
    b->reparse[0][0x40] ^= 0x01;
    assert_int_equal(ddp_test_store_read_file(b->store, b->reparse[0], b->reparse_len[0], &content, &got, &info),
                     DDP_ERR_CRC);
    b->reparse[0][0x40] ^= 0x01;
    assert_int_equal(ddp_test_store_read_file(b->store, b->reparse[0], b->reparse_len[0], &content, &got, &info),
                     DDP_OK);
    assert_int_equal(got, files[0].len);
    assert_memory_equal(content, files[0].data, got);
    free(content);
    free_build(b);
    fix_free(&files[0]);
}

static void test_options_rejected(void **state)
{
    (void)state;
    ddp_sink_mem *m = ddp_sink_mem_new();
    ddp_sink sink;
    ddp_sink_mem_sink(m, &sink);
    ddp_store_builder *b = NULL;
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.layout = 0x0301;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_ERR_UNKNOWN_LAYOUT);
    ddp_store_builder_options_default(&opt);
    opt.hash_alg = DDP_HASH_UNKNOWN;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_ERR_INVALID_ARG);
    ddp_store_builder_options_default(&opt);
    opt.min_chunk = opt.avg_chunk + 1;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_ERR_RANGE);
    ddp_store_builder_options_default(&opt);
    opt.max_chunk = DDP_MAX_CHUNK_SIZE + 1;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_ERR_RANGE);
    ddp_store_builder_options_default(&opt);
    opt.container_limit = 0;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_ERR_RANGE);
    assert_null(b);
    /* Calls out of order. */
    ddp_store_builder_options_default(&opt);
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_OK);
    uint8_t rp[512];
    size_t rl = 0;
    assert_int_equal(ddp_store_builder_file_data(b, rp, 1), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_store_builder_file_end(b, rp, sizeof rp, &rl), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_store_builder_file_begin(b), DDP_OK);
    assert_int_equal(ddp_store_builder_file_begin(b), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_store_builder_finish(b), DDP_ERR_INVALID_ARG);
    /* A reparse buffer too small is reported with the size needed. */
    memset(rp, 0xAB, sizeof rp);
    assert_int_equal(ddp_store_builder_file_data(b, rp, sizeof rp), DDP_OK);
    assert_int_equal(ddp_store_builder_file_end(b, rp, 16, &rl), DDP_ERR_TRUNCATED);
    assert_int_equal(rl, 8 + 0x100);
    assert_int_equal(ddp_store_builder_finish(b), DDP_OK);
    ddp_store_builder_free(b);
    ddp_sink_mem_free(m);
}

static void test_empty_files_only(void **state)
{
    (void)state;
    fix_file files[2];
    fix_random(&files[0], 0, 1);
    fix_random(&files[1], 0, 2);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    fix_build *b = new_build();
    fix_build_store(b, &opt, files, 2);
    assert_int_equal(b->stats.files, 0);
    assert_int_equal(b->stats.empty_files, 2);
    assert_int_equal(b->stats.data_containers + b->stats.stream_containers, 0);
    assert_null(ddp_sink_mem_path(b->store, 0));
    free_build(b);
    free_files(files, 2);
}

#ifdef _WIN32
#include <direct.h>
#define remove_dir _rmdir
#else
#include <unistd.h>
#define remove_dir rmdir
#endif

/* The directory sink writes the same bytes as the memory sink, under root. */
static void test_dir_sink(void **state)
{
    (void)state;
    fix_file files[8];
    size_t n = mixed_files(files);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    fix_build *mem = new_build();
    fix_build_store(mem, &opt, files, n);

    char root[64];
    snprintf(root, sizeof root, "test_dir_sink.%u.out", (unsigned)rand());
    ddp_sink sink;
    assert_int_equal(ddp_dir_sink_init(&sink, root), DDP_OK);
    ddp_store_builder *b = NULL;
    assert_int_equal(ddp_store_builder_new(&opt, &sink, &b), DDP_OK);
    for (size_t i = 0; i < n; i++) {
        uint8_t rp[512];
        size_t rl = 0;
        assert_int_equal(ddp_store_builder_file_begin(b), DDP_OK);
        assert_int_equal(ddp_store_builder_file_data(b, files[i].data, files[i].len), DDP_OK);
        ddp_status st = ddp_store_builder_file_end(b, rp, sizeof rp, &rl);
        assert_int_equal(st, files[i].len ? DDP_OK : DDP_ERR_NOT_REPARSE);
        assert_int_equal(rl, mem->reparse_len[i]);
        assert_memory_equal(rp, mem->reparse[i], rl);
    }
    assert_int_equal(ddp_store_builder_finish(b), DDP_OK);
    ddp_store_builder_free(b);
    ddp_dir_sink_cleanup(&sink);

    const char *p;
    for (size_t i = 0; (p = ddp_sink_mem_path(mem->store, i)) != NULL; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s%s", root, p);
        for (char *c = path; *c; c++)
            if (*c == '\\')
                *c = '/';
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t want_len = 0;
        const uint8_t *want = ddp_sink_mem_get(mem->store, p, &want_len);
        uint8_t *got = malloc(want_len + 1);
        assert_non_null(got);
        assert_int_equal(fread(got, 1, want_len + 1, f), want_len);
        fclose(f);
        assert_memory_equal(got, want, want_len);
        free(got);
        assert_int_equal(remove(path), 0);
        /* Remove the folders above, deepest first (they empty out one by one). */
        for (char *slash = strrchr(path, '/'); slash && slash > path + strlen(root); slash = strrchr(path, '/')) {
            *slash = '\0';
            remove_dir(path);
        }
    }
    remove_dir(root);
    free_build(mem);
    free_files(files, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_round_trip),
        cmocka_unit_test(test_multi_container),
        cmocka_unit_test(test_multi_container_zero_init_crc),
        cmocka_unit_test(test_stale_hints),
        cmocka_unit_test(test_stale_hints_rrtl_full),
        cmocka_unit_test(test_large_stream_map),
        cmocka_unit_test(test_stale_hints_multi_container),
        cmocka_unit_test(test_generations),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_compression_pays),
        cmocka_unit_test(test_reader_detects_damage),
        cmocka_unit_test(test_options_rejected),
        cmocka_unit_test(test_empty_files_only),
        cmocka_unit_test(test_dir_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
