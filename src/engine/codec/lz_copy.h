/*
 * lz_copy.h - helpers shared by the LZ77-family decoders of [MS-XCA] (Xpress plain,
 * LZNT1, Xpress Huffman): counting leading zero bits, and copying a match of `len`
 * bytes from `dist` bytes back in the output.
 *
 * The decoders check every match against the start and the end of the output before
 * calling lz_copy_match(); the helper itself only chooses how to copy. When the match
 * ends at least LZ_COPY_SLACK bytes before the end of the output buffer it copies 8 or
 * 16 bytes at a time and may write up to LZ_COPY_SLACK bytes past the match end (those
 * bytes are later overwritten by the following literals and matches, and never reach
 * out[out_len]); otherwise it copies exactly, with memset for distance 1 and block
 * copies that double an overlapping pattern. It never reads the input.
 * Overlapping matches (dist < len) repeat the bytes just written, as LZ77 requires:
 * word copies are used only when dist is at least the word size, so every byte read has
 * already been written.
 */
#ifndef DDP_CODEC_LZ_COPY_H
#define DDP_CODEC_LZ_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Shortest match of every [MS-XCA] format (lengths are stored minus 3). */
#define LZ_MIN_MATCH 3u

/* Output margin of the fast copies, from their worst case: for dist >= 16 the first two
 * 16-byte copies write 32 bytes from op whatever len is, so a match of LZ_MIN_MATCH
 * bytes writes 32 - 3 = 29 bytes past its end; the 16-byte loop's last copy starts
 * before the end (at most 15 past); for dist 8..15 the two 8-byte copies write 16 bytes
 * (13 past) and the loop at most 7 past; distances 2..7 copy 8 bytes from before the
 * end (7 past); distance 1 is an exact memset. Reads come only from output already
 * written (dist >= the copy size, or the pattern just made). */
#define LZ_COPY_SLACK (32u - LZ_MIN_MATCH)

/* For helpers taking a constant "fast" argument: inlining makes two specialised copies. */
#if defined(__GNUC__) || defined(__clang__)
#define LZ_FORCE_INLINE static inline __attribute__((always_inline))
#else
#define LZ_FORCE_INLINE static inline
#endif

/* Number of leading zero bits of a non-zero 32-bit value. */
static inline unsigned lz_clz32(uint32_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_clz(v);
#else
    unsigned n = 0;
    while (!(v & 0x80000000u)) {
        v <<= 1;
        n++;
    }
    return n;
#endif
}

/* Number of leading zero bits of a non-zero 64-bit value. */
static inline unsigned lz_clz64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_clzll(v);
#else
    unsigned n = 0;
    while (!(v & 0x8000000000000000ull)) {
        v <<= 1;
        n++;
    }
    return n;
#endif
}

/* Copies len bytes from op - dist to op (1 <= dist <= op - out, LZ_MIN_MATCH <= len,
 * op + len <= oend). */
LZ_FORCE_INLINE uint8_t *lz_copy_match(uint8_t *op, size_t dist, size_t len, uint8_t *oend)
{
    const uint8_t *src = op - dist;
    uint8_t *end = op + len;

    if ((size_t)(oend - end) >= LZ_COPY_SLACK) {
        if (dist >= 16) {
            /* Two 16-byte copies cover most matches without a loop branch; each reads
             * only bytes that are already final (dist >= 16). */
            memcpy(op, src, 16);
            memcpy(op + 16, src + 16, 16);
            if (len > 32) {
                op += 32;
                src += 32;
                do {
                    memcpy(op, src, 16);
                    op += 16;
                    src += 16;
                } while (op < end);
            }
            return end;
        }
        if (dist >= 8) {
            memcpy(op, src, 8);
            memcpy(op + 8, src + 8, 8);
            if (len > 16) {
                op += 16;
                src += 16;
                do {
                    memcpy(op, src, 8);
                    op += 8;
                    src += 8;
                } while (op < end);
            }
            return end;
        }
        if (dist == 1) {
            memset(op, *src, len);
            return end;
        }
        /* Short period: write the pattern byte by byte until it is 8 bytes long, then
         * continue with 8-byte copies from 8 bytes back (a multiple of the period is not
         * needed: copying from op - k*dist for any k gives the same bytes). */
        size_t step = dist;
        while (step < 8)
            step += dist;
        uint8_t *pat_end = op + step - dist;
        while (op < pat_end && op < end)
            *op++ = *src++;
        src = op - step;
        while (op < end) {
            memcpy(op, src, 8);
            op += 8;
            src += 8;
        }
        return end;
    }
    /* Near the end of the output: exact copies only. */
    if (dist == 1) {
        memset(op, *src, len);
    } else if (dist >= len) {
        memcpy(op, src, len);
    } else {
        /* Overlapping: [src, op) repeats with period dist, so copying it in front of
         * itself doubles the pattern each time without overlap. */
        while (op < end) {
            size_t n = (size_t)(op - src);
            if (n > (size_t)(end - op))
                n = (size_t)(end - op);
            memcpy(op, src, n);
            op += n;
        }
    }
    return end;
}

#endif
