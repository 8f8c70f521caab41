/*
 * fields.c - field printers more than one subcommand uses: CRC-64 variant names, FILETIMEs
 * as calendar dates, and the chunk entries of a stream map.
 */
#include <stdio.h>

#include "commands.h"
#include "ddp/stream_map.h"

const char *crc64_match_name(int match)
{
    switch (match) {
    case 1: return "zero-init";
    case 2: return "nvme";
    default: return "none";
    }
}

/* FILETIME (100 ns since 1601-01-01 UTC) as "YYYY-MM-DD hh:mm:ss UTC", civil calendar. */
void format_filetime(uint64_t filetime, char out[64])
{
    uint64_t secs = filetime / 10000000u;
    uint64_t days = secs / 86400u, rem = secs % 86400u;
    /* Days from 1601-01-01 to 1970-01-01 are 134774; shift to days since 0000-03-01. */
    int64_t z = (int64_t)days - 134774 + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d UTC", (int)y, (int)m, (int)d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

void print_stream_map_entries(printer *pr, const uint8_t *payload, uint32_t n, uint64_t base)
{
    pr_begin_list(pr, "chunks");
    for (uint32_t i = 0; i < n; i++) {
        ddp_chunk_ref c;
        uint64_t at = base + 8 + (uint64_t)i * 64;
        ddp_stream_map_entry(payload, i, &c);
        pr_begin(pr, "chunk", at);
        pr_uint(pr, "index", NO_OFFSET, i);
        pr_hex(pr, "sequence", at + 0x00, c.sequence);
        pr_hex(pr, "container_id", at + 0x04, c.container_id);
        pr_hex(pr, "offset_hint", at + 0x08, c.offset_hint);
        pr_hex(pr, "generation", at + 0x0C, c.generation);
        pr_uint(pr, "end", at + 0x10, c.end);
        pr_bytes(pr, "hash", at + 0x18, c.hash, 32);
        pr_uint(pr, "stored_size", at + 0x38, c.stored_size);
        pr_hex(pr, "unknown_3c", at + 0x3C, c.unknown_3c);
        pr_end(pr);
    }
    pr_end_list(pr);
}
