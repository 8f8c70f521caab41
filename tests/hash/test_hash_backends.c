/* test_hash_backends.c - every chunk-hash back end this build has (hash_backend.h:
 * builtin and OpenSSL natively, builtin and BCrypt on Windows) against FIPS 180-2 known
 * answers, one-shot and streamed in pieces, and which one the process uses: the engine's
 * default (the platform's library) until the program names another, and the choice the
 * DLL and the tools make (hash_choice.h): the one DDPBACKUP_HASH_BACKEND names, else
 * builtin under Wine, else the default. CTest runs it with and without the variable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#if defined(_WIN32)
#include <windows.h>
#endif

#include "hash_backend.h"
#include "hash_choice.h"

typedef struct known_answer {
    ddp_hash_alg alg;
    const char *msg;
    const char *hex;
} known_answer;

static const char million_a[] = "1000000 x a";   /* marker: the message is a million 'a' */

static const known_answer answers[] = {
    {DDP_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {DDP_HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {DDP_HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {DDP_HASH_SHA256, million_a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    /* SHA-512 truncated to 32 bytes (not SHA-512/256) */
    {DDP_HASH_SHA512_TRUNC, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"},
    {DDP_HASH_SHA512_TRUNC, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"},
    {DDP_HASH_SHA512_TRUNC, million_a, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"},
};

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* The message of a known answer (the million 'a' one allocated); *len its length. */
static uint8_t *message_of(const known_answer *k, size_t *len)
{
    if (k->msg == million_a) {
        *len = 1000000;
        uint8_t *m = malloc(*len);
        assert_non_null(m);
        memset(m, 'a', *len);
        return m;
    }
    *len = strlen(k->msg);
    uint8_t *m = malloc(*len + 1);
    assert_non_null(m);
    memcpy(m, k->msg, *len + 1);
    return m;
}

static void check_backend(const ddp_hash_backend *b)
{
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        size_t len = 0;
        uint8_t *m = message_of(&answers[i], &len);
        uint8_t want[DDP_HASH_SIZE], got[DDP_HASH_SIZE];
        hex_to_bytes(answers[i].hex, want, sizeof want);
        assert_int_equal(b->digest(answers[i].alg, m, len, got), DDP_OK);
        assert_memory_equal(got, want, DDP_HASH_SIZE);
        /* streamed in uneven pieces, twice (final() readies the stream for the next message) */
        void *s = NULL;
        assert_int_equal(b->stream_new(answers[i].alg, &s), DDP_OK);
        for (int round = 0; round < 2; round++) {
            size_t off = 0, step = 1;
            while (off < len) {
                size_t n = step < len - off ? step : len - off;
                assert_int_equal(b->stream_update(s, m + off, n), DDP_OK);
                off += n;
                step = step * 3 + 1;
            }
            memset(got, 0, sizeof got);
            assert_int_equal(b->stream_final(s, got), DDP_OK);
            assert_memory_equal(got, want, DDP_HASH_SIZE);
        }
        b->stream_free(s);
        free(m);
    }
}

static void test_every_backend_known_answers(void **state)
{
    (void)state;
    const ddp_hash_backend *const *list = NULL;
    size_t n = ddp_hash_backend_list(&list);
    assert_true(n >= 2);   /* the platform's library and builtin */
    for (size_t i = 0; i < n; i++) {
        print_message("back end %s\n", list[i]->name);
        check_backend(list[i]);
    }
    assert_string_equal(list[n - 1]->name, "builtin");
}

static void test_named(void **state)
{
    (void)state;
    assert_non_null(ddp_hash_backend_named("builtin"));
#if defined(_WIN32)
    assert_non_null(ddp_hash_backend_named("bcrypt"));
    assert_null(ddp_hash_backend_named("openssl"));
#else
    assert_non_null(ddp_hash_backend_named("openssl"));
    assert_null(ddp_hash_backend_named("bcrypt"));
#endif
    assert_null(ddp_hash_backend_named("md5"));
    assert_null(ddp_hash_backend_named(NULL));
}

#if defined(_WIN32)
static int under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}
#endif

/* The engine chooses nothing: until the program names a back end, the platform's library. */
static void test_engine_default(void **state)
{
    (void)state;
#if defined(_WIN32)
    assert_string_equal(ddp_hash_backend_name(), "bcrypt");
#else
    assert_string_equal(ddp_hash_backend_name(), "openssl");
#endif
    const ddp_hash_backend *const *list = NULL;
    ddp_hash_backend_list(&list);
    assert_ptr_equal(ddp_hash_backend_active(), list[0]);
}

/* ddp_hash_backend_use: a name this build has, NULL for the default, an unknown name
 * refused with the choice unchanged; a stream keeps the back end it was opened with. */
static void test_use(void **state)
{
    (void)state;
    const ddp_hash_backend *const *list = NULL;
    ddp_hash_backend_list(&list);
    ddp_hash_stream *s = NULL;
    assert_int_equal(ddp_hash_stream_new(DDP_HASH_SHA256, &s), DDP_OK);   /* on the default */
    assert_int_equal(ddp_hash_backend_use("builtin"), DDP_OK);
    assert_string_equal(ddp_hash_backend_name(), "builtin");
    assert_int_equal(ddp_hash_backend_use("md5"), DDP_ERR_UNSUPPORTED);
    assert_string_equal(ddp_hash_backend_name(), "builtin");
#if defined(_WIN32)
    assert_int_equal(ddp_hash_backend_use("openssl"), DDP_ERR_UNSUPPORTED);
#else
    assert_int_equal(ddp_hash_backend_use("bcrypt"), DDP_ERR_UNSUPPORTED);
#endif
    uint8_t a[DDP_HASH_SIZE], b[DDP_HASH_SIZE];
    assert_int_equal(ddp_hash_stream_update(s, "abc", 3), DDP_OK);
    assert_int_equal(ddp_hash_stream_final(s, a), DDP_OK);
    ddp_hash_stream_free(s);
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, "abc", 3, b), DDP_OK);
    assert_memory_equal(a, b, DDP_HASH_SIZE);
    assert_int_equal(ddp_hash_backend_use(NULL), DDP_OK);
    assert_ptr_equal(ddp_hash_backend_active(), list[0]);
}

/* The program's choice: the back end the environment names, else builtin under Wine,
 * else the platform default. */
static void test_program_choice(void **state)
{
    (void)state;
    const char *env = getenv("DDPBACKUP_HASH_BACKEND");
    const char *want;
    if (env && ddp_hash_backend_named(env))
        want = env;
    else
#if defined(_WIN32)
        want = under_wine() ? "builtin" : "bcrypt";
#else
        want = "openssl";
#endif
    const char *got = ddp_choose_hash_backend();
    print_message("DDPBACKUP_HASH_BACKEND=%s: in use %s\n", env ? env : "(unset)", got);
    assert_string_equal(got, want);
    assert_string_equal(ddp_hash_backend_active()->name, want);
    assert_string_equal(ddp_hash_backend_name(), want);
    /* ddp_chunk_hash goes through it */
    uint8_t a[DDP_HASH_SIZE], b[DDP_HASH_SIZE];
    assert_int_equal(ddp_chunk_hash(DDP_HASH_SHA256, "abc", 3, a), DDP_OK);
    assert_int_equal(ddp_hash_backend_active()->digest(DDP_HASH_SHA256, "abc", 3, b), DDP_OK);
    assert_memory_equal(a, b, DDP_HASH_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_backend_known_answers),
        cmocka_unit_test(test_named),
        cmocka_unit_test(test_engine_default),
        cmocka_unit_test(test_use),
        cmocka_unit_test(test_program_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
