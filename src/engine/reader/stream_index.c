/*
 * stream_index.c - what a reader learns once, when it opens a file: its reparse point,
 * where its stream containers are, and its stream maps, as one table of chunks sorted
 * by their end in the file.
 *
 * The checks are those of a restore (stream_map_phase.c): the stream-map record is found
 * at its hint or through the Rrtl, its header, payload size and hash prefix agree with
 * the reference, and ddp_stream_map_validate checks the map against the reference's
 * range. The references tile [0, size) (ddp_reparse_parse checks that), so the chunks of
 * all maps, in reference order, tile it too. Stream containers are located by
 * rs_locate_stream_container, as a restore does (the generation the store's
 * DedupFileList names, else the store's find_container, else probing generations); a
 * second reference to the same container id tries the generation already found first.
 * The list is read by the first reader of a store and kept by the cache (chunk_cache.c),
 * so opening a file costs no list reads after the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/stream_map.h"
#include "reader_internal.h"

typedef struct found_gen {
    uint32_t id, generation;
} found_gen;

static ddp_status locate(ddp_file_reader *r, const ddp_stream_ref *ref, found_gen *found, uint32_t *n_found,
                         char **path)
{
    uint32_t gens[DDP_REPARSE_MAX_REFS], n = 0, gen = 0;
    for (uint32_t i = 0; i < *n_found; i++)
        if (found[i].id == ref->stream_container_id)
            gens[n++] = found[i].generation;
    ddp_status st = rs_locate_stream_container(&r->job, 0, ref->stream_container_id, ref->unknown_0c, 3, gens, n,
                                               path, &gen);
    if (st == DDP_ERR_NO_MEMORY)
        return st;
    if (st != DDP_OK) {
        rd_log(r, ref->range_start, "stream container %08x is not in the store", ref->stream_container_id);
        return DDP_ERR_NOT_FOUND;
    }
    found[*n_found].id = ref->stream_container_id;
    found[(*n_found)++].generation = gen;
    return DDP_OK;
}

/* Reads and checks the stream map of ref; appends its chunks. */
static ddp_status load_one(ddp_file_reader *r, const ddp_stream_ref *ref, char *path)
{
    rs_container c;
    memset(&c, 0, sizeof c);
    c.path = path;
    uint32_t span = DDP_SMAP_HEADER_SIZE + ref->smap_size, offset = ref->smap_offset_hint;
    uint8_t *buf = malloc(span);
    if (!buf)
        return DDP_ERR_NO_MEMORY;
    char why[128];
    uint64_t at = 0;
    ddp_record rec;
    ddp_status st = rd_read_record(r, &c, ref->smap_sequence, DDP_RECORD_KIND_STREAM_MAP, &offset, span, buf, why,
                                   sizeof why);
    if (st == DDP_OK)
        st = rs_record_check(buf, span, ref->smap_size, ref->hash, ref->hash_len, "reparse point", &rec, &at, why,
                             sizeof why);
    if (st == DDP_OK) {
        ddp_diag diag = {0, "stream map"};
        st = ddp_stream_map_validate(buf + rec.header_size, rec.payload_size, ref->range_start, ref->range_end,
                                     &diag);
        if (st != DDP_OK) {
            snprintf(why, sizeof why, "%s: %s", diag.what ? diag.what : "entry", ddp_status_str(st));
            at = rec.header_size + diag.offset;
        }
    }
    r->stats.stream_map_loads++;
    if (st != DDP_OK) {
        rd_log(r, ref->range_start, "%s offset 0x%llx: stream map %u: %s", ddp_container_short_path(path),
               (unsigned long long)offset + at, ref->smap_sequence, why);
        free(buf);
        return st;
    }
    uint32_t count = (ref->smap_size - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE;
    uint64_t prev = ref->range_start;
    for (uint32_t i = 0; i < count; i++) {
        ddp_chunk_ref e;
        ddp_stream_map_entry(buf + rec.header_size, i, &e);
        rd_chunk *ch = &r->chunks[r->n_chunks++];
        ch->end = e.end;
        ch->sequence = e.sequence;
        ch->container_id = e.container_id;
        ch->generation = e.generation;
        ch->offset = e.offset_hint;
        ch->stored = e.stored_size;
        ch->logical = (uint32_t)(e.end - prev);
        memcpy(ch->hash, e.hash, DDP_HASH_SIZE);
        prev = e.end;
    }
    free(buf);
    return DDP_OK;
}

ddp_status rd_load_stream_maps(ddp_file_reader *r, const uint8_t *reparse, size_t len)
{
    ddp_reparse *rp = malloc(sizeof *rp);
    if (!rp)
        return DDP_ERR_NO_MEMORY;
    ddp_diag diag = {0, "reparse point"};
    ddp_status st = ddp_reparse_parse(reparse, len, rp, &diag);
    if (st != DDP_OK) {
        if (st != DDP_ERR_NOT_DEDUP)
            rd_log(r, 0, "reparse point offset 0x%llx: %s: %s", (unsigned long long)diag.offset,
                   diag.what ? diag.what : "field", ddp_status_str(st));
        free(rp);
        return st;
    }
    r->size = rp->logical_size;
    rs_store_dir_init(&r->dir, rp->store_guid);
    uint64_t total = 0;
    for (uint32_t k = 0; k < rp->n_refs; k++) {
        const ddp_stream_ref *ref = &rp->refs[k];
        if (ref->smap_size < DDP_SMAP_PREFIX_SIZE || ref->smap_size > DDP_MAX_SMAP_PAYLOAD ||
            (ref->smap_size - DDP_SMAP_PREFIX_SIZE) % DDP_SMAP_ENTRY_SIZE) {
            rd_log(r, ref->range_start, "reparse point: stream map size %u is not 8 + 64 x N (at most %u)",
                   ref->smap_size, DDP_MAX_SMAP_PAYLOAD);
            free(rp);
            return DDP_ERR_BAD_LENGTH;
        }
        total += (ref->smap_size - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE;
    }
    r->chunks = malloc((size_t)(total ? total : 1) * sizeof *r->chunks);
    if (!r->chunks) {
        free(rp);
        return DDP_ERR_NO_MEMORY;
    }
    found_gen found[DDP_REPARSE_MAX_REFS];
    uint32_t n_found = 0;
    int lent = rd_cache_list(r->cache, rp->store_guid, &r->dir.list);
    for (uint32_t k = 0; st == DDP_OK && k < rp->n_refs; k++) {
        char *path = NULL;
        st = locate(r, &rp->refs[k], found, &n_found, &path);
        if (st == DDP_OK)
            st = load_one(r, &rp->refs[k], path);
        free(path);
    }
    if (!lent)
        rd_cache_keep_list(r->cache, rp->store_guid, &r->dir.list);
    memset(&r->dir.list, 0, sizeof r->dir.list);
    free(rp);
    return st;
}
