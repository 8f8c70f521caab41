/*
 * hand_store.c - see hand_store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "codec_test_encoders.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include "hand_store.h"

#define ROOT "\\System Volume Information\\Dedup\\ChunkStore\\{8E0A1D5B-52C4-4B35-9A0B-1E9AA1C3D2F4}.ddp\\"

static const uint8_t GUID[16] = {0x5b, 0x1d, 0x0a, 0x8e, 0xc4, 0x52, 0x35, 0x4b,
                                 0x9a, 0x0b, 0x1e, 0x9a, 0xa1, 0xc3, 0xd2, 0xf4};

static size_t encode(uint32_t codec, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    switch (codec) {
    case DDP_COMPRESSION_XPRESS: {
        ddp_xpress_encoder *e = ddp_xpress_encoder_new();
        size_t n = e ? ddp_xpress_compress(e, in, len, out, cap) : 0;
        ddp_xpress_encoder_free(e);
        return n;
    }
    case DDP_COMPRESSION_LZNT1:
        return test_lznt1_compress(in, len, out, cap);
    case DDP_COMPRESSION_XPRESS_HUFF:
        return test_xpress_huffman_compress(in, len, out, cap);
    default:
        if (len > cap)
            return 0;
        memcpy(out, in, len);
        return len;
    }
}

static int put(ddp_sink *s, void *h, uint64_t off, const void *data, size_t len)
{
    return s->pwrite(s->ctx, h, off, data, len) == DDP_OK ? 0 : -1;
}

static int header(ddp_sink *s, void *h, uint32_t id)
{
    ddp_cthr c;
    memset(&c, 0, sizeof c);
    c.version = 0x10001;
    c.container_id = id;
    c.generation = 1;
    uint8_t b[DDP_CTHR_SIZE];
    ddp_cthr_build(&c, b);
    return put(s, h, 0, b, sizeof b);
}

/* The data records; fills the stream-map entries. */
static int write_data(ddp_sink *s, const uint8_t *data, size_t len, uint32_t chunk, const uint32_t *codecs,
                      uint32_t n_codecs, uint8_t *smap, uint32_t n)
{
    void *h = NULL;
    if (s->open(s->ctx, ROOT "Data\\00000001.00000001.ccc", &h) != DDP_OK || header(s, h, 1))
        return -1;
    uint8_t *buf = malloc(2 * DDP_MAX_CHUNK_SIZE);
    uint64_t off = DDP_FIRST_RECORD_OFFSET;
    int rc = buf ? 0 : -1;
    for (uint32_t k = 0; rc == 0 && k < n; k++) {
        size_t start = (size_t)k * chunk, clen = len - start < chunk ? len - start : chunk;
        ddp_record r;
        memset(&r, 0, sizeof r);
        memcpy(r.version, "\x01\x04\x04\x01", 4);
        r.sequence = k + 1;
        r.kind = DDP_RECORD_KIND_DATA;
        r.compression = codecs[k % n_codecs];
        size_t stored = encode(r.compression, data + start, clen, buf + DDP_DATA_HEADER_SIZE,
                               2 * DDP_MAX_CHUNK_SIZE - DDP_DATA_HEADER_SIZE);
        if (stored == 0 || stored > DDP_MAX_CHUNK_SIZE ||
            ddp_chunk_hash(DDP_HASH_SHA256, data + start, clen, r.hash) != DDP_OK) {
            rc = -1;
            break;
        }
        r.payload_size = (uint32_t)stored;
        ddp_record_build(&r, buf);
        rc = put(s, h, off, buf, DDP_DATA_HEADER_SIZE + stored);
        ddp_chunk_ref e;
        memset(&e, 0, sizeof e);
        e.sequence = k + 1;
        e.container_id = 1;
        e.offset_hint = (uint32_t)off;
        e.generation = 1;
        e.end = start + clen;
        memcpy(e.hash, r.hash, 32);
        e.stored_size = (uint32_t)stored;
        ddp_stream_map_build(&e, 1, buf);
        memcpy(smap + DDP_SMAP_PREFIX_SIZE + (size_t)k * DDP_SMAP_ENTRY_SIZE, buf + DDP_SMAP_PREFIX_SIZE,
               DDP_SMAP_ENTRY_SIZE);
        off = (off + DDP_DATA_HEADER_SIZE + stored + 7) & ~(uint64_t)7;
    }
    free(buf);
    if (s->close(s->ctx, h) != DDP_OK)
        rc = -1;
    return rc;
}

int hand_store_build(hand_store *h, uint16_t layout, const uint8_t *data, size_t len, uint32_t chunk,
                     const uint32_t *codecs, uint32_t n_codecs)
{
    memset(h, 0, sizeof *h);
    h->mem = ddp_sink_mem_new();
    h->n_chunks = (uint32_t)((len + chunk - 1) / chunk);
    uint32_t smap_len = DDP_SMAP_PREFIX_SIZE + h->n_chunks * DDP_SMAP_ENTRY_SIZE;
    uint8_t *smap = malloc(DDP_SMAP_HEADER_SIZE + smap_len);
    ddp_sink s;
    if (!h->mem || !smap)
        goto fail;
    ddp_sink_mem_sink(h->mem, &s);
    ddp_stream_map_build(NULL, 0, smap + DDP_SMAP_HEADER_SIZE);   /* the prefix */
    if (write_data(&s, data, len, chunk, codecs, n_codecs, smap + DDP_SMAP_HEADER_SIZE, h->n_chunks))
        goto fail;
    ddp_record r;
    memset(&r, 0, sizeof r);
    memcpy(r.version, "\x01\x04\x04\x01", 4);
    r.sequence = 1;
    r.kind = DDP_RECORD_KIND_STREAM_MAP;
    r.payload_size = smap_len;
    if (ddp_chunk_hash(DDP_HASH_SHA256, smap + DDP_SMAP_HEADER_SIZE, smap_len, r.hash) != DDP_OK)
        goto fail;
    ddp_record_build(&r, smap);
    void *fh = NULL;
    if (s.open(s.ctx, ROOT "Stream\\00000002.00000001.ccc", &fh) != DDP_OK || header(&s, fh, 2) ||
        put(&s, fh, DDP_FIRST_RECORD_OFFSET, smap, DDP_SMAP_HEADER_SIZE + smap_len) || s.close(s.ctx, fh) != DDP_OK)
        goto fail;
    ddp_reparse rp;
    memset(&rp, 0, sizeof rp);
    rp.layout = layout;
    memcpy(rp.store_guid, GUID, 16);
    rp.logical_size = len;
    rp.filetime = 133000000000000000ull;
    rp.n_refs = 1;
    ddp_stream_ref *ref = &rp.refs[0];
    ref->smap_sequence = 1;
    ref->stream_container_id = 2;
    ref->smap_offset_hint = DDP_FIRST_RECORD_OFFSET;
    ref->unknown_0c[0] = 2;
    ref->unknown_0c[1] = 1;
    ref->smap_size = smap_len;
    memcpy(ref->hash, r.hash, 32);
    ref->hash_len = layout == DDP_LAYOUT_0201 ? 32 : 16;
    ref->range_end = len;
    if (ddp_reparse_build(&rp, h->reparse, sizeof h->reparse, &h->reparse_len) != DDP_OK)
        goto fail;
    free(smap);
    return 0;
fail:
    free(smap);
    hand_store_free(h);
    return -1;
}

void hand_store_free(hand_store *h)
{
    ddp_sink_mem_free(h->mem);
    h->mem = NULL;
}
