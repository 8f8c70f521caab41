/*
 * bench_corpus.c - ddp-bench-corpus: writes the deterministic benchmark corpora of
 * bench/run-bench.sh: a given logical size split into a given number of equal files, with
 * a chosen duplication factor.
 *
 *   ddp-bench-corpus --bytes N --files F [--dedup R] [--seed S] DIR
 *
 * The files are DIR/dNNNN/fNNNNNNN.bin (100 files per folder), each of N / F bytes. The
 * corpus is a stream of segments of min(1 MiB, file size) bytes; segment k holds the
 * content of pool segment k mod P, where the pool has P = ceil(segments / R) distinct
 * segments: with R = 1 every segment is unique, with R = 5 each distinct segment appears
 * about five times (whole 1 MiB runs, so content-defined chunking finds the repeats; for
 * files below 1 MiB whole files repeat). A segment is 4 KiB blocks, each either
 * xorshift random bytes (incompressible) or text made of words (compresses well), picked
 * by the generator, so restores exercise both raw and compressed records. The same
 * arguments always give the same bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SEGMENT_MAX (1u << 20)
#define BLOCK 4096u
#define FILES_PER_DIR 100u

typedef struct options {
    uint64_t bytes, files, dedup, seed;
    const char *dir;
} options;

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A generator state from the seed and a pool segment number (never zero). */
static uint64_t segment_state(uint64_t seed, uint64_t pool_index)
{
    uint64_t s = (seed + 1) * 0x9E3779B97F4A7C15ull ^ (pool_index + 1) * 0xC2B2AE3D27D4EB4Full;
    for (int i = 0; i < 4; i++)
        xorshift(&s);
    return s ? s : 1;
}

static void random_block(uint64_t *s, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = xorshift(s);
        size_t n = len - i < 8 ? len - i : 8;
        memcpy(out + i, &v, n);
    }
}

static void text_block(uint64_t *s, uint8_t *out, size_t len)
{
    static const char *const words[] = {"chunk", "store", "volume", "backup", "restore", "container",
                                        "stream", "record", "server", "report", "quarterly", "invoice",
                                        "customer", "the", "of", "and", "to", "data", "file", "copy"};
    size_t i = 0;
    while (i < len) {
        uint64_t r = xorshift(s);
        const char *w = words[r % (sizeof words / sizeof words[0])];
        size_t wl = strlen(w);
        for (size_t j = 0; j < wl && i < len; j++)
            out[i++] = (uint8_t)w[j];
        if (i < len)
            out[i++] = (r >> 32) % 11 == 0 ? '\n' : ' ';
    }
}

/* The content of pool segment p (len bytes). */
static void make_segment(uint64_t seed, uint64_t p, uint8_t *out, size_t len)
{
    uint64_t s = segment_state(seed, p);
    for (size_t off = 0; off < len; off += BLOCK) {
        size_t n = len - off < BLOCK ? len - off : BLOCK;
        if (xorshift(&s) & 1)
            random_block(&s, out + off, n);
        else
            text_block(&s, out + off, n);
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){0, 0, 1, 1, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = !strcmp(a, "--bytes") ? &o->bytes
                        : !strcmp(a, "--files") ? &o->files
                        : !strcmp(a, "--dedup") ? &o->dedup
                        : !strcmp(a, "--seed")  ? &o->seed
                                                : NULL;
        if (dst) {
            if (i + 1 >= argc || parse_u64(argv[++i], dst) < 0)
                return -1;
        } else if (a[0] != '-' && !o->dir) {
            o->dir = a;
        } else {
            return -1;
        }
    }
    if (!o->dir || !o->files || !o->dedup || o->bytes < o->files)
        return -1;
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "ddp-bench-corpus: mkdir %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes file f: its segments are k = first_segment, first_segment + 1, ... */
static int write_file(const options *o, uint64_t f, uint64_t file_size, uint64_t seg_size, uint64_t pool,
                      uint8_t *seg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/d%04llu", o->dir, (unsigned long long)(f / FILES_PER_DIR));
    if (f % FILES_PER_DIR == 0 && make_dir(path) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/d%04llu/f%07llu.bin", o->dir, (unsigned long long)(f / FILES_PER_DIR),
             (unsigned long long)f);
    FILE *out = fopen(path, "wb");
    if (!out) {
        fprintf(stderr, "ddp-bench-corpus: %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint64_t segs_per_file = (file_size + seg_size - 1) / seg_size;
    int rc = 0;
    for (uint64_t i = 0, done = 0; i < segs_per_file && rc == 0; i++) {
        uint64_t k = f * segs_per_file + i;
        size_t len = (size_t)(file_size - done < seg_size ? file_size - done : seg_size);
        make_segment(o->seed, k % pool, seg, len);
        if (fwrite(seg, 1, len, out) != len)
            rc = -1;
        done += len;
    }
    if (fclose(out) != 0 || rc < 0) {
        fprintf(stderr, "ddp-bench-corpus: writing %s failed\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) < 0) {
        fputs("usage: ddp-bench-corpus --bytes N --files F [--dedup R] [--seed S] DIR\n", stderr);
        return 2;
    }
    uint64_t file_size = o.bytes / o.files;
    uint64_t seg_size = file_size < SEGMENT_MAX ? file_size : SEGMENT_MAX;
    uint64_t segments = o.files * ((file_size + seg_size - 1) / seg_size);
    uint64_t pool = (segments + o.dedup - 1) / o.dedup;
    uint8_t *seg = malloc((size_t)seg_size);
    if (!seg || make_dir(o.dir) < 0) {
        free(seg);
        return 1;
    }
    for (uint64_t f = 0; f < o.files; f++) {
        if (write_file(&o, f, file_size, seg_size, pool, seg) < 0) {
            free(seg);
            return 1;
        }
    }
    free(seg);
    printf("%llu files of %llu bytes, %llu segments of %llu bytes, %llu distinct\n", (unsigned long long)o.files,
           (unsigned long long)file_size, (unsigned long long)segments, (unsigned long long)seg_size,
           (unsigned long long)pool);
    return 0;
}
