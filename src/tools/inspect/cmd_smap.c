/*
 * cmd_smap.c - "ddp-inspect smap CONTAINER (--offset N | --sequence N)": one stream-map
 * record of a Stream container, its header and every chunk entry, and the checks of
 * ddp_stream_map_validate over the range the entries claim ([0, last end)). --sequence
 * finds the record through the container's Rrtl, and when the Rrtl has no entry for it
 * (Windows and ddp-mkstore list only moved records there) by a scan of the records. A bare Smap payload file (auto-detected
 * by its "Smap" magic) is shown the same way without the record header.
 *
 * The payload is read whole but bounded: the record parser limits it to
 * DDP_MAX_SMAP_PAYLOAD (64 MiB), and it must lie inside the file.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "file_access.h"

/* Looks sequence up in the Rrtl: 0 and *offset when it has an entry, -1 when it has
 * none, or cannot be read (the caller then scans the records). */
static int rrtl_lookup(input_file *in, uint32_t sequence, uint64_t *offset)
{
    uint8_t h[DDP_RRTL_HEADER_SIZE];
    ddp_rrtl t;
    if (input_read(in, DDP_RRTL_OFFSET, h, sizeof h) != 0 || ddp_rrtl_parse(h, sizeof h, &t, NULL) != DDP_OK)
        return -1;
    size_t bytes = (size_t)t.count * DDP_RRTL_ENTRY_SIZE;
    uint8_t *entries = malloc(bytes ? bytes : 1);
    uint32_t where = 0;
    int rc = -1;
    if (entries && input_read(in, DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE, entries, bytes) == 0 &&
        ddp_rrtl_lookup(entries, bytes, t.count, sequence, &where) == DDP_OK) {
        *offset = where;
        rc = 0;
    }
    free(entries);
    return rc;
}

/* Walks the records from DDP_FIRST_RECORD_OFFSET, one header at a time, for the stream
 * map with this sequence number: 0 and *offset, or an exit code. */
static int scan_for_sequence(printer *pr, const char *name, input_file *in, uint32_t sequence, uint64_t *offset)
{
    uint64_t at = DDP_FIRST_RECORD_OFFSET;
    while (at < in->size) {
        uint8_t h[DDP_SMAP_HEADER_SIZE];
        size_t n = in->size - at < sizeof h ? (size_t)(in->size - at) : sizeof h;
        ddp_record r;
        ddp_diag diag = {0, NULL};
        if (input_read(in, at, h, n) != 0)
            return report_io_error(pr, name, "cannot read a record header");
        ddp_status st = ddp_record_parse(h, n, &r, &diag);
        if (st != DDP_OK)
            break;                   /* the end of the records (zeros) or damage: not found */
        if (r.kind == DDP_RECORD_KIND_STREAM_MAP && r.sequence == sequence) {
            *offset = at;
            return 0;
        }
        if (ddp_record_span(&r) > in->size - at)
            break;
        at += ddp_record_span(&r);
    }
    return report_error(pr, name, at, "sequence number neither in the Rrtl nor in the records", DDP_ERR_NOT_FOUND);
}

/* Finds sequence through the Rrtl, else by a scan of the records; 0 and *offset, or an
 * exit code. Says which way it was found. */
static int find_by_sequence(printer *pr, const char *name, input_file *in, uint32_t sequence, uint64_t *offset)
{
    if (rrtl_lookup(in, sequence, offset) == 0) {
        pr_text(pr, "found_by", NO_OFFSET, "rrtl");
        return 0;
    }
    int rc = scan_for_sequence(pr, name, in, sequence, offset);
    if (rc == 0)
        pr_text(pr, "found_by", NO_OFFSET, "record scan (no Rrtl entry)");
    return rc;
}

static int print_payload(printer *pr, const char *name, const uint8_t *payload, size_t len, uint64_t base)
{
    uint32_t n = 0;
    ddp_diag diag = {0, NULL};
    ddp_status st = ddp_stream_map_count(payload, len, &n, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, base + diag.offset, diag.what, st);
    pr_begin(pr, "smap", base);
    pr_text(pr, "magic", base, "Smap");
    pr_bytes(pr, "version", base + 4, payload + 4, 4);
    pr_uint(pr, "chunk_count", NO_OFFSET, n);
    print_stream_map_entries(pr, payload, n, base);
    uint64_t end = 0;
    if (n) {
        ddp_chunk_ref last;
        ddp_stream_map_entry(payload, n - 1, &last);
        end = last.end;
    }
    pr_uint(pr, "logical_size", NO_OFFSET, end);
    pr_end(pr);
    st = ddp_stream_map_validate(payload, len, 0, end, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, base + diag.offset, diag.what, st);
    pr_text(pr, "checks", NO_OFFSET, "ok");
    return 0;
}

static int print_record(printer *pr, const char *name, input_file *in, uint64_t at, ddp_record *r)
{
    uint8_t h[DDP_SMAP_HEADER_SIZE];
    ddp_diag diag = {0, NULL};
    if (at >= in->size)
        return report_error(pr, name, at, "offset is past the end of the file", DDP_ERR_RANGE);
    size_t n = in->size - at < sizeof h ? (size_t)(in->size - at) : sizeof h;
    if (input_read(in, at, h, n) != 0)
        return report_io_error(pr, name, "cannot read the record header");
    ddp_status st = ddp_record_parse(h, n, r, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, at + diag.offset, diag.what, st);
    if (r->kind != DDP_RECORD_KIND_STREAM_MAP)
        return report_error(pr, name, at + 0x10, "record is not a stream map (kind 2)", DDP_ERR_RANGE);
    pr_begin(pr, "record", at);
    pr_text(pr, "magic", at, "Ckhr");
    pr_bytes(pr, "version", at + 4, r->version, 4);
    pr_hex(pr, "sequence", at + 0x08, r->sequence);
    pr_uint(pr, "payload_size", at + 0x0C, r->payload_size);
    pr_uint(pr, "kind", at + 0x10, r->kind);
    pr_hex(pr, "hash_offset", at + 0x12, r->hash_offset);
    pr_bytes(pr, "hash", at + r->hash_offset, r->hash, 32);
    pr_hex(pr, "crc64", at + r->header_size - 8, r->crc64);
    pr_text(pr, "crc64_match", NO_OFFSET, crc64_match_name(r->crc_match));
    pr_end(pr);
    report_crc64(name, at + r->header_size - 8, "record header", r->crc_match);
    if (r->payload_size > in->size - at - r->header_size)
        return report_error(pr, name, at + 0x0C, "stream map runs past the end of the file", DDP_ERR_TRUNCATED);
    return 0;
}

int inspect_smap_record(printer *pr, const char *path, int by_sequence, uint64_t value)
{
    input_file in;
    char err[256];
    uint64_t at = value;
    ddp_record r;

    pr_text(pr, "input", NO_OFFSET, path);
    pr_text(pr, "kind", NO_OFFSET, "stream_map_record");
    if (input_open(&in, path, err, sizeof err) != 0)
        return report_io_error(pr, path, err);
    int rc = 0;
    if (by_sequence)
        rc = value > UINT32_MAX ? report_error(pr, path, 0, "sequence number above 32 bits", DDP_ERR_RANGE)
                                : find_by_sequence(pr, path, &in, (uint32_t)value, &at);
    if (!rc)
        rc = print_record(pr, path, &in, at, &r);
    if (!rc && by_sequence && r.sequence != value)
        rc = report_error(pr, path, at + 8, "record at the Rrtl offset has another sequence number", DDP_ERR_RANGE);
    if (!rc) {
        uint8_t *payload = malloc(r.payload_size ? r.payload_size : 1);
        if (!payload)
            rc = report_io_error(pr, path, "out of memory for the stream map");
        else if (input_read(&in, at + r.header_size, payload, r.payload_size) != 0)
            rc = report_io_error(pr, path, "cannot read the stream map");
        else
            rc = print_payload(pr, path, payload, r.payload_size, at + r.header_size);
        free(payload);
    }
    input_close(&in);
    return rc;
}

int inspect_smap_payload(printer *pr, const char *path)
{
    input_file in;
    char err[256];
    pr_text(pr, "input", NO_OFFSET, path);
    pr_text(pr, "kind", NO_OFFSET, "stream_map");
    if (input_open(&in, path, err, sizeof err) != 0)
        return report_io_error(pr, path, err);
    int rc;
    if (in.size > DDP_MAX_SMAP_PAYLOAD) {
        rc = report_error(pr, path, 0, "stream map above 64 MiB", DDP_ERR_BAD_LENGTH);
    } else {
        uint8_t *payload = malloc(in.size ? (size_t)in.size : 1);
        if (!payload)
            rc = report_io_error(pr, path, "out of memory for the stream map");
        else if (input_read(&in, 0, payload, (size_t)in.size) != 0)
            rc = report_io_error(pr, path, "cannot read the stream map");
        else
            rc = print_payload(pr, path, payload, (size_t)in.size, 0);
        free(payload);
    }
    input_close(&in);
    return rc;
}
