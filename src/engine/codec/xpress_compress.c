/*
 * xpress_compress.c - Xpress "plain LZ77" encoder ([MS-XCA] 2.3), used by ddp-mkstore
 * to store chunks compressed.
 *
 * Output format (see xpress_decompress.c): groups of one 32-bit flag word (most
 * significant bit first, 0 = literal, 1 = match) followed by the items it describes;
 * a match is a 16-bit word (distance - 1) << 3 | min(length - 3, 7), then for lengths
 * of 10 and more a shared half-byte, then for lengths of 25 and more a byte, and for
 * lengths of 280 and more the byte 255 and the whole length minus 3 as 16 bits (or 16
 * zero bits and 32 bits when it does not fit in 16). The last flag word is padded with
 * 1 bits; when it is full, one more all-ones flag word ends the stream, so decoders
 * that stop on "match flag with no input left" stop there.
 *
 * Match finder: hash chains over 4-byte prefixes, so only matches of 4 bytes and more
 * are found (the format allows 3; on our corpora skipping them gives a better ratio
 * and a faster search, as chains hold fewer weak candidates). head[] holds, per hash,
 * the latest position + 1 with that hash; prev[] (a ring of window size) links each
 * position to the previous one with the same hash. A search walks at most XP_CHAIN_DEPTH links
 * and never further back than XP_MAX_DIST (8191: the format allows 8192, one less
 * keeps the ring free of stale links). Parsing is greedy with a one-step lazy check
 * for matches shorter than XP_LAZY_BELOW (if the next position has a longer match, the
 * current byte goes out as a literal). A search stops early at XP_NICE_LENGTH.
 * Output depends only on the input: same bytes in, same bytes out.
 *
 * Every write is checked against out_cap; when the next item does not fit, the
 * function returns 0 and the caller stores the chunk raw.
 */
#include <stdlib.h>

#include "ddp/codec.h"
#include "ddp/le.h"

#define XP_HASH_BITS 15u
#define XP_HASH_SIZE (1u << XP_HASH_BITS)
#define XP_WINDOW 8192u
#define XP_MAX_DIST (XP_WINDOW - 1u)
#define XP_MIN_MATCH 4u
#define XP_CHAIN_DEPTH 8u
#define XP_NICE_LENGTH 64u
#define XP_LAZY_BELOW 32u

struct ddp_xpress_encoder {
    uint32_t head[XP_HASH_SIZE];
    uint32_t prev[XP_WINDOW];
};

/* The output under construction. */
typedef struct xp_writer {
    uint8_t *out;
    size_t cap;
    size_t pos;
    size_t flag_pos;     /* where the current flag word goes */
    uint32_t flags;
    unsigned nflags;     /* flags used in the current word */
    size_t half_pos;     /* byte whose high nibble is still free, when have_half */
    int have_half;
} xp_writer;

ddp_xpress_encoder *ddp_xpress_encoder_new(void)
{
    return calloc(1, sizeof(ddp_xpress_encoder));
}

void ddp_xpress_encoder_free(ddp_xpress_encoder *enc)
{
    free(enc);
}

static inline uint32_t xp_hash(const uint8_t *p)
{
    uint32_t v = ddp_le32(p);
    return (v * 2654435761u) >> (32u - XP_HASH_BITS);
}

/* Length of the common prefix of a and b, at most limit bytes. */
static inline size_t xp_match_length(const uint8_t *a, const uint8_t *b, size_t limit)
{
    size_t n = 0;
    while (n + 8 <= limit) {
        uint64_t d = ddp_le64(a + n) ^ ddp_le64(b + n);
        if (d) {
#if defined(__GNUC__) || defined(__clang__)
            return n + ((unsigned)__builtin_ctzll(d) >> 3);
#else
            break;
#endif
        }
        n += 8;
    }
    while (n < limit && a[n] == b[n])
        n++;
    return n;
}

/* Links position i into its hash chain and returns the previous head (position + 1). */
static inline uint32_t xp_insert(ddp_xpress_encoder *enc, const uint8_t *in, uint32_t i)
{
    uint32_t h = xp_hash(in + i);
    uint32_t cand = enc->head[h];
    enc->prev[i & (XP_WINDOW - 1u)] = cand;
    enc->head[h] = i + 1;
    return cand;
}

/* Best match for position i among the chain starting at cand; returns its length
 * (0 when none of at least XP_MIN_MATCH) and sets *dist. */
static size_t xp_best_match(const ddp_xpress_encoder *enc, const uint8_t *in, size_t n,
                            uint32_t i, uint32_t cand, size_t *dist)
{
    size_t best = 0;
    size_t limit = n - i;
    unsigned depth = XP_CHAIN_DEPTH;

    while (cand && depth--) {
        uint32_t c = cand - 1;
        if (c >= i || i - c > XP_MAX_DIST)
            break;
        if (in[c + best] == in[i + best] || best == 0) {
            size_t len = xp_match_length(in + c, in + i, limit);
            if (len > best) {
                best = len;
                *dist = i - c;
                if (len >= XP_NICE_LENGTH || len == limit)
                    break;
            }
        }
        uint32_t next = enc->prev[c & (XP_WINDOW - 1u)];
        if (next >= cand)
            break;
        cand = next;
    }
    return best >= XP_MIN_MATCH ? best : 0;
}

/* Makes room for the flag of the next item (and a new flag word if needed), checking
 * that `item` more bytes fit too. Returns 0 when they do not. */
static int xp_begin_item(xp_writer *w, size_t item, uint32_t flag)
{
    size_t need = item + (w->nflags == 32 ? 4u : 0u);
    if (w->cap - w->pos < need)
        return 0;
    if (w->nflags == 32) {
        ddp_put32(w->out + w->flag_pos, w->flags);
        w->flag_pos = w->pos;
        w->pos += 4;
        w->flags = 0;
        w->nflags = 0;
    }
    w->flags = (w->flags << 1) | flag;
    w->nflags++;
    return 1;
}

static int xp_put_literal(xp_writer *w, uint8_t b)
{
    if (!xp_begin_item(w, 1, 0))
        return 0;
    w->out[w->pos++] = b;
    return 1;
}

static int xp_put_match(xp_writer *w, size_t len, size_t dist)
{
    size_t l = len - 3;
    size_t size = 2;
    if (l >= 7) {
        size_t m = l - 7;
        if (!w->have_half)
            size++;
        if (m >= 15)
            size += (m - 15 < 255) ? 1 : (l <= 0xffff ? 3 : 7);
    }
    if (!xp_begin_item(w, size, 1))
        return 0;
    ddp_put16(w->out + w->pos, (uint16_t)(((dist - 1) << 3) | (l < 7 ? l : 7)));
    w->pos += 2;
    if (l < 7)
        return 1;
    size_t m = l - 7;
    unsigned nibble = m < 15 ? (unsigned)m : 15u;
    if (w->have_half) {
        w->out[w->half_pos] |= (uint8_t)(nibble << 4);
        w->have_half = 0;
    } else {
        w->half_pos = w->pos;
        w->out[w->pos++] = (uint8_t)nibble;
        w->have_half = 1;
    }
    if (m < 15)
        return 1;
    if (m - 15 < 255) {
        w->out[w->pos++] = (uint8_t)(m - 15);
        return 1;
    }
    w->out[w->pos++] = 255;
    if (l <= 0xffff) {
        ddp_put16(w->out + w->pos, (uint16_t)l);
        w->pos += 2;
    } else {
        ddp_put16(w->out + w->pos, 0);
        ddp_put32(w->out + w->pos + 2, (uint32_t)l);
        w->pos += 6;
    }
    return 1;
}

/* Pads the last flag word with 1 bits (or adds an all-ones word when it is full). */
static int xp_finish(xp_writer *w)
{
    if (w->nflags == 32) {
        ddp_put32(w->out + w->flag_pos, w->flags);
        if (w->cap - w->pos < 4)
            return 0;
        ddp_put32(w->out + w->pos, 0xffffffffu);
        w->pos += 4;
        return 1;
    }
    unsigned spare = 32 - w->nflags;
    uint32_t flags = spare == 32 ? 0xffffffffu : (w->flags << spare) | ((1u << spare) - 1u);
    ddp_put32(w->out + w->flag_pos, flags);
    return 1;
}

size_t ddp_xpress_compress(ddp_xpress_encoder *enc, const uint8_t *in, size_t in_len,
                           uint8_t *out, size_t out_cap)
{
    xp_writer w = {out, out_cap, 4, 0, 0, 0, 0, 0};

    if (!enc || (!in && in_len) || !out || out_cap < 4 || in_len > 0x7fffffffu)
        return 0;
    memset(enc->head, 0, sizeof(enc->head));

    uint32_t n = (uint32_t)in_len;
    uint32_t i = 0;
    /* pending: the match found at i by the previous step's lazy look-ahead. */
    size_t cur_len = 0, cur_dist = 0;
    int have_cur = 0;
    while (i < n) {
        if (!have_cur) {
            cur_len = 0;
            if (n - i >= XP_MIN_MATCH)
                cur_len = xp_best_match(enc, in, n, i, xp_insert(enc, in, i), &cur_dist);
        }
        have_cur = 0;
        if (cur_len == 0) {
            if (!xp_put_literal(&w, in[i]))
                return 0;
            i++;
            continue;
        }
        /* Lazy step: a longer match one byte later wins over this one. */
        if (cur_len < XP_LAZY_BELOW && n - (i + 1) >= XP_MIN_MATCH) {
            size_t next_dist = 0;
            size_t next_len = xp_best_match(enc, in, n, i + 1, xp_insert(enc, in, i + 1), &next_dist);
            if (next_len > cur_len) {
                if (!xp_put_literal(&w, in[i]))
                    return 0;
                i++;
                cur_len = next_len;
                cur_dist = next_dist;
                have_cur = 1;
                continue;
            }
            /* i + 1 is already linked into its chain. */
            if (!xp_put_match(&w, cur_len, cur_dist))
                return 0;
            for (uint32_t j = i + 2; j < i + cur_len && n - j >= XP_MIN_MATCH; j++)
                xp_insert(enc, in, j);
        } else {
            if (!xp_put_match(&w, cur_len, cur_dist))
                return 0;
            for (uint32_t j = i + 1; j < i + cur_len && n - j >= XP_MIN_MATCH; j++)
                xp_insert(enc, in, j);
        }
        i += (uint32_t)cur_len;
    }
    if (!xp_finish(&w))
        return 0;
    return w.pos;
}
