/*
 * crc.h - the checksums of the dedup format (FORMAT.md §1.1, §3).
 */
#ifndef DDP_CRC_H
#define DDP_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 IEEE 802.3 (reflected 0xEDB88320, init and final xor 0xFFFFFFFF).
 * ddp_crc32("123456789") == 0xCBF43926. */
uint32_t ddp_crc32(const void *data, size_t len);

/* CRC-64, reflected polynomial 0x9A6C9329AC4BC9B5 (CRC-64/NVME family), in the two
 * variants FORMAT.md §3 names. Which one Windows uses is unknown. */
uint64_t ddp_crc64_zero_init(const void *data, size_t len);  /* init 0, final xor ~0: "123456789" -> 0x87FF3F9B2B57C87B */
uint64_t ddp_crc64_nvme(const void *data, size_t len);       /* init ~0, final xor ~0: "123456789" -> 0xAE8B14860A799888 */

/* Which variant a stored CRC-64 matches. */
typedef enum ddp_crc64_match {
    DDP_CRC64_NONE = 0,
    DDP_CRC64_ZERO_INIT = 1,
    DDP_CRC64_NVME = 2
} ddp_crc64_match;

ddp_crc64_match ddp_crc64_check(const void *data, size_t len, uint64_t stored);

#endif
