/* test_file_list.c - DedupFileList.1/.2 (FORMAT.md §2.1): the list of the real 2025 volume
 * rebuilt byte for byte from its description, both CRC-64 variants, damaged and truncated
 * headers and entries, malformed paths, and the generation lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/crc.h"
#include "ddp/file_list.h"
#include "ddp/le.h"

static const char *const real_paths[2] = {"Data\\00000001.00000001.ccc", "Stream\\00010000.00000001.ccc"};

/* The real list as FORMAT.md §2.1 describes it, written here field by field (576 bytes). */
static void real_list(uint8_t out[576])
{
    memset(out, 0, 576);
    out[0] = 1;
    out[1] = 1;
    out[8] = 2;
    ddp_put64(out + 0x10, ddp_crc64_nvme(out, 0x10));
    for (int i = 0; i < 2; i++) {
        uint8_t *e = out + 0x40 + 0x100 * i;
        for (size_t k = 0; k < strlen(real_paths[i]); k++)
            e[0x10 + 2 * k] = (uint8_t)real_paths[i][k];
        ddp_put64(e, ddp_crc64_nvme(e + 8, 0xF8));
    }
}

static void test_build_matches_real_layout(void **state)
{
    (void)state;
    uint8_t want[576], got[576];
    size_t len = 0;
    real_list(want);
    assert_int_equal(ddp_file_list_build(real_paths, 2, got, sizeof got, &len), DDP_OK);
    assert_int_equal(len, 576);
    assert_memory_equal(got, want, 576);
    assert_int_equal(ddp_file_list_build(real_paths, 2, got, 575, &len), DDP_ERR_TRUNCATED);
    assert_int_equal(len, 576);
}

static void test_parse_real(void **state)
{
    (void)state;
    uint8_t b[576];
    real_list(b);
    ddp_file_list_header h;
    assert_int_equal(ddp_file_list_header_parse(b, sizeof b, &h, NULL), DDP_OK);
    assert_int_equal(h.count, 2);
    assert_int_equal(h.crc_match, DDP_CRC64_NVME);
    assert_int_equal(h.version[0], 1);
    assert_int_equal(h.version[1], 1);
    ddp_file_list_entry e;
    assert_int_equal(ddp_file_list_entry_parse(b + 0x40, 0x100, &e, NULL), DDP_OK);
    assert_string_equal(e.path, "Data\\00000001.00000001.ccc");
    assert_int_equal(e.kind, DDP_FILE_LIST_DATA);
    assert_true(e.is_container);
    assert_int_equal(e.container_id, 1);
    assert_int_equal(e.generation, 1);
    assert_int_equal(e.crc_match, DDP_CRC64_NVME);
    assert_int_equal(ddp_file_list_entry_parse(b + 0x140, 0x100, &e, NULL), DDP_OK);
    assert_int_equal(e.kind, DDP_FILE_LIST_STREAM);
    assert_int_equal(e.container_id, 0x10000);
    assert_int_equal(e.generation, 1);
    uint32_t gen = 0, skipped = 9;
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 0x10000, &gen, &skipped),
                     DDP_FILE_LIST_FOUND);
    assert_int_equal(gen, 1);
    assert_int_equal(skipped, 0);
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 0x20000, &gen, NULL),
                     DDP_FILE_LIST_SILENT);
    /* A Data entry does not answer for a Stream id. */
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 1, &gen, NULL), DDP_FILE_LIST_SILENT);
}

static void test_zero_init_variant_accepted(void **state)
{
    (void)state;
    uint8_t b[576];
    real_list(b);
    ddp_put64(b + 0x10, ddp_crc64_zero_init(b, 0x10));
    ddp_put64(b + 0x140, ddp_crc64_zero_init(b + 0x148, 0xF8));
    ddp_file_list_header h;
    ddp_file_list_entry e;
    assert_int_equal(ddp_file_list_header_parse(b, sizeof b, &h, NULL), DDP_OK);
    assert_int_equal(h.crc_match, DDP_CRC64_ZERO_INIT);
    assert_int_equal(ddp_file_list_entry_parse(b + 0x140, 0x100, &e, NULL), DDP_OK);
    assert_int_equal(e.crc_match, DDP_CRC64_ZERO_INIT);
}

static void test_damaged(void **state)
{
    (void)state;
    uint8_t b[576];
    ddp_file_list_header h;
    ddp_file_list_entry e;
    ddp_diag d = {0, NULL};
    uint32_t gen = 7, skipped = 0;
    real_list(b);
    b[0x08] ^= 0x04;   /* count changed: header CRC fails */
    assert_int_equal(ddp_file_list_header_parse(b, sizeof b, &h, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, 0x10);
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 0x10000, &gen, NULL),
                     DDP_FILE_LIST_DAMAGED);
    assert_int_equal(gen, 0);
    /* Bytes past +0x10 of the header are not covered: a change there is no damage. */
    real_list(b);
    b[0x30] = 0x55;
    assert_int_equal(ddp_file_list_header_parse(b, sizeof b, &h, NULL), DDP_OK);
    /* A damaged entry is skipped; the others still answer. */
    real_list(b);
    b[0x140 + 0x10 + 2 * 14] ^= 1;   /* Stream\00010000.0000000[1] -> 0 */
    assert_int_equal(ddp_file_list_entry_parse(b + 0x140, 0x100, &e, &d), DDP_ERR_CRC);
    assert_int_equal(d.offset, 0);
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 0x10000, &gen, &skipped),
                     DDP_FILE_LIST_SILENT);
    assert_int_equal(skipped, 1);
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_DATA, 1, &gen, &skipped), DDP_FILE_LIST_FOUND);
    /* An entry count above the bound. */
    real_list(b);
    ddp_put64(b + 0x08, (uint64_t)DDP_FILE_LIST_MAX_ENTRIES + 1);
    ddp_put64(b + 0x10, ddp_crc64_nvme(b, 0x10));
    assert_int_equal(ddp_file_list_header_parse(b, sizeof b, &h, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x08);
    assert_int_equal(ddp_file_list_find(b, sizeof b, DDP_FILE_LIST_STREAM, 0x10000, &gen, NULL),
                     DDP_FILE_LIST_DAMAGED);
}

static void test_truncated(void **state)
{
    (void)state;
    uint8_t b[576];
    real_list(b);
    ddp_file_list_header h;
    ddp_file_list_entry e;
    for (size_t n = 0; n < 0x40; n++) {
        uint8_t *t = malloc(n ? n : 1);
        assert_non_null(t);
        memcpy(t, b, n);
        assert_int_equal(ddp_file_list_header_parse(t, n, &h, NULL), DDP_ERR_TRUNCATED);
        assert_int_equal(ddp_file_list_find(t, n, DDP_FILE_LIST_STREAM, 0x10000, NULL, NULL), DDP_FILE_LIST_DAMAGED);
        free(t);
    }
    for (size_t n = 0; n < 0x100; n++) {
        uint8_t *t = malloc(n ? n : 1);
        assert_non_null(t);
        memcpy(t, b + 0x40, n);
        assert_int_equal(ddp_file_list_entry_parse(t, n, &e, NULL), DDP_ERR_TRUNCATED);
        free(t);
    }
    /* A list cut inside its second entry: the first still answers, the second is skipped
     * (the lookup never reads past len: ASan checks the exact-size copy). */
    for (size_t n = 0x140; n < 576; n++) {
        uint8_t *t = malloc(n);
        assert_non_null(t);
        memcpy(t, b, n);
        uint32_t skipped = 0;
        assert_int_equal(ddp_file_list_find(t, n, DDP_FILE_LIST_DATA, 1, NULL, &skipped), DDP_FILE_LIST_FOUND);
        assert_int_equal(ddp_file_list_find(t, n, DDP_FILE_LIST_STREAM, 0x10000, NULL, NULL), DDP_FILE_LIST_SILENT);
        assert_int_equal(skipped, 1);
        free(t);
    }
}

static void test_paths(void **state)
{
    (void)state;
    uint8_t e[0x100];
    ddp_file_list_entry out;
    ddp_diag d = {0, NULL};
    /* No NUL in 120 units. */
    for (int i = 0; i < 120; i++)
        ddp_put16(e + 0x10 + 2 * i, 'a');
    memset(e + 8, 0, 8);
    ddp_put64(e, ddp_crc64_nvme(e + 8, 0xF8));
    assert_int_equal(ddp_file_list_entry_parse(e, sizeof e, &out, &d), DDP_ERR_RANGE);
    assert_int_equal(d.offset, 0x10);
    assert_string_equal(out.path, "");
    /* An unpaired low surrogate, then a valid pair and a lone high surrogate at the end. */
    memset(e, 0, sizeof e);
    ddp_put16(e + 0x10, 'S');
    ddp_put16(e + 0x12, 0xDC00);
    ddp_put64(e, ddp_crc64_nvme(e + 8, 0xF8));
    assert_int_equal(ddp_file_list_entry_parse(e, sizeof e, &out, NULL), DDP_ERR_RANGE);
    memset(e, 0, sizeof e);
    ddp_put16(e + 0x10, 0xD83D);
    ddp_put16(e + 0x12, 0xDE00);
    ddp_put16(e + 0x14, 0x00E9);
    ddp_put64(e, ddp_crc64_nvme(e + 8, 0xF8));
    assert_int_equal(ddp_file_list_entry_parse(e, sizeof e, &out, NULL), DDP_OK);
    assert_string_equal(out.path, "\xF0\x9F\x98\x80\xC3\xA9");
    assert_int_equal(out.kind, DDP_FILE_LIST_OTHER);
    memset(e, 0, sizeof e);
    for (int i = 0; i < 120; i++)
        ddp_put16(e + 0x10 + 2 * i, 0x4E2D);   /* 119 x 3 bytes would overflow a naive buffer; 120th breaks */
    ddp_put16(e + 0x10 + 2 * 119, 0xD800);
    ddp_put64(e, ddp_crc64_nvme(e + 8, 0xF8));
    assert_int_equal(ddp_file_list_entry_parse(e, sizeof e, &out, NULL), DDP_ERR_RANGE);
    /* Case and "delete" names: a deleted container is listed but not a container. */
    const char *paths[3] = {"stream\\00020000.0000000A.CCC", "Stream\\00030000.00000001.delete.ccc", "stamp.dat"};
    uint8_t b[0x40 + 3 * 0x100];
    size_t len;
    assert_int_equal(ddp_file_list_build(paths, 3, b, sizeof b, &len), DDP_OK);
    assert_int_equal(ddp_file_list_entry_parse(b + 0x40, 0x100, &out, NULL), DDP_OK);
    assert_int_equal(out.kind, DDP_FILE_LIST_STREAM);
    assert_true(out.is_container);
    assert_int_equal(out.generation, 10);
    assert_int_equal(ddp_file_list_entry_parse(b + 0x140, 0x100, &out, NULL), DDP_OK);
    assert_false(out.is_container);
    assert_int_equal(ddp_file_list_entry_parse(b + 0x240, 0x100, &out, NULL), DDP_OK);
    assert_int_equal(out.kind, DDP_FILE_LIST_OTHER);
    assert_int_equal(ddp_file_list_find(b, len, DDP_FILE_LIST_STREAM, 0x30000, NULL, NULL), DDP_FILE_LIST_SILENT);
}

static void test_ambiguous_and_build_errors(void **state)
{
    (void)state;
    const char *paths[2] = {"Stream\\00010000.00000001.ccc", "Stream\\00010000.00000002.ccc"};
    uint8_t b[0x240];
    size_t len;
    uint32_t gen = 5;
    assert_int_equal(ddp_file_list_build(paths, 2, b, sizeof b, &len), DDP_OK);
    assert_int_equal(ddp_file_list_find(b, len, DDP_FILE_LIST_STREAM, 0x10000, &gen, NULL), DDP_FILE_LIST_AMBIGUOUS);
    assert_int_equal(gen, 0);
    /* The same generation listed twice is still one answer. */
    paths[1] = paths[0];
    assert_int_equal(ddp_file_list_build(paths, 2, b, sizeof b, &len), DDP_OK);
    assert_int_equal(ddp_file_list_find(b, len, DDP_FILE_LIST_STREAM, 0x10000, &gen, NULL), DDP_FILE_LIST_FOUND);
    char longest[121];
    memset(longest, 'x', 120);
    longest[120] = '\0';
    const char *bad[1] = {longest};
    assert_int_equal(ddp_file_list_build(bad, 1, b, sizeof b, &len), DDP_ERR_RANGE);
    longest[119] = '\0';
    assert_int_equal(ddp_file_list_build(bad, 1, b, sizeof b, &len), DDP_OK);
    const char *accent[1] = {"Data\\\xC3\xA9"};
    assert_int_equal(ddp_file_list_build(accent, 1, b, sizeof b, &len), DDP_ERR_RANGE);
    assert_int_equal(ddp_file_list_build(NULL, 0, b, sizeof b, &len), DDP_OK);
    assert_int_equal(len, 0x40);
    ddp_file_list_header h;
    assert_int_equal(ddp_file_list_header_parse(b, len, &h, NULL), DDP_OK);
    assert_int_equal(h.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_matches_real_layout),
        cmocka_unit_test(test_parse_real),
        cmocka_unit_test(test_zero_init_variant_accepted),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_ambiguous_and_build_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
