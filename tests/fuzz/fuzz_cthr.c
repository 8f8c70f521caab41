/*
 * fuzz_cthr.c - libFuzzer harness of ddp_cthr_parse (the container file header).
 * Its fields are soft: only a short buffer or a wrong magic may fail, and the reported
 * CRC-64 match must be what ddp_crc64_check says about the same bytes.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ddp_cthr h;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_cthr_parse(data, size, &h, &d);
    if (size < DDP_CTHR_SIZE) {
        FUZZ_CHECK(st == DDP_ERR_TRUNCATED);
        return 0;
    }
    if (memcmp(data, "Cthr", 4) != 0) {
        FUZZ_CHECK(st == DDP_ERR_BAD_MAGIC);
        return 0;
    }
    FUZZ_CHECK(st == DDP_OK);
    FUZZ_CHECK(h.crc64 == ddp_le64(data + 0x38));
    FUZZ_CHECK(h.crc_match == ddp_crc64_check(data, 0x38, h.crc64));
    FUZZ_CHECK(h.container_id == ddp_le32(data + 0x10));
    return 0;
}
