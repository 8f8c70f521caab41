/*
 * cmd_store_files.c - the chunk store's small files (FORMAT.md §2.2), recognised by their
 * first bytes and printed field by field with offsets and CRC checks:
 *   DedupFileList.1/.2   the list of live containers (file_list.h; CRC-64 per entry)
 *   *.delete.log "Dlog"  deleted stream maps: 16-byte header, 40-byte entries (CRC-32 each)
 *   *.cd "Cdir"          28 bytes, CRC-32 of the first 24 at +0x18
 *   Hotspots "Bmap"      version 01 03 03 01, CRC-32 of the first 28 at +0x1C
 *   Dedup.*.cfg "DdCf"   76 bytes, no CRC known: every field raw
 *   stamp.dat            UTF-16LE with BOM, a decimal number
 * Fields of unknown meaning are printed raw (unknown_XX) and never checked. Files are
 * read in bounded pieces: one entry at a time, at most SMALL_FILE_MAX bytes otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ddp/crc.h"
#include "ddp/file_list.h"
#include "ddp/le.h"
#include "file_access.h"

#define SMALL_FILE_MAX 4096u
#define DLOG_HEADER_SIZE 16u
#define DLOG_ENTRY_SIZE 40u
#define CDIR_SIZE 28u
#define BMAP_HEADER_SIZE 32u
#define DDCF_SIZE 76u

static const char *file_list_kind_name(ddp_file_list_kind k)
{
    return k == DDP_FILE_LIST_DATA ? "data" : k == DDP_FILE_LIST_STREAM ? "stream" : "other";
}

/* Prints "crc32" (stored, at its offset) and whether it matches the bytes it covers. */
static int print_crc32(printer *pr, const uint8_t *covered, size_t n, uint64_t at, uint32_t stored)
{
    int ok = ddp_crc32(covered, n) == stored;
    pr_hex(pr, "crc32", at, stored);
    pr_text(pr, "crc32_ok", NO_OFFSET, ok ? "yes" : "no");
    return ok;
}

/* Opens a small file (open_input) and reads it whole: at most SMALL_FILE_MAX bytes, *len
 * gets what was read, *size the file's size. */
static int load_small(printer *pr, const char *path, const char *kind, uint8_t *buf, size_t *len, uint64_t *size)
{
    input_file in;
    int rc = open_input(pr, path, kind, &in);
    if (rc)
        return rc;
    *size = in.size;
    *len = in.size < SMALL_FILE_MAX ? (size_t)in.size : SMALL_FILE_MAX;
    if (input_read(&in, 0, buf, *len) != 0)
        rc = report_io_error(pr, path, "cannot read the file");
    input_close(&in);
    return rc;
}

/* u32 fields [from, to) printed raw as unknown_XX. */
static void print_raw_words(printer *pr, const uint8_t *b, uint32_t from, uint32_t to)
{
    for (uint32_t at = from; at + 4 <= to; at += 4) {
        char name[24];
        snprintf(name, sizeof name, "unknown_%02x", (unsigned)at);
        pr_hex(pr, name, at, ddp_le32(b + at));
    }
}

int inspect_file_list(printer *pr, const char *path)
{
    input_file in;
    uint8_t h[DDP_FILE_LIST_HEADER_SIZE];
    if (open_input(pr, path, "file_list", &in) != 0)
        return EXIT_MALFORMED;
    size_t n = in.size < sizeof h ? (size_t)in.size : sizeof h;
    ddp_file_list_header hd;
    ddp_diag diag = {0, NULL};
    int rc = 0;
    if (input_read(&in, 0, h, n) != 0) {
        input_close(&in);
        return report_io_error(pr, path, "cannot read the header");
    }
    ddp_status st = ddp_file_list_header_parse(h, n, &hd, &diag);
    if (st == DDP_ERR_TRUNCATED) {
        input_close(&in);
        return report_error(pr, path, diag.offset, diag.what, st);
    }
    pr_begin(pr, "header", 0);
    pr_bytes(pr, "version", 0x00, hd.version, 8);
    pr_uint(pr, "count", 0x08, hd.count);
    pr_hex(pr, "crc64", 0x10, hd.crc64);
    pr_text(pr, "crc64_match", NO_OFFSET, crc64_match_name(hd.crc_match));
    pr_end(pr);
    if (st != DDP_OK) {
        input_close(&in);
        return report_error(pr, path, diag.offset, diag.what, st);
    }
    uint64_t first_bad = NO_OFFSET;
    ddp_status bad_st = DDP_OK;
    pr_begin_list(pr, "entries");
    for (uint64_t i = 0; i < hd.count; i++) {
        uint64_t at = ddp_file_list_entry_offset(i);
        uint8_t e[DDP_FILE_LIST_ENTRY_SIZE];
        if (in.size < at + sizeof e) {
            rc = report_error(pr, path, at, "file list entry runs past the end of the file", DDP_ERR_TRUNCATED);
            break;
        }
        if (input_read(&in, at, e, sizeof e) != 0) {
            rc = report_io_error(pr, path, "cannot read an entry");
            break;
        }
        ddp_file_list_entry fe;
        ddp_diag ed = {0, NULL};
        st = ddp_file_list_entry_parse(e, sizeof e, &fe, &ed);
        pr_begin_row(pr, "entry", at);
        pr_uint(pr, "index", NO_OFFSET, i);
        pr_hex(pr, "crc64", at, fe.crc64);
        pr_text(pr, "crc64_match", NO_OFFSET, crc64_match_name(fe.crc_match));
        pr_hex(pr, "unknown_08", at + 0x08, ddp_le64(fe.reserved));
        pr_text(pr, "path", at + DDP_FILE_LIST_PATH_OFFSET, fe.path);
        pr_text(pr, "folder", NO_OFFSET, file_list_kind_name(fe.kind));
        if (fe.is_container) {
            pr_hex(pr, "container_id", NO_OFFSET, fe.container_id);
            pr_hex(pr, "generation", NO_OFFSET, fe.generation);
        }
        pr_end(pr);
        if (st != DDP_OK && first_bad == NO_OFFSET) {
            first_bad = at + ed.offset;
            bad_st = st;
        }
    }
    pr_end_list(pr);
    if (!rc && in.size > ddp_file_list_entry_offset(hd.count))
        pr_uint(pr, "trailing_bytes", NO_OFFSET, in.size - ddp_file_list_entry_offset(hd.count));
    input_close(&in);
    if (!rc && first_bad != NO_OFFSET)
        rc = report_error(pr, path, first_bad,
                          bad_st == DDP_ERR_CRC ? "file list entry CRC-64" : "file list entry path", bad_st);
    return rc;
}

int inspect_delete_log(printer *pr, const char *path)
{
    input_file in;
    uint8_t h[DLOG_HEADER_SIZE];
    if (open_input(pr, path, "delete_log", &in) != 0)
        return EXIT_MALFORMED;
    if (in.size < DLOG_HEADER_SIZE) {
        input_close(&in);
        return report_error(pr, path, in.size, "Dlog header (16 bytes)", DDP_ERR_TRUNCATED);
    }
    if (input_read(&in, 0, h, sizeof h) != 0) {
        input_close(&in);
        return report_io_error(pr, path, "cannot read the header");
    }
    int rc = 0;
    pr_begin(pr, "header", 0);
    pr_text(pr, "magic", 0, "Dlog");
    pr_bytes(pr, "version", 0x04, h + 4, 8);
    int ok = print_crc32(pr, h, 12, 0x0C, ddp_le32(h + 0x0C));
    pr_end(pr);
    if (!ok)
        rc = report_error(pr, path, 0x0C, "Dlog header CRC-32", DDP_ERR_CRC);
    uint64_t count = (in.size - DLOG_HEADER_SIZE) / DLOG_ENTRY_SIZE, bad = NO_OFFSET;
    pr_begin_list(pr, "deleted_stream_maps");
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = DLOG_HEADER_SIZE + i * DLOG_ENTRY_SIZE;
        uint8_t e[DLOG_ENTRY_SIZE];
        if (input_read(&in, at, e, sizeof e) != 0) {
            rc = rc ? rc : report_io_error(pr, path, "cannot read an entry");
            break;
        }
        pr_begin_row(pr, "entry", at);
        pr_hex(pr, "sequence", at, ddp_le32(e));
        pr_bytes(pr, "hash", at + 4, e + 4, 32);
        if (!print_crc32(pr, e, 36, at + 36, ddp_le32(e + 36)) && bad == NO_OFFSET)
            bad = at + 36;
        pr_end(pr);
    }
    pr_end_list(pr);
    pr_uint(pr, "entry_count", NO_OFFSET, count);
    uint64_t tail = (in.size - DLOG_HEADER_SIZE) % DLOG_ENTRY_SIZE;
    input_close(&in);
    if (!rc && bad != NO_OFFSET)
        rc = report_error(pr, path, bad, "Dlog entry CRC-32", DDP_ERR_CRC);
    if (!rc && tail)
        rc = report_error(pr, path, in.size - tail, "Dlog ends inside an entry (40 bytes each)", DDP_ERR_TRUNCATED);
    return rc;
}

/* Cdir, Bmap and DdCf: one small fixed structure each. */
int inspect_small_structure(printer *pr, const char *path, const char *magic)
{
    uint8_t b[SMALL_FILE_MAX];
    size_t len = 0;
    int is_cdir = !strcmp(magic, "Cdir"), is_bmap = !strcmp(magic, "Bmap");
    size_t need = is_cdir ? CDIR_SIZE : is_bmap ? BMAP_HEADER_SIZE : DDCF_SIZE;
    uint64_t size = 0;
    int rc = load_small(pr, path, is_cdir ? "container_directory" : is_bmap ? "hotspots" : "settings", b, &len, &size);
    if (rc)
        return rc;
    if (len < need)
        return report_error(pr, path, len, is_cdir ? "Cdir (28 bytes)" : is_bmap ? "Bmap header (32 bytes)"
                                                                           : "DdCf (76 bytes)", DDP_ERR_TRUNCATED);
    pr_begin(pr, magic, 0);
    pr_text(pr, "magic", 0, magic);
    int ok = 1;
    uint32_t crc_at = is_cdir ? 0x18 : 0x1C;
    if (is_bmap) {
        pr_bytes(pr, "version", 0x04, b + 4, 4);
        print_raw_words(pr, b, 0x08, crc_at);
    } else {
        print_raw_words(pr, b, 0x04, is_cdir ? crc_at : DDCF_SIZE);
    }
    if (is_cdir || is_bmap)
        ok = print_crc32(pr, b, crc_at, crc_at, ddp_le32(b + crc_at));
    if (len > need)
        pr_bytes(pr, "rest", need, b + need, len - need);
    pr_end(pr);
    if (size > len)
        pr_uint(pr, "bytes_not_shown", NO_OFFSET, size - len);
    if (!ok)
        return report_error(pr, path, crc_at, is_cdir ? "Cdir CRC-32" : "Bmap CRC-32", DDP_ERR_CRC);
    return 0;
}

int inspect_stamp(printer *pr, const char *path)
{
    uint8_t b[SMALL_FILE_MAX];
    size_t len = 0;
    uint64_t size = 0;
    int rc = load_small(pr, path, "stamp", b, &len, &size);
    if (rc)
        return rc;
    if (len < 2 || b[0] != 0xFF || b[1] != 0xFE)
        return report_error(pr, path, 0, "stamp.dat does not start with a UTF-16LE BOM", DDP_ERR_BAD_MAGIC);
    char text[SMALL_FILE_MAX / 2 + 1];
    size_t n = 0;
    uint64_t value = 0;
    int digits = 0, other = 0, overflow = 0;
    for (size_t at = 2; at + 1 < len; at += 2) {
        uint16_t u = ddp_le16(b + at);
        if (u == 0)
            break;
        if (u >= '0' && u <= '9' && !other) {
            overflow |= value > (UINT64_MAX - (u - '0')) / 10;
            value = value * 10 + (u - '0');
            digits++;
        } else if (u != '\r' && u != '\n') {
            other = 1;
        }
        text[n++] = (u >= 0x20 && u < 0x7F) ? (char)u : '?';
    }
    text[n] = '\0';
    pr_text(pr, "text", 2, text);
    if (digits && !other && !overflow)
        pr_uint(pr, "value", 2, value);
    if (!digits || other || overflow)
        return report_error(pr, path, 2, "stamp.dat is not a decimal number", DDP_ERR_RANGE);
    return 0;
}

int inspect_store_file_detected(printer *pr, const char *path, const uint8_t head[4], int *rc)
{
    static const char *const small[3] = {"Cdir", "Bmap", "DdCf"};
    if (!memcmp(head, "\x01\x01\x00\x00", 4)) {
        *rc = inspect_file_list(pr, path);
        return 1;
    }
    if (!memcmp(head, "Dlog", 4)) {
        *rc = inspect_delete_log(pr, path);
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        if (!memcmp(head, small[i], 4)) {
            *rc = inspect_small_structure(pr, path, small[i]);
            return 1;
        }
    }
    if (head[0] == 0xFF && head[1] == 0xFE) {
        *rc = inspect_stamp(pr, path);
        return 1;
    }
    return 0;
}
