/* test_chunk_hash.c - the two chunk-hash candidates against published known answers
 * (FIPS 180-2 "abc" and the empty message), streaming in pieces, names and detection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/chunk_hash.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void check_hash(ddp_hash_alg alg, const char *msg, const char *hex)
{
    uint8_t want[DDP_HASH_SIZE], got[DDP_HASH_SIZE];
    hex_to_bytes(hex, want, sizeof want);
    assert_int_equal(ddp_chunk_hash(alg, msg, strlen(msg), got), DDP_OK);
    assert_memory_equal(got, want, DDP_HASH_SIZE);
}

static void test_sha256_known_answers(void **state)
{
    (void)state;
    check_hash(DDP_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_hash(DDP_HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha512_trunc_known_answers(void **state)
{
    (void)state;
    /* The first 32 bytes of SHA-512 (not SHA-512/256, whose "abc" digest starts 53048e26). */
    check_hash(DDP_HASH_SHA512_TRUNC, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a");
    check_hash(DDP_HASH_SHA512_TRUNC, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce");
}

static void test_stream_in_pieces(void **state)
{
    (void)state;
    static uint8_t data[200000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 131u + (i >> 9));
    for (int a = DDP_HASH_SHA256; a <= DDP_HASH_SHA512_TRUNC; a++) {
        uint8_t one[DDP_HASH_SIZE], pieces[DDP_HASH_SIZE], again[DDP_HASH_SIZE];
        assert_int_equal(ddp_chunk_hash((ddp_hash_alg)a, data, sizeof data, one), DDP_OK);
        ddp_hash_stream *s = NULL;
        assert_int_equal(ddp_hash_stream_new((ddp_hash_alg)a, &s), DDP_OK);
        size_t off = 0, step = 1;
        while (off < sizeof data) {
            size_t n = step < sizeof data - off ? step : sizeof data - off;
            assert_int_equal(ddp_hash_stream_update(s, data + off, n), DDP_OK);
            off += n;
            step = step * 3 + 7;
        }
        assert_int_equal(ddp_hash_stream_final(s, pieces), DDP_OK);
        assert_memory_equal(one, pieces, DDP_HASH_SIZE);
        /* final() leaves the stream ready for a new message. */
        assert_int_equal(ddp_hash_stream_update(s, data, sizeof data), DDP_OK);
        assert_int_equal(ddp_hash_stream_final(s, again), DDP_OK);
        assert_memory_equal(one, again, DDP_HASH_SIZE);
        ddp_hash_stream_free(s);
    }
}

static void test_unknown_alg_rejected(void **state)
{
    (void)state;
    uint8_t out[DDP_HASH_SIZE];
    ddp_hash_stream *s = (ddp_hash_stream *)&out;
    assert_int_equal(ddp_chunk_hash(DDP_HASH_UNKNOWN, "abc", 3, out), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_hash_stream_new((ddp_hash_alg)7, &s), DDP_ERR_INVALID_ARG);
    assert_null(s);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(ddp_hash_alg_name(DDP_HASH_SHA256), "sha256");
    assert_string_equal(ddp_hash_alg_name(DDP_HASH_SHA512_TRUNC), "sha512-trunc");
    assert_string_equal(ddp_hash_alg_name(DDP_HASH_UNKNOWN), "unknown");
    assert_int_equal(ddp_hash_alg_parse("sha256"), DDP_HASH_SHA256);
    assert_int_equal(ddp_hash_alg_parse("sha512-trunc"), DDP_HASH_SHA512_TRUNC);
    assert_int_equal(ddp_hash_alg_parse("sha512"), DDP_HASH_UNKNOWN);
    assert_int_equal(ddp_hash_alg_parse("SHA256x"), DDP_HASH_UNKNOWN);
    assert_int_equal(ddp_hash_alg_parse(NULL), DDP_HASH_UNKNOWN);
}

static void test_identify(void **state)
{
    (void)state;
    const char *msg = "a chunk of file content";
    uint8_t h256[DDP_HASH_SIZE], h512[DDP_HASH_SIZE];
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, msg, strlen(msg), h256), DDP_OK);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, msg, strlen(msg), h512), DDP_OK);
    assert_memory_not_equal(h256, h512, DDP_HASH_SIZE);
    assert_int_equal(ddp_chunk_hash_identify(msg, strlen(msg), h256), DDP_HASH_SHA256);
    assert_int_equal(ddp_chunk_hash_identify(msg, strlen(msg), h512), DDP_HASH_SHA512_TRUNC);
    h512[31] ^= 1;
    assert_int_equal(ddp_chunk_hash_identify(msg, strlen(msg), h512), DDP_HASH_UNKNOWN);
    /* Same hash, other content. */
    assert_int_equal(ddp_chunk_hash_identify(msg, strlen(msg) - 1, h256), DDP_HASH_UNKNOWN);
}

/* detect: the same answers with a status; a digest that cannot run is not "neither". */
static void test_detect(void **state)
{
    (void)state;
    const char *msg = "another chunk";
    uint8_t h256[DDP_HASH_SIZE], h512[DDP_HASH_SIZE];
    ddp_hash_alg alg = DDP_HASH_SHA256;
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, msg, strlen(msg), h256), DDP_OK);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, msg, strlen(msg), h512), DDP_OK);
    assert_int_equal(ddp_chunk_hash_detect(msg, strlen(msg), h512, &alg), DDP_OK);
    assert_int_equal(alg, DDP_HASH_SHA512_TRUNC);
    assert_int_equal(ddp_chunk_hash_detect(msg, strlen(msg), h256, &alg), DDP_OK);
    assert_int_equal(alg, DDP_HASH_SHA256);
    h256[0] ^= 0x80;
    assert_int_equal(ddp_chunk_hash_detect(msg, strlen(msg), h256, &alg), DDP_OK);
    assert_int_equal(alg, DDP_HASH_UNKNOWN);
    /* data NULL with a length: the digest cannot be computed */
    alg = DDP_HASH_SHA256;
    assert_int_equal(ddp_chunk_hash_detect(NULL, 5, h256, &alg), DDP_ERR_INVALID_ARG);
    assert_int_equal(alg, DDP_HASH_UNKNOWN);
    assert_int_equal(ddp_chunk_hash_detect(msg, strlen(msg), NULL, &alg), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_hash_detect(msg, strlen(msg), h512, NULL), DDP_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_known_answers),
        cmocka_unit_test(test_sha512_trunc_known_answers),
        cmocka_unit_test(test_stream_in_pieces),
        cmocka_unit_test(test_unknown_alg_rejected),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
