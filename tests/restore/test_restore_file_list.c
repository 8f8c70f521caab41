/*
 * test_restore_file_list.c - the stream container generation from DedupFileList
 * (FORMAT.md §2.1): the list present (one probe, no other way tried), absent (probing as
 * before), damaged (the second copy, then probing), disagreeing with the files (falls
 * back), and a store holding two generations of one container, where only the list
 * leads to the right one. Each outcome is checked byte for byte and in the statistics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/file_list.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

static const size_t sizes4[4] = {100000, 250000, 70000, 100000};
static const int dup4[4] = {-1, -1, -1, 0};

typedef struct run {
    fixture f;
    fake_backup m;
    fake_target t;
    int32_t hr;
    ddp_file_result res[8];
    ddp_restore_stats st;
} run;

/* "\...\{GUID}.ddp\<name>" for the fixture's store. */
static void store_file(const fixture *f, const char *name, char *out, size_t cap)
{
    assert_int_equal(fixture_store_file(f, name, out, cap), 0);
}

static void damage(fake_backup *m, const char *path, uint64_t offset, uint8_t mask)
{
    assert_int_equal(fake_backup_xor(m, path, offset, mask), 0);
}

static void build(run *r, uint16_t layout, uint32_t stream_generation, int file_list)
{
    ddp_store_builder_options opt;
    memset(r, 0, sizeof *r);
    fixture_options(&opt, layout);
    opt.stream_generation = stream_generation;
    opt.file_list = file_list;
    assert_int_equal(fixture_build(&r->f, &opt, 4, sizes4, dup4), 0);
    fixture_backup(&r->m, r->f.mem);
}

static void restore(run *r)
{
    fixture_target(&r->f, &r->t);
    r->hr = fixture_restore(&r->m, &r->t, NULL, r->res, &r->st);
}

static void assert_restored(const run *r)
{
    assert_int_equal(r->hr, DDP_S_OK);
    for (uint32_t i = 0; i < r->f.n; i++) {
        if (r->res[i].hr != DDP_S_OK)
            fail_msg("file %u: 0x%08x %s", i, (unsigned)r->res[i].hr, r->res[i].message);
        assert_true(fixture_restored(&r->f, &r->t, i));
    }
}

static uint32_t stream_probes(const fake_backup *m)
{
    uint32_t n = 0;
    for (size_t i = 0; i < m->n_log; i++) {
        const fake_call *c = &m->log[i];
        n += c->kind == FAKE_READ && fake_is_stream_path(c->path) && c->offset == 0 && c->size == 0x40;
    }
    return n;
}

static void done(run *r)
{
    fake_backup_free(&r->m);
    fake_target_free(&r->t);
    fixture_free(&r->f);
}

/* Replaces a stored file's bytes (same length), or adds the file: in the mem store and
 * in the fake backup read from it. */
static void overwrite(run *r, const char *path, const uint8_t *bytes, size_t len)
{
    ddp_sink sink;
    void *h = NULL;
    assert_int_equal(fake_backup_put(&r->m, path, bytes, len), 0);
    ddp_sink_mem_sink(r->f.mem, &sink);
    assert_int_equal(sink.open(sink.ctx, path, &h), DDP_OK);
    assert_int_equal(sink.pwrite(sink.ctx, h, 0, bytes, len), DDP_OK);
    assert_int_equal(sink.close(sink.ctx, h), DDP_OK);
}

static void test_list_present(void **state)
{
    (void)state;
    run r;
    build(&r, DDP_LAYOUT_0102, 7, 1);
    r.m.with_find = 1;   /* offered, but the list answers first */
    restore(&r);
    assert_restored(&r);
    uint32_t streams = fixture_count_containers(&r.f, "Stream");
    assert_int_equal(r.st.generations_from_list, streams);
    assert_int_equal(r.st.generations_from_directory, 0);
    assert_int_equal(r.st.generations_probed, 0);
    assert_int_equal(r.st.list_disagreed, 0);
    assert_int_equal(r.m.count[FAKE_FIND], 0);
    assert_int_equal(stream_probes(&r.m), streams);
    /* Only DedupFileList.1 was read (header, then entries). */
    for (size_t i = 0; i < r.m.n_log; i++)
        if (r.m.log[i].kind == FAKE_READ)
            assert_null(strstr(r.m.log[i].path, "DedupFileList.2"));
    done(&r);
}

static void test_list_absent(void **state)
{
    (void)state;
    run r;
    build(&r, DDP_LAYOUT_0201, 3, 0);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.generations_from_list, 0);
    assert_int_equal(r.st.generations_probed, fixture_count_containers(&r.f, "Stream"));
    assert_int_equal(r.st.file_lists_damaged, 0);
    done(&r);
}

static void test_list_damaged(void **state)
{
    (void)state;
    run r;
    char l1[200], l2[200];
    /* The first copy's header damaged: the second copy answers. */
    build(&r, DDP_LAYOUT_0103, 2, 1);
    store_file(&r.f, DDP_FILE_LIST_NAME_1, l1, sizeof l1);
    store_file(&r.f, DDP_FILE_LIST_NAME_2, l2, sizeof l2);
    damage(&r.m, l1, 0x08, 0x40);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.file_lists_damaged, 1);
    assert_int_equal(r.st.generations_from_list, fixture_count_containers(&r.f, "Stream"));
    done(&r);
    /* Both headers damaged: probing, as without a list. */
    build(&r, DDP_LAYOUT_0103, 2, 1);
    damage(&r.m, l1, 0x10, 0x01);
    damage(&r.m, l2, 0x0F, 0x80);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.file_lists_damaged, 2);
    assert_int_equal(r.st.generations_from_list, 0);
    assert_int_equal(r.st.generations_probed, fixture_count_containers(&r.f, "Stream"));
    done(&r);
    /* Every entry damaged (the header sound): the list is silent, probing decides. */
    build(&r, DDP_LAYOUT_0103, 2, 1);
    size_t len = 0;
    assert_non_null(ddp_sink_mem_get(r.f.mem, l1, &len));
    for (size_t at = DDP_FILE_LIST_HEADER_SIZE; at < len; at += DDP_FILE_LIST_ENTRY_SIZE)
        damage(&r.m, l1, at + 0x20, 0x04);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.file_lists_damaged, 0);
    assert_int_equal(r.st.generations_from_list, 0);
    assert_int_equal(r.st.generations_probed, fixture_count_containers(&r.f, "Stream"));
    done(&r);
    /* A list cut short: its header says more entries than it holds. */
    build(&r, DDP_LAYOUT_0103, 2, 1);
    r.m.short_read = 0;
    assert_int_equal(fake_backup_truncate(&r.m, l1, DDP_FILE_LIST_HEADER_SIZE + DDP_FILE_LIST_ENTRY_SIZE - 1), 0);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.generations_from_list, 0);
    assert_int_equal(r.st.generations_probed, fixture_count_containers(&r.f, "Stream"));
    done(&r);
}

/* The list names generation 5; the backup holds generation 2 only: found by probing. */
static void test_list_disagrees(void **state)
{
    (void)state;
    run r;
    char l1[200];
    build(&r, DDP_LAYOUT_0201, 2, 1);
    store_file(&r.f, DDP_FILE_LIST_NAME_1, l1, sizeof l1);
    size_t len = 0;
    const uint8_t *list = ddp_sink_mem_get(r.f.mem, l1, &len);
    assert_non_null(list);
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, list, len);
    const char **paths = calloc(len / DDP_FILE_LIST_ENTRY_SIZE, sizeof *paths);
    char (*names)[DDP_FILE_LIST_PATH_MAX] = calloc(len / DDP_FILE_LIST_ENTRY_SIZE, sizeof *names);
    assert_true(paths && names);
    size_t n = 0;
    for (size_t at = DDP_FILE_LIST_HEADER_SIZE; at + DDP_FILE_LIST_ENTRY_SIZE <= len; at += DDP_FILE_LIST_ENTRY_SIZE) {
        ddp_file_list_entry e;
        assert_int_equal(ddp_file_list_entry_parse(copy + at, DDP_FILE_LIST_ENTRY_SIZE, &e, NULL), DDP_OK);
        if (e.kind == DDP_FILE_LIST_STREAM)
            snprintf(names[n], sizeof names[n], "Stream\\%08x.00000005.ccc", (unsigned)e.container_id);
        else
            memcpy(names[n], e.path, sizeof e.path);
        paths[n] = names[n];
        n++;
    }
    size_t out_len = 0;
    assert_int_equal(ddp_file_list_build(paths, n, copy, len, &out_len), DDP_OK);
    assert_int_equal(out_len, len);
    overwrite(&r, l1, copy, len);
    restore(&r);
    assert_restored(&r);
    uint32_t streams = fixture_count_containers(&r.f, "Stream");
    assert_int_equal(r.st.list_disagreed, streams);
    assert_int_equal(r.st.generations_from_list, 0);
    assert_int_equal(r.st.generations_probed, streams);
    free(copy);
    free(paths);
    free(names);
    done(&r);
}

/*
 * Two generations of one stream container: generation 2 (the live one, named by the
 * list) and a generation 1 from another store's past. Probing takes generation 1 (the
 * reparse entry's hint in layout 0x0201 says 1) and its stream maps fail their hashes;
 * the list leads to generation 2.
 */
static void add_old_generation(run *r)
{
    const char *path = NULL;
    size_t len = 0;
    assert_int_equal(fixture_put_old_generation(r->f.mem, &path), 0);
    const uint8_t *bytes = ddp_sink_mem_get(r->f.mem, path, &len);
    assert_int_equal(fake_backup_put(&r->m, path, bytes, len), 0);
}

static void test_two_generations(void **state)
{
    (void)state;
    run r;
    build(&r, DDP_LAYOUT_0201, 2, 1);
    assert_int_equal(fixture_count_containers(&r.f, "Stream"), 1);
    add_old_generation(&r);
    restore(&r);
    assert_restored(&r);
    assert_int_equal(r.st.generations_from_list, 1);
    done(&r);
    /* The same store without its list: the old generation is taken and nothing restores. */
    build(&r, DDP_LAYOUT_0201, 2, 0);
    add_old_generation(&r);
    restore(&r);
    assert_int_equal(r.st.generations_probed, 1);
    for (uint32_t i = 0; i < r.f.n; i++)
        assert_int_not_equal(r.res[i].hr, DDP_S_OK);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_present),
        cmocka_unit_test(test_list_absent),
        cmocka_unit_test(test_list_damaged),
        cmocka_unit_test(test_list_disagrees),
        cmocka_unit_test(test_two_generations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
