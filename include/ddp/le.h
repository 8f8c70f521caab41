/*
 * le.h - little-endian field access. Every read of an on-disk field goes
 * through these helpers (no casts of byte pointers to wider types).
 */
#ifndef DDP_LE_H
#define DDP_LE_H

#include <stdint.h>
#include <string.h>

static inline uint16_t ddp_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ddp_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t ddp_le64(const uint8_t *p) { return (uint64_t)ddp_le32(p) | ((uint64_t)ddp_le32(p + 4) << 32); }

static inline void ddp_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void ddp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void ddp_put64(uint8_t *p, uint64_t v) { ddp_put32(p, (uint32_t)v); ddp_put32(p + 4, (uint32_t)(v >> 32)); }

#endif
