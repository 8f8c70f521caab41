/*
 * sha256_shani.c - the SHA-256 block function on the x86 SHA extensions (SHA-NI).
 *
 * The eight working variables live in two vectors, ABEF and CDGH (A in the top lane),
 * the layout SHA256RNDS2 works on: each SHA256RNDS2 runs two rounds on the two low
 * lanes of a W+K vector and returns the new ABEF, the old ABEF becoming the new CDGH.
 * SHA256MSG1 adds sigma0 of the next word to four words, SHA256MSG2 adds sigma1 of
 * the words two back, together giving the next four schedule words (FIPS 180-4 §6.2.2).
 *
 * The instructions are enabled for these functions only (a target attribute), so the
 * rest of the engine stays plain x86; ddp_sha256_shani_blocks() hands this function
 * out only when the CPU reports the extensions. Other architectures get NULL.
 */
#include "sha2.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))

#include <immintrin.h>

#define SHANI_TARGET __attribute__((target("sha,sse4.1")))

/* Four rounds: the two SHA256RNDS2 of one W+K vector (low lanes, then high lanes). */
static inline SHANI_TARGET void four_rounds(__m128i *abef, __m128i *cdgh, __m128i wk)
{
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

/* W[t..t+3] from the four previous groups w0 = W[t-16..t-13] ... w3 = W[t-4..t-1]. */
static inline SHANI_TARGET __m128i next_words(__m128i w0, __m128i w1, __m128i w2, __m128i w3)
{
    __m128i x = _mm_sha256msg1_epu32(w0, w1);       /* W[t-16+i] + sigma0(W[t-15+i]) */
    x = _mm_add_epi32(x, _mm_alignr_epi8(w3, w2, 4)); /* + W[t-7+i] */
    return _mm_sha256msg2_epu32(x, w3);              /* + sigma1(W[t-2+i]) */
}

static inline SHANI_TARGET __m128i round_keys(unsigned group)
{
    return _mm_loadu_si128((const __m128i *)(const void *)&ddp_sha256_k[4 * group]);
}

static SHANI_TARGET void shani_block(__m128i *abef, __m128i *cdgh, const uint8_t *p, __m128i byteswap)
{
    __m128i w[4];
    for (unsigned i = 0; i < 4; i++) {
        w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), byteswap);
        four_rounds(abef, cdgh, _mm_add_epi32(w[i], round_keys(i)));
    }
    for (unsigned g = 4; g < 16; g++) {
        __m128i cur = next_words(w[g & 3], w[(g + 1) & 3], w[(g + 2) & 3], w[(g + 3) & 3]);
        w[g & 3] = cur;
        four_rounds(abef, cdgh, _mm_add_epi32(cur, round_keys(g)));
    }
}

static SHANI_TARGET void sha256_blocks_shani(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    /* Big-endian message words: reverse the bytes of each 32-bit lane. */
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)(void *)&state[0]);  /* lanes a b c d */
    __m128i efgh = _mm_loadu_si128((const __m128i *)(void *)&state[4]);  /* lanes e f g h */
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);      /* lanes f e b a */
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);   /* lanes h g d c */
    for (size_t i = 0; i < nblocks; i++) {
        __m128i abef0 = abef, cdgh0 = cdgh;
        shani_block(&abef, &cdgh, p + i * DDP_SHA256_BLOCK, byteswap);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    __m128i abfe = _mm_shuffle_epi32(abef, 0x1B);       /* lanes a b e f */
    __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1);       /* lanes g h c d */
    abcd = _mm_blend_epi16(abfe, ghcd, 0xF0);
    efgh = _mm_alignr_epi8(ghcd, abfe, 8);
    _mm_storeu_si128((__m128i *)(void *)&state[0], abcd);
    _mm_storeu_si128((__m128i *)(void *)&state[4], efgh);
}

ddp_sha256_blocks_fn ddp_sha256_shani_blocks(void)
{
    return ddp_cpu_has_sha_ni() ? sha256_blocks_shani : NULL;
}

#else

ddp_sha256_blocks_fn ddp_sha256_shani_blocks(void)
{
    return NULL;
}

#endif

ddp_sha256_blocks_fn ddp_sha256_best_blocks(void)
{
    ddp_sha256_blocks_fn f = ddp_sha256_shani_blocks();
    return f ? f : ddp_sha256_blocks_portable;
}
