/*
 * fuzz_reparse_layout.c - libFuzzer harness that gets past the common checks of a dedup
 * reparse buffer, so that the fuzzer's bytes reach the layout-specific parsers.
 *
 * Input: byte 0 picks the layout word (low two bits: 0x0201, 0x0102, 0x0103, 0x0103) and,
 * with bit 2 clear, whether the 0x0103 block sizes and CRC-32s are made consistent too;
 * the rest is the reparse data after the RD header (RD+4 ..). The harness writes the tag,
 * both length fields, the layout word and the trailing CRC-32, then parses.
 */
#include <string.h>

#include "ddp/crc.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "fuzz_check.h"

#define RD 8u
#define FERP (RD + 4u)

static const uint16_t layouts[4] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103, DDP_LAYOUT_0103};

/* Sets the size and CRC-32 of the block at `at` (size bytes inside a buffer of len). */
static void seal_block(uint8_t *buf, size_t len, uint32_t at, uint32_t size)
{
    if (size < 0x10 || at > len || size > len - at)
        return;
    ddp_put32(buf + at + 8, size);
    ddp_put32(buf + at + 4, ddp_crc32(buf + at + 8, size - 8));
}

/* Makes FeRp fill the data and seals every nested block it points at, then FeRp. */
static void seal_0103(uint8_t *buf, uint32_t dl)
{
    size_t len = RD + dl;
    uint32_t ferp_size = dl - 8;
    if (dl < 8 + 0x10)
        return;
    ddp_put32(buf + FERP + 8, ferp_size);
    uint32_t n = ddp_le16(buf + FERP + 0x0E);
    for (uint32_t i = 0; i < n && 0x10 + (i + 1) * 8 <= ferp_size; i++) {
        const uint8_t *desc = buf + FERP + 0x10 + i * 8;
        if (ddp_le16(desc) != 13)
            continue;
        uint32_t off = ddp_le32(desc + 4);
        if (off <= ferp_size)
            seal_block(buf, len, FERP + off, ddp_le16(desc + 2));
    }
    seal_block(buf, len, FERP, ferp_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    if (size < 1)
        return 0;
    uint16_t layout = layouts[data[0] & 3];
    int seal = !(data[0] & 4);
    size_t body = size - 1;
    if (body > DDP_REPARSE_MAX_BUFFER - RD - 8)
        body = DDP_REPARSE_MAX_BUFFER - RD - 8;
    uint32_t dl = (uint32_t)(4 + body + 4);
    size_t len = RD + dl;

    ddp_put32(buf, DDP_REPARSE_TAG_DEDUP);
    ddp_put16(buf + 4, (uint16_t)dl);
    ddp_put16(buf + 6, 0);
    ddp_put16(buf + RD, layout);
    ddp_put16(buf + RD + 2, (uint16_t)dl);
    memcpy(buf + FERP, data + 1, body);
    if (layout == DDP_LAYOUT_0103 && seal)
        seal_0103(buf, dl);
    ddp_put32(buf + RD + dl - 4, ddp_crc32(buf + RD, dl - 4));

    uint8_t *exact = fuzz_exact_copy(buf, len);
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_reparse_parse(exact, len, &r, &d);
    /* The common checks were satisfied by construction. */
    FUZZ_CHECK(st != DDP_ERR_TRUNCATED && st != DDP_ERR_NOT_DEDUP && st != DDP_ERR_UNKNOWN_LAYOUT);
    if (st == DDP_OK) {
        FUZZ_CHECK(r.layout == layout);
        FUZZ_CHECK(r.n_refs >= 1 && r.n_refs <= DDP_REPARSE_MAX_REFS);
        FUZZ_CHECK(r.refs[r.n_refs - 1].range_end == r.logical_size);
    }
    static ddp_reparse_prop props[32];
    size_t n = 0;
    FUZZ_CHECK(ddp_reparse_props(exact, len, props, 32, &n, NULL) == st);
    free(exact);
    return 0;
}
