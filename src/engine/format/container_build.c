/*
 * container_build.c - writes the fixed structures of a container file (FORMAT.md §3):
 * the Cthr file header, the Rrtl redirection table header and the Ckhr record headers.
 * CRC-64s use the variant the structure's crc_match names: DDP_CRC64_NVME (all-ones start,
 * what DedupFileList on a real volume uses), anything else the zero-start variant.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"

static uint64_t crc64_of(ddp_crc64_match variant, const uint8_t *p, size_t len)
{
    return variant == DDP_CRC64_NVME ? ddp_crc64_nvme(p, len) : ddp_crc64_zero_init(p, len);
}

void ddp_cthr_build(const ddp_cthr *h, uint8_t out[DDP_CTHR_SIZE])
{
    memset(out, 0, DDP_CTHR_SIZE);
    memcpy(out, "Cthr", 4);
    ddp_put32(out + 0x04, h->version);
    ddp_put64(out + 0x08, h->sequence);
    ddp_put32(out + 0x10, h->container_id);
    ddp_put32(out + 0x14, h->generation);
    ddp_put64(out + 0x20, h->valid_data_length);
    ddp_put32(out + 0x30, h->unknown_30);
    ddp_put64(out + 0x38, crc64_of(h->crc_match, out, 0x38));
}

void ddp_rrtl_build(const ddp_rrtl *h, uint8_t out[DDP_RRTL_HEADER_SIZE])
{
    memset(out, 0, DDP_RRTL_HEADER_SIZE);
    memcpy(out, "Rrtl", 4);
    ddp_put32(out + 0x04, h->version);
    ddp_put32(out + 0x08, h->count);
    ddp_put32(out + 0x0C, h->entry_size);
    ddp_put64(out + 0x18, crc64_of(h->crc_match, out, 0x18));
}

void ddp_record_build(const ddp_record *r, uint8_t *out)
{
    int data = r->kind == DDP_RECORD_KIND_DATA;
    uint32_t header_size = data ? DDP_DATA_HEADER_SIZE : DDP_SMAP_HEADER_SIZE;
    uint16_t hash_offset = data ? 0x28 : 0x38;
    memset(out, 0, header_size);
    memcpy(out, "Ckhr", 4);
    memcpy(out + 4, r->version, 4);
    ddp_put32(out + 0x08, r->sequence);
    ddp_put32(out + 0x0C, r->payload_size);
    ddp_put16(out + 0x10, r->kind);
    ddp_put16(out + 0x12, hash_offset);
    if (data)
        ddp_put32(out + 0x20, r->compression);
    memcpy(out + hash_offset, r->hash, 32);
    ddp_put64(out + header_size - 8, crc64_of(r->crc_match, out, header_size - 8));
}
