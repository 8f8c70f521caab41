/*
 * xpress_decompress.c - Xpress "plain LZ77" decoder ([MS-XCA] 2.3 and 2.4).
 *
 * The stream is a sequence of groups. Each group starts with a 32-bit little-endian
 * flag word whose bits, read from the most significant down, say what the next 32
 * items are: 0 = one literal byte copied as is, 1 = a match. A match starts with a
 * 16-bit little-endian word: its low 3 bits are a length code and its upper 13 bits
 * are the distance minus 1 (so distances 1..8192). Length code 7 means "longer": the
 * next 4 bits come from a half-byte; two consecutive long matches share one byte, the
 * first using its low nibble (and that byte is read at the place of the first one),
 * the second its high nibble. A nibble of 15 means "longer still": one more byte
 * follows; if that byte is 255, a 16-bit word follows that holds the whole length
 * minus 3, and if that word is 0 a 32-bit word follows that holds it instead. The
 * match length is then 3 + code (+ nibble (+ byte)).
 *
 * Windows' decoder stops when it meets a match flag with no input left; we know the
 * exact output length instead, so we stop when it is reached and then accept only
 * what may legitimately follow: nothing, or (when the last flag word was used up) one
 * more flag word whose first flag is a match, which is how an encoder ends a stream
 * whose last group was full. Anything else after the output is complete means the
 * stream decodes to more than expected and is rejected.
 *
 * Speed: runs of literals are found with a count of leading zero flags and copied as
 * a block; matches are copied 8 or 16 bytes at a time while far from the output end
 * (lz_copy.h). A group is decoded without input checks on its flag word, tokens and
 * literal blocks only when XP_GROUP_MAX_IN bytes remain (its worst case, derived below);
 * otherwise every read is checked. Every write is checked against the output end.
 */
#include "ddp/codec.h"
#include "ddp/le.h"
#include "lz_copy.h"

/* What may follow once the output is complete (see the file comment). */
static ddp_status xpress_check_end(const uint8_t *ip, const uint8_t *iend, int at_group_start)
{
    size_t rest = (size_t)(iend - ip);
    if (rest == 0)
        return DDP_OK;
    if (at_group_start && rest == 4 && (ip[3] & 0x80))
        return DDP_OK;
    return DDP_ERR_CORRUPT_DATA;
}

/* Reads the length extension of a match whose 3-bit code was 7; *len gets the length
 * beyond 3 + 7. */
LZ_FORCE_INLINE int xpress_long_length(const uint8_t **ipp, const uint8_t *iend, const uint8_t **half,
                              size_t *len)
{
    const uint8_t *ip = *ipp;
    size_t n;

    /* First user of a shared byte: its low nibble, here; second: the high nibble of the
     * byte kept in *half. Written without branches (the two cases alternate). */
    const uint8_t *h = *half;
    int first = h == NULL;
    if (first && ip >= iend)
        return 0;
    const uint8_t *src = first ? ip : h;
    n = (size_t)(*src >> (first ? 0 : 4)) & 0x0f;
    *half = first ? ip : NULL;
    ip += first;
    if (n == 15) {
        if (ip >= iend)
            return 0;
        n = *ip++;
        if (n == 255) {
            if (iend - ip < 2)
                return 0;
            n = ddp_le16(ip);
            ip += 2;
            if (n == 0) {
                if (iend - ip < 4)
                    return 0;
                n = ddp_le32(ip);
                ip += 4;
                if (n > 0x7fffffffu)   /* longer than any buffer; also keeps 32-bit sums exact */
                    return 0;
            }
            if (n < 15 + 7)
                return 0;
            n -= 15 + 7;
        }
        n += 15;
    }
    *len = n;
    *ipp = ip;
    return 1;
}

/* The literal run is copied as one fixed block of this many bytes, read from ip and
 * written at op, whatever the run's length (at most 32 items are left in a group). */
#define XP_LITERAL_COPY 32u

/* Worst case of a match's input: the 16-bit token (2), the nibble byte (1, only for the
 * first of two long matches; the second uses the high half of the same byte), the
 * length byte (1), the 16-bit length (2) and the 32-bit length (4). */
#define XP_MATCH_MAX_IN 10u
#define XP_MATCH_SECOND_MAX_IN (XP_MATCH_MAX_IN - 1u)

/* Fast-path margin: in fast mode the flag word, the tokens and the literal copies are
 * read without checks (the length escapes are always checked), so this many input
 * bytes must remain at the start of the group. Worst case: the flag word (4), then 31
 * items that are long matches (at most 16 of them read a nibble byte: 16 * 10 + 15 * 9
 * bytes), then, before the 32nd item, the literal copy reading XP_LITERAL_COPY bytes:
 * 4 + 16 * 10 + 15 * 9 + 32 = 331 bytes. (A literal among the 31 items takes 1 byte
 * instead of 9 or 10; the 32nd item's token ends by 4 + 295 + 2 = 301 at the latest.) */
#define XP_GROUP_MAX_IN (4u + 16u * XP_MATCH_MAX_IN + 15u * XP_MATCH_SECOND_MAX_IN + XP_LITERAL_COPY)

enum { XP_GROUP_NEXT, XP_GROUP_DONE_START, XP_GROUP_DONE_INSIDE, XP_GROUP_CORRUPT };

/* The flag word after all 32 flags were shifted out: only the sentinel is left. */
#define XP_GROUP_END (1ull << 63)

/* Decodes one group (a flag word and its up to 32 items). `fast` is a constant at each
 * call: when set, the caller has checked that XP_GROUP_MAX_IN input bytes remain, so the
 * input checks vanish. The flags sit in the top half of a 64-bit word with a sentinel
 * bit below them, so a count of leading zeros gives the literal run directly, never more
 * than the items left in the group, and the group is over when only the sentinel is left.
 * Far from the output end the literal run is copied as a fixed 32 bytes. */
LZ_FORCE_INLINE int xp_group(const uint8_t **ipp, const uint8_t *iend, uint8_t **opp, uint8_t *out,
                           uint8_t *oend, const uint8_t **halfp, const int fast)
{
    const uint8_t *half = *halfp;
    const uint8_t *ip = *ipp;
    uint8_t *op = *opp;
    int result = XP_GROUP_NEXT;
    uint64_t flags = ((uint64_t)ddp_le32(ip) << 32) | 0x80000000u;

    ip += 4;
    for (;;) {
        /* The literal run before the next match (often empty: copied all the same,
         * which costs less than a mispredicted branch). */
        size_t lits = lz_clz64(flags);
        /* Output side: the block is written only when more than XP_LITERAL_COPY bytes
         * of output remain, so out[out_len] is never written. */
        if ((size_t)(oend - op) > XP_LITERAL_COPY && (fast || (size_t)(iend - ip) >= XP_LITERAL_COPY)) {
            memcpy(op, ip, 16);
            memcpy(op + 16, ip + 16, 16);
            op += lits;
            ip += lits;
        } else {
            size_t out_room = (size_t)(oend - op);
            size_t n = lits < out_room ? lits : out_room;
            if (n > (size_t)(iend - ip)) {
                result = XP_GROUP_CORRUPT;
                break;
            }
            memcpy(op, ip, n);
            op += n;
            ip += n;
            lits = n;
            if (op == oend) {
                flags <<= lits;
                result = flags == XP_GROUP_END ? XP_GROUP_DONE_START : XP_GROUP_DONE_INSIDE;
                break;
            }
        }
        flags <<= lits;
        if (flags == XP_GROUP_END)
            break;
        /* A match. */
        flags <<= 1;
        if (!fast && iend - ip < 2) {
            result = XP_GROUP_CORRUPT;
            break;
        }
        unsigned token = ddp_le16(ip);
        size_t dist = (token >> 3) + 1;
        size_t len = token & 7;
        ip += 2;
        if (len == 7) {
            size_t more;
            if (!xpress_long_length(&ip, iend, &half, &more)) {
                result = XP_GROUP_CORRUPT;
                break;
            }
            len += more;
        }
        len += 3;
        if (dist > (size_t)(op - out) || len > (size_t)(oend - op)) {
            result = XP_GROUP_CORRUPT;
            break;
        }
        op = lz_copy_match(op, dist, len, oend);
        if (op == oend) {
            result = flags == XP_GROUP_END ? XP_GROUP_DONE_START : XP_GROUP_DONE_INSIDE;
            break;
        }
        if (flags == XP_GROUP_END)
            break;
    }
    *ipp = ip;
    *opp = op;
    *halfp = half;
    return result;
}

ddp_status ddp_xpress_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    const uint8_t *ip = in;
    const uint8_t *iend = in + in_len;
    uint8_t *op = out;
    uint8_t *oend = out + out_len;
    const uint8_t *half = NULL;

    if ((in == NULL && in_len) || (out == NULL && out_len))
        return DDP_ERR_INVALID_ARG;
    for (;;) {
        if (op == oend)
            return xpress_check_end(ip, iend, 1);
        int r;
        if ((size_t)(iend - ip) >= XP_GROUP_MAX_IN)
            r = xp_group(&ip, iend, &op, out, oend, &half, 1);
        else if (iend - ip >= 4)
            r = xp_group(&ip, iend, &op, out, oend, &half, 0);
        else
            return DDP_ERR_CORRUPT_DATA;
        if (r == XP_GROUP_CORRUPT)
            return DDP_ERR_CORRUPT_DATA;
        if (r == XP_GROUP_DONE_INSIDE)
            return xpress_check_end(ip, iend, 0);
        if (r == XP_GROUP_DONE_START)
            return xpress_check_end(ip, iend, 1);
    }
}
