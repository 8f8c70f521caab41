/*
 * test_sha2.c - the engine's own SHA-256 and SHA-512 (src/engine/hash/sha2.h) and the
 * chunk-hash API on top of them: the FIPS 180-4 example messages (NIST's "abc", the
 * 448- and 896-bit two-block messages, one million 'a'), padding edges (lengths around
 * the 56/64 and 112/128 byte boundaries against digests computed with an independent
 * implementation), streaming in odd pieces equal to one-shot, and the SHA-NI block
 * function against the portable one on random lengths up to 300 KiB at random
 * alignments (skipped on a CPU without SHA-NI).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/chunk_hash.h"
#include "sha2.h"

static const char MSG448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char MSG896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(hex), 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* The SHA-256 block functions this CPU can run: portable, then SHA-NI when present. */
static size_t sha256_paths(ddp_sha256_blocks_fn fns[2])
{
    size_t n = 0;
    fns[n++] = ddp_sha256_blocks_portable;
    if (ddp_sha256_shani_blocks())
        fns[n++] = ddp_sha256_shani_blocks();
    return n;
}

static void sha256_of(ddp_sha256_blocks_fn f, const void *p, size_t len, uint8_t out[32])
{
    ddp_sha256_ctx c;
    ddp_sha256_init(&c, f);
    ddp_sha256_update(&c, p, len);
    ddp_sha256_final(&c, out);
}

static void sha512_of(const void *p, size_t len, uint8_t out[64])
{
    ddp_sha512_ctx c;
    ddp_sha512_init(&c);
    ddp_sha512_update(&c, p, len);
    ddp_sha512_final(&c, out);
}

static void check_sha256(const void *msg, size_t len, const char *hex)
{
    uint8_t want[32], got[32];
    hex_to_bytes(hex, want, sizeof want);
    ddp_sha256_blocks_fn fns[2];
    size_t n = sha256_paths(fns);
    for (size_t i = 0; i < n; i++) {
        memset(got, 0, sizeof got);
        sha256_of(fns[i], msg, len, got);
        assert_memory_equal(got, want, sizeof want);
    }
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, msg, len, got), DDP_OK);
    assert_memory_equal(got, want, sizeof want);
}

static void check_sha512(const void *msg, size_t len, const char *hex)
{
    uint8_t want[64], got[64];
    hex_to_bytes(hex, want, sizeof want);
    sha512_of(msg, len, got);
    assert_memory_equal(got, want, sizeof want);
    memset(got, 0, sizeof got);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, msg, len, got), DDP_OK);
    assert_memory_equal(got, want, DDP_HASH_SIZE);
}

static void test_fips_sha256(void **state)
{
    (void)state;
    check_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_sha256(MSG448, strlen(MSG448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_sha256(MSG896, strlen(MSG896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_fips_sha512(void **state)
{
    (void)state;
    check_sha512("abc", 3,
                 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    check_sha512(MSG448, strlen(MSG448),
                 "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
                 "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
    check_sha512(MSG896, strlen(MSG896),
                 "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                 "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

static void test_million_a(void **state)
{
    (void)state;
    size_t len = 1000000;
    char *msg = malloc(len);
    assert_non_null(msg);
    memset(msg, 'a', len);
    check_sha256(msg, len, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    check_sha512(msg, len,
                 "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
                 "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
    free(msg);
}

static const struct edge {
    size_t len;
    const char *sha256, *sha512_trunc;
} edges[] = {
    {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"},
    {1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5",
     "e45bf5817ddf94aa2f7a407071f0eedc6beb98f768b4cd33d1176d44d1563a45"},
    {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b",
     "14fd424b1fcadee624da946ab03f7e1def7c0d6e00f689594319881a26ff30b8"},
    {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27",
     "480fa85be41ef55a41208ca28ffc8743c91cf7d24758defe6f95bfb16de614fc"},
    {57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73",
     "0582c85feba6881e7c3c371a82a645547a1a9bdb3fd0709d6a42e271697333b2"},
    {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055",
     "ecd42a703a4e93e163d60d55e3785b1a763838b0351bc2e6f7c94b4bfb24f9aa"},
    {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241",
     "8f3cc30b3fb5bf963688a46488249248ac2c67f0f85a145233c6c1e3c16dcd1d"},
    {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e",
     "22050d1b2c5bd016c4b04c3e84f513ffbbbc057f83dc9ab196fee6684e5ee19d"},
    {111, "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e",
     "68cffa6d0d76f309c9ce0d35280939f8e25990c43b7b086ccdf709be35b07d4d"},
    {112, "96b928cff8528dbb99602c709a65b846cb6467acb8b722f0d758e4dc27bfc508",
     "d0865c524d1dddf7c23b799c413f5adcd7caefd3f66a9b49750ec81066012c25"},
    {113, "cded73eed7df41eecd1ead825a38ca8763a9e910d5181c8ad8f201cc8ff2cbe4",
     "606314353bd419f9f7720e8297f2af8a9ed5f0bb0bed29b716bf18e34577623a"},
    {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e",
     "236bdd7f38a611b5014b239245c381ae5d20a96f1e5b3178227c00056b7fa8c4"},
    {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5",
     "4bd16fefaa35cc2df9fbb8ff379ec04a4070ffd5d4992574af239fa175534df8"},
    {127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07",
     "e0b6a20f1c0c88970a9340152cd5a1c1ecf3d3b8de5510274187943807947354"},
    {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6",
     "99b16f17aa0b969a5b8f08f367719d516e330ccd2660b6f0688ec031dbc783de"},
    {129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4",
     "a1556e29185778aa5991e34b8884c840d589f0fbb4b8ed590e51e9ac4eb03a00"},
    {191, "52be17f8f5d0b166f3b1917d2b6bb862083001967fd0aa39d2da9947eeba437d",
     "e5ccdc9c1fb1da19e8db56c371e837ebb5015cbe3bfb4275d477335c36f493c8"},
    {192, "ec6732214091fa8455ee2251fb756475b04ec62610fbceaa64218a11faf571cd",
     "800d33c5feea8029d4a8b09f029110e10b56261510870f866fe78110473ad142"},
    {255, "3c8af6e36699077166f180b277f93992e354c66a63a3541ef18d61524eac85e9",
     "c2e3bb67012f9eb526202efa59997933f7d3e75e7ded738818bc27d94977f457"},
    {256, "d9c76fa34978cb9620dab8c3f46bbe075fddc145eb282b39009141f98d0cfe82",
     "e49c208e41556e859d1a52d14784a061c2d5ae2c8690a5360e9f9344f60861c1"},
};

static void test_padding_edges(void **state)
{
    (void)state;
    uint8_t msg[256];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7u + 3u);
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
        uint8_t want[32], got[32];
        check_sha256(msg, edges[e].len, edges[e].sha256);
        hex_to_bytes(edges[e].sha512_trunc, want, sizeof want);
        assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, msg, edges[e].len, got), DDP_OK);
        assert_memory_equal(got, want, sizeof want);
    }
}

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static uint8_t *random_bytes(size_t len, uint64_t seed)
{
    uint8_t *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(next_random(&seed) >> 29);
    return p;
}

/* Streams in pieces of 1..max bytes (pseudo-random) through the public API and through
 * the internal contexts; every result must equal the one-shot digest. */
static void check_pieces(const uint8_t *data, size_t len, uint64_t seed, size_t max)
{
    uint8_t one256[32], one512[32], got[32], full[64];
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, data, len, one256), DDP_OK);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, data, len, one512), DDP_OK);
    ddp_hash_stream *s256 = NULL, *s512 = NULL;
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_SHA256, &s256), DDP_OK);
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_SHA512_TRUNC, &s512), DDP_OK);
    ddp_sha256_blocks_fn fns[2];
    size_t nf = sha256_paths(fns);
    ddp_sha256_ctx c256[2];
    for (size_t i = 0; i < nf; i++)
        ddp_sha256_init(&c256[i], fns[i]);
    ddp_sha512_ctx c512;
    ddp_sha512_init(&c512);
    for (size_t off = 0; off < len;) {
        size_t n = 1 + (size_t)(next_random(&seed) % max);
        if (n > len - off)
            n = len - off;
        assert_int_equal(ddp_hash_stream_update(s256, data + off, n), DDP_OK);
        assert_int_equal(ddp_hash_stream_update(s512, data + off, n), DDP_OK);
        for (size_t i = 0; i < nf; i++)
            ddp_sha256_update(&c256[i], data + off, n);
        ddp_sha512_update(&c512, data + off, n);
        off += n;
    }
    assert_int_equal(ddp_hash_stream_final(s256, got), DDP_OK);
    assert_memory_equal(got, one256, 32);
    assert_int_equal(ddp_hash_stream_final(s512, got), DDP_OK);
    assert_memory_equal(got, one512, 32);
    for (size_t i = 0; i < nf; i++) {
        ddp_sha256_final(&c256[i], got);
        assert_memory_equal(got, one256, 32);
    }
    ddp_sha512_final(&c512, full);
    assert_memory_equal(full, one512, 32);
    /* After final, a stream hashes the next message from scratch. */
    assert_int_equal(ddp_hash_stream_update(s256, data, len), DDP_OK);
    assert_int_equal(ddp_hash_stream_final(s256, got), DDP_OK);
    assert_memory_equal(got, one256, 32);
    ddp_hash_stream_free(s256);
    ddp_hash_stream_free(s512);
}

static void test_stream_odd_pieces(void **state)
{
    (void)state;
    size_t len = 200003;
    uint8_t *data = random_bytes(len, 0x1234567u);
    static const size_t max_piece[] = {1, 3, 63, 65, 127, 129, 1000, 70000};
    for (size_t i = 0; i < sizeof max_piece / sizeof max_piece[0]; i++) {
        size_t l = max_piece[i] == 1 ? 3000 : len;   /* byte by byte: a shorter message */
        check_pieces(data, l, 99u + i, max_piece[i]);
    }
    free(data);
}

/* SHA-NI against portable on 150 random lengths in 0..300 KiB at random alignments. */
static void test_shani_matches_portable(void **state)
{
    (void)state;
    ddp_sha256_blocks_fn shani = ddp_sha256_shani_blocks();
    if (!shani) {
        print_message("this CPU has no SHA-NI: nothing to compare\n");
        skip();
    }
    assert_ptr_equal(ddp_sha256_best_blocks(), shani);
    size_t cap = 300u * 1024u + 16u;
    uint8_t *data = random_bytes(cap, 0xfeedbeefu);
    uint64_t seed = 42;
    for (int i = 0; i < 150; i++) {
        size_t align = (size_t)(next_random(&seed) % 16);
        size_t len = (size_t)(next_random(&seed) % (300u * 1024u + 1u));
        if (i < 4)
            len = (size_t)i * 64u;   /* empty and whole-block messages too */
        uint8_t a[32], b[32];
        sha256_of(ddp_sha256_blocks_portable, data + align, len, a);
        sha256_of(shani, data + align, len, b);
        assert_memory_equal(a, b, 32);
    }
    /* Raw block function on a state that is not the initial one. */
    uint32_t s1[8], s2[8];
    for (unsigned k = 0; k < 8; k++)
        s1[k] = s2[k] = (uint32_t)next_random(&seed);
    ddp_sha256_blocks_portable(s1, data + 3, 37);
    shani(s2, data + 3, 37);
    assert_memory_equal(s1, s2, sizeof s1);
    free(data);
}

static void test_identify_both(void **state)
{
    (void)state;
    size_t len = 70001;
    uint8_t *data = random_bytes(len, 7u);
    uint8_t h256[32], h512[64];
    sha256_of(ddp_sha256_blocks_portable, data, len, h256);
    sha512_of(data, len, h512);
    assert_int_equal(ddp_chunk_hash_identify(data, len, h256), DDP_HASH_SHA256);
    assert_int_equal(ddp_chunk_hash_identify(data, len, h512), DDP_HASH_SHA512_TRUNC);
    data[len / 2] ^= 1;
    assert_int_equal(ddp_chunk_hash_identify(data, len, h256), DDP_HASH_UNKNOWN);
    assert_int_equal(ddp_chunk_hash_identify(data, len, h512), DDP_HASH_UNKNOWN);
    assert_int_equal(ddp_chunk_hash_identify(data, len, NULL), DDP_HASH_UNKNOWN);
    free(data);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t out[32];
    assert_int_equal(ddp_chunk_hash(DDP_HASH_UNKNOWN, "abc", 3, out), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_hash((ddp_hash_alg)9, "abc", 3, out), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, NULL, 3, out), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, "abc", 3, NULL), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, NULL, 0, out), DDP_OK);
    uint8_t want[32];
    hex_to_bytes("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce", want, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    ddp_hash_stream *s = NULL;
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_UNKNOWN, &s), DDP_ERR_INVALID_ARG);
    assert_null(s);
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_SHA256, NULL), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_SHA256, &s), DDP_OK);
    assert_int_equal(ddp_hash_stream_update(s, NULL, 1), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_hash_stream_update(NULL, "a", 1), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_hash_stream_final(s, NULL), DDP_ERR_INVALID_ARG);
    assert_int_equal(ddp_hash_stream_final(NULL, out), DDP_ERR_INVALID_ARG);
    ddp_hash_stream_free(s);
    ddp_hash_stream_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_sha256),
        cmocka_unit_test(test_fips_sha512),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_padding_edges),
        cmocka_unit_test(test_stream_odd_pieces),
        cmocka_unit_test(test_shani_matches_portable),
        cmocka_unit_test(test_identify_both),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
