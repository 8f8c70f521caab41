/*
 * store_fixture.c - the test stores of store_fixture.h.
 *
 * Mixed content: the file is a sequence of 2 KiB blocks; each block is, by a hash of
 * (seed, file, block), either text made of a few words (Xpress shrinks it), random bytes,
 * or one of 16 shared blocks that appear in several files (deduplicated chunks).
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/reparse.h"
#include "store_fixture.h"

#define BLOCK 2048u
#define FEED_PIECE 7777u

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static void fill_random(uint32_t key, uint8_t *out, size_t len)
{
    uint32_t s = mix(key) | 1u;
    for (size_t i = 0; i < len; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        out[i] = (uint8_t)s;
    }
}

static void fill_text(uint32_t key, uint8_t *out, size_t len)
{
    static const char *const words[] = {"backup ", "restore ", "chunk ", "store ", "container ",
                                        "stream ", "map ", "reparse ", "dedup ", "volume "};
    uint32_t s = mix(key);
    size_t i = 0;
    while (i < len) {
        const char *w = words[s % 10];
        s = mix(s + 1);
        for (; *w && i < len; w++)
            out[i++] = (uint8_t)*w;
    }
}

void store_content_mixed(uint32_t seed, uint32_t file, uint8_t *out, size_t len)
{
    for (size_t at = 0, blk = 0; at < len; at += BLOCK, blk++) {
        size_t n = len - at < BLOCK ? len - at : BLOCK;
        uint32_t h = mix(seed * 0x9E3779B9u + file * 0x85EBCA6Bu + (uint32_t)blk);
        switch (file % 6 == 5 ? 2 : h % 4) {
        case 0:
        case 1:
            fill_text(h, out + at, n);
            break;
        case 2:
            fill_random(h, out + at, n);
            break;
        default:
            fill_random(seed * 16u + (h >> 8) % 16u, out + at, n);   /* shared between files */
            break;
        }
    }
}

void store_fixture_small_chunks(ddp_store_builder_options *opt)
{
    opt->min_chunk = 4096;
    opt->avg_chunk = 8192;
    opt->max_chunk = 16384;
}

/* One file through the builder; rp (DDP_REPARSE_MAX_BUFFER bytes) receives its buffer. */
static ddp_status add_file(ddp_store_builder *b, store_fixture_file *f, uint8_t *rp)
{
    ddp_status st = ddp_store_builder_file_begin(b);
    size_t len = 0;
    for (size_t at = 0; st == DDP_OK && at < f->size;) {
        size_t n = f->size - at < FEED_PIECE ? f->size - at : FEED_PIECE;
        st = ddp_store_builder_file_data(b, f->data + at, n);
        at += n;
    }
    if (st == DDP_OK)
        st = ddp_store_builder_file_end(b, rp, DDP_REPARSE_MAX_BUFFER, &len);
    if (st == DDP_ERR_NOT_REPARSE && f->size == 0)
        return DDP_OK;   /* an empty file is not optimized: it stays as it is */
    if (st != DDP_OK)
        return st;
    if (!(f->reparse = malloc(len)))
        return DDP_ERR_NO_MEMORY;
    memcpy(f->reparse, rp, len);
    f->reparse_len = len;
    return DDP_OK;
}

ddp_status store_fixture_build(store_fixture *out, const ddp_store_builder_options *opt, uint32_t n, const size_t *sizes,
                               const int *copy_of, store_content_fn content, uint32_t seed)
{
    memset(out, 0, sizeof *out);
    out->mem = ddp_sink_mem_new();
    out->files = calloc(n ? n : 1, sizeof *out->files);
    uint8_t *rp = malloc(DDP_REPARSE_MAX_BUFFER);
    ddp_store_builder *b = NULL;
    ddp_sink sink;
    ddp_status st = out->mem && out->files && rp ? DDP_OK : DDP_ERR_NO_MEMORY;
    out->n = n;
    if (st == DDP_OK) {
        ddp_sink_mem_sink(out->mem, &sink);
        st = ddp_store_builder_new(opt, &sink, &b);
    }
    for (uint32_t i = 0; st == DDP_OK && i < n; i++) {
        store_fixture_file *f = &out->files[i];
        int from = copy_of ? copy_of[i] : -1;
        f->size = sizes[i];
        if (!(f->data = malloc(f->size ? f->size : 1))) {
            st = DDP_ERR_NO_MEMORY;
            break;
        }
        if (from >= 0 && (uint32_t)from < i && out->files[from].size == f->size)
            memcpy(f->data, out->files[from].data, f->size);
        else
            content(seed, i, f->data, f->size);
        st = add_file(b, f, rp);
    }
    if (st == DDP_OK)
        st = ddp_store_builder_finish(b);
    if (b)
        ddp_store_builder_get_stats(b, &out->stats);
    ddp_store_builder_free(b);
    free(rp);
    if (st != DDP_OK)
        store_fixture_free(out);
    return st;
}

void store_fixture_free(store_fixture *f)
{
    for (uint32_t i = 0; f->files && i < f->n; i++) {
        free(f->files[i].data);
        free(f->files[i].reparse);
    }
    free(f->files);
    ddp_sink_mem_free(f->mem);
    memset(f, 0, sizeof *f);
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The container paths holding kind, sorted; NULL when there are none or no memory. */
static const char **containers(const store_fixture *f, const char *kind, uint32_t *count)
{
    const char *p;
    size_t n = 0;
    while (ddp_sink_mem_path(f->mem, n))
        n++;
    const char **list = malloc((n ? n : 1) * sizeof *list);
    *count = 0;
    for (size_t i = 0; list && (p = ddp_sink_mem_path(f->mem, i)) != NULL; i++)
        if (strstr(p, kind))
            list[(*count)++] = p;
    if (list)
        qsort(list, *count, sizeof *list, path_cmp);
    return list;
}

const char *store_fixture_container(const store_fixture *f, const char *kind, uint32_t k)
{
    uint32_t n = 0;
    const char **list = containers(f, kind, &n);
    const char *p = list && k < n ? list[k] : NULL;
    free(list);
    return p;
}

uint32_t store_fixture_count_containers(const store_fixture *f, const char *kind)
{
    uint32_t n = 0;
    free(containers(f, kind, &n));
    return n;
}
