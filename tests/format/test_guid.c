/* test_guid.c - GUID text in Windows byte order, and container file names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/reparse.h"

/* The bytes of the Server 2012 sample (FORMAT.md §1.3). */
static const uint8_t sample[16] = {0xcb, 0xeb, 0xc5, 0x00, 0x6a, 0x97, 0x63, 0x4d,
                                   0x97, 0x9c, 0x13, 0x0c, 0x41, 0x8e, 0xed, 0x8b};

static void test_format(void **state)
{
    (void)state;
    char s[39];
    memset(s, 'x', sizeof s);
    ddp_guid_format(sample, s);
    assert_string_equal(s, "{00C5EBCB-976A-4D63-979C-130C418EED8B}");
    assert_int_equal(strlen(s), 38);
}

static void test_parse_forms(void **state)
{
    (void)state;
    uint8_t g[16];
    assert_int_equal(ddp_guid_parse("{00C5EBCB-976A-4D63-979C-130C418EED8B}", g), 0);
    assert_memory_equal(g, sample, 16);
    memset(g, 0, 16);
    assert_int_equal(ddp_guid_parse("00c5ebcb-976a-4d63-979c-130c418eed8b", g), 0);
    assert_memory_equal(g, sample, 16);
    char s[39];
    uint8_t all[16];
    for (int i = 0; i < 16; i++)
        all[i] = (uint8_t)(i * 17 + 3);
    ddp_guid_format(all, s);
    assert_int_equal(ddp_guid_parse(s, g), 0);
    assert_memory_equal(g, all, 16);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    uint8_t g[16];
    memset(g, 0x5A, 16);
    const char *bad[] = {
        "", "{", "{00C5EBCB-976A-4D63-979C-130C418EED8B",  "00C5EBCB-976A-4D63-979C-130C418EED8B}",
        "{00C5EBCB-976A-4D63-979C-130C418EED8}", "{00C5EBCB-976A-4D63-979C-130C418EED8B0}",
        "{00C5EBCB+976A-4D63-979C-130C418EED8B}", "{00C5EBCG-976A-4D63-979C-130C418EED8B}",
        "{00C5EBCB-976A-4D63-979C130C418EED8B}", "00C5EBCB976A4D63979C130C418EED8B",
        "{00C5EBCB-976A-4D63-979C-130C418EED8B} ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ddp_guid_parse(bad[i], g), -1);
    assert_int_equal(ddp_guid_parse(NULL, g), -1);
    for (int i = 0; i < 16; i++)
        assert_int_equal(g[i], 0x5A);   /* untouched on failure */
}

static void test_container_names(void **state)
{
    (void)state;
    char name[22];
    uint32_t id = 0, gen = 0;
    ddp_container_name(4, 0x10000, name);
    assert_string_equal(name, "00000004.00010000.ccc");
    ddp_container_name(0xFFFFFFFFu, 0xABCDEF01u, name);
    assert_string_equal(name, "ffffffff.abcdef01.ccc");
    assert_int_equal(ddp_container_name_parse("00020000.00000002.ccc", &id, &gen), 0);
    assert_int_equal(id, 0x20000);
    assert_int_equal(gen, 2);
    assert_int_equal(ddp_container_name_parse("ABCDEF01.0000000A.CCC", &id, &gen), 0);
    assert_int_equal(id, 0xABCDEF01u);
    assert_int_equal(gen, 10);
    const char *bad[] = {
        "00020000.00000002.ccc.delete", "00020000.00000002.DeLeTe.ccc", "0002000.00000002.ccc",
        "00020000.00000002.cc", "00020000.00000002.cccc", "00020000-00000002.ccc",
        "0002000g.00000002.ccc", "00020000.00000002.ccd", "", "delete",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ddp_container_name_parse(bad[i], &id, &gen), -1);
    assert_int_equal(ddp_container_name_parse(NULL, &id, &gen), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_container_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
