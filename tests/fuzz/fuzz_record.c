/*
 * fuzz_record.c - libFuzzer harness of ddp_record_parse (a Ckhr record header, data or
 * stream map). An accepted header lies inside the buffer, has the kind's header size and
 * hash offset, a payload within the kind's bound, and an 8-aligned span that covers it.
 */
#include "ddp/container.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ddp_record r;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_record_parse(data, size, &r, &d);
    if (st != DDP_OK) {
        FUZZ_CHECK(d.what != NULL);
        return 0;
    }
    FUZZ_CHECK(r.header_size <= size);
    if (r.kind == DDP_RECORD_KIND_DATA) {
        FUZZ_CHECK(r.header_size == DDP_DATA_HEADER_SIZE && r.hash_offset == 0x28);
        FUZZ_CHECK(r.payload_size <= DDP_MAX_CHUNK_SIZE);
    } else {
        FUZZ_CHECK(r.kind == DDP_RECORD_KIND_STREAM_MAP);
        FUZZ_CHECK(r.header_size == DDP_SMAP_HEADER_SIZE && r.hash_offset == 0x38);
        FUZZ_CHECK(r.payload_size <= DDP_MAX_SMAP_PAYLOAD);
    }
    uint64_t span = ddp_record_span(&r);
    FUZZ_CHECK(span % DDP_RECORD_ALIGN == 0);
    FUZZ_CHECK(span >= (uint64_t)r.header_size + r.payload_size);
    FUZZ_CHECK(span < (uint64_t)r.header_size + r.payload_size + DDP_RECORD_ALIGN);
    return 0;
}
