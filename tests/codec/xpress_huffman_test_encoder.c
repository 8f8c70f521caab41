/*
 * xpress_huffman_test_encoder.c - a small Xpress Huffman encoder ([MS-XCA] 2.1) for
 * tests and the benchmark.
 *
 * Per 65536-byte block: a greedy LZ77 parse with a hash chain (distances up to 65535,
 * matches kept inside the block), symbol frequencies (plus the end mark 256 in the last
 * block), Huffman code lengths limited to 15 bits (frequencies are halved until the
 * longest code fits), canonical codes, the 256-byte nibble table, then the bit stream.
 * The decoder reads 16-bit words lazily, two words ahead, and takes the extra length
 * bytes of a match from right after the last word it has read: with c bits consumed it
 * has read 2 + ceil((c - 16) / 16) words (c > 16). The encoder records where each group
 * of length bytes goes in those terms and interleaves words and bytes at the end of
 * the block, padding with zero words up to what the decoder will have read. Input of
 * a multiple of 65536 bytes (or empty) gets a last block holding only the end mark.
 */
#include <stdlib.h>
#include <string.h>

#include "codec_test_encoders.h"

#define BLOCK 65536u
#define NSYM 512u
#define MAXBITS 15u
#define HBITS 15u

typedef struct sym_item {
    uint16_t sym;
    uint8_t raw_len;       /* extra length bytes */
    uint8_t raw[3];
    uint16_t off_bits_val; /* distance bits below the top bit */
} sym_item;

typedef struct raw_group {
    size_t word_index;
    uint8_t len;
    uint8_t bytes[3];
} raw_group;

typedef struct block_writer {
    uint16_t *words;
    size_t nwords;
    uint64_t bits_total;
    uint32_t acc;
    unsigned acc_bits;
    raw_group *raws;
    size_t nraws;
} block_writer;

static void put_bits(block_writer *w, uint32_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0;) {
        w->acc = (w->acc << 1) | ((v >> i) & 1u);
        w->acc_bits++;
        if (w->acc_bits == 16) {
            w->words[w->nwords++] = (uint16_t)w->acc;
            w->acc = 0;
            w->acc_bits = 0;
        }
    }
    w->bits_total += n;
}

static size_t words_read(uint64_t c)
{
    return 2 + (c > 16 ? (size_t)((c - 16 + 15) / 16) : 0);
}

/* Huffman code lengths for freq[], at most MAXBITS. */
typedef struct node {
    uint64_t w;
    int left, right;
} node;

static int cmp_leaf(const void *a, const void *b)
{
    const node *x = a, *y = b;
    if (x->w != y->w)
        return x->w < y->w ? -1 : 1;
    return x->left - y->left;
}

static void depth_walk(const node *nodes, int i, unsigned d, uint8_t *lens, unsigned *maxd)
{
    if (nodes[i].right < 0) {
        lens[nodes[i].left] = (uint8_t)(d ? d : 1);
        if (d > *maxd)
            *maxd = d;
        return;
    }
    depth_walk(nodes, nodes[i].left, d + 1, lens, maxd);
    depth_walk(nodes, nodes[i].right, d + 1, lens, maxd);
}

static void build_lengths(const uint32_t *freq_in, uint8_t *lens)
{
    uint64_t freq[NSYM];
    for (unsigned s = 0; s < NSYM; s++)
        freq[s] = freq_in[s];
    for (;;) {
        node nodes[2 * NSYM];
        int n = 0;
        memset(lens, 0, NSYM);
        for (unsigned s = 0; s < NSYM; s++)
            if (freq[s]) {
                nodes[n].w = freq[s];
                nodes[n].left = (int)s;
                nodes[n].right = -1;
                n++;
            }
        if (n == 0)
            return;
        qsort(nodes, (size_t)n, sizeof(node), cmp_leaf);
        /* Two queues: sorted leaves, and internal nodes (made in non-decreasing order). */
        int leaf = 0, inner = n, inner_end = n;
        int total = n;
        while ((n - leaf) + (inner_end - inner) > 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (leaf < n && (inner >= inner_end || nodes[leaf].w <= nodes[inner].w))
                    pick[k] = leaf++;
                else
                    pick[k] = inner++;
            }
            nodes[total].w = nodes[pick[0]].w + nodes[pick[1]].w;
            nodes[total].left = pick[0];
            nodes[total].right = pick[1];
            total++;
            inner_end = total;
        }
        /* Leaves refer to symbols through .left with .right < 0; internal nodes to nodes. */
        unsigned maxd = 0;
        depth_walk(nodes, total - 1, 0, lens, &maxd);
        if (maxd <= MAXBITS)
            return;
        for (unsigned s = 0; s < NSYM; s++)
            if (freq[s])
                freq[s] = (freq[s] + 1) / 2;
    }
}

static void canonical_codes(const uint8_t *lens, uint16_t *codes)
{
    unsigned count[MAXBITS + 1] = {0};
    uint32_t next[MAXBITS + 1];
    for (unsigned s = 0; s < NSYM; s++)
        count[lens[s]]++;
    count[0] = 0;
    uint32_t code = 0;
    for (unsigned l = 1; l <= MAXBITS; l++) {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    for (unsigned s = 0; s < NSYM; s++)
        if (lens[s])
            codes[s] = (uint16_t)next[lens[s]]++;
}

static unsigned hash3(const uint8_t *p)
{
    return (((unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2]) * 2654435761u) >> (32 - HBITS);
}

static unsigned top_bit(size_t v)
{
    unsigned b = 0;
    while (v >> (b + 1))
        b++;
    return b;
}

/* Greedy parse of in[start, start + n) into items; returns the item count. */
static size_t parse_block(const uint8_t *in, size_t start, size_t n, int32_t *head, int32_t *prev,
                          sym_item *items)
{
    size_t count = 0, pos = start, end = start + n;
    while (pos < end) {
        size_t best = 0, best_dist = 0;
        if (end - pos >= 3) {
            int32_t cand = head[hash3(in + pos)];
            for (int depth = 0; cand >= 0 && depth < 24; depth++) {
                size_t d = pos - (size_t)cand;
                if (d > 65535)
                    break;
                size_t l = 0;
                while (pos + l < end && in[(size_t)cand + l] == in[pos + l])
                    l++;
                if (l > best) {
                    best = l;
                    best_dist = d;
                }
                cand = prev[cand];
            }
        }
        sym_item *it = &items[count++];
        it->raw_len = 0;
        if (best >= 3) {
            size_t l = best - 3;
            unsigned ob = top_bit(best_dist);
            it->sym = (uint16_t)(256 + (ob << 4) + (l < 15 ? l : 15));
            it->off_bits_val = (uint16_t)(best_dist - ((size_t)1 << ob));
            if (l >= 15) {
                if (l - 15 < 255) {
                    it->raw[0] = (uint8_t)(l - 15);
                    it->raw_len = 1;
                } else {
                    it->raw[0] = 255;
                    it->raw[1] = (uint8_t)l;
                    it->raw[2] = (uint8_t)(l >> 8);
                    it->raw_len = 3;
                }
            }
        } else {
            best = 1;
            it->sym = in[pos];
        }
        for (size_t k = 0; k < best; k++, pos++) {
            if (end - pos >= 3) {
                unsigned h = hash3(in + pos);
                prev[pos] = head[h];
                head[h] = (int32_t)pos;
            }
        }
    }
    return count;
}

/* Encodes one block's items (with the end mark when last) at out + o. */
static size_t emit_block(const sym_item *items, size_t count, int last, block_writer *w,
                         uint8_t *out, size_t o, size_t out_cap)
{
    uint32_t freq[NSYM] = {0};
    uint8_t lens[NSYM];
    uint16_t codes[NSYM];
    for (size_t i = 0; i < count; i++)
        freq[items[i].sym]++;
    if (last)
        freq[256]++;
    build_lengths(freq, lens);
    canonical_codes(lens, codes);

    w->nwords = 0;
    w->bits_total = 0;
    w->acc = 0;
    w->acc_bits = 0;
    w->nraws = 0;
    for (size_t i = 0; i < count; i++) {
        const sym_item *it = &items[i];
        put_bits(w, codes[it->sym], lens[it->sym]);
        if (it->sym >= 256) {
            if (it->raw_len) {
                raw_group *g = &w->raws[w->nraws++];
                g->word_index = words_read(w->bits_total);
                g->len = it->raw_len;
                memcpy(g->bytes, it->raw, it->raw_len);
            }
            unsigned ob = (unsigned)(it->sym - 256) >> 4;
            if (ob)
                put_bits(w, it->off_bits_val, ob);
        }
    }
    if (last)
        put_bits(w, codes[256], lens[256]);
    size_t need_words = words_read(w->bits_total);
    if (w->acc_bits)
        put_bits(w, 0, 16 - w->acc_bits);
    while (w->nwords < need_words)
        w->words[w->nwords++] = 0;

    if (out_cap - o < 256)
        return 0;
    for (unsigned i = 0; i < 256; i++)
        out[o + i] = (uint8_t)(lens[2 * i] | (lens[2 * i + 1] << 4));
    o += 256;
    size_t r = 0;
    for (size_t wi = 0; wi <= w->nwords; wi++) {
        while (r < w->nraws && w->raws[r].word_index == wi) {
            if (out_cap - o < w->raws[r].len)
                return 0;
            memcpy(out + o, w->raws[r].bytes, w->raws[r].len);
            o += w->raws[r].len;
            r++;
        }
        if (wi == w->nwords)
            break;
        if (out_cap - o < 2)
            return 0;
        out[o] = (uint8_t)w->words[wi];
        out[o + 1] = (uint8_t)(w->words[wi] >> 8);
        o += 2;
    }
    return o;
}

size_t test_xpress_huffman_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap)
{
    int32_t *head = malloc(sizeof(int32_t) << HBITS);
    int32_t *prev = malloc(sizeof(int32_t) * (in_len ? in_len : 1));
    sym_item *items = malloc(sizeof(sym_item) * BLOCK);
    block_writer w;
    w.words = malloc(sizeof(uint16_t) * (BLOCK * 2 + 8));
    w.raws = malloc(sizeof(raw_group) * BLOCK);
    size_t o = 0;
    if (!head || !prev || !items || !w.words || !w.raws)
        goto fail;
    memset(head, 0xff, sizeof(int32_t) << HBITS);
    size_t at = 0;
    for (;;) {
        size_t n = in_len - at < BLOCK ? in_len - at : BLOCK;
        int last = at + n == in_len && n < BLOCK;
        size_t count = parse_block(in, at, n, head, prev, items);
        o = emit_block(items, count, last, &w, out, o, out_cap);
        if (o == 0)
            goto fail;
        at += n;
        if (last)
            break;
    }
    free(head);
    free(prev);
    free(items);
    free(w.words);
    free(w.raws);
    return o;
fail:
    free(head);
    free(prev);
    free(items);
    free(w.words);
    free(w.raws);
    return 0;
}
