/*
 * reparse_0201.c - layout 0x0201 (Windows Server 2012, FORMAT.md §1.3): fixed offsets,
 * ReparseDataLength 0x7C.
 *
 *   RP+0x10 u64 logical file size      RP+0x20 16-byte chunk store GUID
 *   RP+0x38 u64 FILETIME               RP+0x40 stream reference (32-byte hash, no range)
 *   RP+0x80 u32 CRC-32
 *
 * The one reference covers [0, logical size).
 */
#include <string.h>

#include "ddp/le.h"
#include "reparse_internal.h"

#define L0201_DATA_LENGTH 0x7Cu
#define L0201_SIZE 0x10u
#define L0201_GUID 0x20u
#define L0201_FILETIME 0x38u
#define L0201_REF 0x40u

ddp_status ddp_reparse_parse_0201(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag)
{
    if (dl != L0201_DATA_LENGTH)
        return ddp_fail(diag, DDP_ERR_BAD_LENGTH, RP_DATA_LENGTH, "layout 0x0201 data length is not 0x7C");
    out->logical_size = ddp_le64(buf + L0201_SIZE);
    out->logical_size_offset = L0201_SIZE;
    memcpy(out->store_guid, buf + L0201_GUID, 16);
    out->store_guid_offset = L0201_GUID;
    out->has_filetime = 1;
    out->filetime = ddp_le64(buf + L0201_FILETIME);
    out->filetime_offset = L0201_FILETIME;
    ddp_status st = ddp_stream_ref_decode(buf, L0201_REF, 32, out, diag);
    if (st != DDP_OK)
        return st;
    out->refs[0].range_start = 0;
    out->refs[0].range_end = out->logical_size;
    return DDP_OK;
}
