/* test_crc.c - the CRC-32 and both CRC-64 variants: published check values, a bit-by-bit
 * reference on inputs that reach every table entry, and ddp_crc64_check's answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/crc.h"

static const char check_input[] = "123456789";

/* The reflected CRC computed one bit at a time, straight from its definition. */
static uint64_t reference_crc(const uint8_t *p, size_t len, uint64_t poly, uint64_t init, uint64_t mask)
{
    uint64_t reg = init;
    for (size_t i = 0; i < len; i++) {
        reg ^= p[i];
        for (int b = 0; b < 8; b++)
            reg = (reg & 1) ? (reg >> 1) ^ poly : reg >> 1;
    }
    return ~reg & mask;
}

/* Deterministic pseudo-random bytes, with every byte value present. */
static void fill_bytes(uint8_t *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(i < 256 ? i : seed >> 16);
    }
}

static void test_check_values(void **state)
{
    (void)state;
    assert_int_equal(ddp_crc32(check_input, 9), 0xCBF43926u);
    assert_true(ddp_crc64_zero_init(check_input, 9) == 0x87FF3F9B2B57C87Bull);
    assert_true(ddp_crc64_nvme(check_input, 9) == 0xAE8B14860A799888ull);
}

static void test_empty_input(void **state)
{
    (void)state;
    assert_int_equal(ddp_crc32("", 0), 0);
    assert_true(ddp_crc64_nvme("", 0) == 0);
    assert_true(ddp_crc64_zero_init("", 0) == ~(uint64_t)0);
}

static void test_against_bitwise_reference(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    fill_bytes(buf, sizeof buf, 7);
    for (size_t len = 0; len <= sizeof buf; len += (len < 300 ? 1 : 97)) {
        assert_int_equal(ddp_crc32(buf, len),
                         (uint32_t)reference_crc(buf, len, 0xEDB88320u, 0xFFFFFFFFu, 0xFFFFFFFFu));
        assert_true(ddp_crc64_zero_init(buf, len) ==
                    reference_crc(buf, len, 0x9A6C9329AC4BC9B5ull, 0, ~(uint64_t)0));
        assert_true(ddp_crc64_nvme(buf, len) ==
                    reference_crc(buf, len, 0x9A6C9329AC4BC9B5ull, ~(uint64_t)0, ~(uint64_t)0));
    }
    /* Every single byte value on its own: each table entry in isolation. */
    for (unsigned v = 0; v < 256; v++) {
        uint8_t b = (uint8_t)v;
        assert_int_equal(ddp_crc32(&b, 1), (uint32_t)reference_crc(&b, 1, 0xEDB88320u, 0xFFFFFFFFu, 0xFFFFFFFFu));
        assert_true(ddp_crc64_zero_init(&b, 1) == reference_crc(&b, 1, 0x9A6C9329AC4BC9B5ull, 0, ~(uint64_t)0));
    }
}

static void test_crc64_check(void **state)
{
    (void)state;
    assert_int_equal(ddp_crc64_check(check_input, 9, 0x87FF3F9B2B57C87Bull), DDP_CRC64_ZERO_INIT);
    assert_int_equal(ddp_crc64_check(check_input, 9, 0xAE8B14860A799888ull), DDP_CRC64_NVME);
    assert_int_equal(ddp_crc64_check(check_input, 9, 0), DDP_CRC64_NONE);
    assert_int_equal(ddp_crc64_check(check_input, 8, 0x87FF3F9B2B57C87Bull), DDP_CRC64_NONE);
}

static void test_single_bit_changes_crc(void **state)
{
    (void)state;
    uint8_t buf[64];
    fill_bytes(buf, sizeof buf, 3);
    uint32_t c32 = ddp_crc32(buf, sizeof buf);
    uint64_t c64 = ddp_crc64_zero_init(buf, sizeof buf);
    for (size_t bit = 0; bit < sizeof buf * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_not_equal(ddp_crc32(buf, sizeof buf), c32);
        assert_true(ddp_crc64_zero_init(buf, sizeof buf) != c64);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_against_bitwise_reference),
        cmocka_unit_test(test_crc64_check),
        cmocka_unit_test(test_single_bit_changes_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
