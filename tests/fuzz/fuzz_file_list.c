/*
 * fuzz_file_list.c - libFuzzer harness of DedupFileList (file_list.h): the header, every
 * entry the header announces that the input holds, and ddp_file_list_find for an id and
 * kind taken from the input, all on exact-size copies.
 *
 * Invariants: a header that parses has a count within the bound and a CRC that matches
 * one variant; an entry that parses has a NUL-terminated path; FOUND names a generation
 * that a sound entry of that kind and id holds, and SILENT means no sound entry names the
 * id; a list whose header does not parse is DAMAGED.
 */
#include <string.h>

#include "ddp/file_list.h"
#include "ddp/le.h"
#include "fuzz_check.h"

/* 1 when a sound entry of kind names (id, gen); gen UINT32_MAX: any generation. */
static int listed(const uint8_t *list, size_t len, uint64_t count, ddp_file_list_kind kind, uint32_t id,
                  uint32_t gen)
{
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = ddp_file_list_entry_offset(i);
        ddp_file_list_entry e;
        if (at > len || ddp_file_list_entry_parse(list + at, len - at, &e, NULL) != DDP_OK)
            continue;
        if (e.kind == kind && e.is_container && e.container_id == id && (gen == UINT32_MAX || e.generation == gen))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    ddp_file_list_kind kind = (ddp_file_list_kind)(data[0] % 3);
    uint32_t id = ddp_le32(data + 1);
    const uint8_t *list = data + 5;
    size_t len = size - 5;
    uint8_t *exact = fuzz_exact_copy(list, len);
    ddp_file_list_header h;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_file_list_header_parse(exact, len, &h, &d);
    uint32_t gen = 0, skipped = 0;
    ddp_file_list_answer a = ddp_file_list_find(exact, len, kind, id, &gen, &skipped);
    if (st != DDP_OK) {
        FUZZ_CHECK(a == DDP_FILE_LIST_DAMAGED && gen == 0);
    } else {
        FUZZ_CHECK(h.count <= DDP_FILE_LIST_MAX_ENTRIES && h.crc_match != DDP_CRC64_NONE);
        FUZZ_CHECK(skipped <= h.count);
        uint64_t bounded = h.count < 4096 ? h.count : 4096;   /* the checks below are quadratic-free */
        for (uint64_t i = 0; i < bounded; i++) {
            uint64_t at = ddp_file_list_entry_offset(i);
            if (at > len)
                break;
            uint8_t *entry = fuzz_exact_copy(exact + at, len - at);
            ddp_file_list_entry e;
            if (ddp_file_list_entry_parse(entry, len - at, &e, NULL) == DDP_OK)
                FUZZ_CHECK(memchr(e.path, '\0', sizeof e.path) != NULL && e.crc_match != DDP_CRC64_NONE);
            free(entry);
        }
        if (h.count == bounded) {
            if (a == DDP_FILE_LIST_FOUND)
                FUZZ_CHECK(listed(exact, len, h.count, kind, id, gen));
            if (a == DDP_FILE_LIST_SILENT)
                FUZZ_CHECK(!listed(exact, len, h.count, kind, id, UINT32_MAX));
        }
        FUZZ_CHECK(a != DDP_FILE_LIST_DAMAGED);
    }
    free(exact);
    return 0;
}
