/*
 * bench_restore.c - ddp-bench-restore: restores an in-memory chunk store of N MB through
 * ddp_restore() and prints throughput, store calls, bytes read against the minimum
 * (every needed record once), backward seeks and peak RSS.
 *
 * The corpus is deterministic: files of 1-8 MiB, half text-like (compressible), half
 * random; every fourth file repeats the first half of the file before it, so chunks are
 * shared. The store answers from memory (memcpy); the target compares every write with
 * the original bytes instead of keeping them, so the figures are the engine's (parsing,
 * decompression, hashing, planning). Usage: ddp-bench-restore [MB] [--sample-plan]
 * [--threads N] [--quick]. --quick (8 MB) is the smoke test: exit 1 when a byte differs
 * or a file fails. --threads N sets options.threads (default 0: one per online CPU); the
 * CPU time of the process during the restore is printed beside the wall time.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "ddp/store_builder.h"
#include "hash_choice.h"

typedef struct corpus {
    uint32_t n;
    uint8_t **data;
    size_t *size;
    uint8_t **reparse;
    size_t *reparse_len;
    ddp_sink_mem *mem;
    ddp_store_builder_stats stats;
    uint64_t mismatches;
    int sample_plan;
} corpus;

static void generate(uint32_t seed, uint8_t *buf, size_t len)
{
    uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
    static const char words[] = "the chunk store keeps each distinct piece of data once ";
    for (size_t i = 0; i < len; i++) {
        if ((i >> 14) & 1) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (uint8_t)x;
        } else {
            buf[i] = (uint8_t)words[(i * 7 + seed + (i >> 9)) % (sizeof words - 1)];
        }
    }
}

static int build(corpus *c, uint64_t total)
{
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    opt.container_limit = 64u << 20;
    c->mem = ddp_sink_mem_new();
    ddp_sink sink;
    ddp_sink_mem_sink(c->mem, &sink);
    ddp_store_builder *b;
    if (ddp_store_builder_new(&opt, &sink, &b) != DDP_OK)
        return -1;
    uint32_t cap = 1024;
    c->data = calloc(cap, sizeof *c->data);
    c->size = calloc(cap, sizeof *c->size);
    c->reparse = calloc(cap, sizeof *c->reparse);
    c->reparse_len = calloc(cap, sizeof *c->reparse_len);
    uint8_t rp[DDP_REPARSE_MAX_BUFFER];
    for (uint64_t done = 0; done < total && c->n < cap; c->n++) {
        uint32_t i = c->n;
        size_t len = (size_t)(1u << 20) * (1 + (i * 5) % 8);
        c->size[i] = len;
        c->data[i] = malloc(len);
        generate(i, c->data[i], len);
        if (i % 4 == 3)
            memcpy(c->data[i], c->data[i - 1], (len < c->size[i - 1] ? len : c->size[i - 1]) / 2);
        size_t rl = 0;
        if (ddp_store_builder_file_begin(b) != DDP_OK || ddp_store_builder_file_data(b, c->data[i], len) != DDP_OK ||
            ddp_store_builder_file_end(b, rp, sizeof rp, &rl) != DDP_OK)
            return -1;
        c->reparse[i] = malloc(rl);
        memcpy(c->reparse[i], rp, rl);
        c->reparse_len[i] = rl;
        done += len;
    }
    if (ddp_store_builder_finish(b) != DDP_OK)
        return -1;
    ddp_store_builder_get_stats(b, &c->stats);
    ddp_store_builder_free(b);
    return 0;
}

static int32_t s_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    corpus *c = ctx;
    size_t len = 0;
    const uint8_t *d = ddp_sink_mem_get(c->mem, path, &len);
    if (!d)
        return (int32_t)0x80070002u;
    uint64_t n = offset < len ? len - offset : 0;
    *got = (uint32_t)(n < size ? n : size);
    memcpy(buf, d + offset, *got);
    return 0;
}

static int32_t s_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries)
{
    corpus *c = ctx;
    *plan = NULL;
    *entries = 0;
    if (!c->sample_plan)
        return 0;
    ddp_plan_extent *p = calloc(2 * (size_t)n, sizeof *p);
    if (!p)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = 0;
        ddp_sink_mem_get(c->mem, paths[i], &len);
        p[2 * i] = (ddp_plan_extent){i, 0, (int64_t)len / 10};
        p[2 * i + 1] = (ddp_plan_extent){i, (int64_t)len / 10, INT64_MAX};
    }
    *plan = p;
    *entries = 2 * n;
    return 0;
}

static void s_free_plan(void *ctx, ddp_plan_extent *plan)
{
    (void)ctx;
    free(plan);
}

static ddp_status t_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    corpus *c = ctx;
    if (c->reparse_len[file] > cap)
        return DDP_ERR_BAD_LENGTH;
    memcpy(buf, c->reparse[file], c->reparse_len[file]);
    *len = c->reparse_len[file];
    return DDP_OK;
}

static ddp_status t_begin(void *ctx, uint32_t file, uint64_t size)
{
    corpus *c = ctx;
    return size == c->size[file] ? DDP_OK : DDP_ERR_RANGE;
}

static ddp_status t_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    corpus *c = ctx;
    if (offset > c->size[file] || len > c->size[file] - offset || memcmp(c->data[file] + offset, data, len) != 0)
        c->mismatches++;
    return DDP_OK;
}

static ddp_status t_finish(void *ctx, uint32_t file)
{
    (void)ctx;
    (void)file;
    return DDP_OK;
}

static void t_abandon(void *ctx, uint32_t file)
{
    (void)ctx;
    (void)file;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    uint64_t mb = 64;
    int quick = 0;
    ddp_restore_options opt;
    ddp_restore_options_default(&opt);
    ddp_choose_hash_backend();
    corpus c;
    memset(&c, 0, sizeof c);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1, mb = 8;
        else if (strcmp(argv[i], "--sample-plan") == 0)
            c.sample_plan = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            opt.threads = (uint32_t)strtoul(argv[++i], NULL, 10);
        else
            mb = strtoull(argv[i], NULL, 10);
    }
    if (mb == 0 || build(&c, mb << 20) != 0) {
        fprintf(stderr, "building the store failed\n");
        return 1;
    }
    long rss_before = peak_rss_kib();
    ddp_backup store = {&c, s_read, s_order, s_free_plan, NULL, NULL};
    ddp_target target = {&c, t_reparse, t_begin, t_write, t_finish, t_abandon, NULL, NULL};
    ddp_file_result *res = calloc(c.n, sizeof *res);
    ddp_restore_stats st;
    struct timespec t0, t1;
    double cpu0 = cpu_seconds();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int32_t hr = ddp_restore(&store, &target, c.n, NULL, &opt, res, &st);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = cpu_seconds() - cpu0;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    /* minimum: each distinct data record once, each stream-map record once */
    uint64_t minimum = c.stats.stored_bytes + c.stats.unique_chunks * 0x58u + c.stats.files * (0x68u + 8u) +
                       c.stats.chunks * 64u;
    printf("files %u, logical %.1f MB, chunks %llu (%llu distinct), containers %u data / %u stream\n", c.n,
           (double)c.stats.logical_bytes / 1e6, (unsigned long long)c.stats.chunks,
           (unsigned long long)c.stats.unique_chunks, c.stats.data_containers, c.stats.stream_containers);
    printf("restore: 0x%08x in %.3f s = %.1f MB/s (logical), plan %s\n", (unsigned)hr, secs,
           (double)c.stats.logical_bytes / 1e6 / secs, c.sample_plan ? "sample (10% + rest)" : "none");
    printf("calls: %llu reads, %llu previews, %llu order; chunks read %llu\n", (unsigned long long)st.read_calls,
           (unsigned long long)st.preview_calls, (unsigned long long)st.order_calls,
           (unsigned long long)st.chunks_read);
    printf("bytes read %llu vs minimum %llu (%.3fx); backward seeks %llu\n", (unsigned long long)st.bytes_read,
           (unsigned long long)minimum, (double)st.bytes_read / (double)minimum,
           (unsigned long long)st.backward_seeks);
    printf("threads option %u: %.3f s CPU for %.3f s wall; %llu coalesced runs, %.3f reads per run\n",
           opt.threads, cpu, secs, (unsigned long long)st.coalesced_runs,
           st.coalesced_runs ? (double)st.read_calls / (double)st.coalesced_runs : 0.0);
    printf("peak RSS: %ld KiB before restore (corpus + store in memory), %ld KiB after\n", rss_before,
           peak_rss_kib());
    int failed = hr != DDP_S_OK || c.mismatches != 0;
    if (c.mismatches)
        printf("MISMATCH: %llu writes differ from the originals\n", (unsigned long long)c.mismatches);
    for (uint32_t i = 0; i < c.n; i++) {
        free(c.data[i]);
        free(c.reparse[i]);
    }
    free(c.data);
    free(c.size);
    free(c.reparse);
    free(c.reparse_len);
    free(res);
    ddp_sink_mem_free(c.mem);
    (void)quick;
    return failed ? 1 : 0;
}
