/*
 * fuzz_seeds.c - writes the fuzzers' seed corpora from store-builder output, so that no
 * binary seed is checked in. Usage: fuzz-seeds OUTDIR. Creates OUTDIR/<harness>/seed-N:
 *   reparse, reparse_layout   the reparse buffers of three stores (layouts 0x0201, 0x0102,
 *                             0x0103; reparse_layout gets byte 0 = layout index + RD+4..)
 *   cthr, rrtl, record        the Cthr header, the Rrtl table and every record of every container
 *   smap                      byte 0 = 1 (range from the map) + each Smap payload
 *   xpress                    le32 logical size + each compressed chunk payload, and the
 *                             worst-case streams of worst_case_streams.h (32 long-escape
 *                             matches in a group, tails on both sides of the margin)
 *   lznt1, xpress_huffman     small hand-made streams, and the worst-case streams
 *                             (longest tokens / escapes at chunk and block ends)
 *   xpress_roundtrip          byte 0 = 0 + the first bytes of each file
 *   restore                   inputs of fuzz_restore (restore_input.h)
 *   file_list                 byte 0 = kind, le32 id, then a DedupFileList (file_list.h)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ddp/container.h"
#include "ddp/file_list.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "store_fixture.h"
#include "worst_case_streams.h"

#define MAX_SEEDS_PER_KIND 64

static const char *out_dir;
static unsigned seed_count[16];

static const char *const kinds[] = {"reparse", "reparse_layout", "cthr", "rrtl", "record", "smap",
                                    "xpress", "lznt1", "xpress_huffman", "xpress_roundtrip", "restore", "file_list"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static int kind_index(const char *kind)
{
    for (unsigned i = 0; i < N_KINDS; i++)
        if (strcmp(kinds[i], kind) == 0)
            return (int)i;
    return -1;
}

/* Writes prefix (plen bytes) + data as the next seed of kind. */
static int put_seed(const char *kind, const uint8_t *prefix, size_t plen, const uint8_t *data, size_t len)
{
    int k = kind_index(kind);
    if (k < 0 || seed_count[k] >= MAX_SEEDS_PER_KIND)
        return 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/seed-%u", out_dir, kind, seed_count[k]++);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    int ok = fwrite(prefix, 1, plen, f) == plen && fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int make_dirs(void)
{
    char path[1024];
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
        return -1;
    for (unsigned i = 0; i < N_KINDS; i++) {
        snprintf(path, sizeof path, "%s/%s", out_dir, kinds[i]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* The logical size of the chunk with this hash, from the stream maps seen so far. */
typedef struct hash_size {
    uint8_t hash[32];
    uint32_t size;
} hash_size;
static hash_size sizes_by_hash[4096];
static size_t n_sizes;

static void note_smap(const uint8_t *payload, size_t len)
{
    uint32_t n = 0;
    if (ddp_stream_map_count(payload, len, &n, NULL) != DDP_OK)
        return;
    uint64_t prev = 0;
    for (uint32_t i = 0; i < n && n_sizes < 4096; i++) {
        ddp_chunk_ref c;
        ddp_stream_map_entry(payload, i, &c);
        memcpy(sizes_by_hash[n_sizes].hash, c.hash, 32);
        sizes_by_hash[n_sizes++].size = (uint32_t)(c.end - prev);
        prev = c.end;
    }
}

static uint32_t size_of_hash(const uint8_t hash[32])
{
    for (size_t i = 0; i < n_sizes; i++)
        if (memcmp(sizes_by_hash[i].hash, hash, 32) == 0)
            return sizes_by_hash[i].size;
    return 0;
}

/* Seeds from the records of one container, walked from the first record on. */
static int records_of(const uint8_t *c, size_t len, int data_pass)
{
    uint64_t at = DDP_FIRST_RECORD_OFFSET;
    while (at < len) {
        ddp_record r;
        if (ddp_record_parse(c + at, len - at, &r, NULL) != DDP_OK)
            break;
        uint64_t span = ddp_record_span(&r);
        if (r.header_size + (uint64_t)r.payload_size > len - at)
            break;
        const uint8_t *payload = c + at + r.header_size;
        if (!data_pass && r.kind == DDP_RECORD_KIND_STREAM_MAP) {
            uint8_t flag = 1;
            note_smap(payload, r.payload_size);
            if (put_seed("record", NULL, 0, c + at, r.header_size + r.payload_size) ||
                put_seed("smap", &flag, 1, payload, r.payload_size))
                return -1;
        }
        if (data_pass && r.kind == DDP_RECORD_KIND_DATA) {
            if (put_seed("record", NULL, 0, c + at, r.header_size + r.payload_size))
                return -1;
            uint32_t logical = size_of_hash(r.hash);
            uint8_t le[4];
            ddp_put32(le, logical);
            if (r.compression == DDP_COMPRESSION_XPRESS && logical &&
                put_seed("xpress", le, 4, payload, r.payload_size))
                return -1;
        }
        at += span;
    }
    return 0;
}

static int container_seeds(const store_fixture *s, const char *kind, int data_pass)
{
    const char *path;
    for (size_t i = 0; (path = store_fixture_container(s, kind, (uint32_t)i)) != NULL; i++) {
        size_t len = 0;
        const uint8_t *c = ddp_sink_mem_get(s->mem, path, &len);
        if (len >= DDP_CTHR_SIZE && put_seed("cthr", NULL, 0, c, DDP_CTHR_SIZE))
            return -1;
        if (len >= DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE) {
            size_t n = ddp_le32(c + DDP_RRTL_OFFSET + 8);
            size_t rl = DDP_RRTL_HEADER_SIZE + n * 8;
            if (rl <= len - DDP_RRTL_OFFSET && put_seed("rrtl", NULL, 0, c + DDP_RRTL_OFFSET, rl))
                return -1;
        }
        if (records_of(c, len, data_pass))
            return -1;
    }
    return 0;
}

static int store_seeds(uint16_t layout, uint32_t layout_index)
{
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    store_fixture_small_chunks(&opt);
    opt.layout = layout;
    opt.stale_hints = layout == DDP_LAYOUT_0103;
    static const size_t sizes[] = {3000, 20000, 45000};
    store_fixture s;
    if (store_fixture_build(&s, &opt, 3, sizes, NULL, store_content_mixed, layout_index + 1) != DDP_OK)
        return -1;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < s.n; i++) {
        const store_fixture_file *f = &s.files[i];
        uint8_t b0 = (uint8_t)layout_index, rt = 0;
        rc = put_seed("reparse", NULL, 0, f->reparse, f->reparse_len);
        if (rc == 0 && f->reparse_len > 16)
            rc = put_seed("reparse_layout", &b0, 1, f->reparse + 12, f->reparse_len - 16);
        if (rc == 0)
            rc = put_seed("xpress_roundtrip", &rt, 1, f->data, f->size < 8192 ? f->size : 8192);
    }
    if (rc == 0)
        rc = container_seeds(&s, "\\Stream\\", 0);
    if (rc == 0)
        rc = container_seeds(&s, "\\Data\\", 1);
    store_fixture_free(&s);
    return rc;
}

/* LZNT1: one compressed chunk of literals and a back-reference, one stored chunk. */
static int lznt1_seeds(void)
{
    static const uint8_t compressed[] = {
        0x00, 0x00,                                   /* header, patched below */
        0x00, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', /* 8 literals */
        0x01, 0x03, 0x70,                             /* a copy token, then a literal */
        'z'};
    uint8_t c[sizeof compressed];
    memcpy(c, compressed, sizeof c);
    ddp_put16(c, (uint16_t)(0xB000u | (sizeof c - 3)));
    uint8_t le[4];
    ddp_put32(le, 32);
    if (put_seed("lznt1", le, 4, c, sizeof c))
        return -1;
    uint8_t stored[2 + 4096];
    ddp_put16(stored, 0x3000u | 0x0FFFu);
    for (size_t i = 0; i < 4096; i++)
        stored[2 + i] = (uint8_t)(i * 7);
    ddp_put32(le, 4096);
    return put_seed("lznt1", le, 4, stored, sizeof stored);
}

/* Xpress Huffman: a 256-byte table giving the 256 literals 8-bit codes (a complete code:
 * the literal's canonical code is its own value), then 16 literals. */
static int huffman_seeds(void)
{
    uint8_t s[256 + 32];
    memset(s, 0, sizeof s);
    memset(s, 0x88, 128);
    static const char text[16] = "dedup backup ok!";
    /* 16-bit little-endian words, bits taken most significant first. */
    for (size_t i = 0; i < 16; i += 2)
        ddp_put16(s + 256 + i, (uint16_t)(((uint8_t)text[i] << 8) | (uint8_t)text[i + 1]));
    uint8_t le[4];
    ddp_put32(le, 16);
    return put_seed("xpress_huffman", le, 4, s, sizeof s);
}

/* A worst-case stream as a decoder seed: le32 output size + the stream. */
static int put_stream_seed(const char *kind, const wc_stream *st)
{
    uint8_t le[4];
    if (st->overflow)
        return -1;
    ddp_put32(le, (uint32_t)st->out_len);
    return put_seed(kind, le, 4, st->in, st->in_len);
}

/* The decoders' worst cases (worst_case_streams.h), with tails around each fast-path
 * margin: Xpress groups ending 0..63 bytes before the input end (the margin falls at 23),
 * a 3-byte match 28..30 bytes before the output end, LZNT1 last chunks of a few sizes,
 * Xpress Huffman long escapes at the block end and before the end mark. */
static int worst_case_seeds(void)
{
    static wc_stream st;
    static const size_t xp_tails[] = {0, 4, 16, 20, 22, 23, 24, 40, 63};
    size_t header;
    for (size_t i = 0; i < sizeof xp_tails / sizeof xp_tails[0]; i++) {
        wc_xpress_worst_groups(&st, 1 + (unsigned)(i & 1), xp_tails[i]);
        if (put_stream_seed("xpress", &st))
            return -1;
    }
    for (size_t k = 28; k <= 30; k++) {
        wc_xpress_short_match(&st, k);
        if (put_stream_seed("xpress", &st))
            return -1;
    }
    static const size_t lz_sizes[] = {1, 7, 8, 9, 17, 63};
    for (size_t i = 0; i < sizeof lz_sizes / sizeof lz_sizes[0]; i++) {
        wc_lznt1_last_chunk(&st, lz_sizes[i], (int)(i % 3), &header);
        if (put_stream_seed("lznt1", &st))
            return -1;
    }
    static const size_t xh_tails[] = {0, 1, 2, 31, 63};
    for (size_t i = 0; i < sizeof xh_tails / sizeof xh_tails[0]; i++) {
        if (!wc_xpress_huffman_long_escape(&st, xh_tails[i], (int)(i & 1)) ||
            put_stream_seed("xpress_huffman", &st))
            return -1;
    }
    return 0;
}

/* fuzz_restore: each store with each plan mode, a short-read and a failing-read variant,
 * and one edit of each kind (see fuzz_restore.c for the layout). */
static int restore_seeds(void)
{
    for (uint8_t store = 0; store < 3; store++) {
        for (uint8_t plan = 0; plan < 3; plan++) {
            uint8_t h[6] = {store, (uint8_t)(plan << 2), 0, 0, 0, 0};
            if (put_seed("restore", h, sizeof h, NULL, 0))
                return -1;
        }
        uint8_t shorts[6] = {(uint8_t)(store | 0x24), 0x04, 0x01, 0x05, 0x03, 0};
        uint8_t edits[6 + 18] = {store, 0x0C, 0, 0, 0, 0,
                                 0x00, 0x70, 0x52, 0x00, 0x10, 0x00,     /* xor in the first container */
                                 0x05, 0x40, 0x00, 0x00, 0x01, 0x00,     /* xor in a reparse buffer */
                                 0x01, 0x00, 0x60, 0x00, 0x00, 0x01};    /* truncate a container */
        uint8_t plan[6 + 1 + 18] = {store, 0x0C, 0, 0, 0, 0, 0xFF,
                                    0x00, 0, 0, 0, 0, 0, 0, 0, 0,
                                    0x01, 0x00, 0x30, 0, 0, 0x00, 0x40, 0, 0};
        if (put_seed("restore", shorts, sizeof shorts, NULL, 0) || put_seed("restore", edits, sizeof edits, NULL, 0) ||
            put_seed("restore", plan, sizeof plan, NULL, 0))
            return -1;
    }
    return 0;
}

/* Lists like the real one (Data then Stream entries), asked for a listed and an unlisted id. */
static int file_list_seeds(void)
{
    static const char *const paths[4] = {"Data\\00000001.00000001.ccc", "Stream\\00010000.00000001.ccc",
                                         "Data\\00000002.00000003.ccc", "Stream\\00020000.00000002.ccc"};
    uint8_t list[DDP_FILE_LIST_HEADER_SIZE + 4 * DDP_FILE_LIST_ENTRY_SIZE], prefix[5];
    for (size_t n = 0; n <= 4; n += 2) {
        size_t len = 0;
        if (ddp_file_list_build(paths, n, list, sizeof list, &len) != DDP_OK)
            return -1;
        prefix[0] = DDP_FILE_LIST_STREAM;
        ddp_put32(prefix + 1, n == 4 ? 0x20000u : 0x10000u);
        if (put_seed("file_list", prefix, sizeof prefix, list, len))
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    if (make_dirs() != 0) {
        perror(out_dir);
        return 1;
    }
    static const uint16_t layouts[3] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    for (uint32_t i = 0; i < 3; i++)
        if (store_seeds(layouts[i], i) != 0) {
            fprintf(stderr, "fuzz-seeds: building the layout %04x store failed\n", layouts[i]);
            return 1;
        }
    if (lznt1_seeds() || huffman_seeds() || worst_case_seeds() || restore_seeds() || file_list_seeds())
        return 1;
    return 0;
}
