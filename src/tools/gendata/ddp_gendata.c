/*
 * ddp_gendata.c - writes a deterministic sample data set with the kinds of duplication
 * a deduplicated file server holds, for the main job, tests and benchmarks:
 *
 *   docs/      documents in several versions, each version a few edits away from the last
 *   apps/      the same libraries shipped inside several applications (exact duplicates)
 *   large/     a disk image built from the libraries plus zero runs and unique data,
 *              and a long text log (compresses well)
 *   small/     files below 32 KiB (Windows leaves these unoptimized)
 *
 *   ddp-gendata [--seed N] [--scale N] [--force] [--quiet] DIR
 *
 * The same seed and scale always give the same bytes (a fixed xorshift generator).
 * --scale 1 writes about 28 MB in 46 files; sizes grow linearly with the scale.
 * A DIR that exists and is not empty is refused unless --force (its files of the same
 * names are then overwritten, others are left as they are). When done it prints what it
 * wrote (files, bytes, folders). Exit: 0 written, 1 refused or failed, 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dirent.h>

#include "tool_cli.h"

#ifdef _WIN32
#include <direct.h>
#define make_dir(p) _mkdir(p)
#else
#define make_dir(p) mkdir((p), 0755)
#endif

typedef struct rng { uint64_t s; } rng;

/* What this run wrote, for the closing line. */
static struct { unsigned files, folders; uint64_t bytes; } written;

static uint64_t next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static uint32_t below(rng *r, uint32_t n) { return (uint32_t)(next(r) % n); }

typedef struct buf { uint8_t *p; size_t len, cap; } buf;

static void put(buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) {
            fprintf(stderr, "ddp-gendata: out of memory\n");
            exit(1);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static const char *const words[] = {
    "backup", "restore", "chunk", "volume", "stream", "container", "policy", "quarterly", "report",
    "customer", "invoice", "shipment", "the", "a", "of", "and", "to", "in", "for", "with", "server",
    "deduplication", "storage", "network", "project", "schedule", "budget", "review", "approved",
    "pending", "contract", "department", "summary", "analysis", "figure", "table", "section",
};
#define N_WORDS (sizeof words / sizeof words[0])

static void text_paragraph(rng *r, buf *b)
{
    unsigned n = 40 + below(r, 80);
    for (unsigned i = 0; i < n; i++) {
        const char *w = words[below(r, N_WORDS)];
        put(b, w, strlen(w));
        put(b, i + 1 == n ? ".\n\n" : " ", i + 1 == n ? 3 : 1);
    }
}

static void random_bytes(rng *r, buf *b, size_t n)
{
    uint8_t tmp[4096];
    while (n) {
        size_t k = n < sizeof tmp ? n : sizeof tmp;
        for (size_t i = 0; i < k; i += 8) {
            uint64_t v = next(r);
            for (size_t j = 0; j < 8 && i + j < k; j++)
                tmp[i + j] = (uint8_t)(v >> (8 * j));
        }
        put(b, tmp, k);
        n -= k;
    }
}

/* Binary-like: records with small integers and repeated opcodes (compresses somewhat). */
static void binary_like(rng *r, buf *b, size_t n)
{
    static const uint8_t ops[][4] = { { 0x48, 0x89, 0xe5, 0x90 }, { 0x48, 0x83, 0xec, 0x20 },
                                      { 0xe8, 0x00, 0x00, 0x00 }, { 0xc3, 0xcc, 0xcc, 0xcc } };
    size_t end = b->len + n;
    while (b->len < end) {
        uint32_t k = below(r, 10);
        if (k < 6)
            put(b, ops[below(r, 4)], 4);
        else {
            uint32_t v = below(r, k == 9 ? 0xFFFFFFFFu : 4096);
            put(b, &v, 4);
        }
    }
    b->len = end;
}

static int write_file(const char *dir, const char *name, const buf *b)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "ddp-gendata: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    written.files++;
    written.bytes += b->len;
    return 0;
}

static int make_dirs(const char *root, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (make_dir(path) == 0)
                written.folders++;
            else if (errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (make_dir(path) == 0)
        written.folders++;
    else if (errno != EEXIST)
        return -1;
    return 0;
}

/* A document and its later versions: each version edits a few paragraphs of the last. */
static int documents(rng *r, const char *root, unsigned count)
{
    char name[256];
    for (unsigned d = 0; d < count; d++) {
        buf doc = { 0 };
        unsigned paragraphs = 150 + below(r, 500);
        for (unsigned p = 0; p < paragraphs; p++)
            text_paragraph(r, &doc);
        for (unsigned v = 1; v <= 4; v++) {
            snprintf(name, sizeof name, "docs/report-%02u-v%u.txt", d, v);
            if (write_file(root, name, &doc))
                return -1;
            /* Next version: replace a paragraph-sized span in the middle, append a section. */
            buf next_doc = { 0 };
            size_t cut = doc.len / 3 + below(r, (uint32_t)(doc.len / 3 + 1));
            put(&next_doc, doc.p, cut);
            text_paragraph(r, &next_doc);
            size_t skip = cut + 300 < doc.len ? cut + 300 : doc.len;
            put(&next_doc, doc.p + skip, doc.len - skip);
            text_paragraph(r, &next_doc);
            free(doc.p);
            doc = next_doc;
        }
        free(doc.p);
    }
    return 0;
}

static int applications(rng *r, const char *root, unsigned libs, unsigned apps, buf *image)
{
    char name[256];
    for (unsigned l = 0; l < libs; l++) {
        buf lib = { 0 };
        binary_like(r, &lib, 400000 + below(r, 1200000));
        random_bytes(r, &lib, 50000 + below(r, 200000));   /* resources: incompressible */
        for (unsigned a = 0; a < apps; a++) {
            snprintf(name, sizeof name, "apps/app%u/lib%02u.dll", a, l);
            if (write_file(root, name, &lib))
                return -1;
        }
        put(image, lib.p, lib.len);   /* the disk image holds every library too */
        free(lib.p);
    }
    return 0;
}

static int large_files(rng *r, const char *root, unsigned scale, buf *image)
{
    buf log = { 0 };
    uint8_t zeros[65536] = { 0 };
    for (unsigned i = 0; i < 4 * scale; i++)
        put(image, zeros, sizeof zeros);
    random_bytes(r, image, 3000000u * scale);
    if (write_file(root, "large/disk.img", image))
        return -1;
    while (log.len < 6000000u * scale) {
        char line[160];
        int n = snprintf(line, sizeof line, "2026-11-%02u %02u:%02u:%02u server%02u %s %s %u\n", 1 + below(r, 28),
                         below(r, 24), below(r, 60), below(r, 60), below(r, 16), words[below(r, N_WORDS)],
                         words[below(r, N_WORDS)], below(r, 100000));
        put(&log, line, (size_t)n);
    }
    if (write_file(root, "large/service.log", &log))
        return -1;
    free(log.p);
    return 0;
}

static int small_files(rng *r, const char *root, unsigned count)
{
    char name[256];
    for (unsigned i = 0; i < count; i++) {
        buf b = { 0 };
        while (b.len < 1000u + below(r, 30000))
            text_paragraph(r, &b);
        if (b.len > 32767)
            b.len = 32767;
        snprintf(name, sizeof name, "small/note-%02u.txt", i);
        if (write_file(root, name, &b))
            return -1;
        free(b.p);
    }
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: ddp-gendata [options] [--] DIR\n"
          "Writes a deterministic sample data set with realistic duplication under DIR: documents\n"
          "in several versions (docs/), libraries shipped in several applications (apps/), a disk\n"
          "image and a log (large/), files below 32 KiB (small/). About 28 MB in 46 files per\n"
          "unit of --scale.\n"
          "  --seed N     generator seed (default 1); the same seed and scale give the same bytes\n"
          "  --scale N    size multiplier, 1..1000 (default 1)\n"
          "  --force, -f  write into a DIR that is not empty (files of the same names are replaced)\n"
          "  --quiet, -q  no closing line\n"
          "  --help, -h   this text on standard output;  --version  version and commit\n"
          "exit status: 0 written, 1 refused or failed, 2 usage\n",
          f);
}

/* 1 when path is a folder holding anything, 0 when it is absent or empty, -1 (said why)
 * when it cannot be used. */
static int folder_in_use(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno == ENOENT ? 0 : (fprintf(stderr, "ddp-gendata: %s: %s\n", path, strerror(errno)), -1);
    if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "ddp-gendata: %s exists and is not a folder\n", path);
        return -1;
    }
    DIR *d = opendir(path);
    struct dirent *e;
    int used = 0;
    if (!d) {
        fprintf(stderr, "ddp-gendata: cannot list %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (!used && (e = readdir(d)) != NULL)
        used = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return used;
}

enum { OPT_SEED = 1, OPT_SCALE, OPT_FORCE, OPT_QUIET };
static const cli_option option_table[] = {
    {"--seed", NULL, 1, OPT_SEED},
    {"--scale", NULL, 1, OPT_SCALE},
    {"--force", "-f", 0, OPT_FORCE},
    {"--quiet", "-q", 0, OPT_QUIET},
    {NULL, NULL, 0, 0},
};

int main(int argc, char **argv)
{
    uint64_t seed = 1, scale = 1;
    const char *root = NULL, *v;
    int force = 0, quiet = 0, id;
    rng r;
    buf image = { 0 };
    char sub[64];
    cli c;

    cli_init(&c, "ddp-gendata", usage, argc, argv);
    while ((id = cli_next(&c, option_table, &v)) != CLI_END) {
        if (id == CLI_ERROR)
            return CLI_EXIT_USAGE;
        if (id == OPT_SEED && cli_parse_u64(v, 0, UINT64_MAX, &seed) != 0)
            return cli_usage_error(&c, "--seed: must be a number");
        if (id == OPT_SCALE && cli_parse_u64(v, 1, 1000, &scale) != 0)
            return cli_usage_error(&c, "--scale: must be 1..1000");
        if (id == OPT_FORCE)
            force = 1;
        if (id == OPT_QUIET)
            quiet = 1;
        if (id == CLI_OPERAND && root)
            return cli_usage_error(&c, "unexpected argument '%s' (one DIR)", v);
        if (id == CLI_OPERAND)
            root = v;
    }
    if (!root)
        return cli_usage_error(&c, "missing DIR");
    int in_use = folder_in_use(root);
    if (in_use < 0)
        return 1;
    if (in_use && !force) {
        fprintf(stderr, "ddp-gendata: %s is not empty (--force writes into it anyway)\n", root);
        return 1;
    }
    r.s = 0x9E3779B97F4A7C15ull ^ (seed * 0x100000001B3ull);
    if (make_dirs(root, "docs") || make_dirs(root, "large") || make_dirs(root, "small"))
        goto io_error;
    for (unsigned a = 0; a < 3; a++) {
        snprintf(sub, sizeof sub, "apps/app%u", a);
        if (make_dirs(root, sub))
            goto io_error;
    }
    if (documents(&r, root, 6 * (unsigned)scale) || applications(&r, root, 4 * (unsigned)scale, 3, &image) ||
        large_files(&r, root, (unsigned)scale, &image) || small_files(&r, root, 8))
        return 1;
    free(image.p);
    if (!quiet)
        printf("wrote %u files, %llu bytes (%.1f MB), %u new folders under %s (seed %llu, scale %llu)\n",
               written.files, (unsigned long long)written.bytes, (double)written.bytes / 1e6, written.folders, root,
               (unsigned long long)seed, (unsigned long long)scale);
    return 0;
io_error:
    fprintf(stderr, "ddp-gendata: cannot create folders under %s: %s\n", root, strerror(errno));
    return 1;
}
