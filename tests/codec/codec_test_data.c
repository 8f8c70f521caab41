/*
 * codec_test_data.c - the deterministic sample data of codec_test_data.h.
 *
 * Text is built from a fixed word list with spaces, punctuation and line breaks, so it
 * has the short repeats of prose; binary records mix little-endian counters, small
 * integers, repeated tags and some noise, as in executables or database pages; runs
 * alternate runs of one byte with short random stretches.
 */
#include "codec_test_data.h"

#include <string.h>

static const char *const words[] = {
    "the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on",
    "are", "as", "with", "his", "they", "I", "at", "be", "this", "have", "from", "or", "one",
    "had", "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can",
    "said", "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will",
    "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her",
    "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write",
    "go", "see", "number", "no", "way", "could", "people", "my", "than", "first", "water",
    "been", "call", "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get",
    "come", "made", "may", "part", "deduplication", "container", "chunk", "stream", "restore",
};

uint64_t codec_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

const char *codec_data_name(codec_data_kind kind)
{
    static const char *const names[] = {"zeros", "random", "text", "runs", "binary"};
    return (unsigned)kind < CODEC_DATA_KINDS ? names[kind] : "?";
}

static void fill_text(uint64_t *st, uint8_t *buf, size_t len)
{
    size_t pos = 0, line = 0;
    while (pos < len) {
        uint64_t r = codec_rand(st);
        const char *w = words[r % (sizeof(words) / sizeof(words[0]))];
        size_t wl = strlen(w);
        for (size_t i = 0; i < wl && pos < len; i++)
            buf[pos++] = (uint8_t)w[i];
        line += wl + 1;
        if (pos >= len)
            break;
        if ((r >> 20) % 13 == 0 && pos < len)
            buf[pos++] = (uint8_t)",.;"[(r >> 30) % 3];
        if (pos < len) {
            buf[pos++] = line > 70 ? '\n' : ' ';
            if (line > 70)
                line = 0;
        }
    }
}

static void fill_binary(uint64_t *st, uint8_t *buf, size_t len)
{
    uint32_t counter = (uint32_t)codec_rand(st);
    size_t pos = 0;
    while (pos < len) {
        uint8_t rec[32];
        uint64_t r = codec_rand(st);
        memcpy(rec, "RECD", 4);
        for (int i = 0; i < 4; i++)
            rec[4 + i] = (uint8_t)(counter >> (8 * i));
        counter++;
        for (int i = 8; i < 16; i++)
            rec[i] = (uint8_t)((r >> (i * 4)) & 0x07);
        for (int i = 16; i < 24; i++)
            rec[i] = 0;
        uint64_t n = codec_rand(st);
        for (int i = 24; i < 32; i++)
            rec[i] = (r & 3) ? (uint8_t)(n >> (8 * (i - 24))) : 0xff;
        size_t k = len - pos < sizeof(rec) ? len - pos : sizeof(rec);
        memcpy(buf + pos, rec, k);
        pos += k;
    }
}

static void fill_runs(uint64_t *st, uint8_t *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        uint64_t r = codec_rand(st);
        size_t run = 1 + (size_t)(r % 300);
        uint8_t b = (uint8_t)(r >> 16);
        for (size_t i = 0; i < run && pos < len; i++)
            buf[pos++] = b;
        size_t noise = (size_t)((r >> 32) % 12);
        for (size_t i = 0; i < noise && pos < len; i++)
            buf[pos++] = (uint8_t)(codec_rand(st) >> 24);
    }
}

void codec_data_fill(codec_data_kind kind, uint64_t seed, uint8_t *buf, size_t len)
{
    uint64_t st = seed * 0x9e3779b97f4a7c15ull + 0x1234567u;
    if (st == 0)
        st = 1;
    switch (kind) {
    case CODEC_DATA_ZEROS:
        memset(buf, 0, len);
        break;
    case CODEC_DATA_RANDOM:
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)(codec_rand(&st) >> 32);
        break;
    case CODEC_DATA_TEXT:
        fill_text(&st, buf, len);
        break;
    case CODEC_DATA_RUNS:
        fill_runs(&st, buf, len);
        break;
    default:
        fill_binary(&st, buf, len);
        break;
    }
}
