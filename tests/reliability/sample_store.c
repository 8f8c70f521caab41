/*
 * sample_store.c - builds the sample stores of sample_store.h.
 *
 * Content: the file is a sequence of 2 KiB blocks; each block is, by a hash of (seed,
 * file, block), either text made of a few words (Xpress shrinks it), random bytes, or one
 * of 16 shared blocks that appear in several files (deduplicated chunks). Files 5, 11,
 * 17, ... are random bytes only, so their chunks are stored raw.
 */
#include <stdlib.h>
#include <string.h>

#include "sample_store.h"

#define BLOCK 2048u

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

void sample_content(uint32_t seed, uint32_t file, uint8_t *out, size_t len)
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

void sample_store_small_chunks(ddp_store_options *opt)
{
    opt->min_chunk = 4096;
    opt->avg_chunk = 8192;
    opt->max_chunk = 16384;
}

static ddp_status add_file(ddp_store_builder *b, sample_file *f)
{
    ddp_status st = ddp_store_builder_file_begin(b);
    /* Fed in uneven pieces, as a reader of a real file would. */
    for (size_t at = 0; st == DDP_OK && at < f->size;) {
        size_t n = f->size - at < 7777 ? f->size - at : 7777;
        st = ddp_store_builder_file_data(b, f->data + at, n);
        at += n;
    }
    if (st != DDP_OK)
        return st;
    st = ddp_store_builder_file_end(b, f->reparse, sizeof f->reparse, &f->reparse_len);
    if (st == DDP_ERR_NOT_REPARSE && f->size == 0) {
        f->reparse_len = 0;
        return DDP_OK;
    }
    return st;
}

ddp_status sample_store_build(const ddp_store_options *opt, uint32_t n_files, const size_t *sizes,
                              const int *copy_of, uint32_t seed, sample_store *out)
{
    memset(out, 0, sizeof *out);
    out->mem = ddp_mem_store_new();
    out->files = calloc(n_files ? n_files : 1, sizeof *out->files);
    if (!out->mem || !out->files) {
        sample_store_free(out);
        return DDP_ERR_NO_MEMORY;
    }
    out->n_files = n_files;
    ddp_store_sink sink;
    ddp_mem_store_sink(out->mem, &sink);
    ddp_store_builder *b = NULL;
    ddp_status st = ddp_store_builder_new(opt, &sink, &b);
    for (uint32_t i = 0; st == DDP_OK && i < n_files; i++) {
        sample_file *f = &out->files[i];
        f->size = sizes[i];
        f->data = malloc(f->size ? f->size : 1);
        if (!f->data) {
            st = DDP_ERR_NO_MEMORY;
            break;
        }
        int from = copy_of ? copy_of[i] : -1;
        if (from >= 0 && (uint32_t)from < i && out->files[from].size == f->size)
            memcpy(f->data, out->files[from].data, f->size);
        else
            sample_content(seed, i, f->data, f->size);
        st = add_file(b, f);
    }
    if (st == DDP_OK)
        st = ddp_store_builder_finish(b);
    if (b)
        ddp_store_builder_get_stats(b, &out->stats);
    ddp_store_builder_free(b);
    if (st != DDP_OK)
        sample_store_free(out);
    return st;
}

void sample_store_free(sample_store *s)
{
    if (s->files)
        for (uint32_t i = 0; i < s->n_files; i++)
            free(s->files[i].data);
    free(s->files);
    ddp_mem_store_free(s->mem);
    memset(s, 0, sizeof *s);
}

const char *sample_store_container(const sample_store *s, const char *kind, size_t i)
{
    const char *p;
    for (size_t k = 0; (p = ddp_mem_store_path(s->mem, k)) != NULL; k++)
        if (strstr(p, kind) && i-- == 0)
            return p;
    return NULL;
}
