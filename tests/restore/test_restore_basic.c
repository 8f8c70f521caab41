/*
 * test_restore_basic.c - whole restores through the fake backup: every reparse layout,
 * both hash algorithms, several containers, stale hints (Rrtl), shared chunks read once,
 * stream container probing and the directory callback, results NULL; each checked
 * byte for byte and against the call protocol (two order calls, stream containers
 * first, a preview before every read listing exactly the reads that follow).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/crc.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include <stdlib.h>
#include "ddp/restore.h"
#include "fixture.h"

static const size_t sizes4[4] = {100000, 250000, 70000, 100000};
static const int dup4[4] = {-1, -1, -1, 0};   /* file 3 is a copy of file 0 */

typedef struct outcome {
    int32_t hr;
    ddp_file_result res[16];
    ddp_restore_stats stats;
} outcome;

static void assert_protocol(const fake_backup *m)
{
    char why[256] = "";
    if (check_order_calls(m, why, sizeof why) != 0)
        fail_msg("order calls: %s", why);
    if (check_previews(m, why, sizeof why) != 0)
        fail_msg("previews: %s", why);
}

static void assert_all_restored(const fixture *f, const fake_target *t, const outcome *o)
{
    assert_int_equal(o->hr, DDP_S_OK);
    assert_int_equal(t->violations, 0);
    for (uint32_t i = 0; i < f->n; i++) {
        if (o->res[i].hr != DDP_S_OK)
            fail_msg("file %u: 0x%08x %s", i, (unsigned)o->res[i].hr, o->res[i].message);
        assert_true(fixture_restored(f, t, i));
        assert_true(t->files[i].reparse_removed);
    }
}

/* Builds the 4-file corpus with opt, restores it with the fake backup's defaults. */
static void restore_corpus(const ddp_store_builder_options *opt, fake_backup *m, fixture *f, fake_target *t, outcome *o,
                           void (*tweak)(fake_backup *m, fixture *f))
{
    assert_int_equal(fixture_build(f, opt, 4, sizes4, dup4), 0);
    fixture_backup(m, f->mem);
    if (tweak)
        tweak(m, f);
    fixture_target(f, t);
    o->hr = fixture_restore(m, t, NULL, o->res, &o->stats);
}

static void cleanup(fake_backup *m, fixture *f, fake_target *t)
{
    assert_int_equal(m->plans_live, 0);
    fake_backup_free(m);
    fake_target_free(t);
    fixture_free(f);
}

static void restore_layout(uint16_t layout, ddp_hash_alg alg)
{
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, layout);
    opt.hash_alg = alg;
    restore_corpus(&opt, &m, &f, &t, &o, NULL);
    assert_all_restored(&f, &t, &o);
    assert_protocol(&m);
    /* each distinct chunk read once, every reference written */
    assert_int_equal(o.stats.chunks_read, f.stats.unique_chunks);
    assert_int_equal(o.stats.chunk_refs, f.stats.chunks);
    assert_int_equal(o.stats.order_calls, 2);
    assert_int_equal(o.stats.bytes_written, sizes4[0] + sizes4[1] + sizes4[2] + sizes4[3]);
    assert_int_equal(o.stats.read_calls, m.count[FAKE_READ]);
    assert_int_equal(o.stats.preview_calls, m.count[FAKE_PREVIEW]);
    assert_int_equal(o.stats.backward_seeks, 0);
    cleanup(&m, &f, &t);
}

static void test_layout_0201(void **state)
{
    (void)state;
    restore_layout(DDP_LAYOUT_0201, DDP_HASH_SHA256);
}

static void test_layout_0102(void **state)
{
    (void)state;
    restore_layout(DDP_LAYOUT_0102, DDP_HASH_SHA256);
}

static void test_layout_0103(void **state)
{
    (void)state;
    restore_layout(DDP_LAYOUT_0103, DDP_HASH_SHA256);
}

static void test_sha512_store_detected(void **state)
{
    (void)state;
    restore_layout(DDP_LAYOUT_0103, DDP_HASH_SHA512_TRUNC);
}

/* Options fixing the wrong algorithm: every chunk fails its check, nothing is finished. */
static void test_fixed_wrong_algorithm(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result res[4];
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.hash_alg = DDP_HASH_SHA512_TRUNC;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.hash_alg = DDP_HASH_SHA256;
    int32_t hr = fixture_restore(&m, &t, &ro, res, NULL);
    assert_int_equal(hr, DDP_HR_FILE_CORRUPT);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(res[i].hr, DDP_HR_FILE_CORRUPT);
        assert_int_equal(res[i].status, DDP_ERR_HASH_MISMATCH);
        assert_int_equal(t.files[i].finishes, 0);
        assert_false(t.files[i].reparse_removed);
    }
    assert_int_equal(t.violations, 0);
    /* the right one fixed: all restored */
    fake_backup_reset_counts(&m);
    fake_target_reset(&t);
    ro.hash_alg = DDP_HASH_SHA512_TRUNC;
    assert_int_equal(fixture_restore(&m, &t, &ro, res, NULL), DDP_S_OK);
    for (uint32_t i = 0; i < 4; i++)
        assert_true(fixture_restored(&f, &t, i));
    cleanup(&m, &f, &t);
}

static void test_multi_container(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.container_limit = 22 * 1024;   /* 0x5260 bytes of headers, then a record or two each */
    restore_corpus(&opt, &m, &f, &t, &o, NULL);
    assert_true(fixture_count_containers(&f, "Data") >= 4);
    assert_true(fixture_count_containers(&f, "Stream") >= 2);
    assert_all_restored(&f, &t, &o);
    assert_protocol(&m);
    /* the order calls offer each container once, sorted by path */
    for (size_t i = 0; i < m.n_log; i++) {
        const fake_call *c = &m.log[i];
        if (c->kind != FAKE_ORDER)
            continue;
        const char *sub = fake_is_stream_path(c->paths[0]) ? "Stream" : "Data";
        assert_int_equal(c->n, fixture_count_containers(&f, sub));
        for (uint32_t k = 0; k < c->n; k++)
            assert_string_equal(c->paths[k], fixture_container(&f, sub, k));
    }
    assert_int_equal(o.stats.chunks_read, f.stats.unique_chunks);
    cleanup(&m, &f, &t);
}

static void test_stale_hints_use_rrtl(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.stale_hints = 1;
    opt.container_limit = 96 * 1024;
    restore_corpus(&opt, &m, &f, &t, &o, NULL);
    assert_all_restored(&f, &t, &o);
    assert_protocol(&m);
    /* Data records, like stream maps, are found through the Rrtl of every container
     * whose hints are stale (each reader of the format should; FORMAT.md §3). */
    uint32_t rrtl_reads = 0, data_rrtl_reads = 0;
    for (size_t i = 0; i < m.n_log; i++)
        if (m.log[i].kind == FAKE_READ && m.log[i].offset == 0x3000 && m.log[i].size == 0x20) {
            rrtl_reads++;
            data_rrtl_reads += fake_is_data_path(m.log[i].path) != 0;
        }
    assert_true(rrtl_reads >= fixture_count_containers(&f, "Data"));
    assert_int_equal(data_rrtl_reads, fixture_count_containers(&f, "Data"));
    assert_true(fixture_count_containers(&f, "Data") > 1);
    assert_int_equal(o.stats.chunks_read, f.stats.unique_chunks);
    cleanup(&m, &f, &t);
}

static void test_results_null(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    fixture_options(&opt, DDP_LAYOUT_0102);
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    assert_int_equal(fixture_restore(&m, &t, NULL, NULL, NULL), DDP_S_OK);
    for (uint32_t i = 0; i < 4; i++)
        assert_true(fixture_restored(&f, &t, i));
    cleanup(&m, &f, &t);
}

/* Three identical files: every chunk's record is read exactly once. */
static void test_shared_chunks_read_once(void **state)
{
    (void)state;
    static const size_t sizes[3] = {200000, 200000, 200000};
    static const int dup[3] = {-1, 0, 0};
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_restore_stats st;
    fixture_options(&opt, DDP_LAYOUT_0102);
    assert_int_equal(fixture_build(&f, &opt, 3, sizes, dup), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.coalesce_gap = 0;   /* one read per record, so reads can be counted per record */
    assert_int_equal(fixture_restore(&m, &t, &ro, NULL, &st), DDP_S_OK);
    assert_int_equal(st.chunks_read, f.stats.unique_chunks);
    assert_int_equal(st.chunk_refs, 3 * f.stats.unique_chunks);
    for (uint32_t k = 0; k < 3; k++) {
        char path[200];
        uint64_t off;
        assert_int_equal(fixture_chunk_location(&f, &opt, 0, k, path, sizeof path, &off), 0);
        assert_int_equal(count_reads_covering(&m, path, off), 1);
    }
    for (uint32_t i = 0; i < 3; i++)
        assert_true(fixture_restored(&f, &t, i));
    assert_protocol(&m);
    cleanup(&m, &f, &t);
}

/* Rebuilds every reparse buffer with the unknown_0c words zeroed (no generation hint). */
static void strip_hints(fixture *f)
{
    for (uint32_t i = 0; i < f->n; i++) {
        ddp_reparse rp;
        assert_int_equal(ddp_reparse_parse(f->files[i].reparse, f->files[i].reparse_len, &rp, NULL), DDP_OK);
        for (uint32_t k = 0; k < rp.n_refs; k++)
            memset(rp.refs[k].unknown_0c, 0, sizeof rp.refs[k].unknown_0c);
        size_t len = 0;
        assert_int_equal(ddp_reparse_build(&rp, f->files[i].reparse, f->files[i].reparse_len, &len), DDP_OK);
        assert_int_equal(len, f->files[i].reparse_len);
    }
}

static void test_probing_generation(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.stream_generation = 3;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    strip_hints(&f);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    o.hr = fixture_restore(&m, &t, NULL, o.res, &o.stats);
    assert_all_restored(&f, &t, &o);
    assert_protocol(&m);
    /* generations 1 and 2 probed and missing, 3 found: three previewed header reads */
    uint32_t probes = 0, failed = 0;
    for (size_t i = 0; i < m.n_log; i++) {
        const fake_call *c = &m.log[i];
        if (c->kind == FAKE_READ && fake_is_stream_path(c->path) && c->offset == 0 && c->size == 0x40) {
            probes++;
            failed += c->hr != 0;
        }
    }
    assert_int_equal(probes, 3);
    assert_int_equal(failed, 2);
    cleanup(&m, &f, &t);

    /* beyond probe_generations: not found */
    opt.stream_generation = 5;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    strip_hints(&f);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.probe_generations = 4;
    assert_int_equal(fixture_restore(&m, &t, &ro, o.res, NULL), DDP_HR_PATH_NOT_FOUND);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(o.res[i].hr, DDP_HR_PATH_NOT_FOUND);
        assert_int_equal(t.files[i].begins, 0);
    }
    assert_int_equal(m.count[FAKE_ORDER], 0);
    cleanup(&m, &f, &t);
}

/* The generation hint in unknown_0c finds the container with one probe. */
static void test_generation_hint(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.stream_generation = 7;
    restore_corpus(&opt, &m, &f, &t, &o, NULL);
    assert_all_restored(&f, &t, &o);
    uint32_t probes = 0;
    for (size_t i = 0; i < m.n_log; i++)
        if (m.log[i].kind == FAKE_READ && fake_is_stream_path(m.log[i].path) && m.log[i].offset == 0)
            probes++;
    assert_int_equal(probes, 1);
    cleanup(&m, &f, &t);
}

static void use_directory(fake_backup *m, fixture *f)
{
    (void)f;
    m->with_find = 1;
}

static void test_directory_callback(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.stream_generation = 9;
    opt.container_limit = 64 * 1024;
    restore_corpus(&opt, &m, &f, &t, &o, use_directory);
    assert_all_restored(&f, &t, &o);
    assert_protocol(&m);
    assert_int_equal(m.count[FAKE_FIND], fixture_count_containers(&f, "Stream"));
    for (size_t i = 0; i < m.n_log; i++) {
        const fake_call *c = &m.log[i];
        if (c->kind == FAKE_FIND)
            assert_non_null(strstr(c->path, ".ddp\\Stream"));
        if (c->kind == FAKE_READ && fake_is_stream_path(c->path))
            assert_false(c->offset == 0 && c->size == 0x40);   /* no probing */
    }
    cleanup(&m, &f, &t);
}

/* The directory callback failing: probing takes over. Saying "none": no probing. */
static void test_directory_failing_or_empty(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.stream_generation = 2;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    fixture_backup(&m, f.mem);
    m.with_find = 1;
    m.fail_at[FAKE_FIND] = 1;
    m.fail_hr = (int32_t)0x80004001u;
    fixture_target(&f, &t);
    o.hr = fixture_restore(&m, &t, NULL, o.res, &o.stats);
    assert_all_restored(&f, &t, &o);
    assert_int_equal(m.count[FAKE_FIND], 1);
    /* The absent DedupFileList.1 and .2 are tried first (a preview and a read each),
     * then the find, then the probe. */
    assert_true(m.n_log > 6 && m.log[1].kind == FAKE_READ && strstr(m.log[1].path, "DedupFileList.1") &&
                m.log[3].kind == FAKE_READ && strstr(m.log[3].path, "DedupFileList.2"));
    assert_true(m.log[4].kind == FAKE_FIND && m.log[5].kind == FAKE_PREVIEW && m.log[6].kind == FAKE_READ &&
                fake_is_stream_path(m.log[6].path) && m.log[6].offset == 0 && m.log[6].size == 0x40);
    fake_backup_free(&m);
    fake_target_free(&t);

    fixture_backup(&m, f.mem);
    m.with_find = 1;
    fake_backup_drop(&m, fixture_container(&f, "Stream", 0));
    fixture_target(&f, &t);
    assert_int_equal(fixture_restore(&m, &t, NULL, o.res, NULL), DDP_HR_PATH_NOT_FOUND);
    /* Only the two DedupFileList copies were tried: no container was read. */
    assert_int_equal(m.count[FAKE_READ], 2);
    assert_int_equal(m.count[FAKE_PREVIEW], 2);
    for (size_t i = 0; i < m.n_log; i++)
        if (m.log[i].kind == FAKE_READ)
            assert_non_null(strstr(m.log[i].path, "DedupFileList"));
    cleanup(&m, &f, &t);
}

/* The Smap payload of file i's (only) stream map, found by scanning its container. */
static const uint8_t *find_smap(const fixture *f, uint32_t i, uint32_t *len)
{
    ddp_reparse rp;
    assert_int_equal(ddp_reparse_parse(f->files[i].reparse, f->files[i].reparse_len, &rp, NULL), DDP_OK);
    size_t clen = 0;
    const uint8_t *c = ddp_sink_mem_get(f->mem, fixture_container(f, "Stream", 0), &clen);
    assert_non_null(c);
    ddp_record r;
    uint64_t off = rp.refs[0].smap_offset_hint;
    assert_int_equal(ddp_record_parse(c + off, clen - off, &r, NULL), DDP_OK);
    assert_int_equal(r.sequence, rp.refs[0].smap_sequence);
    *len = r.payload_size;
    return c + off + r.header_size;
}

static uint64_t put_smap_record(ddp_sink *sink, void *h, uint64_t off, uint32_t seq, const uint8_t *payload,
                                uint32_t len)
{
    ddp_record r;
    memset(&r, 0, sizeof r);
    memcpy(r.version, "\x01\x04\x04\x01", 4);
    r.sequence = seq;
    r.payload_size = len;
    r.kind = DDP_RECORD_KIND_STREAM_MAP;
    memset(r.hash, (int)(0xA0 + seq), sizeof r.hash);
    uint8_t hdr[DDP_SMAP_HEADER_SIZE];
    ddp_record_build(&r, hdr);
    assert_int_equal(sink->pwrite(sink->ctx, h, off, hdr, sizeof hdr), DDP_OK);
    assert_int_equal(sink->pwrite(sink->ctx, h, off + sizeof hdr, payload, len), DDP_OK);
    return (off + sizeof hdr + len + 7) & ~(uint64_t)7;
}

/* A layout 0x0102 reparse point with a GUID slot and a slot of two stream references
 * (sequences 1 and 2 in container 0x30000), by hand: the builder writes one reference. */
static void build_two_ref_reparse(uint8_t buf[0xB4], const uint8_t guid[16], const uint64_t offs[2],
                                  const uint32_t lens[2], const size_t sizes[2])
{
    memset(buf, 0, 0xB4);
    ddp_put32(buf, DDP_REPARSE_TAG_DEDUP);
    ddp_put16(buf + 4, 0xAC);
    uint8_t *rd = buf + 8;
    ddp_put16(rd, DDP_LAYOUT_0102);
    ddp_put16(rd + 2, 0xAC);
    ddp_put32(rd + 4, 2);
    ddp_put32(rd + 8, 9);       /* GUID slot */
    ddp_put16(rd + 12, 16);
    ddp_put16(rd + 14, 0x18);
    ddp_put32(rd + 16, 8);      /* stream references slot */
    ddp_put16(rd + 20, 128);
    ddp_put16(rd + 22, 0x28);
    memcpy(rd + 0x18, guid, 16);
    for (uint32_t k = 0; k < 2; k++) {
        uint8_t *e = rd + 0x28 + 64 * k;
        ddp_put32(e, k + 1);
        ddp_put32(e + 4, 0x30000);
        ddp_put32(e + 8, (uint32_t)offs[k]);
        ddp_put32(e + 0x18, lens[k]);
        memset(e + 0x20, (int)(0xA0 + k + 1), 16);
        ddp_put64(e + 0x30, k ? sizes[0] + sizes[1] : sizes[0]);
        ddp_put64(e + 0x38, k ? sizes[0] : 0);
    }
    ddp_put32(rd + 0xA8, ddp_crc32(rd, 0xA8));
}

/* A reparse point with two stream references covering [0, X) and [X, X + Y), written
 * by hand into a container of its own: the file is the concatenation of both maps. */
static void test_two_stream_references(void **state)
{
    (void)state;
    static const size_t sizes[2] = {90000, 60000};
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    fixture_options(&opt, DDP_LAYOUT_0102);
    assert_int_equal(fixture_build(&f, &opt, 2, sizes, NULL), 0);
    uint32_t len_a, len_b;
    const uint8_t *sa = find_smap(&f, 0, &len_a);
    const uint8_t *sb0 = find_smap(&f, 1, &len_b);
    uint8_t *sb = malloc(len_b);
    memcpy(sb, sb0, len_b);
    for (uint32_t k = 0; k < (len_b - 8) / 64; k++)   /* B's chunks move up by X */
        ddp_put64(sb + 8 + 64 * k + 0x10, ddp_le64(sb + 8 + 64 * k + 0x10) + sizes[0]);

    ddp_sink sink;
    ddp_sink_mem_sink(f.mem, &sink);
    ddp_reparse rp;
    assert_int_equal(ddp_reparse_parse(f.files[0].reparse, f.files[0].reparse_len, &rp, NULL), DDP_OK);
    char guid[39], path[200];
    ddp_guid_format(rp.store_guid, guid);
    snprintf(path, sizeof path, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp\\Stream\\00030000.00000001.ccc",
             guid);
    void *h = NULL;
    assert_int_equal(sink.open(sink.ctx, path, &h), DDP_OK);
    ddp_cthr cthr;
    memset(&cthr, 0, sizeof cthr);
    cthr.container_id = 0x30000;
    cthr.generation = 1;
    uint8_t ch[DDP_CTHR_SIZE];
    ddp_cthr_build(&cthr, ch);
    memcpy(ch, "Cthr", 4);
    assert_int_equal(sink.pwrite(sink.ctx, h, 0, ch, sizeof ch), DDP_OK);
    uint64_t off1 = DDP_FIRST_RECORD_OFFSET;
    uint64_t off2 = put_smap_record(&sink, h, off1, 1, sa, len_a);
    put_smap_record(&sink, h, off2, 2, sb, len_b);
    assert_int_equal(sink.close(sink.ctx, h), DDP_OK);

    uint8_t buf[0xB4];
    uint64_t offs[2] = {off1, off2};
    uint32_t lens[2] = {len_a, len_b};
    build_two_ref_reparse(buf, rp.store_guid, offs, lens, sizes);
    size_t blen = sizeof buf;
    fixture_backup(&m, f.mem);
    fake_target_init(&t, 1);
    fake_target_set_reparse(&t, 0, buf, blen);
    ddp_file_result res[1];
    int32_t hr = fixture_restore(&m, &t, NULL, res, NULL);
    if (hr != DDP_S_OK)
        fail_msg("0x%08x %s", (unsigned)hr, res[0].message);
    assert_int_equal(t.files[0].finishes, 1);
    assert_int_equal(t.files[0].size, sizes[0] + sizes[1]);
    assert_memory_equal(t.files[0].content, f.files[0].data, sizes[0]);
    assert_memory_equal(t.files[0].content + sizes[0], f.files[1].data, sizes[1]);
    assert_int_equal(t.violations, 0);
    /* a wrong hash prefix in the second reference: corrupt */
    buf[8 + 0x28 + 64 + 0x20] ^= 1;
    ddp_put32(buf + 8 + 0xA8, ddp_crc32(buf + 8, 0xA8));
    fake_target_set_reparse(&t, 0, buf, blen);
    fake_target_reset(&t);
    assert_int_equal(fixture_restore(&m, &t, NULL, res, NULL), DDP_HR_FILE_CORRUPT);
    assert_int_equal(res[0].status, DDP_ERR_HASH_MISMATCH);
    assert_int_equal(t.files[0].finishes, 0);
    free(sb);
    cleanup(&m, &f, &t);
}

static void no_callbacks(fake_backup *m, fixture *f)
{
    (void)f;
    m->no_order = 1;
    m->no_preview = 1;
}

static void test_without_order_and_preview(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    outcome o;
    fixture_options(&opt, DDP_LAYOUT_0201);
    opt.container_limit = 64 * 1024;
    restore_corpus(&opt, &m, &f, &t, &o, no_callbacks);
    assert_all_restored(&f, &t, &o);
    assert_int_equal(m.count[FAKE_ORDER], 0);
    assert_int_equal(m.count[FAKE_PREVIEW], 0);
    assert_int_equal(o.stats.order_calls, 0);
    cleanup(&m, &f, &t);
}

/* Records larger than max_read are read in pieces, all previewed. */
static void test_small_read_window(void **state)
{
    (void)state;
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result res[4];
    fixture_options(&opt, DDP_LAYOUT_0102);
    opt.compress = 0;
    assert_int_equal(fixture_build(&f, &opt, 4, sizes4, dup4), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.max_read = 4096;
    ro.coalesce_gap = 0;
    assert_int_equal(fixture_restore(&m, &t, &ro, res, NULL), DDP_S_OK);
    for (uint32_t i = 0; i < 4; i++)
        assert_true(fixture_restored(&f, &t, i));
    for (size_t i = 0; i < m.n_log; i++)
        if (m.log[i].kind == FAKE_READ)
            assert_true(m.log[i].size <= 4096);
    assert_protocol(&m);
    cleanup(&m, &f, &t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_0201),
        cmocka_unit_test(test_layout_0102),
        cmocka_unit_test(test_layout_0103),
        cmocka_unit_test(test_sha512_store_detected),
        cmocka_unit_test(test_fixed_wrong_algorithm),
        cmocka_unit_test(test_multi_container),
        cmocka_unit_test(test_stale_hints_use_rrtl),
        cmocka_unit_test(test_results_null),
        cmocka_unit_test(test_shared_chunks_read_once),
        cmocka_unit_test(test_probing_generation),
        cmocka_unit_test(test_generation_hint),
        cmocka_unit_test(test_directory_callback),
        cmocka_unit_test(test_directory_failing_or_empty),
        cmocka_unit_test(test_two_stream_references),
        cmocka_unit_test(test_without_order_and_preview),
        cmocka_unit_test(test_small_read_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
