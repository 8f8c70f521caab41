/*
 * container_writer.c - writes a series of container files (FORMAT.md §3) for one kind
 * of record (data chunks or stream maps).
 *
 * A container is opened when its first record begins and is named
 * "<store>\<Data|Stream>\%08x.%08x.ccc" (id, generation). Records are appended from
 * DDP_FIRST_RECORD_OFFSET (0x5260), each padded to 8 bytes, with sequence numbers
 * 1, 2, 3, ... per container. After a record ends, a container holding limit bytes or
 * more is sealed: the Rrtl header goes to 0x3000 with its entries from 0x3020, and the
 * Cthr header to 0 with the valid data length (the end of the last record); the next
 * record opens the next id. Bytes not written (0x40..0x3000, the unused Rrtl region)
 * are zeros.
 *
 * Stale-hints mode: the first DDP_RRTL_REGION_ENTRIES (1096) records of a container get
 * a wrong offset hint - the previous record's offset, or 0x3000 (the Rrtl header) for the
 * first - and their true offsets are listed in the Rrtl, ascending by sequence number,
 * as after a compaction. Later records (no room left in the Rrtl) keep true hints.
 * Otherwise the Rrtl is empty.
 *
 * Cthr fields of unknown meaning: version 1, sequence = the container's ordinal (1, 2,
 * ...), +0x30 = 0x4000. Appends go through a 1 MiB write-behind buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_writer.h"
#include "ddp/le.h"

#define WRITE_BUFFER_SIZE (1u << 20)
#define CTHR_VERSION 1u
#define CTHR_UNKNOWN_30 0x4000u
#define RRTL_VERSION 1u

ddp_status ddp_container_writer_init(ddp_container_writer *w, const ddp_sink *sink, const char *store_dir,
                                     const char *kind_dir, uint32_t first_id, uint32_t id_step,
                                     uint32_t generation, uint64_t limit, int stale_hints)
{
    memset(w, 0, sizeof *w);
    int n = snprintf(w->dir, sizeof w->dir, "%s\\%s", store_dir, kind_dir);
    if (n < 0 || (size_t)n >= sizeof w->dir)
        return DDP_ERR_INVALID_ARG;
    w->buf = malloc(WRITE_BUFFER_SIZE);
    if (!w->buf)
        return DDP_ERR_NO_MEMORY;
    w->sink = sink;
    w->first_id = first_id;
    w->id_step = id_step;
    w->generation = generation;
    w->limit = limit;
    w->stale_hints = stale_hints;
    return DDP_OK;
}

void ddp_container_writer_free(ddp_container_writer *w)
{
    if (w->handle)
        w->sink->close(w->sink->ctx, w->handle);
    w->handle = NULL;
    free(w->buf);
    w->buf = NULL;
}

static ddp_status flush_buffer(ddp_container_writer *w)
{
    if (!w->buf_len)
        return DDP_OK;
    ddp_status st = w->sink->pwrite(w->sink->ctx, w->handle, w->buf_offset, w->buf, w->buf_len);
    w->buf_offset += w->buf_len;
    w->buf_len = 0;
    return st;
}

static ddp_status open_container(ddp_container_writer *w)
{
    uint64_t id = (uint64_t)w->first_id + (uint64_t)w->containers * w->id_step;
    if (id > UINT32_MAX)
        return DDP_ERR_RANGE;
    char name[22], path[200];
    ddp_container_name((uint32_t)id, w->generation, name);
    snprintf(path, sizeof path, "%s\\%s", w->dir, name);
    ddp_status st = w->sink->open(w->sink->ctx, path, &w->handle);
    if (st != DDP_OK) {
        w->handle = NULL;
        return st;
    }
    w->containers++;
    w->id = (uint32_t)id;
    w->end = DDP_FIRST_RECORD_OFFSET;
    w->records = 0;
    w->rrtl_count = 0;
    w->buf_offset = w->end;
    w->buf_len = 0;
    return DDP_OK;
}

static ddp_status seal(ddp_container_writer *w)
{
    ddp_status st = flush_buffer(w);
    if (st == DDP_OK && w->rrtl_count)
        st = w->sink->pwrite(w->sink->ctx, w->handle, DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE, w->rrtl,
                             (size_t)w->rrtl_count * DDP_RRTL_ENTRY_SIZE);
    ddp_rrtl rrtl = {.version = RRTL_VERSION, .count = w->rrtl_count, .entry_size = DDP_RRTL_ENTRY_SIZE,
                     .crc_match = w->crc64};
    uint8_t rrtl_header[DDP_RRTL_HEADER_SIZE];
    ddp_rrtl_build(&rrtl, rrtl_header);
    if (st == DDP_OK)
        st = w->sink->pwrite(w->sink->ctx, w->handle, DDP_RRTL_OFFSET, rrtl_header, sizeof rrtl_header);
    ddp_cthr cthr = {.version = CTHR_VERSION, .sequence = w->containers, .container_id = w->id,
                     .generation = w->generation, .valid_data_length = w->end, .unknown_30 = CTHR_UNKNOWN_30,
                     .crc_match = w->crc64};
    uint8_t cthr_bytes[DDP_CTHR_SIZE];
    ddp_cthr_build(&cthr, cthr_bytes);
    if (st == DDP_OK)
        st = w->sink->pwrite(w->sink->ctx, w->handle, 0, cthr_bytes, sizeof cthr_bytes);
    ddp_status closed = w->sink->close(w->sink->ctx, w->handle);
    w->handle = NULL;
    w->bytes += w->end;
    return st != DDP_OK ? st : closed;
}

ddp_status ddp_container_record_begin(ddp_container_writer *w, ddp_record_slot *slot)
{
    if (w->in_record)
        return DDP_ERR_INVALID_ARG;
    if (!w->handle) {
        ddp_status st = open_container(w);
        if (st != DDP_OK)
            return st;
    }
    if (w->end > UINT32_MAX)   /* offsets are u32 in references */
        return DDP_ERR_RANGE;
    slot->container_id = w->id;
    slot->generation = w->generation;
    slot->sequence = w->records + 1;
    slot->offset = (uint32_t)w->end;
    w->record_offset = slot->offset;
    slot->offset_hint = slot->offset;
    if (w->stale_hints && w->records < DDP_RRTL_REGION_ENTRIES)
        slot->offset_hint = w->records == 0 ? DDP_RRTL_OFFSET : w->last_offset;
    w->in_record = 1;
    return DDP_OK;
}

ddp_status ddp_container_append(ddp_container_writer *w, const uint8_t *data, size_t len)
{
    if (!w->in_record)
        return DDP_ERR_INVALID_ARG;
    while (len) {
        if (w->buf_len == WRITE_BUFFER_SIZE) {
            ddp_status st = flush_buffer(w);
            if (st != DDP_OK)
                return st;
        }
        size_t take = WRITE_BUFFER_SIZE - w->buf_len;
        if (take > len)
            take = len;
        memcpy(w->buf + w->buf_len, data, take);
        w->buf_len += take;
        w->end += take;
        data += take;
        len -= take;
    }
    return DDP_OK;
}

ddp_status ddp_container_patch(ddp_container_writer *w, uint64_t offset, const uint8_t *data, size_t len)
{
    if (!w->in_record || offset < w->record_offset || offset > w->end || len > w->end - offset)
        return DDP_ERR_INVALID_ARG;
    if (offset >= w->buf_offset) {   /* still in the buffer */
        memcpy(w->buf + (offset - w->buf_offset), data, len);
        return DDP_OK;
    }
    ddp_status st = flush_buffer(w);
    if (st != DDP_OK)
        return st;
    return w->sink->pwrite(w->sink->ctx, w->handle, offset, data, len);
}

ddp_status ddp_container_record_end(ddp_container_writer *w)
{
    if (!w->in_record)
        return DDP_ERR_INVALID_ARG;
    static const uint8_t zeros[DDP_RECORD_ALIGN];
    size_t pad = (size_t)((DDP_RECORD_ALIGN - w->end % DDP_RECORD_ALIGN) % DDP_RECORD_ALIGN);
    ddp_status st = ddp_container_append(w, zeros, pad);
    if (st != DDP_OK)
        return st;
    w->in_record = 0;
    if (w->stale_hints && w->records < DDP_RRTL_REGION_ENTRIES) {
        uint8_t *e = w->rrtl + (size_t)w->rrtl_count * DDP_RRTL_ENTRY_SIZE;
        ddp_put32(e, w->records + 1);
        ddp_put32(e + 4, w->record_offset);
        w->rrtl_count++;
    }
    w->last_offset = w->record_offset;
    w->records++;
    if (w->end >= w->limit)
        return seal(w);
    return DDP_OK;
}

ddp_status ddp_container_writer_finish(ddp_container_writer *w)
{
    if (w->in_record)
        return DDP_ERR_INVALID_ARG;
    return w->handle ? seal(w) : DDP_OK;
}

uint64_t ddp_container_writer_bytes(const ddp_container_writer *w)
{
    return w->bytes + (w->handle ? w->end : 0);
}
