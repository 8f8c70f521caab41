/*
 * fixtures.h - byte-exact fixtures built from the real values FORMAT.md §1.3-1.5 and §6
 * report (sizes, GUIDs, offsets, times), written field by field so that the parsers are
 * tested against the documented layout and not against our own builders.
 */
#ifndef DDP_TESTS_FORMAT_FIXTURES_H
#define DDP_TESTS_FORMAT_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

/* Layout 0x0201 (§1.3): Server 2012 sample. */
#define FX_0201_LEN 0x84u
#define FX_0201_SIZE 0x011A9C66ull
#define FX_0201_GUID "{00C5EBCB-976A-4D63-979C-130C418EED8B}"
#define FX_0201_FILETIME 129978650380000000ull   /* 2012-11-20 06:03:58 UTC */
#define FX_0201_SMAP_SEQ 0x9Bu
#define FX_0201_SMAP_CONTAINER 0x10000u
#define FX_0201_SMAP_HINT 0x5260u
#define FX_0201_SMAP_SIZE (8u + 64u * 283u)       /* about 64 KiB per chunk */

/* Layout 0x0102 (§1.4): the 11-slot table, for the 90,593-byte file of §6. */
#define FX_0102_LEN 0x108u
#define FX_0102_SIZE 90593ull
#define FX_0102_GUID "{5D1B7BFA-B73E-42A0-95CB-91CE1921CFB2}"
#define FX_0102_FILETIME 131683433270000000ull   /* 2018-04-16 09:08:47 UTC, in slot 6/8/0x8C */
#define FX_0102_SMAP_SEQ 1u
#define FX_0102_SMAP_CONTAINER 0x10000u
#define FX_0102_SMAP_HINT 0x5260u
#define FX_0102_SMAP_SIZE 136u
#define FX_0102_REF_AT (8u + 0x94u)               /* RP offset of the reference slot's value */

/* Layout 0x0103 (§1.5): ReparseDataLength 0x184, FeRp 0x17C, DdRp 116 bytes. */
#define FX_0103_LEN 0x18Cu
#define FX_0103_SIZE 281996ull
#define FX_0103_GUID "{5D1B7BFA-B73E-42A0-95CB-91CE1921CFB2}"
#define FX_0103_FILETIME 132025248000000000ull   /* 2019-05-17 00:00:00 UTC */
#define FX_0103_SMAP_SEQ 0x41u
#define FX_0103_SMAP_CONTAINER 0x20000u
#define FX_0103_SMAP_HINT 0x3AC60u
#define FX_0103_SMAP_SIZE (8u + 64u * 5u)
#define FX_0103_FERP_AT 0x0Cu
#define FX_0103_RBRP_AT (FX_0103_FERP_AT + 0x88u)
#define FX_0103_RBRP_SIZE 128u
#define FX_0103_DDRP_AT (FX_0103_FERP_AT + 0x108u)
#define FX_0103_DDRP_SIZE 116u
#define FX_0103_REF_AT (FX_0103_DDRP_AT + 0x34u)

size_t fx_reparse_0201(uint8_t *buf);   /* buf: at least FX_0201_LEN bytes */
size_t fx_reparse_0102(uint8_t *buf);   /* FX_0102_LEN */
size_t fx_reparse_0103(uint8_t *buf);   /* FX_0103_LEN */
/* Recomputes every CRC-32 of a fixture (the 0x0103 blocks, inner first, then the data's),
 * so a test can change a field and still reach the check after the CRC. Sizes read from
 * the buffer are bounded by len: a block or data length that does not fit is left alone. */
void fx_reparse_reseal(uint8_t *buf, size_t len);

/* A deterministic 32-byte hash for a label. */
void fx_hash(uint32_t label, uint8_t out[32]);

/* §6: Data\00000001.00000001.ccc holding raw chunks of sequence 1..8; 7 and 8 are the
 * 61,095 and 29,498 bytes of the 90,593-byte file at 0x6CE20 and 0x7BD20. */
#define FX_DATA_CONTAINER_ID 1u
#define FX_DATA_GENERATION 1u
#define FX_DATA_RECORDS 8u
#define FX_CHUNK7_AT 0x6CE20u
#define FX_CHUNK7_SIZE 61095u
#define FX_CHUNK8_AT 0x7BD20u
#define FX_CHUNK8_SIZE 29498u
#define FX_FILLER_SIZE 70728u               /* sequence 1..6, packed from 0x5260 */
/* §6: Stream\00010000.00000001.ccc with the stream map of that file at 0x5260. */
#define FX_STREAM_CONTAINER_ID 0x10000u
#define FX_STREAM_GENERATION 1u
#define FX_SMAP_RECORD_AT 0x5260u

/* Both return a malloc'ed container file and its size via *len. */
uint8_t *fx_data_container(size_t *len);
uint8_t *fx_stream_container(size_t *len);
/* The Smap payload of the 90,593-byte file (136 bytes). */
void fx_smap_90593(uint8_t out[136]);
/* The Smap of §6's first example: chunks 0x82 and 0x83 of Data\00000004.00010000.ccc. */
void fx_smap_3ac60(uint8_t out[136]);
/* Writes a Ckhr header (kind 1 or 2) with its CRC-64 (zero-init variant). */
void fx_record_header(uint8_t *out, uint16_t kind, uint32_t sequence, uint32_t payload_size,
                      uint32_t compression, const uint8_t hash[32]);

#endif
