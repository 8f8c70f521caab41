/*
 * fuzz_smap.c - libFuzzer harness of the stream-map payload: ddp_stream_map_count,
 * ddp_stream_map_validate and ddp_stream_map_entry.
 *
 * Input: byte 0 picks the range (bit 0 set: [0, end of the last entry), which a
 * well-formed map satisfies; clear: start and end from the next 16 bytes), the rest is
 * the payload. An accepted map is re-checked entry by entry against the documented rules.
 */
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "fuzz_check.h"

static void recheck(const uint8_t *payload, uint32_t count, uint64_t start, uint64_t end)
{
    uint64_t prev = start;
    FUZZ_CHECK(count >= 1 || start == end);
    for (uint32_t i = 0; i < count; i++) {
        ddp_chunk_ref c;
        ddp_stream_map_entry(payload, i, &c);
        FUZZ_CHECK(c.end > prev && c.end - prev <= DDP_MAX_CHUNK_SIZE);
        FUZZ_CHECK(c.stored_size >= 1 && c.stored_size <= DDP_MAX_CHUNK_SIZE);
        prev = c.end;
    }
    FUZZ_CHECK(prev == end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint64_t start = 0, end = 0;
    size_t skip = 1;
    if (!(data[0] & 1)) {
        if (size < 17)
            return 0;
        start = ddp_le64(data + 1);
        end = ddp_le64(data + 9);
        skip = 17;
    }
    const uint8_t *in = data + skip;
    size_t len = size - skip;
    uint8_t *payload = fuzz_exact_copy(in, len);
    uint32_t count = 0;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_stream_map_count(payload, len, &count, &d);
    if (st == DDP_OK) {
        FUZZ_CHECK((size_t)DDP_SMAP_PREFIX_SIZE + (size_t)count * DDP_SMAP_ENTRY_SIZE == len);
        if ((data[0] & 1) && count > 0) {
            ddp_chunk_ref last;
            ddp_stream_map_entry(payload, count - 1, &last);
            end = last.end;
        }
        if (ddp_stream_map_validate(payload, len, start, end, &d) == DDP_OK)
            recheck(payload, count, start, end);
        else
            FUZZ_CHECK(d.what != NULL);
    } else {
        FUZZ_CHECK(ddp_stream_map_validate(payload, len, start, end, NULL) != DDP_OK);
    }
    free(payload);
    return 0;
}
