/*
 * test_corruption.c - the corruption matrix: one structure of the backup damaged at a
 * time (a byte flipped, or the structure cut short), then a full restore. Only the files
 * that use the damaged part may fail, with the code SECURITY.md documents for it; every
 * other file is restored byte-exact; a failed file is never finished. Where the damage
 * cannot go unnoticed (a checked magic, sequence, size, hash, a raw payload byte) the
 * files using it must fail.
 *
 *   structure            code of the files using it
 *   reparse point        DDP_E_INVALID_DATA (S_FALSE when the tag is hit)
 *   Cthr                 none for Data containers; stream containers: DDP_E_PATH_NOT_FOUND
 *                        when the probe no longer recognises the header
 *   Rrtl                 DDP_E_FILE_CORRUPT (only when offset hints are stale)
 *   Ckhr, Smap, payload  DDP_E_FILE_CORRUPT (DDP_E_PATH_NOT_FOUND when a stream-map entry
 *                        now names a container that does not exist)
 *   truncation           as the structure cut; records before the cut unaffected
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/stream_map.h"
#include "rel_env.h"
#include "store_map.h"

/* Under valgrind (about 50 times slower) every loop below takes every 7th position only:
 * memcheck is there for memory errors; the full matrix runs natively and under Wine. */
static unsigned sparse = 1;

static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload") != NULL;
}

#define DEDUP_MASK ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5))

enum {
    A_CORRUPT = 1,      /* DDP_E_FILE_CORRUPT */
    A_PATH = 2,         /* DDP_E_PATH_NOT_FOUND */
    A_INVALID = 4,      /* DDP_E_INVALID_DATA */
    A_FALSE = 8,        /* S_FALSE */
    A_OK = 16           /* the damage may go unnoticed (unchecked field): S_OK, byte-exact */
};

typedef struct matrix {
    rel_env e;
    store_map map;
    uint8_t reparse[DDP_REPARSE_MAX_BUFFER];
    uint64_t runs, failed_files;
    uint64_t problems;           /* damaged restores whose outcome broke the rules */
    char first[3][320];          /* the first problems, reported at the end */
} matrix;

static void problem(matrix *m, const char *fmt, ...)
{
    if (m->problems < 3) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->first[m->problems], sizeof m->first[0], fmt, ap);
        va_end(ap);
    }
    m->problems++;
}

static int code_allowed(int32_t hr, unsigned allowed)
{
    return (hr == DDP_HR_FILE_CORRUPT && (allowed & A_CORRUPT)) || (hr == DDP_HR_PATH_NOT_FOUND && (allowed & A_PATH)) ||
           (hr == DDP_HR_INVALID_DATA && (allowed & A_INVALID)) || (hr == DDP_S_FALSE && (allowed & A_FALSE)) ||
           (hr == DDP_S_OK && (allowed & A_OK));
}

/* Runs the restore of the prepared (damaged) environment and checks the outcome. */
static void run_and_check2(matrix *m, uint32_t users, uint32_t maybe, unsigned allowed, const char *what)
{
    rel_env *e = &m->e;
    users &= DEDUP_MASK;
    rel_env_run(e);
    m->runs++;
    if (rel_env_check(e) != 0)
        fail_msg("%s: %s", what, e->why);
    for (uint32_t i = 0; i < REL_FILES; i++) {
        if (!(DEDUP_MASK & (1u << i)))
            continue;
        int32_t hr = e->results[i].hr;
        if (!(users & (1u << i)) && (maybe & (1u << i))) {
            if (!code_allowed(hr, allowed | A_OK))
                problem(m, "%s: file %u (whose hint points here) got 0x%08x (%s)", what, i, (unsigned)hr,
                        e->results[i].message);
        } else if (!(users & (1u << i))) {
            if (hr != DDP_S_OK)
                problem(m, "%s: file %u does not use it but got 0x%08x (%s)", what, i, (unsigned)hr,
                        e->results[i].message);
        } else if (!code_allowed(hr, allowed)) {
            problem(m, "%s: file %u got 0x%08x (%s)", what, i, (unsigned)hr, e->results[i].message);
        }
        m->failed_files += hr != DDP_S_OK;
    }
    rel_env_release(e);
}

static void run_and_check(matrix *m, uint32_t users, unsigned allowed, const char *what)
{
    run_and_check2(m, users, 0, allowed, what);
}

static void matrix_init(matrix *m, uint16_t layout, int stale)
{
    memset(m, 0, sizeof *m);
    assert_int_equal(rel_env_build(&m->e, layout, stale), 0);
    assert_int_equal(store_map_build(&m->e.ss, &m->map), 0);
}

static void matrix_free(matrix *m, const char *what)
{
    print_message("%s: %llu damaged restores, %llu file failures, %llu outside the rules\n", what,
                  (unsigned long long)m->runs, (unsigned long long)m->failed_files, (unsigned long long)m->problems);
    for (uint64_t i = 0; i < m->problems && i < 3; i++)
        print_message("  %s\n", m->first[i]);
    uint64_t problems = m->problems;
    store_map_free(&m->map);
    rel_env_free(&m->e);
    assert_int_equal(problems, 0);
}

/* Flips one byte of a container and checks; the files in maybe (hints pointing here)
 * may be affected too. */
static void flip2(matrix *m, const char *path, uint64_t off, uint8_t mask, uint32_t users, uint32_t maybe,
                  unsigned allowed, const char *what)
{
    assert_int_equal(rel_env_prepare(&m->e), 0);
    assert_int_equal(fake_backup_xor(&m->e.fs, path, off, mask), 0);
    char msg[160];
    snprintf(msg, sizeof msg, "%s, byte 0x%llx of %s", what, (unsigned long long)off, strrchr(path, '\\') + 1);
    run_and_check2(m, users, maybe, allowed, msg);
}

static void flip(matrix *m, const char *path, uint64_t off, uint8_t mask, uint32_t users, unsigned allowed,
                 const char *what)
{
    flip2(m, path, off, mask, users, 0, allowed, what);
}

static void test_reparse_points(void **state)
{
    (void)state;
    static const uint16_t layouts[3] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    for (int l = 0; l < 3; l++) {
        matrix m;
        matrix_init(&m, layouts[l], 0);
        for (uint32_t f = 0; f < REL_FILES; f++) {
            if (!(DEDUP_MASK & (1u << f)))
                continue;
            const store_fixture_file *sf = &m.e.ss.files[f];
            char what[96];
            /* Every byte flipped (file 0; every 5th byte of the others, which have the same
             * layout): the tag gives S_FALSE, the reserved word is not checked, everything
             * else is caught by a length check or the CRC-32. */
            size_t step = (f == 0 ? 1 : 5) * sparse;
            for (size_t b = 0; b < sf->reparse_len; b += step) {
                assert_int_equal(rel_env_prepare(&m.e), 0);
                memcpy(m.reparse, sf->reparse, sf->reparse_len);
                m.reparse[b] ^= 0x01;
                fake_target_set_reparse(&m.e.ft, f, m.reparse, sf->reparse_len);
                fake_target_set_expect(&m.e.ft, f, sf->data, sf->size);
                snprintf(what, sizeof what, "layout %04x, reparse point of file %u, byte %zu", layouts[l], f, b);
                unsigned allowed = b < 4 ? A_FALSE : (b == 6 || b == 7) ? (A_OK | A_INVALID) : A_INVALID;
                run_and_check(&m, 1u << f, allowed, what);
            }
            /* Every shorter length (file 0; every 5th for the others): cut within the tag, no
             * dedup tag is left (S_FALSE); once it is whole, a malformed dedup file. */
            for (size_t len = 0; len < sf->reparse_len; len += step) {
                assert_int_equal(rel_env_prepare(&m.e), 0);
                fake_target_set_reparse(&m.e.ft, f, sf->reparse, len);
                fake_target_set_expect(&m.e.ft, f, sf->data, sf->size);
                snprintf(what, sizeof what, "layout %04x, reparse point of file %u cut to %zu", layouts[l], f, len);
                run_and_check(&m, 1u << f, len < 4 ? A_FALSE : A_INVALID, what);
            }
        }
        matrix_free(&m, "reparse points");
    }
}

static void test_container_headers(void **state)
{
    (void)state;
    for (int stale = 0; stale < 2; stale++) {
        matrix m;
        matrix_init(&m, DDP_LAYOUT_0102, stale);
        for (size_t c = 0; c < m.map.n_containers; c++) {
            const map_container *mc = &m.map.containers[c];
            for (uint64_t b = 0; b < DDP_CTHR_SIZE; b += sparse)
                flip(&m, mc->path, b, 0x01, mc->is_stream ? mc->users : 0, A_PATH | A_OK, "Cthr");
        }
        matrix_free(&m, stale ? "Cthr (stale hints)" : "Cthr");
    }
}

static void test_redirection_tables(void **state)
{
    (void)state;
    for (int stale = 0; stale < 2; stale++) {
        matrix m;
        matrix_init(&m, DDP_LAYOUT_0103, stale);
        for (size_t c = 0; c < m.map.n_containers; c++) {
            const map_container *mc = &m.map.containers[c];
            size_t len = 0;
            const uint8_t *b = ddp_sink_mem_get(m.e.ss.mem, mc->path, &len);
            assert_true(len >= DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE);
            uint64_t end = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE + 8ull * (b[DDP_RRTL_OFFSET + 8] | (b[DDP_RRTL_OFFSET + 9] << 8));
            /* With exact hints the table is never needed: nothing may fail. */
            for (uint64_t off = DDP_RRTL_OFFSET; off < end; off += sparse)
                flip(&m, mc->path, off, 0x01, stale ? mc->users : 0, A_CORRUPT | A_OK, "Rrtl");
        }
        matrix_free(&m, stale ? "Rrtl (stale hints)" : "Rrtl (exact hints)");
    }
}

/* The header bytes whose damage must be noticed: magic, sequence, payload size, kind,
 * hash offset, and the hash (a stream map's: the part the reparse point holds). */
static int header_byte_checked(const map_record *r, uint64_t b, uint32_t ref_hash_len)
{
    if (b < 4 || (b >= 8 && b < 0x14))
        return 1;
    if (r->kind == DDP_RECORD_KIND_DATA)
        return b >= 0x28 && b < 0x48;
    return b >= 0x38 && b < 0x38 + ref_hash_len;
}

static void test_record_headers(void **state)
{
    (void)state;
    static const uint16_t layouts[2] = {DDP_LAYOUT_0201, DDP_LAYOUT_0103};
    for (int l = 0; l < 2; l++) {
        matrix m;
        matrix_init(&m, layouts[l], l);
        uint32_t ref_hash_len = layouts[l] == DDP_LAYOUT_0201 ? 32 : 16;
        for (size_t i = 0; i < m.map.n_records; i++) {
            const map_record *r = &m.map.records[i];
            for (uint64_t b = 0; b < r->header_size; b += sparse) {
                int checked = header_byte_checked(r, b, ref_hash_len);
                /* With stale hints, a file whose hint points here reads this header too. */
                flip2(&m, r->path, r->offset + b, 0x01, r->users, r->hint_users, A_CORRUPT | (checked ? 0 : A_OK),
                     r->kind == DDP_RECORD_KIND_DATA ? "data Ckhr" : "stream-map Ckhr");
            }
        }
        matrix_free(&m, "Ckhr headers");
    }
}

/* Stream-map entry bytes that must be noticed: sequence, container id, generation, end,
 * hash; the offset hint (found through Rrtl), stored size and unknown word may not be. */
static unsigned smap_byte_allowed(uint64_t b)
{
    if (b < 8)
        return A_CORRUPT;                      /* "Smap" + version: version not checked */
    uint64_t f = (b - 8) % 64;
    if (f < 4 || (f >= 0x10 && f < 0x38))
        return A_CORRUPT;
    if (f < 8 || (f >= 0x0C && f < 0x10))
        return A_CORRUPT | A_PATH;
    return A_CORRUPT | A_OK;
}

static void test_stream_maps(void **state)
{
    (void)state;
    matrix m;
    matrix_init(&m, DDP_LAYOUT_0102, 0);
    for (size_t i = 0; i < m.map.n_records; i++) {
        const map_record *r = &m.map.records[i];
        if (r->kind != DDP_RECORD_KIND_STREAM_MAP)
            continue;
        for (uint64_t b = 0; b < r->payload_size; b += sparse) {
            unsigned allowed = b >= 4 && b < 8 ? (A_CORRUPT | A_OK) : smap_byte_allowed(b);
            flip(&m, r->path, r->offset + r->header_size + b, 0x01, r->users, allowed, "Smap payload");
        }
    }
    matrix_free(&m, "Smap payloads");
}

static void test_chunk_payloads(void **state)
{
    (void)state;
    matrix m;
    matrix_init(&m, DDP_LAYOUT_0102, 0);
    uint32_t compressed = 0, raw = 0;
    for (size_t i = 0; i < m.map.n_records; i++) {
        const map_record *r = &m.map.records[i];
        if (r->kind != DDP_RECORD_KIND_DATA || !r->users)
            continue;
        int is_raw = r->compression == DDP_COMPRESSION_NONE;
        compressed += !is_raw;
        raw += is_raw;
        /* The first and last bytes, and every 61st in between. */
        for (uint64_t b = 0; b < r->payload_size; b = (b < 4 || b + 4 >= r->payload_size) ? b + 1 : b + 61 * sparse) {
            /* A raw byte is the file's byte: its chunk hash must catch it. A compressed
             * byte may be padding the decoder never uses (then the output is unchanged). */
            flip(&m, r->path, r->offset + r->header_size + b, 0x01, r->users, A_CORRUPT | (is_raw ? 0 : A_OK),
                 is_raw ? "raw payload" : "compressed payload");
        }
    }
    assert_true(compressed > 0 && raw > 0);
    matrix_free(&m, "chunk payloads");
}

/* Each container cut at its header, Rrtl, first record and inside and after each record. */
static void test_truncation(void **state)
{
    (void)state;
    for (int stale = 0; stale < 2; stale++) {
        matrix m;
        matrix_init(&m, DDP_LAYOUT_0103, stale);
        for (size_t c = 0; c < m.map.n_containers; c++) {
            const map_container *mc = &m.map.containers[c];
            uint64_t cuts[512];
            size_t n = 0;
            cuts[n++] = 0;
            cuts[n++] = 0x20;
            cuts[n++] = DDP_RRTL_OFFSET + 4;
            cuts[n++] = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE + 4;
            for (size_t i = 0; i < m.map.n_records && n + 3 < 512; i++)
                if (m.map.records[i].path == mc->path) {
                    cuts[n++] = m.map.records[i].offset;
                    cuts[n++] = m.map.records[i].offset + 0x30;
                    cuts[n++] = m.map.records[i].offset + m.map.records[i].header_size + 1;
                }
            for (size_t k = 0; k < n; k++) {
                uint64_t cut = cuts[k];
                /* The files using a record that does not fit before the cut. */
                uint32_t users = 0;
                for (size_t i = 0; i < m.map.n_records; i++) {
                    const map_record *r = &m.map.records[i];
                    if (r->path == mc->path && r->offset + r->header_size + r->payload_size > cut)
                        users |= r->users;
                }
                /* Without its header, or (stale hints) its table, all of it may be lost. */
                if (cut < DDP_CTHR_SIZE && mc->is_stream)
                    users |= mc->users;
                if (stale && cut < DDP_FIRST_RECORD_OFFSET)
                    users |= mc->users;
                assert_int_equal(rel_env_prepare(&m.e), 0);
                assert_int_equal(fake_backup_truncate(&m.e.fs, mc->path, (size_t)cut), 0);
                char what[128];
                snprintf(what, sizeof what, "%s cut at 0x%llx", strrchr(mc->path, '\\') + 1, (unsigned long long)cut);
                run_and_check(&m, users, A_CORRUPT | A_PATH, what);
            }
        }
        matrix_free(&m, stale ? "truncation (stale hints)" : "truncation");
    }
}

/* The stream-map record of file f in the map, and its entry i. */
static const map_record *smap_of(matrix *m, uint32_t f)
{
    for (size_t i = 0; i < m->map.n_records; i++)
        if (m->map.records[i].kind == DDP_RECORD_KIND_STREAM_MAP && m->map.records[i].users == (1u << f))
            return &m->map.records[i];
    return NULL;
}

static ddp_chunk_ref smap_entry(matrix *m, const map_record *sm, uint32_t i)
{
    size_t len = 0;
    const uint8_t *b = ddp_sink_mem_get(m->e.ss.mem, sm->path, &len);
    ddp_chunk_ref c;
    ddp_stream_map_entry(b + sm->offset + sm->header_size, i, &c);
    return c;
}

/* Regression (corruption matrix): a damaged entry in file 0's stream map that names a
 * chunk of file 2 (same container, other sequence) must fail file 0 only; file 2 and its
 * copy, file 4, whose own stream maps are intact, must still be restored. */
static void test_damaged_smap_entry_spares_other_files(void **state)
{
    (void)state;
    matrix m;
    matrix_init(&m, DDP_LAYOUT_0102, 0);
    const map_record *sm0 = smap_of(&m, 0), *sm2 = smap_of(&m, 2);
    assert_non_null(sm0);
    assert_non_null(sm2);
    ddp_chunk_ref last0 = smap_entry(&m, sm0, (sm0->payload_size - 8) / 64 - 1);
    ddp_chunk_ref first2 = smap_entry(&m, sm2, 0);
    assert_int_equal(last0.container_id, first2.container_id);
    assert_int_not_equal(last0.sequence, first2.sequence);
    assert_int_equal(rel_env_prepare(&m.e), 0);
    uint64_t at = sm0->offset + sm0->header_size + 8 + (uint64_t)((sm0->payload_size - 8) / 64 - 1) * 64;
    for (int b = 0; b < 4; b++)
        assert_int_equal(fake_backup_xor(&m.e.fs, sm0->path, at + b, (uint8_t)((last0.sequence ^ first2.sequence) >> (8 * b))), 0);
    run_and_check(&m, 1u << 0, A_CORRUPT, "file 0's last stream-map entry names file 2's first chunk");
    matrix_free(&m, "stream-map entry naming another file's chunk");
}

/* Regression (corruption matrix): a wrong offset hint in file 2's stream map must not fail
 * file 4, which shares that chunk and whose own stream map gives the right hint. */
static void test_damaged_smap_hint_spares_other_files(void **state)
{
    (void)state;
    matrix m;
    matrix_init(&m, DDP_LAYOUT_0102, 0);
    const map_record *sm2 = smap_of(&m, 2);
    assert_non_null(sm2);
    assert_int_equal(rel_env_prepare(&m.e), 0);
    assert_int_equal(fake_backup_xor(&m.e.fs, sm2->path, sm2->offset + sm2->header_size + 8 + 0x08, 0x01), 0);
    run_and_check(&m, 1u << 2, A_CORRUPT | A_OK, "file 2's first chunk hint off by one");
    matrix_free(&m, "stream-map hint of a shared chunk");
}

int main(void)
{
    if (under_valgrind())
        sparse = 7;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reparse_points),
        cmocka_unit_test(test_container_headers),
        cmocka_unit_test(test_redirection_tables),
        cmocka_unit_test(test_record_headers),
        cmocka_unit_test(test_stream_maps),
        cmocka_unit_test(test_chunk_payloads),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_damaged_smap_entry_spares_other_files),
        cmocka_unit_test(test_damaged_smap_hint_spares_other_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
