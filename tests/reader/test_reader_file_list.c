/*
 * test_reader_file_list.c - ddp_file_reader finds stream container generations through
 * the store's DedupFileList first, as a restore does (FORMAT.md §2.1): the list present
 * (no other generation tried, read once per cache however many files are opened),
 * absent and damaged (probing, as before), and a store holding two generations of one
 * stream container where only the list leads to the right one. Every file that opens is
 * read back byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ddp/file_list.h"
#include "ddp/file_reader.h"
#include "ddp/reparse.h"
#include "fixture.h"

static const size_t sizes4[4] = {100000, 250000, 70000, 100000};

/* A store over a mem store counting the reads of the list and of Stream containers. */
typedef struct counting {
    ddp_sink_mem *mem;
    const char *live;          /* ".0000000N.ccc": the generation the store holds */
    uint32_t list_reads, other_stream_reads;
} counting;

static int32_t count_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf,
                          uint32_t *got)
{
    counting *c = ctx;
    c->list_reads += strstr(path, "DedupFileList") != NULL;
    c->other_stream_reads += strstr(path, "\\Stream\\") && !strstr(path, c->live);
    size_t len = 0;
    const uint8_t *d = ddp_sink_mem_get(c->mem, path, &len);
    *got = 0;
    if (!d)
        return FAKE_E_FILE_NOT_FOUND;
    if (offset < len) {
        *got = (uint32_t)(len - offset < size ? len - offset : size);
        memcpy(buf, d + offset, *got);
    }
    return 0;
}

static void build(fixture *f, uint32_t generation, int file_list)
{
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0201);
    opt.stream_generation = generation;
    opt.file_list = file_list;
    assert_int_equal(fixture_build(f, &opt, 4, sizes4, NULL), 0);
}

/* "\...\{GUID}.ddp\<name>" for the fixture's store. */
static void store_file(const fixture *f, const char *name, char *out, size_t cap)
{
    assert_int_equal(fixture_store_file(f, name, out, cap), 0);
}

/* Replaces a stored file's bytes (same length or longer) through the mem store. */
static void overwrite(ddp_sink_mem *mem, const char *path, const uint8_t *bytes, size_t len)
{
    ddp_sink sink;
    void *h = NULL;
    ddp_sink_mem_sink(mem, &sink);
    assert_int_equal(sink.open(sink.ctx, path, &h), DDP_OK);
    assert_int_equal(sink.pwrite(sink.ctx, h, 0, bytes, len), DDP_OK);
    assert_int_equal(sink.close(sink.ctx, h), DDP_OK);
}

static void flip(ddp_sink_mem *mem, const char *path, size_t at)
{
    size_t len = 0;
    const uint8_t *d = ddp_sink_mem_get(mem, path, &len);
    assert_non_null(d);
    assert_true(at < len);
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, d, len);
    copy[at] ^= 0x40;
    overwrite(mem, path, copy, len);
    free(copy);
}

/* Opens every file of f with one cache. Returns how many opened and read back whole;
 * *from_list gets the generations the readers took from the list. */
static uint32_t open_all(fixture *f, counting *cn, uint64_t *from_list)
{
    ddp_backup s;
    memset(&s, 0, sizeof s);
    s.ctx = cn;
    s.read = count_read;
    ddp_reader_cache *c = NULL;
    assert_int_equal(ddp_reader_cache_new(NULL, &c), DDP_OK);
    uint32_t ok = 0;
    for (uint32_t i = 0; i < f->n; i++) {
        ddp_file_reader *r = NULL;
        if (ddp_file_reader_open(&s, c, f->files[i].reparse, f->files[i].reparse_len, "f", &r) != DDP_OK)
            continue;
        uint8_t *buf = malloc(f->files[i].size);
        size_t got = 0;
        assert_non_null(buf);
        assert_int_equal(ddp_file_reader_read(r, 0, buf, f->files[i].size, &got), DDP_OK);
        assert_int_equal(got, f->files[i].size);
        assert_memory_equal(buf, f->files[i].data, f->files[i].size);
        free(buf);
        ddp_file_reader_close(r);
        ok++;
    }
    ddp_reader_stats st;
    ddp_reader_cache_stats(c, &st);
    *from_list = st.generations_from_list;
    ddp_reader_cache_free(c);
    return ok;
}

static void test_list_present(void **state)
{
    (void)state;
    fixture f;
    build(&f, 7, 1);
    counting cn = {f.mem, ".00000007.ccc", 0, 0};
    uint64_t from_list = 0;
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, f.n);          /* every file's container, from the list */
    assert_int_equal(cn.other_stream_reads, 0);   /* no generation 1..6 probed */
    assert_int_equal(cn.list_reads, 2);        /* DedupFileList.1 once: header, entries */
    fixture_free(&f);
}

static void test_list_absent(void **state)
{
    (void)state;
    fixture f;
    build(&f, 3, 0);
    counting cn = {f.mem, ".00000003.ccc", 0, 0};
    uint64_t from_list = 0;
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, 0);
    assert_true(cn.other_stream_reads > 0);    /* generations 1, 2 probed */
    assert_int_equal(cn.list_reads, 2);        /* both copies tried, once per cache */
    fixture_free(&f);
}

static void test_list_damaged(void **state)
{
    (void)state;
    fixture f;
    char l1[200], l2[200];
    uint64_t from_list = 0;
    /* The first copy's header damaged: the second answers. */
    build(&f, 4, 1);
    store_file(&f, DDP_FILE_LIST_NAME_1, l1, sizeof l1);
    store_file(&f, DDP_FILE_LIST_NAME_2, l2, sizeof l2);
    flip(f.mem, l1, 0x08);
    counting cn = {f.mem, ".00000004.ccc", 0, 0};
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, f.n);
    assert_int_equal(cn.other_stream_reads, 0);
    fixture_free(&f);
    /* Both damaged: probing, as without a list. */
    build(&f, 4, 1);
    flip(f.mem, l1, 0x10);
    flip(f.mem, l2, 0x0F);
    cn = (counting){f.mem, ".00000004.ccc", 0, 0};
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, 0);
    assert_true(cn.other_stream_reads > 0);
    fixture_free(&f);
    /* Every entry of both copies damaged: the list is silent, probing decides. */
    build(&f, 4, 1);
    size_t len = 0;
    assert_non_null(ddp_sink_mem_get(f.mem, l1, &len));
    for (size_t at = DDP_FILE_LIST_HEADER_SIZE; at < len; at += DDP_FILE_LIST_ENTRY_SIZE) {
        flip(f.mem, l1, at + 0x20);
        flip(f.mem, l2, at + 0x20);
    }
    cn = (counting){f.mem, ".00000004.ccc", 0, 0};
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, 0);
    assert_true(cn.other_stream_reads > 0);
    fixture_free(&f);
}

/* Generation 1 of the store's stream container, taken from another store's past: its
 * Cthr agrees, so probing takes it (the reparse entries' hint in layout 0x0201 says 1),
 * and its stream maps fail their hashes. */
static void add_old_generation(fixture *f)
{
    assert_int_equal(fixture_put_old_generation(f->mem, NULL), 0);
}

static void test_two_generations(void **state)
{
    (void)state;
    fixture f;
    uint64_t from_list = 0;
    build(&f, 2, 1);
    assert_int_equal(fixture_count_containers(&f, "Stream"), 1);
    add_old_generation(&f);
    counting cn = {f.mem, ".00000002.ccc", 0, 0};
    assert_int_equal(open_all(&f, &cn, &from_list), f.n);
    assert_int_equal(from_list, f.n);
    fixture_free(&f);
    /* The same store without its list: the old generation is taken, no file opens. */
    build(&f, 2, 0);
    add_old_generation(&f);
    cn = (counting){f.mem, ".00000002.ccc", 0, 0};
    assert_int_equal(open_all(&f, &cn, &from_list), 0);
    assert_int_equal(from_list, 0);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_present),
        cmocka_unit_test(test_list_absent),
        cmocka_unit_test(test_list_damaged),
        cmocka_unit_test(test_two_generations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
