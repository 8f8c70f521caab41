/*
 * fuzz_reparse.c - libFuzzer harness of ddp_reparse_parse and ddp_reparse_props on
 * arbitrary bytes (every layout, as the tag and layout word in the input say).
 *
 * Checks beyond "no crash": props gives the same status as parse (it runs the same checks
 * first); a parsed buffer has 1..DDP_REPARSE_MAX_REFS contiguous references ending at the
 * logical size and its field offsets inside the buffer; rebuilding it with
 * ddp_reparse_build (when the builder accepts it) gives a buffer that parses to the same
 * GUID, size and references.
 */
#include <string.h>

#include "ddp/reparse.h"
#include "fuzz_check.h"

static void check_parsed(const ddp_reparse *r, size_t size)
{
    FUZZ_CHECK(r->n_refs >= 1 && r->n_refs <= DDP_REPARSE_MAX_REFS);
    FUZZ_CHECK((size_t)DDP_REPARSE_HEADER_SIZE + r->data_length <= size);
    FUZZ_CHECK(r->store_guid_offset == 0 || r->store_guid_offset + 16u <= size);
    uint64_t at = 0;
    for (uint32_t i = 0; i < r->n_refs; i++) {
        FUZZ_CHECK(r->refs[i].range_start == at);
        FUZZ_CHECK(r->refs[i].range_end > at);
        FUZZ_CHECK(r->refs[i].entry_offset + DDP_STREAM_REF_SIZE <= size);
        at = r->refs[i].range_end;
    }
    FUZZ_CHECK(at == r->logical_size);
}

static void check_rebuild(const ddp_reparse *r)
{
    static uint8_t again[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    if (ddp_reparse_build(r, again, sizeof again, &len) != DDP_OK)
        return;
    FUZZ_CHECK(len <= sizeof again);
    ddp_reparse r2;
    FUZZ_CHECK(ddp_reparse_parse(again, len, &r2, NULL) == DDP_OK);
    FUZZ_CHECK(r2.layout == r->layout);
    FUZZ_CHECK(r2.logical_size == r->logical_size);
    FUZZ_CHECK(memcmp(r2.store_guid, r->store_guid, 16) == 0);
    FUZZ_CHECK(r2.n_refs == r->n_refs);
    for (uint32_t i = 0; i < r->n_refs; i++) {
        FUZZ_CHECK(r2.refs[i].smap_sequence == r->refs[i].smap_sequence);
        FUZZ_CHECK(r2.refs[i].stream_container_id == r->refs[i].stream_container_id);
        FUZZ_CHECK(r2.refs[i].smap_size == r->refs[i].smap_size);
        FUZZ_CHECK(r2.refs[i].range_end == r->refs[i].range_end);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ddp_reparse_prop props[64];
    ddp_reparse r;
    ddp_diag d1 = {0, NULL}, d2 = {0, NULL};
    size_t n = 0;

    ddp_status st = ddp_reparse_parse(data, size, &r, &d1);
    ddp_status st2 = ddp_reparse_props(data, size, props, sizeof props / sizeof props[0], &n, &d2);
    FUZZ_CHECK(st == st2);
    if (st != DDP_OK) {
        FUZZ_CHECK(d1.what != NULL);
        return 0;
    }
    for (size_t i = 0; i < n && i < sizeof props / sizeof props[0]; i++)
        FUZZ_CHECK((size_t)props[i].offset + props[i].size <= size);
    check_parsed(&r, size);
    check_rebuild(&r);
    return 0;
}
