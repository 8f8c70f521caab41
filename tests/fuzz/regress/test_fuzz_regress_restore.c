/*
 * test_fuzz_regress_restore.c - replays the inputs fuzz_restore found through the same
 * harness code (fuzz_restore.c, built with DDP_FUZZ_REPLAY so that a broken invariant
 * fails the test instead of aborting). Runs in every build, native and under Wine.
 *
 * The inputs address bytes of the harness's sample stores; those are built by the store
 * builder, so an input keeps its meaning as long as the builder writes the same bytes
 * (it is deterministic; a change of its output changes what an old input damages).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fuzz_check.h"

void fuzz_replay_fail(const char *file, int line, const char *what)
{
    fail_msg("%s:%d: %s", file, line, what);
}

/* 2026-11-22: store 0 (layout 0x0201), the public sample's plan, reads of at most 2 KiB,
 * one byte of Data\00000003 flipped (xor 0x60): file 3 (a copy of file 0) came back
 * S_OK with content differing from the original (engine of that morning). */
static const uint8_t restore_wrong_content_1[] = {
    0x00, 0x08, 0x00, 0x21, 0x04, 0x01, 0x96, 0x1b, 0x60, 0x04, 0x45, 0x45, 0x73,
    0x69, 0x2e, 0x64, 0x60, 0x2e, 0x64, 0x64, 0x70, 0x5c, 0x7a, 0x45, 0x45};

static void test_restore_wrong_content_1(void **state)
{
    (void)state;
    LLVMFuzzerTestOneInput(restore_wrong_content_1, sizeof restore_wrong_content_1);
}

/* 2026-11-22: store 0 (layout 0x0201), 4 KiB reads that claim 121 bytes more than asked,
 * four bytes of two Data containers changed: file 0 came back S_OK with content
 * differing from the original (engine of 04:27, which accepted over-long reads). */
static const uint8_t restore_wrong_content_2[] = {
    0x04, 0x00, 0xf8, 0x04, 0x00, 0xf8, 0x00, 0x02, 0xff, 0xa3, 0x4b, 0x07, 0x00,
    0xb0, 0x62, 0xff, 0xff, 0x04, 0x76, 0x00, 0x02, 0xff, 0xa3, 0x00, 0x00, 0x62,
    0xb0, 0x07, 0x4b, 0xff, 0x02, 0xff, 0xff, 0x04, 0x76, 0x00, 0x00, 0x00};

static void test_restore_wrong_content_2(void **state)
{
    (void)state;
    LLVMFuzzerTestOneInput(restore_wrong_content_2, sizeof restore_wrong_content_2);
}

/* 2026-11-22: store 0 (layout 0x0201), no plan callback, order and preview present,
 * five bytes of Data\00000001 and Data\00000003 changed: file 0 came back S_OK with
 * content differing from the original (engine of 04:42: a chunk read before the hash
 * algorithm was known and matching neither candidate was written, and its file later
 * finished). */
static const uint8_t restore_wrong_content_3[] = {
    0x00, 0xe1, 0xc3, 0x33, 0x01, 0x03, 0x00, 0x00, 0x37, 0xbe, 0x20, 0xa3, 0x68, 0xbe, 0x20,
    0x04, 0x68, 0x00, 0x00, 0x00, 0x00, 0x3f, 0xbe, 0x20, 0xa3, 0x47, 0xbe, 0x20, 0x04, 0x44,
    0xfe, 0xff, 0xff, 0xff, 0x44, 0x44, 0x68, 0xa3, 0x00, 0x00, 0x00, 0xbe, 0x20, 0x00, 0x8a};

static void test_restore_wrong_content_3(void **state)
{
    (void)state;
    LLVMFuzzerTestOneInput(restore_wrong_content_3, sizeof restore_wrong_content_3);
}

/* Hand-made: every byte of the header set, hostile plan from the remaining bytes
 * (negative and huge offsets, indexes past the container count), reads reporting more
 * than asked. */
static const uint8_t restore_hostile_plan[] = {
    0x3D, 0x0E, 0x00, 0x00, 0x01, 0xFF, 0xFF,
    0xF5, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x80,
    0x02, 0x00, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0xFF,
    0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
    0x01, 0x00, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00};

static void test_restore_hostile_plan(void **state)
{
    (void)state;
    LLVMFuzzerTestOneInput(restore_hostile_plan, sizeof restore_hostile_plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restore_wrong_content_1),
        cmocka_unit_test(test_restore_wrong_content_2),
        cmocka_unit_test(test_restore_wrong_content_3),
        cmocka_unit_test(test_restore_hostile_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
