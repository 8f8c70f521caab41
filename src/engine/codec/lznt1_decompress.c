/*
 * lznt1_decompress.c - LZNT1 decoder ([MS-XCA] 2.5; NTFS compression).
 *
 * The input is a sequence of chunks, each holding up to 4096 bytes of output. A chunk
 * starts with a 16-bit little-endian header: bits 0-11 are the size of the data that
 * follows minus 1, bits 12-14 a signature that must be 3, and bit 15 says whether the
 * data is compressed. An uncompressed chunk's data is copied as is. A compressed
 * chunk's data is a sequence of flag bytes, each followed by up to eight items (bit 0
 * first): 0 = a literal byte, 1 = a 16-bit little-endian copy token. A header of zero
 * ends the buffer. Matches never reach back before the start of their own chunk.
 *
 * The copy token splits into a distance (high bits, minus 1) and a length (low bits,
 * minus 3) at a place that depends on how much of the chunk is already decoded: with
 * p bytes decoded, the distance gets just enough bits to reach back p bytes, at least
 * 4 (so 4 distance / 12 length bits for p <= 16, 5/11 for p <= 32, ... 12/4 for
 * p <= 4096).
 *
 * We know the exact output length: every chunk but the last must give exactly 4096
 * bytes; after the last byte, the input may end or hold a zero header (anything after
 * that is not read); a chunk that would run past the output, a token that reaches
 * before the chunk start, or input ending inside a chunk give DDP_ERR_CORRUPT_DATA.
 */
#include "ddp/codec.h"
#include "ddp/le.h"
#include "lz_copy.h"

#define LZNT1_CHUNK 4096u

/* A flag byte of 0 announces 8 literals; they are copied as one block when the chunk
 * holds 8 more input bytes and its output limit 8 more bytes: the copy reads and writes
 * exactly those 8 bytes, so this fast path has no margin beyond its own items. Every
 * other read is checked against the chunk end, which was checked against the input. */
#define LZNT1_LITERAL_RUN 8

/* Number of length bits of a copy token when `pos` (>= 1) bytes of the chunk are out. */
static inline unsigned lznt1_length_bits(size_t pos)
{
    uint32_t p = (uint32_t)(pos - 1);
    return p < 16 ? 12u : lz_clz32(p) - 16u;
}

/* Decodes one compressed chunk's data [ip, cend) to out starting at op (at most `limit`
 * bytes, op + limit <= oend). Returns the end of its output, or NULL when malformed. */
static uint8_t *lznt1_chunk(const uint8_t *ip, const uint8_t *cend, uint8_t *op, size_t limit,
                            uint8_t *oend)
{
    uint8_t *cstart = op;
    uint8_t *climit = op + limit;

    while (ip < cend) {
        unsigned flags = *ip++;
        if (flags == 0 && cend - ip >= LZNT1_LITERAL_RUN && climit - op >= LZNT1_LITERAL_RUN) {
            memcpy(op, ip, LZNT1_LITERAL_RUN);
            op += LZNT1_LITERAL_RUN;
            ip += LZNT1_LITERAL_RUN;
            continue;
        }
        for (unsigned bit = 0; bit < 8 && ip < cend; bit++, flags >>= 1) {
            if (!(flags & 1)) {
                if (op >= climit)
                    return NULL;
                *op++ = *ip++;
                continue;
            }
            if (cend - ip < 2)
                return NULL;
            unsigned token = ddp_le16(ip);
            size_t pos = (size_t)(op - cstart);
            ip += 2;
            if (pos == 0)
                return NULL;
            unsigned lbits = lznt1_length_bits(pos);
            size_t len = (token & ((1u << lbits) - 1u)) + 3;
            size_t dist = (token >> lbits) + 1;
            if (dist > pos || len > (size_t)(climit - op))
                return NULL;
            op = lz_copy_match(op, dist, len, oend);
        }
    }
    return op;
}

ddp_status ddp_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    const uint8_t *ip = in;
    const uint8_t *iend = in + in_len;
    uint8_t *op = out;
    uint8_t *oend = out + out_len;

    if ((in == NULL && in_len) || (out == NULL && out_len))
        return DDP_ERR_INVALID_ARG;
    while (op != oend) {
        if (iend - ip < 2)
            return DDP_ERR_CORRUPT_DATA;
        unsigned header = ddp_le16(ip);
        size_t size = (header & 0x0fffu) + 1;
        if (header == 0 || ((header >> 12) & 7u) != 3u)
            return DDP_ERR_CORRUPT_DATA;
        ip += 2;
        if ((size_t)(iend - ip) < size)
            return DDP_ERR_CORRUPT_DATA;
        size_t room = (size_t)(oend - op);
        size_t limit = room < LZNT1_CHUNK ? room : LZNT1_CHUNK;
        uint8_t *chunk_end;
        if (header & 0x8000u) {
            chunk_end = lznt1_chunk(ip, ip + size, op, limit, oend);
            if (chunk_end == NULL)
                return DDP_ERR_CORRUPT_DATA;
        } else {
            if (size > limit)
                return DDP_ERR_CORRUPT_DATA;
            memcpy(op, ip, size);
            chunk_end = op + size;
        }
        ip += size;
        /* Only the last chunk may hold less than 4096 bytes. */
        if ((size_t)(chunk_end - op) < LZNT1_CHUNK && chunk_end != oend)
            return DDP_ERR_CORRUPT_DATA;
        op = chunk_end;
    }
    if (ip == iend || (iend - ip >= 2 && ddp_le16(ip) == 0))
        return DDP_OK;
    return DDP_ERR_CORRUPT_DATA;
}
