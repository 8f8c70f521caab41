/*
 * stream_ref.c - the 64-byte stream reference entry of every reparse layout (FORMAT.md
 * §1.2): which stream-map record lists the file's chunks, and which byte range of the
 * file it covers. Layout 0x0201 keeps the record's full 32-byte hash at +0x20 and has no
 * range fields; the later layouts keep a 16-byte hash prefix, the exclusive range end at
 * +0x30 and the range start at +0x38.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "reparse_internal.h"

ddp_status ddp_stream_ref_decode(const uint8_t *buf, uint32_t off, uint32_t hash_len, ddp_reparse *out,
                                 ddp_diag *diag)
{
    if (out->n_refs >= DDP_REPARSE_MAX_REFS)
        return ddp_fail(diag, DDP_ERR_UNSUPPORTED, off, "more than 8 stream reference entries");
    const uint8_t *e = buf + off;
    ddp_stream_ref *ref = &out->refs[out->n_refs];
    memset(ref, 0, sizeof *ref);
    ref->smap_sequence = ddp_le32(e + 0x00);
    ref->stream_container_id = ddp_le32(e + 0x04);
    ref->smap_offset_hint = ddp_le32(e + 0x08);
    for (int i = 0; i < 3; i++)
        ref->unknown_0c[i] = ddp_le32(e + 0x0C + 4 * i);
    ref->smap_size = ddp_le32(e + 0x18);
    ref->unknown_1c = ddp_le32(e + 0x1C);
    memcpy(ref->hash, e + 0x20, hash_len);
    ref->hash_len = hash_len;
    ref->entry_offset = off;
    if (hash_len == 16) {
        ref->range_end = ddp_le64(e + 0x30);
        ref->range_start = ddp_le64(e + 0x38);
    }
    if (ref->smap_size < 8u + 64u || (ref->smap_size - 8u) % 64u != 0 || ref->smap_size > DDP_MAX_SMAP_PAYLOAD)
        return ddp_fail(diag, DDP_ERR_RANGE, off + 0x18u, "stream-map size is not 8 + 64 x N (N >= 1, bounded)");
    out->n_refs++;
    return DDP_OK;
}
