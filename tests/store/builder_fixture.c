/*
 * builder_fixture.c - see builder_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "builder_fixture.h"

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

void fix_random(fix_file *f, size_t len, uint64_t seed)
{
    f->len = len;
    f->data = malloc(len ? len : 1);
    assert_non_null(f->data);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull | 1;
    for (size_t i = 0; i < len; i++)
        f->data[i] = (uint8_t)(next(&x) >> 29);
}

void fix_text(fix_file *f, size_t len, uint64_t seed)
{
    static const char *words[] = {"chunk ", "store ", "stream ", "map ", "container ", "deduplication ",
                                  "reparse ", "point ", "the ", "of ", "and ", "Windows ", "backup ", "restore\n"};
    f->len = len;
    f->data = malloc(len ? len : 1);
    assert_non_null(f->data);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull | 1;
    size_t i = 0;
    while (i < len) {
        const char *w = words[next(&x) % (sizeof words / sizeof words[0])];
        for (size_t k = 0; w[k] && i < len; k++)
            f->data[i++] = (uint8_t)w[k];
    }
}

void fix_copy(fix_file *f, const fix_file *from)
{
    f->len = from->len;
    f->data = malloc(from->len ? from->len : 1);
    assert_non_null(f->data);
    memcpy(f->data, from->data, from->len);
}

void fix_free(fix_file *f)
{
    free(f->data);
    f->data = NULL;
    f->len = 0;
}

void fix_build_store(fix_build *b, const ddp_store_builder_options *opt, const fix_file *files, size_t n)
{
    assert_true(n <= FIX_MAX_FILES);
    b->store = ddp_sink_mem_new();
    assert_non_null(b->store);
    ddp_sink sink;
    ddp_sink_mem_sink(b->store, &sink);
    ddp_store_builder *builder = NULL;
    assert_int_equal(ddp_store_builder_new(opt, &sink, &builder), DDP_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ddp_store_builder_file_begin(builder), DDP_OK);
        size_t off = 0, step = 1000 + 37 * i;
        while (off < files[i].len) {
            size_t take = step < files[i].len - off ? step : files[i].len - off;
            assert_int_equal(ddp_store_builder_file_data(builder, files[i].data + off, take), DDP_OK);
            off += take;
            step = step * 5 % 300007 + 1;
        }
        b->end_status[i] = ddp_store_builder_file_end(builder, b->reparse[i], sizeof b->reparse[i],
                                                      &b->reparse_len[i]);
        assert_int_equal(b->end_status[i], files[i].len ? DDP_OK : DDP_ERR_NOT_REPARSE);
    }
    assert_int_equal(ddp_store_builder_finish(builder), DDP_OK);
    ddp_store_builder_get_stats(builder, &b->stats);
    ddp_store_builder_free(builder);
}

void fix_build_free(fix_build *b)
{
    ddp_sink_mem_free(b->store);
    b->store = NULL;
}

void fix_read_back(const fix_build *b, const fix_file *files, size_t n, ddp_test_read_info *total)
{
    memset(total, 0, sizeof *total);
    for (size_t i = 0; i < n; i++) {
        if (!files[i].len) {
            assert_int_equal(b->reparse_len[i], 0);
            continue;
        }
        uint8_t *content = NULL;
        size_t len = 0;
        ddp_test_read_info info;
        ddp_status st = ddp_test_store_read_file(b->store, b->reparse[i], b->reparse_len[i], &content, &len, &info);
        if (st != DDP_OK)
            fail_msg("file %zu: %s (%s)", i, ddp_status_str(st), info.error);
        assert_int_equal(len, files[i].len);
        assert_memory_equal(content, files[i].data, len);
        free(content);
        total->chunks += info.chunks;
        total->compressed += info.compressed;
        total->hint_hits += info.hint_hits;
        total->rrtl_hits += info.rrtl_hits;
        if (info.chunk_alg != DDP_HASH_UNKNOWN) {
            assert_true(total->chunk_alg == DDP_HASH_UNKNOWN || total->chunk_alg == info.chunk_alg);
            total->chunk_alg = info.chunk_alg;
        }
        assert_true(total->smap_alg == DDP_HASH_UNKNOWN || total->smap_alg == info.smap_alg);
        total->smap_alg = info.smap_alg;
        total->stream_generation = info.stream_generation;
    }
}
