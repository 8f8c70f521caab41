/*
 * container_writer.h - appends records to a series of container files (see container_writer.c).
 */
#ifndef DDP_STORE_CONTAINER_WRITER_H
#define DDP_STORE_CONTAINER_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/container.h"
#include "ddp/store_builder.h"

/* The Rrtl entries region, 0x3020 .. 0x5260, holds at most this many entries. */
#define DDP_RRTL_REGION_ENTRIES ((DDP_FIRST_RECORD_OFFSET - DDP_RRTL_OFFSET - DDP_RRTL_HEADER_SIZE) / DDP_RRTL_ENTRY_SIZE)

/* Where the next record goes, as a reader will find it. */
typedef struct ddp_record_slot {
    uint32_t container_id;
    uint32_t generation;
    uint32_t sequence;
    uint32_t offset;        /* true offset of the record's Ckhr */
    uint32_t offset_hint;   /* what references publish: offset, or a stale one */
} ddp_record_slot;

typedef struct ddp_container_writer {
    const ddp_sink *sink;
    char dir[160];          /* "\...\{GUID}.ddp\Data" */
    uint32_t first_id, id_step, generation;
    uint64_t limit;
    int stale_hints;
    ddp_crc64_match crc64;  /* variant of the Cthr, Rrtl and Ckhr CRC-64s written */
    uint32_t containers;    /* opened so far */
    uint64_t bytes;         /* of sealed containers */
    /* The open container (handle NULL: none). */
    void *handle;
    uint32_t id;
    uint64_t end;           /* where the next record starts */
    uint32_t records;
    uint32_t record_offset; /* the current record's offset */
    uint32_t last_offset;   /* the previous record's offset */
    int in_record;
    uint8_t rrtl[DDP_RRTL_REGION_ENTRIES * DDP_RRTL_ENTRY_SIZE];
    uint32_t rrtl_count;
    /* Write-behind buffer of bytes appended from buf_offset. */
    uint8_t *buf;
    size_t buf_len;
    uint64_t buf_offset;
} ddp_container_writer;

/* kind_dir is "Data" or "Stream"; ids are first_id, first_id + id_step, ... */
ddp_status ddp_container_writer_init(ddp_container_writer *w, const ddp_sink *sink, const char *store_dir,
                                     const char *kind_dir, uint32_t first_id, uint32_t id_step,
                                     uint32_t generation, uint64_t limit, int stale_hints);
void ddp_container_writer_free(ddp_container_writer *w);
/* Starts a record: opens a container when none is open, fills *slot. */
ddp_status ddp_container_record_begin(ddp_container_writer *w, ddp_record_slot *slot);
/* Appends bytes of the current record. */
ddp_status ddp_container_append(ddp_container_writer *w, const uint8_t *data, size_t len);
/* Overwrites bytes already appended to the current record (offset from the file start). */
ddp_status ddp_container_patch(ddp_container_writer *w, uint64_t offset, const uint8_t *data, size_t len);
/* Ends the record: pads it to 8 bytes, lists it in the Rrtl in stale-hints mode, and
 * seals the container once it holds limit bytes or more. */
ddp_status ddp_container_record_end(ddp_container_writer *w);
/* Seals the open container, if any. */
ddp_status ddp_container_writer_finish(ddp_container_writer *w);
/* Bytes written so far (container file sizes, the open one up to its end). */
uint64_t ddp_container_writer_bytes(const ddp_container_writer *w);

#endif
