/*
 * file_list.c - DedupFileList.1 / .2 (file_list.h, FORMAT.md §2.1): the header, the
 * 0x100-byte entries with their UTF-16LE paths, a lookup of one container's generation
 * in a whole list, and the writer the store builder uses.
 *
 * Every CRC-64 is checked against both variants (ddp_crc64_check); the real list uses
 * CRC-64/NVME, which is what the writer produces. A path is decoded only up to its NUL;
 * an unpaired surrogate or a path without NUL in its 120 units is malformed.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/file_list.h"
#include "ddp/le.h"

static const uint8_t list_version[8] = {0x01, 0x01, 0, 0, 0, 0, 0, 0};

ddp_status ddp_file_list_header_parse(const uint8_t *buf, size_t len, ddp_file_list_header *out,
                                      ddp_diag *diag)
{
    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_FILE_LIST_HEADER_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "file list header (0x40 bytes)");
    memset(out, 0, sizeof *out);
    memcpy(out->version, buf, 8);
    out->count = ddp_le64(buf + 0x08);
    out->crc64 = ddp_le64(buf + 0x10);
    out->crc_match = ddp_crc64_check(buf, 0x10, out->crc64);
    if (out->crc_match == DDP_CRC64_NONE)
        return ddp_fail(diag, DDP_ERR_CRC, 0x10, "file list header CRC-64");
    if (out->count > DDP_FILE_LIST_MAX_ENTRIES)
        return ddp_fail(diag, DDP_ERR_RANGE, 0x08, "file list entry count above 2^20");
    return DDP_OK;
}

/* Appends code point cp as UTF-8 at *o (room checked by the caller's bound). */
static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the NUL-terminated UTF-16LE path of an entry: 0, or -1 when malformed.
 * Bound: 120 units give at most 360 bytes (a pair of units gives 4), plus the NUL. */
static int decode_path(const uint8_t *p, char out[DDP_FILE_LIST_PATH_MAX])
{
    size_t o = 0;
    for (size_t i = 0; i < DDP_FILE_LIST_PATH_UNITS; i++) {
        uint32_t u = ddp_le16(p + 2 * i);
        if (u == 0) {
            out[o] = '\0';
            return 0;
        }
        if (u >= 0xDC00 && u <= 0xDFFF)
            break;
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t v = i + 1 < DDP_FILE_LIST_PATH_UNITS ? ddp_le16(p + 2 * (i + 1)) : 0;
            if (v < 0xDC00 || v > 0xDFFF)
                break;
            u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
            i++;
        }
        o += put_utf8(out + o, u);
    }
    out[0] = '\0';
    return -1;
}

static int lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Length of "folder\" when path starts with it (any case), else 0. */
static size_t folder_prefix(const char *path, const char *folder)
{
    size_t i = 0;
    for (; folder[i]; i++)
        if (lower(path[i]) != lower(folder[i]))
            return 0;
    return path[i] == '\\' ? i + 1 : 0;
}

static void classify(ddp_file_list_entry *e)
{
    size_t skip = 0;
    if ((skip = folder_prefix(e->path, "Data")) != 0)
        e->kind = DDP_FILE_LIST_DATA;
    else if ((skip = folder_prefix(e->path, "Stream")) != 0)
        e->kind = DDP_FILE_LIST_STREAM;
    else
        return;
    e->is_container = ddp_container_name_parse(e->path + skip, &e->container_id, &e->generation) == 0;
}

ddp_status ddp_file_list_entry_parse(const uint8_t *buf, size_t len, ddp_file_list_entry *out,
                                     ddp_diag *diag)
{
    if (!buf || !out)
        return ddp_fail(diag, DDP_ERR_INVALID_ARG, 0, "no buffer");
    if (len < DDP_FILE_LIST_ENTRY_SIZE)
        return ddp_fail(diag, DDP_ERR_TRUNCATED, len, "file list entry (0x100 bytes)");
    memset(out, 0, sizeof *out);
    out->crc64 = ddp_le64(buf);
    out->crc_match = ddp_crc64_check(buf + 8, DDP_FILE_LIST_ENTRY_SIZE - 8, out->crc64);
    memcpy(out->reserved, buf + 8, 8);
    int decoded = decode_path(buf + DDP_FILE_LIST_PATH_OFFSET, out->path);
    if (decoded == 0)
        classify(out);
    if (out->crc_match == DDP_CRC64_NONE)
        return ddp_fail(diag, DDP_ERR_CRC, 0, "file list entry CRC-64");
    if (decoded != 0)
        return ddp_fail(diag, DDP_ERR_RANGE, DDP_FILE_LIST_PATH_OFFSET, "file list path is not NUL-terminated UTF-16");
    return DDP_OK;
}

ddp_file_list_answer ddp_file_list_find(const uint8_t *buf, size_t len, ddp_file_list_kind kind, uint32_t id,
                                        uint32_t *generation, uint32_t *skipped)
{
    ddp_file_list_header h;
    uint32_t n_skipped = 0, found = 0, gen = 0;
    ddp_file_list_answer answer = DDP_FILE_LIST_SILENT;
    if (!buf || ddp_file_list_header_parse(buf, len, &h, NULL) != DDP_OK) {
        answer = DDP_FILE_LIST_DAMAGED;
        h.count = 0;
    }
    for (uint64_t i = 0; i < h.count; i++) {
        uint64_t at = ddp_file_list_entry_offset(i);
        ddp_file_list_entry e;
        if (at > len || ddp_file_list_entry_parse(buf + at, len - at, &e, NULL) != DDP_OK) {
            n_skipped++;
            continue;
        }
        if (e.kind != kind || !e.is_container || e.container_id != id)
            continue;
        if (found && e.generation != gen)
            answer = DDP_FILE_LIST_AMBIGUOUS;
        else if (!found)
            answer = DDP_FILE_LIST_FOUND;
        found = 1;
        gen = e.generation;
    }
    if (skipped)
        *skipped = n_skipped;
    if (generation)
        *generation = answer == DDP_FILE_LIST_FOUND ? gen : 0;
    return answer;
}

ddp_status ddp_file_list_build(const char *const *paths, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    if (!len || (n && !paths) || (!out && cap))
        return DDP_ERR_INVALID_ARG;
    if (n > DDP_FILE_LIST_MAX_ENTRIES)
        return DDP_ERR_RANGE;
    *len = DDP_FILE_LIST_HEADER_SIZE + n * DDP_FILE_LIST_ENTRY_SIZE;
    if (cap < *len)
        return DDP_ERR_TRUNCATED;
    for (size_t i = 0; i < n; i++) {
        size_t l = paths[i] ? strlen(paths[i]) : DDP_FILE_LIST_PATH_UNITS;
        if (l >= DDP_FILE_LIST_PATH_UNITS)
            return DDP_ERR_RANGE;
        for (size_t k = 0; k < l; k++)
            if ((unsigned char)paths[i][k] >= 0x80)
                return DDP_ERR_RANGE;
    }
    memset(out, 0, *len);
    memcpy(out, list_version, 8);
    ddp_put64(out + 0x08, n);
    ddp_put64(out + 0x10, ddp_crc64_nvme(out, 0x10));
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = out + ddp_file_list_entry_offset(i);
        for (size_t k = 0; paths[i][k]; k++)
            ddp_put16(e + DDP_FILE_LIST_PATH_OFFSET + 2 * k, (uint8_t)paths[i][k]);
        ddp_put64(e, ddp_crc64_nvme(e + 8, DDP_FILE_LIST_ENTRY_SIZE - 8));
    }
    return DDP_OK;
}
