/*
 * crc.c - the checksums of the dedup format.
 *
 * CRC-32 (IEEE 802.3) guards every reparse point: over RD+0 .. RD+len-5 for the whole
 * buffer, and over each FeRp/DdRp/RbRp block of layout 0x0103 (FORMAT.md §1.1, §1.5).
 * CRC-64 guards container headers (Cthr, Rrtl, Ckhr; FORMAT.md §3). It uses the reflected
 * NVME polynomial, but the start value is not known: one public reader starts the
 * register at zero, the NVME standard at all ones; both complement the result. We compute
 * both and report which one a stored value matches, so no restore ever fails on the
 * choice.
 *
 * All three are the classic reflected, byte-at-a-time table algorithm: the low byte of
 * the register xor the next input byte selects a table entry, which is xored into the
 * register shifted right by 8.
 */
#include "ddp/crc.h"

#include "crc_tables.h"

static uint32_t crc32_update(uint32_t reg, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        reg = ddp_crc32_table[(reg ^ p[i]) & 0xFFu] ^ (reg >> 8);
    return reg;
}

static uint64_t crc64_update(uint64_t reg, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        reg = ddp_crc64_table[(reg ^ p[i]) & 0xFFu] ^ (reg >> 8);
    return reg;
}

uint32_t ddp_crc32(const void *data, size_t len)
{
    return ~crc32_update(0xFFFFFFFFu, (const uint8_t *)data, len);
}

uint64_t ddp_crc64_zero_init(const void *data, size_t len)
{
    return ~crc64_update(0, (const uint8_t *)data, len);
}

uint64_t ddp_crc64_nvme(const void *data, size_t len)
{
    return ~crc64_update(~(uint64_t)0, (const uint8_t *)data, len);
}

ddp_crc64_match ddp_crc64_check(const void *data, size_t len, uint64_t stored)
{
    if (ddp_crc64_zero_init(data, len) == stored)
        return DDP_CRC64_ZERO_INIT;
    if (ddp_crc64_nvme(data, len) == stored)
        return DDP_CRC64_NVME;
    return DDP_CRC64_NONE;
}
