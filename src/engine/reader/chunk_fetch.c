/*
 * chunk_fetch.c - one record of a container, and one data chunk, for a reader.
 *
 * A record is read at its offset; when the bytes there are not the Ckhr of the expected
 * sequence and kind (a stale hint), the container's Rrtl (FORMAT.md §3: header at 0x3000,
 * {sequence, offset} entries ascending by sequence from 0x3020) gives its true offset.
 * The table is binary-searched a page at a time: each step reads one page of
 * RD_RRTL_PAGE entries (4 KiB) and keeps the half holding the sequence, so a lookup costs
 * about log2(count / 512) + 1 reads and 4 KiB of memory for any table size (at most
 * DDP_RRTL_MAX_ENTRIES entries: 12 reads). The found offset replaces the hint in the
 * reader's chunk table, so the next read of that chunk goes straight to it.
 *
 * A data chunk is then checked like the restore checks it (record_check.c: header,
 * payload size and hash against the stream map), decompressed to exactly its logical
 * size and hashed. The hash algorithm is the options' or the one the first matching
 * chunk of the same store identified (shared through the cache); a chunk matching neither candidate fails
 * (a mount never serves content it could not verify).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "reader_internal.h"

#define RD_RRTL_PAGE 512u   /* entries per page read: 4 KiB */

static ddp_status read_failed(int32_t hr, char *why, size_t cap, const char *what)
{
    ddp_status st = rs_store_failure(hr);
    snprintf(why, cap, "%s: the store's read failed (0x%08x)", what, (unsigned)hr);
    return st == DDP_ERR_NOT_FOUND ? st : DDP_ERR_IO;
}

/* Finds sequence in the Rrtl of c. DDP_OK and *offset, or a failure with why. */
static ddp_status rrtl_find(ddp_file_reader *r, rs_container *c, uint32_t sequence, uint32_t *offset, char *why,
                            size_t cap)
{
    uint8_t page[RD_RRTL_PAGE * DDP_RRTL_ENTRY_SIZE];
    uint32_t got = 0;
    int32_t hr = rs_read_range(&r->job, c, DDP_RRTL_OFFSET, DDP_RRTL_HEADER_SIZE, page, &got);
    if (hr < 0)
        return read_failed(hr, why, cap, "redirection table");
    ddp_rrtl rrtl;
    ddp_status st = got < DDP_RRTL_HEADER_SIZE ? DDP_ERR_TRUNCATED : ddp_rrtl_parse(page, got, &rrtl, NULL);
    if (st != DDP_OK) {
        snprintf(why, cap, "no valid redirection table at 0x3000 (%s)", ddp_status_str(st));
        return st;
    }
    uint32_t lo = 0, hi = rrtl.count;   /* the sequence, if listed, is in entries [lo, hi) */
    while (lo < hi) {
        uint32_t first = hi - lo <= RD_RRTL_PAGE ? lo : lo + (hi - lo) / 2 - RD_RRTL_PAGE / 2;
        uint32_t n = hi - first < RD_RRTL_PAGE ? hi - first : RD_RRTL_PAGE;
        uint64_t at = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE + (uint64_t)first * DDP_RRTL_ENTRY_SIZE;
        hr = rs_read_range(&r->job, c, at, n * DDP_RRTL_ENTRY_SIZE, page, &got);
        if (hr < 0)
            return read_failed(hr, why, cap, "redirection table");
        if (got < n * DDP_RRTL_ENTRY_SIZE) {
            snprintf(why, cap, "the redirection table ends before its %u entries", rrtl.count);
            return DDP_ERR_TRUNCATED;
        }
        if (sequence < ddp_le32(page))
            hi = first;
        else if (sequence > ddp_le32(page + (size_t)(n - 1) * DDP_RRTL_ENTRY_SIZE))
            lo = first + n;
        else if (ddp_rrtl_lookup(page, got, n, sequence, offset) == DDP_OK)
            return DDP_OK;
        else
            break;
    }
    snprintf(why, cap, "record %u is not at its hint and not in the redirection table", sequence);
    return DDP_ERR_NOT_FOUND;
}

ddp_status rd_read_record(ddp_file_reader *r, rs_container *c, uint32_t sequence, uint16_t kind,
                          uint32_t *offset, uint32_t span, uint8_t *buf, char *why, size_t cap)
{
    uint32_t got = 0;
    int32_t hr = rs_read_range(&r->job, c, *offset, span, buf, &got);
    if (hr < 0)
        return read_failed(hr, why, cap, "record");
    if (rs_record_is(buf, got, sequence, kind)) {
        if (got == span)
            return DDP_OK;
        snprintf(why, cap, "the container ends inside the record");
        return DDP_ERR_TRUNCATED;
    }
    uint32_t moved = 0;
    ddp_status st = rrtl_find(r, c, sequence, &moved, why, cap);
    if (st != DDP_OK)
        return st;
    r->stats.redirects++;
    hr = rs_read_range(&r->job, c, moved, span, buf, &got);
    if (hr < 0)
        return read_failed(hr, why, cap, "redirected record");
    if (!rs_record_is(buf, got, sequence, kind)) {
        snprintf(why, cap, "the redirection table sends record %u to 0x%x, which holds another", sequence, moved);
        return DDP_ERR_NOT_FOUND;
    }
    if (got < span) {
        snprintf(why, cap, "the container ends inside the record");
        return DDP_ERR_TRUNCATED;
    }
    *offset = moved;
    return DDP_OK;
}

/* The Data container of chunk ch: the generation its stream-map entry names. (When the
 * DedupFileList parser lands, a generation the list maps elsewhere is resolved here.) */
static ddp_status data_container(ddp_file_reader *r, const rd_chunk *ch)
{
    if (r->data_path && r->data_id == ch->container_id && r->data_generation == ch->generation)
        return DDP_OK;
    free(r->data_path);
    r->data_path = rs_container_path(&r->dir, "Data", ch->container_id, ch->generation);
    r->data_id = ch->container_id;
    r->data_generation = ch->generation;
    return r->data_path ? DDP_OK : DDP_ERR_NO_MEMORY;
}

static ddp_status verify(ddp_reader_cache *cache, const uint8_t guid[16], const rd_chunk *ch,
                         const uint8_t *content, char *why, size_t cap)
{
    ddp_hash_alg alg = rd_cache_alg(cache, guid);
    if (alg == DDP_HASH_UNKNOWN) {
        ddp_status st = ddp_chunk_hash_detect(content, ch->logical, ch->hash, &alg);
        if (st != DDP_OK) {
            snprintf(why, cap, "the chunk's hash could not be computed: %s", ddp_status_str(st));
            return st;
        }
        if (alg == DDP_HASH_UNKNOWN) {
            snprintf(why, cap, "content matches neither a SHA-256 nor a SHA-512 truncated hash");
            return DDP_ERR_HASH_MISMATCH;
        }
        rd_cache_set_alg(cache, guid, alg);
        return DDP_OK;
    }
    uint8_t h[DDP_HASH_SIZE];
    ddp_status st = ddp_chunk_hash(alg, content, ch->logical, h);
    if (st != DDP_OK) {
        snprintf(why, cap, "the chunk's hash could not be computed: %s", ddp_status_str(st));
        return st;
    }
    if (memcmp(h, ch->hash, DDP_HASH_SIZE) != 0) {
        snprintf(why, cap, "content does not match its %s hash", ddp_hash_alg_name(alg));
        return DDP_ERR_HASH_MISMATCH;
    }
    return DDP_OK;
}

ddp_status rd_decode_chunk(ddp_reader_cache *cache, const uint8_t guid[16], const rd_chunk *ch,
                           const uint8_t *record, uint8_t *content, ddp_decoder *dec, uint64_t *at, char *why,
                           size_t cap)
{
    uint32_t span = DDP_DATA_HEADER_SIZE + ch->stored;
    ddp_record rec;
    *at = 0;
    ddp_status st = rs_record_check(record, span, ch->stored, ch->hash, DDP_HASH_SIZE, "stream map", &rec, at, why,
                                    cap);
    if (st != DDP_OK)
        return st;
    *at = rec.header_size;
    st = ddp_chunk_decompress(dec, rec.compression, record + rec.header_size, rec.payload_size, content, ch->logical);
    if (st != DDP_OK) {
        snprintf(why, cap, "compression %u payload does not give %u bytes: %s", rec.compression, ch->logical,
                 ddp_status_str(st));
        return st;
    }
    return verify(cache, guid, ch, content, why, cap);
}

static ddp_status prepare(ddp_file_reader *r, const rd_chunk *ch)
{
    if (!r->record)
        r->record = malloc(DDP_DATA_HEADER_SIZE + DDP_MAX_CHUNK_SIZE);
    if (!r->dec)
        r->dec = ddp_decoder_new();
    return r->record && r->dec ? data_container(r, ch) : DDP_ERR_NO_MEMORY;
}

ddp_status rd_read_chunk_record(ddp_file_reader *r, uint32_t i, uint8_t *buf, char *why, size_t cap)
{
    rd_chunk *ch = &r->chunks[i];
    ddp_status st = data_container(r, ch);
    if (st != DDP_OK) {
        snprintf(why, cap, "out of memory");
        return st;
    }
    rs_container c;
    memset(&c, 0, sizeof c);
    c.path = r->data_path;
    return rd_read_record(r, &c, ch->sequence, DDP_RECORD_KIND_DATA, &ch->offset, DDP_DATA_HEADER_SIZE + ch->stored,
                          buf, why, cap);
}

ddp_status rd_fetch_chunk(ddp_file_reader *r, uint32_t i, uint8_t *content)
{
    rd_chunk *ch = &r->chunks[i];
    uint64_t start = i ? r->chunks[i - 1].end : 0;
    if (prepare(r, ch) != DDP_OK) {
        rd_log(r, start, "out of memory reading chunk %u", ch->sequence);
        return DDP_ERR_NO_MEMORY;
    }
    uint32_t hint = ch->offset;
    char why[128];
    uint64_t at = 0;
    ddp_status st = rd_read_chunk_record(r, i, r->record, why, sizeof why);
    if (st == DDP_OK)
        st = rd_decode_chunk(r->cache, r->dir.guid, ch, r->record, content, r->dec, &at, why, sizeof why);
    r->stats.chunk_decodes++;
    if (st != DDP_OK)
        rd_log(r, start, "%s offset 0x%llx: chunk %u (hint 0x%x): %s", ddp_container_short_path(r->data_path),
               (unsigned long long)ch->offset + at, ch->sequence, hint, why);
    return st;
}
