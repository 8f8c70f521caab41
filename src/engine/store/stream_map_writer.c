/*
 * stream_map_writer.c - writes a file's stream-map record (FORMAT.md §3, §4) into the
 * Stream containers while the file's chunks arrive, so that memory does not grow with
 * the file: entries are encoded in batches of 64 and appended behind a zeroed
 * 0x68-byte header, which is filled in when the file ends.
 *
 * The record's hash (Ckhr +0x38, and the reference's hash prefix) is the store's chunk
 * hash algorithm over the whole Smap payload ("Smap" prefix and entries). That input is
 * our choice: FORMAT.md §5 leaves the real one open, and readers must not depend on it.
 * Record version bytes: 01 03 03 01, as in Data records [U].
 * A payload is bounded by DDP_MAX_SMAP_PAYLOAD (about 1M chunks, some 64 GiB of file);
 * a larger file gives DDP_ERR_UNSUPPORTED.
 */
#include <string.h>

#include "ddp/container.h"
#include "stream_map_writer.h"

#define MAX_ENTRIES ((DDP_MAX_SMAP_PAYLOAD - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE)

static const uint8_t record_version[4] = {0x01, 0x03, 0x03, 0x01};

ddp_status ddp_stream_map_writer_init(ddp_stream_map_writer *sw, ddp_container_writer *containers,
                                      ddp_hash_alg alg)
{
    memset(sw, 0, sizeof *sw);
    sw->containers = containers;
    return ddp_hash_stream_new(alg, &sw->hash);
}

void ddp_stream_map_writer_free(ddp_stream_map_writer *sw)
{
    ddp_hash_stream_free(sw->hash);
    sw->hash = NULL;
}

/* Encodes the batch (ddp_stream_map_build writes the prefix too: the first batch keeps it). */
static ddp_status flush_batch(ddp_stream_map_writer *sw, int with_prefix)
{
    uint8_t bytes[DDP_SMAP_PREFIX_SIZE + DDP_SMAP_BATCH * DDP_SMAP_ENTRY_SIZE];
    ddp_stream_map_build(sw->batch, sw->batch_len, bytes);
    size_t skip = with_prefix ? 0 : DDP_SMAP_PREFIX_SIZE;
    size_t len = DDP_SMAP_PREFIX_SIZE + (size_t)sw->batch_len * DDP_SMAP_ENTRY_SIZE - skip;
    sw->batch_len = 0;
    ddp_status st = ddp_hash_stream_update(sw->hash, bytes + skip, len);
    if (st != DDP_OK)
        return st;
    return ddp_container_append(sw->containers, bytes + skip, len);
}

static ddp_status begin_record(ddp_stream_map_writer *sw)
{
    ddp_status st = ddp_container_record_begin(sw->containers, &sw->slot);
    if (st != DDP_OK)
        return st;
    static const uint8_t zero_header[DDP_SMAP_HEADER_SIZE];
    sw->open = 1;
    sw->entries = 0;
    sw->batch_len = 0;
    return ddp_container_append(sw->containers, zero_header, sizeof zero_header);
}

ddp_status ddp_stream_map_writer_add(ddp_stream_map_writer *sw, const ddp_chunk_ref *ref)
{
    if (!sw->open) {
        ddp_status st = begin_record(sw);
        if (st != DDP_OK)
            return st;
    }
    if (sw->entries >= MAX_ENTRIES)
        return DDP_ERR_UNSUPPORTED;
    sw->batch[sw->batch_len++] = *ref;
    sw->entries++;
    if (sw->batch_len == DDP_SMAP_BATCH)
        return flush_batch(sw, sw->entries == DDP_SMAP_BATCH);
    return DDP_OK;
}

ddp_status ddp_stream_map_writer_end(ddp_stream_map_writer *sw, ddp_stream_map_done *done)
{
    if (!sw->open)
        return DDP_ERR_INVALID_ARG;
    sw->open = 0;
    ddp_status st = DDP_OK;
    if (sw->batch_len)
        st = flush_batch(sw, sw->entries <= DDP_SMAP_BATCH);
    memset(done, 0, sizeof *done);
    if (st == DDP_OK)
        st = ddp_hash_stream_final(sw->hash, done->hash);
    if (st != DDP_OK)
        return st;
    done->slot = sw->slot;
    done->payload_size = DDP_SMAP_PREFIX_SIZE + sw->entries * DDP_SMAP_ENTRY_SIZE;
    ddp_record r;
    memset(&r, 0, sizeof r);
    memcpy(r.version, record_version, 4);
    r.sequence = sw->slot.sequence;
    r.payload_size = done->payload_size;
    r.kind = DDP_RECORD_KIND_STREAM_MAP;
    r.crc_match = sw->containers->crc64;
    memcpy(r.hash, done->hash, DDP_HASH_SIZE);
    uint8_t header[DDP_SMAP_HEADER_SIZE];
    ddp_record_build(&r, header);
    st = ddp_container_patch(sw->containers, sw->slot.offset, header, sizeof header);
    if (st != DDP_OK)
        return st;
    return ddp_container_record_end(sw->containers);
}
