/*
 * bench_hash.c - ddp-bench-hash: MB/s of the chunk hash on one core, through every path
 * this build has: the engine's own SHA-256 (portable and SHA-NI block functions) and
 * SHA-512, the engine's ddp_chunk_hash (through the back end this program chose with
 * ddp_choose_hash_backend, as the tools do), and the platform's library called directly
 * (OpenSSL's EVP natively, BCrypt on Windows, so the two can be compared under Wine).
 *
 * Input: a 16 MiB buffer of pseudo-random bytes hashed as 64 KiB chunks (the average
 * dedup chunk), one digest per chunk. Each path runs for at least 0.3 s of CPU time per
 * trial; the figure is the best of three trials, in MB (10^6 bytes) per CPU second (the
 * process's user + system time, so other load on the machine does not count).
 * Before timing, every path's digest of several lengths is compared with the engine's
 * portable code; --quick does only that check (and one short trial), the smoke test:
 * exit 1 when any path disagrees.
 */
#if defined(_WIN32)
#include <windows.h>
#include <bcrypt.h>
#else
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/chunk_hash.h"
#include "hash_choice.h"
#include "sha2.h"

#if defined(DDP_BENCH_OPENSSL)
#include <openssl/evp.h>
#endif

#define BUF_SIZE (16u * 1024u * 1024u)
#define CHUNK (64u * 1024u)

typedef int (*digest_fn)(const uint8_t *p, size_t n, uint8_t out[32]);

typedef struct path {
    const char *name;
    ddp_hash_alg alg;
    digest_fn run;
} path;

/* CPU seconds of this process (the machine may be shared: wall time would count waits). */
static double cpu_seconds(void)
{
#if defined(_WIN32)
    FILETIME created, exited, kernel, user;
    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
        return 0;
    ULONGLONG k = ((ULONGLONG)kernel.dwHighDateTime << 32) | kernel.dwLowDateTime;
    ULONGLONG u = ((ULONGLONG)user.dwHighDateTime << 32) | user.dwLowDateTime;
    return (double)(k + u) * 1e-7;   /* 100 ns units */
#else
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

static int sha256_with(ddp_sha256_blocks_fn f, const uint8_t *p, size_t n, uint8_t out[32])
{
    ddp_sha256_ctx c;
    ddp_sha256_init(&c, f);
    ddp_sha256_update(&c, p, n);
    ddp_sha256_final(&c, out);
    return 0;
}

static int own_sha256_portable(const uint8_t *p, size_t n, uint8_t out[32])
{
    return sha256_with(ddp_sha256_blocks_portable, p, n, out);
}

static int own_sha256_shani(const uint8_t *p, size_t n, uint8_t out[32])
{
    return sha256_with(ddp_sha256_shani_blocks(), p, n, out);
}

static int own_sha512(const uint8_t *p, size_t n, uint8_t out[32])
{
    uint8_t full[64];
    ddp_sha512_ctx c;
    ddp_sha512_init(&c);
    ddp_sha512_update(&c, p, n);
    ddp_sha512_final(&c, full);
    memcpy(out, full, 32);
    return 0;
}

static int engine_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    return ddp_chunk_hash(DDP_HASH_SHA256, p, n, out) == DDP_OK ? 0 : -1;
}

static int engine_sha512(const uint8_t *p, size_t n, uint8_t out[32])
{
    return ddp_chunk_hash(DDP_HASH_SHA512_TRUNC, p, n, out) == DDP_OK ? 0 : -1;
}

#if defined(DDP_BENCH_OPENSSL)
static int evp_digest(const EVP_MD *md, const uint8_t *p, size_t n, uint8_t out[32])
{
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int got = 0;
    if (EVP_Digest(p, n, full, &got, md, NULL) != 1 || got < 32)
        return -1;
    memcpy(out, full, 32);
    return 0;
}

static int openssl_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    return evp_digest(EVP_sha256(), p, n, out);
}

static int openssl_sha512(const uint8_t *p, size_t n, uint8_t out[32])
{
    return evp_digest(EVP_sha512(), p, n, out);
}
#endif

#if defined(_WIN32)
/* One provider per algorithm for the run, a hash object per digest (as hash_bcrypt.c). */
static int bcrypt_digest(LPCWSTR id, BCRYPT_ALG_HANDLE *prov, ULONG len, const uint8_t *p, size_t n, uint8_t out[32])
{
    if (!*prov && BCryptOpenAlgorithmProvider(prov, id, NULL, 0) < 0)
        return -1;
    BCRYPT_HASH_HANDLE h = NULL;
    UCHAR full[64];
    if (BCryptCreateHash(*prov, &h, NULL, 0, NULL, 0, 0) < 0)
        return -1;
    int ok = BCryptHashData(h, (PUCHAR)p, (ULONG)n, 0) >= 0 && BCryptFinishHash(h, full, len, 0) >= 0;
    BCryptDestroyHash(h);
    if (!ok)
        return -1;
    memcpy(out, full, 32);
    return 0;
}

static BCRYPT_ALG_HANDLE prov256, prov512;

static int bcrypt_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    return bcrypt_digest(BCRYPT_SHA256_ALGORITHM, &prov256, 32, p, n, out);
}

static int bcrypt_sha512(const uint8_t *p, size_t n, uint8_t out[32])
{
    return bcrypt_digest(BCRYPT_SHA512_ALGORITHM, &prov512, 64, p, n, out);
}
#endif

static uint8_t *make_input(void)
{
    uint8_t *buf = malloc(BUF_SIZE);
    if (!buf) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < BUF_SIZE; i++) {   /* xorshift64 */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)(x >> 32);
    }
    return buf;
}

/* 0 when the path gives the portable code's digest for a few lengths around block edges. */
static int check_path(const path *pt, const uint8_t *buf)
{
    static const size_t lengths[] = {0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 129, 1000, CHUNK, 3 * CHUNK + 17};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        uint8_t want[32], got[32];
        if (pt->alg == DDP_HASH_SHA256)
            own_sha256_portable(buf, lengths[i], want);
        else
            own_sha512(buf, lengths[i], want);
        if (pt->run(buf, lengths[i], got) != 0 || memcmp(want, got, 32) != 0) {
            fprintf(stderr, "%s: wrong digest for %zu bytes\n", pt->name, lengths[i]);
            return -1;
        }
    }
    return 0;
}

/* MB/s of the best of `trials` trials, each hashing 64 KiB chunks for >= min_seconds. */
static double measure(const path *pt, const uint8_t *buf, int trials, double min_seconds)
{
    double best = 0;
    uint8_t out[32];
    for (int t = 0; t < trials; t++) {
        size_t bytes = 0, off = 0;
        double start = cpu_seconds(), elapsed;
        do {
            if (pt->run(buf + off, CHUNK, out) != 0)
                return -1;
            bytes += CHUNK;
            off = (off + CHUNK) % BUF_SIZE;
            elapsed = cpu_seconds() - start;
        } while (elapsed < min_seconds);
        double mbs = (double)bytes / 1e6 / elapsed;
        if (mbs > best)
            best = mbs;
    }
    return best;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    ddp_choose_hash_backend();
    path paths[8];
    size_t n = 0;
    paths[n++] = (path){"own sha256 portable", DDP_HASH_SHA256, own_sha256_portable};
    if (ddp_sha256_shani_blocks())
        paths[n++] = (path){"own sha256 sha-ni", DDP_HASH_SHA256, own_sha256_shani};
    paths[n++] = (path){"own sha512 portable", DDP_HASH_SHA512_TRUNC, own_sha512};
    paths[n++] = (path){"ddp_chunk_hash sha256", DDP_HASH_SHA256, engine_sha256};
    paths[n++] = (path){"ddp_chunk_hash sha512", DDP_HASH_SHA512_TRUNC, engine_sha512};
#if defined(DDP_BENCH_OPENSSL)
    paths[n++] = (path){"openssl sha256", DDP_HASH_SHA256, openssl_sha256};
    paths[n++] = (path){"openssl sha512", DDP_HASH_SHA512_TRUNC, openssl_sha512};
#endif
#if defined(_WIN32)
    paths[n++] = (path){"bcrypt sha256", DDP_HASH_SHA256, bcrypt_sha256};
    paths[n++] = (path){"bcrypt sha512", DDP_HASH_SHA512_TRUNC, bcrypt_sha512};
#endif
    uint8_t *buf = make_input();
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= check_path(&paths[i], buf) != 0;
    if (bad) {
        free(buf);
        return 1;
    }
    printf("cpu sha-ni: %s; ddp_chunk_hash back end: %s; 64 KiB chunks, MB/s (best of %d)\n",
           ddp_cpu_has_sha_ni() ? "yes" : "no", ddp_hash_backend_name(), quick ? 1 : 3);
    for (size_t i = 0; i < n; i++) {
        double mbs = measure(&paths[i], buf, quick ? 1 : 3, quick ? 0.02 : 0.3);
        printf("%-24s %9.1f\n", paths[i].name, mbs);
    }
    free(buf);
    return 0;
}
