/*
 * fuzz_rrtl.c - libFuzzer harness of the redirection table: ddp_rrtl_parse on the input,
 * then ddp_rrtl_lookup over the entries that follow the 0x20-byte header, for the
 * parsed count and for a count and sequence taken from the input.
 *
 * A found offset must belong to an entry of that sequence; when the entries are sorted
 * (as the format says they are), a NOT_FOUND must mean that no entry has the sequence.
 */
#include "ddp/container.h"
#include "ddp/le.h"
#include "fuzz_check.h"

static int linear_find(const uint8_t *e, uint32_t count, uint32_t seq, uint32_t offset, int want_offset)
{
    for (uint32_t i = 0; i < count; i++)
        if (ddp_le32(e + 8 * (size_t)i) == seq && (!want_offset || ddp_le32(e + 8 * (size_t)i + 4) == offset))
            return 1;
    return 0;
}

static int sorted(const uint8_t *e, uint32_t count)
{
    for (uint32_t i = 1; i < count; i++)
        if (ddp_le32(e + 8 * (size_t)i) < ddp_le32(e + 8 * (size_t)(i - 1)))
            return 0;
    return 1;
}

static void check_lookup(const uint8_t *entries, size_t len, uint32_t count, uint32_t seq)
{
    uint32_t offset = 0xDEADBEEFu;
    ddp_status st = ddp_rrtl_lookup(entries, len, count, seq, &offset);
    if ((uint64_t)count * 8 > len) {
        FUZZ_CHECK(st == DDP_ERR_TRUNCATED);
        return;
    }
    if (st == DDP_OK)
        FUZZ_CHECK(linear_find(entries, count, seq, offset, 1));
    else {
        FUZZ_CHECK(st == DDP_ERR_NOT_FOUND);
        if (sorted(entries, count))
            FUZZ_CHECK(!linear_find(entries, count, seq, 0, 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ddp_rrtl r;
    ddp_diag d = {0, NULL};
    if (ddp_rrtl_parse(data, size, &r, &d) == DDP_OK && size >= DDP_RRTL_HEADER_SIZE) {
        FUZZ_CHECK(r.count <= DDP_RRTL_MAX_ENTRIES && r.entry_size == DDP_RRTL_ENTRY_SIZE);
        const uint8_t *entries = data + DDP_RRTL_HEADER_SIZE;
        size_t len = size - DDP_RRTL_HEADER_SIZE;
        uint8_t *exact = fuzz_exact_copy(entries, len);
        /* Every stored sequence is found, and one just past the first. */
        for (uint32_t i = 0; i < r.count && (size_t)i * 8 + 8 <= len && i < 64; i++)
            check_lookup(exact, len, r.count, ddp_le32(exact + 8 * (size_t)i));
        if (len >= 8)
            check_lookup(exact, len, r.count, ddp_le32(exact) + 1);
        free(exact);
    }
    if (size >= 8) {
        uint32_t count = ddp_le32(data) % (DDP_RRTL_MAX_ENTRIES + 1);
        uint32_t seq = ddp_le32(data + 4);
        uint8_t *exact = fuzz_exact_copy(data + 8, size - 8);
        check_lookup(exact, size - 8, count, seq);
        free(exact);
    }
    return 0;
}
