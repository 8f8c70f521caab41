/*
 * test_dir_backup.c - the directory store: case-insensitive paths, short reads at the
 * end of a file, missing files, the fd cache under pressure, plans, container lookup.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dir_backup.h"
#include "platform_test_util.h"

#define STORE_DIR "System Volume Information/Dedup/ChunkStore/{0A1B2C3D-0000-4000-8000-00000000ABCD}.ddp"
#define VOL_STORE_DIR "\\System Volume Information\\Dedup\\ChunkStore\\{0A1B2C3D-0000-4000-8000-00000000ABCD}.ddp"

typedef struct fixture {
    char *root;
    ddp_dir_backup *ds;
    ddp_backup store;
} fixture;

static void put(const char *root, const char *rel, const void *data, size_t len)
{
    char *p = join(root, rel);
    assert_int_equal(put_file(p, data, len), 0);
    free(p);
}

static int setup_with(void **state, int plan, unsigned open_files)
{
    fixture *f = calloc(1, sizeof *f);
    ddp_dir_backup_options opt = {plan, open_files};
    uint8_t data[1000];

    f->root = scratch_dir();
    fill_pattern(data, sizeof data, 1);
    put(f->root, STORE_DIR "/Data/00000001.00000001.ccc", data, sizeof data);
    put(f->root, STORE_DIR "/Stream/00010000.00000001.ccc", "one", 3);
    put(f->root, STORE_DIR "/Stream/00010000.00000003.ccc", "three", 5);
    put(f->root, STORE_DIR "/Stream/00010000.00000007.ccc.delete", "gone", 4);
    put(f->root, STORE_DIR "/Stream/00010000.0000000A.ccc.deleted", "gone", 4);
    put(f->root, STORE_DIR "/Stream/00020000.00000002.CCC", "two", 3);
    put(f->root, STORE_DIR "/Stream/00020000.00000009.cc", "bad", 3);
    assert_int_equal(ddp_dir_backup_open(f->root, &opt, &f->ds), DDP_OK);
    ddp_dir_backup_bind(f->ds, &f->store);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_with(state, 0, 0); }
static int setup_plan(void **state) { return setup_with(state, 1, 0); }
static int setup_two_fds(void **state) { return setup_with(state, 0, 2); }

static int teardown(void **state)
{
    fixture *f = *state;
    ddp_dir_backup_close(f->ds);
    scratch_remove(f->root);
    free(f->root);
    free(f);
    return 0;
}

static void test_exact_and_case_insensitive(void **state)
{
    fixture *f = *state;
    uint8_t want[1000], buf[1000];
    uint32_t got = 0;

    fill_pattern(want, sizeof want, 1);
    assert_int_equal(f->store.read(f->store.ctx, VOL_STORE_DIR "\\Data\\00000001.00000001.ccc", 0, 1000, buf, &got), 0);
    assert_int_equal(got, 1000);
    assert_memory_equal(buf, want, 1000);
    memset(buf, 0, sizeof buf);
    assert_int_equal(f->store.read(f->store.ctx,
                                   "\\SYSTEM VOLUME INFORMATION\\dedup\\chunkstore\\{0a1b2c3d-0000-4000-8000-00000000abcd}.DDP"
                                   "\\data\\00000001.00000001.CCC",
                                   100, 50, buf, &got), 0);
    assert_int_equal(got, 50);
    assert_memory_equal(buf, want + 100, 50);
}

static void test_short_read_at_end(void **state)
{
    fixture *f = *state;
    uint8_t want[1000], buf[64];
    uint32_t got = 99;

    fill_pattern(want, sizeof want, 1);
    assert_int_equal(f->store.read(f->store.ctx, VOL_STORE_DIR "\\Data\\00000001.00000001.ccc", 980, 64, buf, &got), 0);
    assert_int_equal(got, 20);
    assert_memory_equal(buf, want + 980, 20);
    assert_int_equal(f->store.read(f->store.ctx, VOL_STORE_DIR "\\Data\\00000001.00000001.ccc", 5000, 64, buf, &got), 0);
    assert_int_equal(got, 0);
}

static void test_missing(void **state)
{
    fixture *f = *state;
    uint8_t buf[8];
    uint32_t got = 5;

    assert_int_equal(f->store.read(f->store.ctx, VOL_STORE_DIR "\\Data\\00000002.00000001.ccc", 0, 8, buf, &got),
                     DDP_HR_FILE_NOT_FOUND);
    assert_int_equal(got, 0);
    assert_int_equal(f->store.read(f->store.ctx, "\\No Such Folder\\x.ccc", 0, 8, buf, &got), DDP_HR_FILE_NOT_FOUND);
    /* A folder is not a container; ".." never leaves the root. */
    assert_int_equal(f->store.read(f->store.ctx, VOL_STORE_DIR "\\Data", 0, 8, buf, &got), DDP_HR_FILE_NOT_FOUND);
    assert_int_equal(f->store.read(f->store.ctx, "\\..\\etc\\passwd", 0, 8, buf, &got), DDP_HR_FILE_NOT_FOUND);
    {
        ddp_read_extent r = {8, 0};
        assert_int_equal(f->store.preview(f->store.ctx, "\\missing.ccc", 1, &r), DDP_HR_FILE_NOT_FOUND);
        assert_int_equal(f->store.preview(f->store.ctx, VOL_STORE_DIR "\\Data\\00000001.00000001.ccc", 1, &r), 0);
    }
}

static void test_find_container_highest_generation(void **state)
{
    fixture *f = *state;
    char *path = NULL;

    assert_int_equal(f->store.find_container(f->store.ctx, VOL_STORE_DIR "\\Stream", 0x10000, &path), 0);
    assert_string_equal(path, VOL_STORE_DIR "\\Stream\\00010000.00000003.ccc");
    free(path);
    assert_int_equal(f->store.find_container(f->store.ctx, "\\system volume information\\dedup\\chunkstore\\"
                                             "{0A1B2C3D-0000-4000-8000-00000000ABCD}.ddp\\STREAM\\",
                                             0x20000, &path), 0);
    assert_non_null(strstr(path, "00020000.00000002.CCC"));
    free(path);
    path = (char *)1;
    assert_int_equal(f->store.find_container(f->store.ctx, VOL_STORE_DIR "\\Stream", 0x30000, &path), 1);
    assert_null(path);
    assert_int_equal(f->store.find_container(f->store.ctx, VOL_STORE_DIR "\\Nowhere", 0x10000, &path), 1);
    assert_null(path);
}

static void test_no_plan_by_default(void **state)
{
    fixture *f = *state;
    const char *paths[2] = {"\\b", "\\a"};
    ddp_plan_extent *plan = (ddp_plan_extent *)1;
    uint32_t entries = 7;

    assert_int_equal(f->store.order(f->store.ctx, 2, paths, &plan, &entries), 0);
    assert_null(plan);
    assert_int_equal(entries, 0);
}

static void test_plan_sorted_whole_files(void **state)
{
    fixture *f = *state;
    const char *paths[3] = {"\\c\\2.ccc", "\\a\\9.ccc", "\\b\\1.ccc"};
    ddp_plan_extent *plan = NULL;
    uint32_t entries = 0;

    assert_int_equal(f->store.order(f->store.ctx, 3, paths, &plan, &entries), 0);
    assert_int_equal(entries, 3);
    assert_int_equal(plan[0].container_index, 1);
    assert_int_equal(plan[1].container_index, 2);
    assert_int_equal(plan[2].container_index, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(plan[i].start, 0);
        assert_true(plan[i].length == INT64_MAX);
    }
    f->store.free_plan(f->store.ctx, plan);
}

/* Five files through a cache of two fds, interleaved: every read still right. */
static void test_fd_cache_pressure(void **state)
{
    fixture *f = *state;
    char rel[128], vol[128];
    uint8_t want[5][64], buf[16];
    uint32_t got;

    for (int i = 0; i < 5; i++) {
        fill_pattern(want[i], 64, 100 + (uint32_t)i);
        snprintf(rel, sizeof rel, "Backup/f%d.bin", i);
        put(f->root, rel, want[i], 64);
    }
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 5; i++) {
            snprintf(vol, sizeof vol, "\\backup\\F%d.BIN", i);
            assert_int_equal(f->store.read(f->store.ctx, vol, (uint64_t)round * 16, 16, buf, &got), 0);
            assert_int_equal(got, 16);
            assert_memory_equal(buf, want[i] + round * 16, 16);
        }
    }
}

static void test_open_rejects_non_folder(void **state)
{
    ddp_dir_backup *ds = (ddp_dir_backup *)1;
    (void)state;
    assert_int_equal(ddp_dir_backup_open("/nonexistent/ddp-root", NULL, &ds), DDP_ERR_NOT_FOUND);
    assert_null(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_and_case_insensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_read_at_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_container_highest_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_plan_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_sorted_whole_files, setup_plan, teardown),
        cmocka_unit_test_setup_teardown(test_fd_cache_pressure, setup_two_fds, teardown),
        cmocka_unit_test(test_open_rejects_non_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
