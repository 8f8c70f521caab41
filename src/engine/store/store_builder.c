/*
 * store_builder.c - turns files into a chunk store (FORMAT.md §2-§5) and gives each its
 * reparse point.
 *
 * Per file: the bytes go through the content-defined chunker; each chunk is hashed and
 * looked up in the chunk index. A chunk seen before (in any file) is referenced where it
 * is; a new one is compressed with Xpress, kept compressed only when strictly smaller
 * (compression 2, else raw with compression 0), written as a data record to the Data
 * containers (ids 1, 2, 3, ...) and indexed. Every chunk becomes one entry of the
 * file's stream-map record in the Stream containers (ids 0x10000, 0x20000, ...). When
 * the file ends, its reparse point names that record: sequence, container id, offset
 * hint, payload size, hash prefix, range [0, size). The reference's unknown_0c words
 * hold, in layout 0x0201, what Windows writes (FORMAT.md §1.3): 1, 1 and the largest
 * stream map the file could need, 8 + 64 x ceil(size / 32768); in the other layouts the
 * stream container id, its generation and 0. Readers must not rely on them. With
 * opt.file_list, finish() also writes both DedupFileList copies (file_list_writer.c).
 *
 * Memory: the chunker's buffer (max chunk), an Xpress buffer, two 1 MiB write buffers
 * and the chunk index, which alone grows with the data (chunk_index.c).
 * Deterministic: nothing depends on time, addresses or the input's split into calls.
 */
#include <stdlib.h>
#include <string.h>

#include "chunk_index.h"
#include "chunker.h"
#include "container_writer.h"
#include "file_list_writer.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/store_builder.h"
#include "stream_map_writer.h"

#define DATA_FIRST_ID 1u
#define DATA_ID_STEP 1u
#define STREAM_FIRST_ID 0x10000u
#define STREAM_ID_STEP 0x10000u
#define MAX_CONTAINER_LIMIT 0xC0000000ull   /* offsets are u32: keep room for the last record */

static const uint8_t data_record_version[4] = {0x01, 0x03, 0x03, 0x01};

struct ddp_store_builder {
    ddp_store_builder_options opt;
    ddp_chunker chunker;
    ddp_chunk_index index;
    ddp_container_writer data;
    ddp_container_writer stream;
    ddp_stream_map_writer smap;
    ddp_hash_stream *chunk_hash;
    ddp_xpress_encoder *encoder;
    uint8_t *packed;               /* Xpress output, max_chunk bytes */
    int in_file;
    uint64_t file_size;            /* bytes of the current file chunked so far */
    ddp_status error;              /* sticky: the builder is unusable after a failure */
    ddp_store_builder_stats stats;
    char dir[100];                 /* "\...\{GUID}.ddp" */
};

void ddp_store_builder_options_default(ddp_store_builder_options *opt)
{
    /* {6464705F-7473-6F72-8000-0000DD500001}: a fixed GUID of our own. */
    static const uint8_t guid[16] = {0x5F, 0x70, 0x64, 0x64, 0x73, 0x74, 0x72, 0x6F,
                                     0x80, 0x00, 0x00, 0x00, 0xDD, 0x50, 0x00, 0x01};
    memset(opt, 0, sizeof *opt);
    memcpy(opt->guid, guid, 16);
    opt->layout = 0x0102;
    opt->hash_alg = DDP_HASH_SHA256;
    opt->data_generation = 1;
    opt->stream_generation = 1;
    opt->container_limit = 1ull << 30;
    opt->compress = 1;
    opt->filetime = 132223104000000000ull;   /* 2020-01-01 00:00:00 UTC */
    opt->min_chunk = 32u * 1024u;
    opt->avg_chunk = 64u * 1024u;
    opt->max_chunk = 128u * 1024u;
}

static ddp_status check_options(const ddp_store_builder_options *opt)
{
    if (opt->layout != DDP_LAYOUT_0201 && opt->layout != DDP_LAYOUT_0102 && opt->layout != DDP_LAYOUT_0103)
        return DDP_ERR_UNKNOWN_LAYOUT;
    if (opt->hash_alg != DDP_HASH_SHA256 && opt->hash_alg != DDP_HASH_SHA512_TRUNC)
        return DDP_ERR_INVALID_ARG;
    if (opt->container_limit == 0 || opt->container_limit > MAX_CONTAINER_LIMIT)
        return DDP_ERR_RANGE;
    if (opt->min_chunk == 0 || opt->min_chunk > opt->avg_chunk || opt->avg_chunk > opt->max_chunk ||
        opt->max_chunk > DDP_MAX_CHUNK_SIZE)
        return DDP_ERR_RANGE;
    return DDP_OK;
}

static ddp_status init_writers(ddp_store_builder *b, const ddp_sink *sink)
{
    char guid[39], *dir = b->dir;
    ddp_guid_format(b->opt.guid, guid);
    memcpy(dir, DDP_CHUNK_STORE_ROOT, sizeof DDP_CHUNK_STORE_ROOT - 1);
    memcpy(dir + sizeof DDP_CHUNK_STORE_ROOT - 1, guid, 38);
    memcpy(dir + sizeof DDP_CHUNK_STORE_ROOT - 1 + 38, ".ddp", 5);
    ddp_status st = ddp_container_writer_init(&b->data, sink, dir, "Data", DATA_FIRST_ID, DATA_ID_STEP,
                                              b->opt.data_generation, b->opt.container_limit,
                                              b->opt.stale_hints);
    if (st == DDP_OK)
        st = ddp_container_writer_init(&b->stream, sink, dir, "Stream", STREAM_FIRST_ID, STREAM_ID_STEP,
                                       b->opt.stream_generation, b->opt.container_limit, b->opt.stale_hints);
    b->data.crc64 = b->stream.crc64 = b->opt.crc64_zero_init ? DDP_CRC64_ZERO_INIT : DDP_CRC64_NVME;
    if (st == DDP_OK)
        st = ddp_stream_map_writer_init(&b->smap, &b->stream, b->opt.hash_alg);
    return st;
}

ddp_status ddp_store_builder_new(const ddp_store_builder_options *opt, const ddp_sink *sink,
                                 ddp_store_builder **out)
{
    if (!opt || !sink || !sink->open || !sink->pwrite || !sink->close || !out)
        return DDP_ERR_INVALID_ARG;
    *out = NULL;
    ddp_status st = check_options(opt);
    if (st != DDP_OK)
        return st;
    ddp_store_builder *b = calloc(1, sizeof *b);
    if (!b)
        return DDP_ERR_NO_MEMORY;
    b->opt = *opt;
    ddp_chunk_index_init(&b->index);
    st = ddp_chunker_init(&b->chunker, opt->min_chunk, opt->avg_chunk, opt->max_chunk);
    if (st == DDP_OK)
        st = init_writers(b, sink);
    if (st == DDP_OK)
        st = ddp_hash_stream_new(opt->hash_alg, &b->chunk_hash);
    if (st == DDP_OK && opt->compress) {
        b->encoder = ddp_xpress_encoder_new();
        b->packed = malloc(opt->max_chunk);
        if (!b->encoder || !b->packed)
            st = DDP_ERR_NO_MEMORY;
    }
    if (st != DDP_OK) {
        ddp_store_builder_free(b);
        return st;
    }
    *out = b;
    return DDP_OK;
}

/* Writes a new chunk as a data record; fills loc. */
static ddp_status store_chunk(ddp_store_builder *b, const uint8_t *chunk, size_t len, ddp_chunk_loc *loc)
{
    const uint8_t *payload = chunk;
    size_t stored = len;
    uint32_t compression = DDP_COMPRESSION_NONE;
    if (b->encoder) {
        size_t packed = ddp_xpress_compress(b->encoder, chunk, len, b->packed, len - 1);
        if (packed > 0 && packed < len) {
            payload = b->packed;
            stored = packed;
            compression = DDP_COMPRESSION_XPRESS;
        }
    }
    ddp_record_slot slot;
    ddp_status st = ddp_container_record_begin(&b->data, &slot);
    if (st != DDP_OK)
        return st;
    ddp_record r;
    memset(&r, 0, sizeof r);
    memcpy(r.version, data_record_version, 4);
    r.sequence = slot.sequence;
    r.payload_size = (uint32_t)stored;
    r.kind = DDP_RECORD_KIND_DATA;
    r.compression = compression;
    r.crc_match = b->data.crc64;
    memcpy(r.hash, loc->hash, DDP_HASH_SIZE);
    uint8_t header[DDP_DATA_HEADER_SIZE];
    ddp_record_build(&r, header);
    st = ddp_container_append(&b->data, header, sizeof header);
    if (st == DDP_OK)
        st = ddp_container_append(&b->data, payload, stored);
    if (st == DDP_OK)
        st = ddp_container_record_end(&b->data);
    if (st != DDP_OK)
        return st;
    loc->container_id = slot.container_id;
    loc->generation = slot.generation;
    loc->sequence = slot.sequence;
    loc->offset = slot.offset;
    loc->offset_hint = slot.offset_hint;
    loc->stored_size = (uint32_t)stored;
    b->stats.unique_chunks++;
    b->stats.stored_bytes += stored;
    return ddp_chunk_index_add(&b->index, loc);
}

/* The chunker's callback: one chunk of the current file. */
static ddp_status take_chunk(void *ctx, const uint8_t *chunk, size_t len)
{
    ddp_store_builder *b = ctx;
    ddp_chunk_loc loc;
    memset(&loc, 0, sizeof loc);
    ddp_status st = ddp_hash_stream_update(b->chunk_hash, chunk, len);
    if (st == DDP_OK)
        st = ddp_hash_stream_final(b->chunk_hash, loc.hash);
    if (st != DDP_OK)
        return st;
    const ddp_chunk_loc *known = ddp_chunk_index_find(&b->index, loc.hash);
    if (known)
        loc = *known;
    else if ((st = store_chunk(b, chunk, len, &loc)) != DDP_OK)
        return st;
    b->file_size += len;
    b->stats.chunks++;
    ddp_chunk_ref ref;
    memset(&ref, 0, sizeof ref);
    ref.sequence = loc.sequence;
    ref.container_id = loc.container_id;
    ref.offset_hint = loc.offset_hint;
    ref.generation = loc.generation;
    ref.end = b->file_size;
    memcpy(ref.hash, loc.hash, DDP_HASH_SIZE);
    ref.stored_size = loc.stored_size;
    return ddp_stream_map_writer_add(&b->smap, &ref);
}

static ddp_status fail(ddp_store_builder *b, ddp_status st)
{
    if (st != DDP_OK && b->error == DDP_OK)
        b->error = st;
    return st;
}

ddp_status ddp_store_builder_file_begin(ddp_store_builder *b)
{
    if (!b || b->in_file)
        return DDP_ERR_INVALID_ARG;
    if (b->error != DDP_OK)
        return b->error;
    b->in_file = 1;
    b->file_size = 0;
    return DDP_OK;
}

ddp_status ddp_store_builder_file_data(ddp_store_builder *b, const uint8_t *data, size_t len)
{
    if (!b || !b->in_file || (!data && len))
        return DDP_ERR_INVALID_ARG;
    if (b->error != DDP_OK)
        return b->error;
    return fail(b, ddp_chunker_push(&b->chunker, data, len, take_chunk, b));
}

/* RP+0x54 of layout 0x0201 (FORMAT.md §1.3, 165 of 165 real files): the stream-map size
 * of the file cut into 32 KiB chunks, the smallest chunk size; saturates at 2^32 - 1. */
static uint32_t windows_smap_bound(uint64_t size)
{
    uint64_t v = 8 + 64 * ((size + 32767) / 32768);
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Builds the file's reparse point from its finished stream-map record. */
static ddp_status build_reparse(ddp_store_builder *b, const ddp_stream_map_done *done, uint8_t *reparse,
                                size_t cap, size_t *reparse_len)
{
    ddp_reparse r;
    memset(&r, 0, sizeof r);
    r.layout = b->opt.layout;
    memcpy(r.store_guid, b->opt.guid, 16);
    r.logical_size = b->file_size;
    r.filetime = b->opt.filetime;
    r.has_filetime = 1;
    r.n_refs = 1;
    ddp_stream_ref *ref = &r.refs[0];
    ref->smap_sequence = done->slot.sequence;
    ref->stream_container_id = done->slot.container_id;
    ref->smap_offset_hint = done->slot.offset_hint;
    if (b->opt.layout == DDP_LAYOUT_0201) {
        ref->unknown_0c[0] = 1;
        ref->unknown_0c[1] = 1;
        ref->unknown_0c[2] = windows_smap_bound(b->file_size);
    } else {
        ref->unknown_0c[0] = done->slot.container_id;
        ref->unknown_0c[1] = done->slot.generation;
    }
    ref->smap_size = done->payload_size;
    memcpy(ref->hash, done->hash, DDP_HASH_SIZE);
    ref->hash_len = b->opt.layout == DDP_LAYOUT_0201 ? 32 : 16;
    ref->range_start = 0;
    ref->range_end = b->file_size;
    return ddp_reparse_build(&r, reparse, cap, reparse_len);
}

ddp_status ddp_store_builder_file_end(ddp_store_builder *b, uint8_t *reparse, size_t cap, size_t *reparse_len)
{
    if (!b || !b->in_file || !reparse_len || (!reparse && cap))
        return DDP_ERR_INVALID_ARG;
    *reparse_len = 0;
    if (b->error != DDP_OK)
        return b->error;
    b->in_file = 0;
    ddp_status st = ddp_chunker_flush(&b->chunker, take_chunk, b);
    if (st != DDP_OK)
        return fail(b, st);
    if (b->file_size == 0) {   /* nothing to reference: the file stays as it is */
        b->stats.empty_files++;
        return DDP_ERR_NOT_REPARSE;
    }
    ddp_stream_map_done done;
    st = ddp_stream_map_writer_end(&b->smap, &done);
    if (st != DDP_OK)
        return fail(b, st);
    b->stats.files++;
    b->stats.logical_bytes += b->file_size;
    return build_reparse(b, &done, reparse, cap, reparse_len);
}

ddp_status ddp_store_builder_finish(ddp_store_builder *b)
{
    if (!b || b->in_file)
        return DDP_ERR_INVALID_ARG;
    if (b->error != DDP_OK)
        return b->error;
    ddp_status st = ddp_container_writer_finish(&b->data);
    if (st == DDP_OK)
        st = ddp_container_writer_finish(&b->stream);
    if (st == DDP_OK && b->opt.file_list)
        st = ddp_file_list_write(b->data.sink, b->dir, &b->data, &b->stream);
    return fail(b, st);
}

void ddp_store_builder_free(ddp_store_builder *b)
{
    if (!b)
        return;
    ddp_stream_map_writer_free(&b->smap);
    ddp_container_writer_free(&b->data);
    ddp_container_writer_free(&b->stream);
    ddp_chunker_free(&b->chunker);
    ddp_chunk_index_free(&b->index);
    ddp_hash_stream_free(b->chunk_hash);
    ddp_xpress_encoder_free(b->encoder);
    free(b->packed);
    free(b);
}

void ddp_store_builder_get_stats(const ddp_store_builder *b, ddp_store_builder_stats *st)
{
    *st = b->stats;
    st->data_containers = b->data.containers;
    st->stream_containers = b->stream.containers;
    st->container_bytes = ddp_container_writer_bytes(&b->data) + ddp_container_writer_bytes(&b->stream);
}
