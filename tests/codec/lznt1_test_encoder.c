/*
 * lznt1_test_encoder.c - a small LZNT1 encoder ([MS-XCA] 2.5) for tests and the
 * benchmark. Each 4096-byte chunk is parsed greedily with a hash chain limited to the
 * chunk (LZNT1 matches never leave their chunk); the distance/length split of each
 * copy token follows the position in the chunk. A chunk whose compressed form is not
 * smaller is stored uncompressed. No end marker is written.
 */
#include <string.h>

#include "codec_test_encoders.h"

#define CHUNK 4096u
#define HASH_BITS 12u

static unsigned length_bits(size_t pos)
{
    unsigned bits = 12;
    for (size_t p = pos - 1; p >= 16; p >>= 1)
        bits--;
    return bits;
}

static unsigned hash3(const uint8_t *p)
{
    return (((unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2]) * 2654435761u) >> (32 - HASH_BITS);
}

/* Compresses one chunk into tmp; returns the data size (without header). */
static size_t compress_chunk(const uint8_t *c, size_t n, uint8_t *tmp)
{
    int16_t head[1u << HASH_BITS];
    int16_t prev[CHUNK];
    size_t o = 0, pos = 0;
    memset(head, 0xff, sizeof(head));
    while (pos < n) {
        size_t flag_at = o++;
        uint8_t flags = 0;
        for (unsigned bit = 0; bit < 8 && pos < n; bit++) {
            size_t best = 0, best_dist = 0;
            if (pos > 0 && n - pos >= 3) {
                unsigned lb = length_bits(pos);
                size_t max_dist = (size_t)1 << (16 - lb);
                size_t max_len = ((size_t)1 << lb) - 1 + 3;
                int cand = head[hash3(c + pos)];
                for (int depth = 0; cand >= 0 && depth < 32; depth++) {
                    size_t d = pos - (size_t)cand;
                    if (d > max_dist)
                        break;
                    size_t l = 0;
                    while (pos + l < n && l < max_len && c[cand + l] == c[pos + l])
                        l++;
                    if (l > best) {
                        best = l;
                        best_dist = d;
                    }
                    cand = prev[cand];
                }
            }
            if (best >= 3) {
                unsigned lb = length_bits(pos);
                uint16_t tok = (uint16_t)(((best_dist - 1) << lb) | (best - 3));
                tmp[o++] = (uint8_t)tok;
                tmp[o++] = (uint8_t)(tok >> 8);
                flags |= (uint8_t)(1u << bit);
            } else {
                best = 1;
                tmp[o++] = c[pos];
            }
            for (size_t k = 0; k < best; k++, pos++) {
                if (n - pos >= 3) {
                    unsigned h = hash3(c + pos);
                    prev[pos] = head[h];
                    head[h] = (int16_t)pos;
                }
            }
        }
        tmp[flag_at] = flags;
    }
    return o;
}

size_t test_lznt1_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap)
{
    uint8_t tmp[CHUNK + CHUNK / 8 + 16];
    size_t o = 0;
    for (size_t at = 0; at < in_len; at += CHUNK) {
        size_t n = in_len - at < CHUNK ? in_len - at : CHUNK;
        size_t size = compress_chunk(in + at, n, tmp);
        int compressed = size < n;
        const uint8_t *data = compressed ? tmp : in + at;
        if (!compressed)
            size = n;
        if (out_cap - o < size + 2)
            return 0;
        uint16_t header = (uint16_t)((compressed ? 0xb000u : 0x3000u) | (size - 1));
        out[o] = (uint8_t)header;
        out[o + 1] = (uint8_t)(header >> 8);
        memcpy(out + o + 2, data, size);
        o += size + 2;
    }
    return o;
}
