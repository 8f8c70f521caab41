/*
 * test_restore_scale.c - 10,000 files in one call (the API's maximum): every file
 * restored byte for byte, shared content read once, two order calls, every read
 * previewed, and reads streamed (far fewer read calls than records, at most 1.1 reads
 * per coalesced run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

#define N_FILES 10000u

static void test_ten_thousand_files(void **state)
{
    (void)state;
    size_t *sizes = malloc(N_FILES * sizeof *sizes);
    int *dup = malloc(N_FILES * sizeof *dup);
    for (uint32_t i = 0; i < N_FILES; i++) {
        sizes[i] = 700 + (i % 97) * 13;
        dup[i] = (i % 10 == 9) ? (int)(i - 9) : -1;   /* every tenth file repeats another */
        if (dup[i] >= 0)
            sizes[i] = sizes[i - 9];
    }
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.container_limit = 4u << 20;
    assert_int_equal(fixture_build(&f, &opt, N_FILES, sizes, dup), 0);
    fixture_backup(&m, f.mem);
    fixture_target(&f, &t);
    ddp_file_result *res = calloc(N_FILES, sizeof *res);
    ddp_restore_stats st;
    assert_int_equal(fixture_restore(&m, &t, NULL, res, &st), DDP_S_OK);
    for (uint32_t i = 0; i < N_FILES; i++) {
        if (res[i].hr != DDP_S_OK)
            fail_msg("file %u: 0x%08x %s", i, (unsigned)res[i].hr, res[i].message);
        assert_true(fixture_restored(&f, &t, i));
    }
    assert_int_equal(t.violations, 0);
    assert_int_equal(st.chunks_read, f.stats.unique_chunks);
    assert_true(st.chunks_read < N_FILES);
    assert_int_equal(st.order_calls, 2);
    char why[256] = "";
    if (check_order_calls(&m, why, sizeof why) || check_previews(&m, why, sizeof why))
        fail_msg("%s", why);
    /* streamed: far fewer reads than records, about one read per coalesced run (reads of
     * the absent DedupFileList copies are not runs) */
    uint64_t list_reads = 0;
    for (size_t i = 0; i < m.n_log; i++)
        list_reads += m.log[i].kind == FAKE_READ && strstr(m.log[i].path, "DedupFileList") != NULL;
    assert_int_equal(list_reads, 2);
    assert_true(st.read_calls < N_FILES / 10);
    assert_true(st.coalesced_runs > 0);
    if ((st.read_calls - list_reads) * 10 > st.coalesced_runs * 11)
        fail_msg("%llu reads for %llu coalesced runs", (unsigned long long)(st.read_calls - list_reads),
                 (unsigned long long)st.coalesced_runs);
    free(res);
    free(sizes);
    free(dup);
    fake_backup_free(&m);
    fake_target_free(&t);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
