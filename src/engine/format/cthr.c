/*
 * cthr.c - the "Cthr" header at the start of every container file (FORMAT.md §3).
 *
 *   +0 magic "Cthr"   +4 u32 version   +8 u64 sequence   +0x10 u32 container id
 *   +0x14 u32 generation   +0x20 u64 valid data length   +0x30 u32 (0x4000?)
 *   +0x38 u64 CRC-64 of +0 .. +0x37
 *
 * Every field is unverified [U]: only the magic and the size are checked; the CRC-64 is
 * compared under both start values and the match is reported, never enforced.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"

ddp_status ddp_cthr_parse(const uint8_t *buf, size_t len, ddp_cthr *out, ddp_diag *diag)
{
    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_CTHR_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "Cthr header (0x40 bytes)");
    memset(out, 0, sizeof *out);
    out->magic_ok = memcmp(buf, "Cthr", 4) == 0;
    if (!out->magic_ok)
        return ddp_fail(diag, DDP_ERR_BAD_MAGIC, 0, "container header magic is not Cthr");
    out->version = ddp_le32(buf + 0x04);
    out->sequence = ddp_le64(buf + 0x08);
    out->container_id = ddp_le32(buf + 0x10);
    out->generation = ddp_le32(buf + 0x14);
    out->valid_data_length = ddp_le64(buf + 0x20);
    out->unknown_30 = ddp_le32(buf + 0x30);
    out->crc64 = ddp_le64(buf + 0x38);
    out->crc_match = ddp_crc64_check(buf, 0x38, out->crc64);
    return DDP_OK;
}
