/*
 * store_reader.c - the test reader of chunk stores (see store_reader.h).
 *
 * Steps: parse the reparse point; find the stream container by id, taking the lowest
 * generation present (the reference's unknown words are not used); locate the
 * stream-map record by its hint, or through the Rrtl when the record at the hint is not
 * a stream map of the right sequence number; check its size and hash prefix against the
 * reference; validate the stream map; then for every chunk locate its data record the
 * same way in Data\<id>.<generation>.ccc, check size and hash against the entry,
 * decompress to the chunk's logical size and check the content's hash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include "store_reader.h"

static ddp_status failf(ddp_test_read_info *info, ddp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->error, sizeof info->error, fmt, ap);
    va_end(ap);
    return st;
}

void ddp_test_store_dir(const uint8_t guid[16], char *out, size_t cap)
{
    char text[39];
    ddp_guid_format(guid, text);
    snprintf(out, cap, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp", text);
}

/* The lowest generation of container id under dir ("...\Stream"). */
static int find_generation(const ddp_sink_mem *m, const char *dir, uint32_t id, uint32_t *generation)
{
    size_t dl = strlen(dir);
    int found = 0;
    const char *p;
    for (size_t i = 0; (p = ddp_sink_mem_path(m, i)) != NULL; i++) {
        uint32_t pid, pgen;
        if (strncmp(p, dir, dl) != 0 || p[dl] != '\\' || ddp_container_name_parse(p + dl + 1, &pid, &pgen) != 0)
            continue;
        if (pid == id && (!found || pgen < *generation)) {
            *generation = pgen;
            found = 1;
        }
    }
    return found;
}

/* Does a record of kind / sequence start at off? */
static int record_at(const uint8_t *file, size_t len, uint64_t off, uint16_t kind, uint32_t sequence,
                     ddp_record *rec)
{
    if (off >= len || ddp_record_parse(file + off, len - off, rec, NULL) != DDP_OK)
        return 0;
    return rec->kind == kind && rec->sequence == sequence &&
           rec->header_size + (uint64_t)rec->payload_size <= len - off;
}

/* Finds the record by hint, else through the Rrtl; *off gets its offset. */
static ddp_status locate(const uint8_t *file, size_t len, uint16_t kind, uint32_t sequence, uint32_t hint,
                         ddp_record *rec, uint64_t *off, ddp_test_read_info *info, const char *path)
{
    if (record_at(file, len, hint, kind, sequence, rec)) {
        *off = hint;
        info->hint_hits++;
        return DDP_OK;
    }
    ddp_rrtl rrtl;
    if (len < DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE ||
        ddp_rrtl_parse(file + DDP_RRTL_OFFSET, len - DDP_RRTL_OFFSET, &rrtl, NULL) != DDP_OK)
        return failf(info, DDP_ERR_NOT_FOUND, "%s: hint 0x%x wrong and no Rrtl", path, hint);
    const size_t entries_at = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE;
    uint32_t where = 0;
    ddp_status st = ddp_rrtl_lookup(file + entries_at, len - entries_at, rrtl.count, sequence, &where);
    if (st != DDP_OK)
        return failf(info, st, "%s: sequence %u neither at hint 0x%x nor in the Rrtl", path, sequence, hint);
    if (!record_at(file, len, where, kind, sequence, rec))
        return failf(info, DDP_ERR_NOT_FOUND, "%s: Rrtl offset 0x%x of sequence %u holds no such record", path,
                     where, sequence);
    *off = where;
    info->rrtl_hits++;
    return DDP_OK;
}

static ddp_status hash_check(ddp_hash_alg *alg, const uint8_t *data, size_t len, const uint8_t *expected)
{
    ddp_hash_alg got = ddp_chunk_hash_identify(data, len, expected);
    if (got == DDP_HASH_UNKNOWN || (*alg != DDP_HASH_UNKNOWN && *alg != got))
        return DDP_ERR_HASH_MISMATCH;
    *alg = got;
    return DDP_OK;
}

/* Reads chunk i of the stream map into out (its logical size is known). */
static ddp_status read_chunk(const ddp_sink_mem *m, const char *store_dir, const ddp_chunk_ref *c,
                             uint8_t *out, size_t logical, ddp_test_read_info *info)
{
    char name[22], path[160];
    ddp_container_name(c->container_id, c->generation, name);
    snprintf(path, sizeof path, "%s\\Data\\%s", store_dir, name);
    size_t len = 0;
    const uint8_t *file = ddp_sink_mem_get(m, path, &len);
    if (!file)
        return failf(info, DDP_ERR_NOT_FOUND, "no data container %s", path);
    ddp_record rec;
    uint64_t off = 0;
    ddp_status st = locate(file, len, DDP_RECORD_KIND_DATA, c->sequence, c->offset_hint, &rec, &off, info, path);
    if (st != DDP_OK)
        return st;
    if (rec.payload_size != c->stored_size || memcmp(rec.hash, c->hash, 32) != 0)
        return failf(info, DDP_ERR_RANGE, "%s: record %u differs from its stream-map entry", path, c->sequence);
    if ((rec.payload_size != logical) != (rec.compression != DDP_COMPRESSION_NONE))
        return failf(info, DDP_ERR_RANGE, "%s: record %u compression %u with sizes %u/%zu", path, c->sequence,
                     rec.compression, rec.payload_size, logical);
    ddp_decoder *dec = ddp_decoder_new();
    if (!dec)
        return failf(info, DDP_ERR_NO_MEMORY, "no memory for a decoder");
    st = ddp_chunk_decompress(dec, rec.compression, file + off + rec.header_size, rec.payload_size, out, logical);
    ddp_decoder_free(dec);
    if (st != DDP_OK)
        return failf(info, st, "%s: record %u does not decompress", path, c->sequence);
    if (rec.compression != DDP_COMPRESSION_NONE)
        info->compressed++;
    if (hash_check(&info->chunk_alg, out, logical, c->hash) != DDP_OK)
        return failf(info, DDP_ERR_HASH_MISMATCH, "%s: record %u content hash", path, c->sequence);
    info->chunks++;
    return DDP_OK;
}

/* Finds, checks and returns the stream-map payload of ref. */
static ddp_status read_stream_map(const ddp_sink_mem *m, const char *store_dir, const ddp_stream_ref *ref,
                                  const uint8_t **payload, ddp_test_read_info *info)
{
    char dir[120], name[22], path[160];
    snprintf(dir, sizeof dir, "%s\\Stream", store_dir);
    if (!find_generation(m, dir, ref->stream_container_id, &info->stream_generation))
        return failf(info, DDP_ERR_NOT_FOUND, "no stream container 0x%x", ref->stream_container_id);
    ddp_container_name(ref->stream_container_id, info->stream_generation, name);
    snprintf(path, sizeof path, "%s\\%s", dir, name);
    size_t len = 0;
    const uint8_t *file = ddp_sink_mem_get(m, path, &len);
    ddp_record rec;
    uint64_t off = 0;
    ddp_status st = locate(file, len, DDP_RECORD_KIND_STREAM_MAP, ref->smap_sequence, ref->smap_offset_hint, &rec,
                           &off, info, path);
    if (st != DDP_OK)
        return st;
    if (rec.payload_size != ref->smap_size || memcmp(rec.hash, ref->hash, ref->hash_len) != 0)
        return failf(info, DDP_ERR_RANGE, "%s: stream map %u differs from the reference", path, ref->smap_sequence);
    *payload = file + off + rec.header_size;
    if (hash_check(&info->smap_alg, *payload, rec.payload_size, rec.hash) != DDP_OK)
        return failf(info, DDP_ERR_HASH_MISMATCH, "%s: stream map %u hash", path, ref->smap_sequence);
    ddp_diag d = {0, NULL};
    st = ddp_stream_map_validate(*payload, rec.payload_size, ref->range_start, ref->range_end, &d);
    if (st != DDP_OK)
        return failf(info, st, "%s: stream map %u: +0x%llx %s", path, ref->smap_sequence,
                     (unsigned long long)d.offset, d.what ? d.what : "");
    return DDP_OK;
}

static ddp_status read_range(const ddp_sink_mem *m, const char *store_dir, const ddp_stream_ref *ref,
                             uint8_t *content, ddp_test_read_info *info)
{
    const uint8_t *payload = NULL;
    ddp_status st = read_stream_map(m, store_dir, ref, &payload, info);
    if (st != DDP_OK)
        return st;
    uint32_t n = (ref->smap_size - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE;
    uint64_t start = ref->range_start;
    for (uint32_t i = 0; i < n && st == DDP_OK; i++) {
        ddp_chunk_ref c;
        ddp_stream_map_entry(payload, i, &c);
        st = read_chunk(m, store_dir, &c, content + start, (size_t)(c.end - start), info);
        start = c.end;
    }
    return st;
}

ddp_status ddp_test_store_read_file(const ddp_sink_mem *m, const uint8_t *reparse, size_t reparse_len,
                                    uint8_t **content, size_t *len, ddp_test_read_info *info)
{
    memset(info, 0, sizeof *info);
    *content = NULL;
    *len = 0;
    ddp_reparse r;
    ddp_diag d = {0, NULL};
    ddp_status st = ddp_reparse_parse(reparse, reparse_len, &r, &d);
    if (st != DDP_OK)
        return failf(info, st, "reparse point: +0x%llx %s", (unsigned long long)d.offset, d.what ? d.what : "");
    char store_dir[100];
    ddp_test_store_dir(r.store_guid, store_dir, sizeof store_dir);
    uint8_t *out = malloc(r.logical_size ? (size_t)r.logical_size : 1);
    if (!out)
        return failf(info, DDP_ERR_NO_MEMORY, "no memory for %llu bytes", (unsigned long long)r.logical_size);
    for (uint32_t i = 0; i < r.n_refs && st == DDP_OK; i++)
        st = read_range(m, store_dir, &r.refs[i], out, info);
    if (st != DDP_OK) {
        free(out);
        return st;
    }
    *content = out;
    *len = (size_t)r.logical_size;
    return DDP_OK;
}
