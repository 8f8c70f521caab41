/*
 * xpress_huffman_decompress.c - Xpress "LZ77+Huffman" decoder ([MS-XCA] 2.1 and 2.2).
 *
 * The output is made in blocks of 65536 bytes (the last one shorter). Each block
 * starts with a 256-byte table of 512 code lengths of 4 bits each (byte i holds symbol
 * 2i in its low nibble and 2i+1 in its high nibble; 0 = symbol unused). The codes are
 * canonical: ordered by length, then by symbol value, counting up from zero. Symbols
 * 0-255 are literal bytes; symbol 256 + (o << 4 | l) is a match whose distance has its
 * top bit at position o (o more bits follow in the bit stream, after the Huffman code)
 * and whose length is l + 3; l = 15 means the length continues in whole bytes taken
 * from the input at the current read position: one byte added to 15, or, when that
 * byte is 255, a 16-bit little-endian word holding the length minus 3. Symbol 256
 * (o = 0, l = 0) at the end of the data is the end-of-stream mark.
 *
 * The bit stream is made of 16-bit little-endian words read most significant bit
 * first. Exactly like the specification's decoder we keep 32 bits of look-ahead and
 * read the next word only when fewer than 16 unread bits remain: the extra length bytes
 * sit in the input right after the last word read so far, so the moment of each read
 * decides where those bytes are. A block ends once its 65536 bytes are out (a match may
 * run past that point); the next block's table starts at the current read position.
 *
 * Decoding is table-driven: a 12-bit primary table gives symbol and code length for
 * codes up to 12 bits and points to 8-entry secondary tables for the longer ones (at
 * most 15 bits). Code lengths that over-subscribe the code space are rejected; unused
 * bit patterns of an incomplete code decode as errors.
 *
 * We know the exact output length. When it is reached in the middle of a block, the
 * next symbol must be the end mark (Windows' decoder stops on that symbol); when it is
 * reached at a block boundary, the input must end or hold one more table whose first
 * symbol is the end mark. Reading a bit beyond the input, a distance before the start
 * of the output, or a match running past its end give DDP_ERR_CORRUPT_DATA.
 */
#include "ddp/codec.h"
#include "ddp/le.h"
#include "decoder_state.h"
#include "lz_copy.h"

#define XH_BLOCK 65536u
#define XH_TABLE_BYTES 256u
#define XH_END_SYMBOL 256u
#define XH_SUB_FLAG 0x2000u

/* Fast-path margin: a fast symbol reads without a check only the refill word of its
 * code (xh_consume_fast: 2 bytes at ip, read even when no refill is due); the length
 * bytes are always checked and the distance bits' refill is checked against its own 2
 * bytes. So 2 input bytes must remain (and no zero word may have been supplied yet). */
#define XH_FAST_MIN_IN 2

/* The specification's bit reader: `bits` holds 16 + `extra` unread bits at its top. */
typedef struct xh_bits {
    uint32_t bits;
    int extra;
    unsigned phantom;      /* zero words supplied past the end of the input */
    const uint8_t *ip;
    const uint8_t *iend;
} xh_bits;

/* Builds the tables from the 256-byte length table. Returns 0 when the lengths
 * over-subscribe the code space. */
static int xh_build(xh_tables *t, const uint8_t *lens_packed)
{
    uint8_t lens[XH_SYMBOLS];
    unsigned count[XH_MAX_BITS + 1] = {0};
    uint32_t next[XH_MAX_BITS + 2];

    for (unsigned i = 0; i < XH_TABLE_BYTES; i++) {
        lens[2 * i] = lens_packed[i] & 0x0f;
        lens[2 * i + 1] = lens_packed[i] >> 4;
    }
    for (unsigned s = 0; s < XH_SYMBOLS; s++)
        count[lens[s]]++;
    /* Kraft check, and the first canonical code of each length. */
    uint32_t code = 0;
    int64_t room = 1;
    for (unsigned l = 1; l <= XH_MAX_BITS; l++) {
        room = room * 2 - count[l];
        if (room < 0)
            return 0;
        next[l] = code;
        code = (code + count[l]) << 1;
    }
    memset(t->primary, 0, sizeof(t->primary));
    unsigned nsub = 0;
    for (unsigned s = 0; s < XH_SYMBOLS; s++) {
        unsigned l = lens[s];
        if (l == 0)
            continue;
        uint32_t c = next[l]++;
        uint32_t entry = (s << 4) | l;
        if (l <= XH_PRIMARY_BITS) {
            uint32_t first = c << (XH_PRIMARY_BITS - l);
            uint32_t n = 1u << (XH_PRIMARY_BITS - l);
            for (uint32_t k = 0; k < n; k++)
                t->primary[first + k] = entry;
            continue;
        }
        uint32_t prefix = c >> (l - XH_PRIMARY_BITS);
        uint32_t *slot = &t->primary[prefix];
        if (!(*slot & XH_SUB_FLAG)) {
            memset(&t->secondary[nsub << XH_SECONDARY_BITS], 0,
                   sizeof(uint32_t) << XH_SECONDARY_BITS);
            *slot = XH_SUB_FLAG | (nsub << 16);
            nsub++;
        }
        uint32_t *sub = &t->secondary[(*slot >> 16) << XH_SECONDARY_BITS];
        unsigned rest = l - XH_PRIMARY_BITS;
        uint32_t first = (c & ((1u << rest) - 1u)) << (XH_SECONDARY_BITS - rest);
        uint32_t n = 1u << (XH_SECONDARY_BITS - rest);
        for (uint32_t k = 0; k < n; k++)
            sub[first + k] = entry;
    }
    return 1;
}

LZ_FORCE_INLINE void xh_refill(xh_bits *b)
{
    if (b->iend - b->ip >= 2) {
        b->bits |= (uint32_t)ddp_le16(b->ip) << (-b->extra);
        b->ip += 2;
    } else {
        b->phantom++;
    }
    b->extra += 16;
}

/* Drops n (<= 16) bits; returns 0 when that used bits from beyond the input. */
LZ_FORCE_INLINE int xh_consume(xh_bits *b, unsigned n)
{
    b->bits = (uint32_t)((uint64_t)b->bits << n);
    b->extra -= (int)n;
    if (b->extra < 0)
        xh_refill(b);
    return b->phantom == 0 || 16 + b->extra >= (int)(16 * b->phantom);
}

static int xh_start_block(xh_bits *b, xh_tables *t)
{
    if (b->iend - b->ip < (ptrdiff_t)(XH_TABLE_BYTES + 4))
        return 0;
    if (!xh_build(t, b->ip))
        return 0;
    b->ip += XH_TABLE_BYTES;
    b->bits = ((uint32_t)ddp_le16(b->ip) << 16) | ddp_le16(b->ip + 2);
    b->ip += 4;
    b->extra = 16;
    b->phantom = 0;
    return 1;
}

/* The table entry for the next code (code length 0 when there is none). */
LZ_FORCE_INLINE uint32_t xh_lookup(const xh_tables *t, uint32_t bits)
{
    uint32_t e = t->primary[bits >> (32 - XH_PRIMARY_BITS)];
    if (e & XH_SUB_FLAG)
        e = t->secondary[((e >> 16) << XH_SECONDARY_BITS) |
                         ((bits >> (32 - XH_MAX_BITS)) & ((1u << XH_SECONDARY_BITS) - 1u))];
    return e;
}

/* Is the next symbol the end mark (and present in the input)? */
static int xh_next_is_end(xh_bits *b, const xh_tables *t)
{
    uint32_t e = xh_lookup(t, b->bits);
    if ((e & 0x0f) == 0 || (e >> 4) != XH_END_SYMBOL)
        return 0;
    return xh_consume(b, e & 0x0f);
}

/* Reads the byte-aligned length continuation of a match with length code 15. */
LZ_FORCE_INLINE int xh_long_length(xh_bits *b, size_t *len)
{
    if (b->ip >= b->iend)
        return 0;
    size_t n = *b->ip++;
    if (n == 255) {
        if (b->iend - b->ip < 2)
            return 0;
        n = ddp_le16(b->ip);
        b->ip += 2;
        if (n < 15)
            return 0;
        n -= 15;
    }
    *len = n + 15;
    return 1;
}

/* xh_consume() for when at least XH_FAST_MIN_IN input bytes remain (so no zero words
 * are ever supplied): the refill is done without a branch. */
LZ_FORCE_INLINE void xh_consume_fast(xh_bits *b, unsigned n)
{
    b->bits <<= n;
    b->extra -= (int)n;
    uint32_t need = (uint32_t)b->extra >> 31;
    uint32_t word = ddp_le16(b->ip);
    b->bits |= (word << ((unsigned)(-b->extra) & 31u)) & (0u - need);
    b->ip += 2 * need;
    b->extra += 16 * (int)need;
}

/* One symbol: a literal or a match. `fast` (a constant at each call) means at least
 * XH_FAST_MIN_IN input bytes remain and no zero words were supplied. Returns 0 when
 * malformed. */
LZ_FORCE_INLINE int xh_symbol(xh_bits *b, const xh_tables *t, uint8_t *out, uint8_t **opp,
                              uint8_t *oend, const int fast)
{
    uint8_t *op = *opp;
    uint32_t e = xh_lookup(t, b->bits);
    unsigned clen = e & 0x0f;
    unsigned sym = (e >> 4) & 0x1ff;

    if (clen == 0)
        return 0;
    if (fast)
        xh_consume_fast(b, clen);
    else if (!xh_consume(b, clen))
        return 0;
    if (sym < 256) {
        *op = (uint8_t)sym;
        *opp = op + 1;
        return 1;
    }
    sym -= 256;
    size_t len = sym & 15;
    unsigned obits = sym >> 4;
    if (len == 15 && !xh_long_length(b, &len))
        return 0;
    len += 3;
    size_t dist = (size_t)1 << obits;
    if (obits) {
        dist |= b->bits >> (32 - obits);
        if (fast && b->iend - b->ip >= XH_FAST_MIN_IN)
            xh_consume_fast(b, obits);
        else if (!xh_consume(b, obits))
            return 0;
    }
    if (dist > (size_t)(op - out) || len > (size_t)(oend - op))
        return 0;
    *opp = lz_copy_match(op, dist, len, oend);
    return 1;
}

/* Decodes symbols until block_end (or oend) is reached. The reader state is kept in a
 * local copy so that output stores cannot alias it. */
static int xh_block(xh_bits *bp, const xh_tables *t, uint8_t *out, uint8_t **opp, uint8_t *block_end,
                    uint8_t *oend)
{
    xh_bits b = *bp;
    uint8_t *op = *opp;
    int ok = 1;

    while (op < block_end) {
        if (b.iend - b.ip >= XH_FAST_MIN_IN && b.phantom == 0)
            ok = xh_symbol(&b, t, out, &op, oend, 1);
        else
            ok = xh_symbol(&b, t, out, &op, oend, 0);
        if (!ok)
            break;
    }
    *bp = b;
    *opp = op;
    return ok;
}

static ddp_status xh_decode(xh_bits *b, xh_tables *t, uint8_t *out, size_t out_len)
{
    uint8_t *op = out;
    uint8_t *oend = out + out_len;

    for (;;) {
        if (op == oend) {
            if (b->ip == b->iend)
                return DDP_OK;
            if (!xh_start_block(b, t) || !xh_next_is_end(b, t))
                return DDP_ERR_CORRUPT_DATA;
            return DDP_OK;
        }
        if (!xh_start_block(b, t))
            return DDP_ERR_CORRUPT_DATA;
        uint8_t *block_start = op;
        size_t block_room = (size_t)(oend - op);
        uint8_t *block_end = op + (block_room < XH_BLOCK ? block_room : XH_BLOCK);
        if (!xh_block(b, t, out, &op, block_end, oend))
            return DDP_ERR_CORRUPT_DATA;
        if (op == oend && (size_t)(op - block_start) < XH_BLOCK) {
            /* Ended inside a block: the end mark must come next. */
            return xh_next_is_end(b, t) ? DDP_OK : DDP_ERR_CORRUPT_DATA;
        }
    }
}

ddp_status ddp_xpress_huffman_decompress(ddp_decoder *dec, const uint8_t *in, size_t in_len, uint8_t *out,
                                         size_t out_len)
{
    xh_bits b;

    if (dec == NULL || (in == NULL && in_len) || (out == NULL && out_len))
        return DDP_ERR_INVALID_ARG;
    b.bits = 0;
    b.extra = 0;
    b.phantom = 0;
    b.ip = in;
    b.iend = in + in_len;
    return xh_decode(&b, &dec->huffman, out, out_len);
}
