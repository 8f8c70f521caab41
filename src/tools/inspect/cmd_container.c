/*
 * cmd_container.c - "ddp-inspect container FILE [--records]": the Cthr header, the Rrtl
 * redirection table (header and every entry), and with --records a walk of the Ckhr
 * records from DDP_FIRST_RECORD_OFFSET to the end of the file, one line per record.
 *
 * The file is read in bounded pieces: the headers, the Rrtl entries (at most
 * DDP_RRTL_MAX_ENTRIES x 8 bytes), and one record header at a time; payloads are skipped.
 * A header of zero bytes where a record should start ends the walk (unused tail).
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "file_access.h"

static int print_cthr(printer *pr, const char *name, input_file *in)
{
    uint8_t h[DDP_CTHR_SIZE];
    size_t n = in->size < DDP_CTHR_SIZE ? (size_t)in->size : DDP_CTHR_SIZE;
    ddp_cthr c;
    ddp_diag diag = {0, NULL};
    if (input_read(in, 0, h, n) != 0)
        return report_io_error(pr, name, "cannot read the Cthr header");
    ddp_status st = ddp_cthr_parse(h, n, &c, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, diag.offset, diag.what, st);
    pr_begin(pr, "cthr", 0);
    pr_text(pr, "magic", 0x00, "Cthr");
    pr_hex(pr, "version", 0x04, c.version);
    pr_uint(pr, "sequence", 0x08, c.sequence);
    pr_hex(pr, "container_id", 0x10, c.container_id);
    pr_hex(pr, "generation", 0x14, c.generation);
    pr_uint(pr, "valid_data_length", 0x20, c.valid_data_length);
    pr_hex(pr, "unknown_30", 0x30, c.unknown_30);
    pr_hex(pr, "crc64", 0x38, c.crc64);
    pr_text(pr, "crc64_match", NO_OFFSET, crc64_match_name(c.crc_match));
    pr_end(pr);
    report_crc64(name, 0x38, "Cthr header", c.crc_match);
    return 0;
}

/* Reads and checks the Rrtl header; *entries gets its entries (malloc'ed). */
static int load_rrtl(printer *pr, const char *name, input_file *in, ddp_rrtl *t, uint8_t **entries)
{
    uint8_t h[DDP_RRTL_HEADER_SIZE];
    ddp_diag diag = {0, NULL};
    *entries = NULL;
    if (in->size < DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE)
        return report_error(pr, name, in->size, "file ends before the Rrtl header at 0x3000", DDP_ERR_TRUNCATED);
    if (input_read(in, DDP_RRTL_OFFSET, h, sizeof h) != 0)
        return report_io_error(pr, name, "cannot read the Rrtl header");
    ddp_status st = ddp_rrtl_parse(h, sizeof h, t, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, DDP_RRTL_OFFSET + diag.offset, diag.what, st);
    uint64_t bytes = (uint64_t)t->count * DDP_RRTL_ENTRY_SIZE;
    uint64_t at = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE;
    if (bytes > in->size - at)
        return report_error(pr, name, DDP_RRTL_OFFSET + 8, "Rrtl entries run past the end of the file",
                            DDP_ERR_TRUNCATED);
    *entries = malloc(bytes ? (size_t)bytes : 1);
    if (!*entries)
        return report_io_error(pr, name, "out of memory for the Rrtl entries");
    if (input_read(in, at, *entries, (size_t)bytes) != 0) {
        free(*entries);
        *entries = NULL;
        return report_io_error(pr, name, "cannot read the Rrtl entries");
    }
    return 0;
}

static int print_rrtl(printer *pr, const char *name, const ddp_rrtl *t, const uint8_t *entries, uint64_t file_size)
{
    const uint64_t base = DDP_RRTL_OFFSET;
    pr_begin(pr, "rrtl", base);
    pr_text(pr, "magic", base, "Rrtl");
    pr_hex(pr, "version", base + 0x04, t->version);
    pr_uint(pr, "count", base + 0x08, t->count);
    pr_uint(pr, "entry_size", base + 0x0C, t->entry_size);
    pr_hex(pr, "crc64", base + 0x18, t->crc64);
    pr_text(pr, "crc64_match", NO_OFFSET, crc64_match_name(t->crc_match));
    report_crc64(name, base + 0x18, "Rrtl header", t->crc_match);
    pr_begin_list(pr, "entries");
    int rc = 0;
    for (uint32_t i = 0; i < t->count; i++) {
        uint64_t at = base + DDP_RRTL_HEADER_SIZE + 8u * (uint64_t)i;
        uint32_t seq = ddp_le32(entries + 8u * i), off = ddp_le32(entries + 8u * i + 4);
        pr_begin_row(pr, "entry", at);
        pr_hex(pr, "sequence", at, seq);
        pr_hex(pr, "offset", at + 4, off);
        pr_end(pr);
        if (!rc && i > 0 && seq <= ddp_le32(entries + 8u * (i - 1)))
            rc = report_error(pr, name, at, "Rrtl sequence numbers do not ascend", DDP_ERR_RANGE);
        if (!rc && off >= file_size)
            rc = report_error(pr, name, at + 4, "Rrtl entry points past the end of the file", DDP_ERR_RANGE);
    }
    pr_end_list(pr);
    pr_end(pr);
    return rc;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void print_record_row(printer *pr, uint64_t at, const ddp_record *r, const ddp_rrtl *t,
                             const uint8_t *entries)
{
    uint32_t where = 0;
    ddp_status found = ddp_rrtl_lookup(entries, (size_t)t->count * 8u, t->count, r->sequence, &where);
    pr_begin_row(pr, "record", at);
    pr_text(pr, "kind", NO_OFFSET, r->kind == DDP_RECORD_KIND_DATA ? "data" : "smap");
    pr_hex(pr, "sequence", at + 8, r->sequence);
    pr_uint(pr, "header", NO_OFFSET, r->header_size);
    pr_uint(pr, "payload", at + 0x0C, r->payload_size);
    pr_uint(pr, "span", NO_OFFSET, ddp_record_span(r));
    if (r->kind == DDP_RECORD_KIND_DATA)
        pr_uint(pr, "compression", at + 0x20, r->compression);
    pr_bytes(pr, "hash", at + r->hash_offset, r->hash, 8);
    pr_text(pr, "crc64", NO_OFFSET, crc64_match_name(r->crc_match));
    pr_text(pr, "rrtl", NO_OFFSET, found != DDP_OK ? "absent" : where == at ? "ok" : "elsewhere");
    pr_end(pr);
}

static int walk_records(printer *pr, const char *name, input_file *in, const ddp_rrtl *t, const uint8_t *entries)
{
    uint64_t at = DDP_FIRST_RECORD_OFFSET;
    uint64_t count = 0;
    int rc = 0;
    pr_begin_list(pr, "records");
    while (at < in->size) {
        uint8_t h[DDP_SMAP_HEADER_SIZE];
        size_t n = in->size - at < sizeof h ? (size_t)(in->size - at) : sizeof h;
        ddp_record r;
        ddp_diag diag = {0, NULL};
        if (input_read(in, at, h, n) != 0) {
            rc = report_io_error(pr, name, "cannot read a record header");
            break;
        }
        if (all_zero(h, n < DDP_CKHR_COMMON_SIZE ? n : DDP_CKHR_COMMON_SIZE))
            break;
        ddp_status st = ddp_record_parse(h, n, &r, &diag);
        if (st != DDP_OK) {
            rc = report_error(pr, name, at + diag.offset, diag.what, st);
            break;
        }
        print_record_row(pr, at, &r, t, entries);
        report_crc64(name, at + r.header_size - 8, "record header", r.crc_match);
        count++;
        if (ddp_record_span(&r) > in->size - at) {
            rc = report_error(pr, name, at + 0x0C, "record payload runs past the end of the file", DDP_ERR_TRUNCATED);
            break;
        }
        at += ddp_record_span(&r);
    }
    pr_end_list(pr);
    pr_uint(pr, "record_count", NO_OFFSET, count);
    pr_hex(pr, "records_end", NO_OFFSET, at < in->size ? at : in->size);
    return rc;
}

int inspect_container(printer *pr, const char *path, int records)
{
    input_file in;
    ddp_rrtl t;
    uint8_t *entries = NULL;

    if (open_input(pr, path, "container", &in) != 0)
        return EXIT_MALFORMED;
    int rc = print_cthr(pr, path, &in);
    if (!rc)
        rc = load_rrtl(pr, path, &in, &t, &entries);
    if (!rc)
        rc = print_rrtl(pr, path, &t, entries, in.size);
    if (!rc && records)
        rc = walk_records(pr, path, &in, &t, entries);
    free(entries);
    input_close(&in);
    return rc;
}
