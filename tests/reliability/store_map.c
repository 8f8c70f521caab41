/*
 * store_map.c - builds the store_map of store_map.h with the format parsers: container
 * names give id and generation; records are walked from DDP_FIRST_RECORD_OFFSET by
 * their spans; a file's reparse point names (stream container id, Smap sequence), its
 * stream map names (data container id, generation, chunk sequence) for every chunk.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "ddp/stream_map.h"
#include "store_map.h"

static int add_container(store_map *m, const store_fixture *s, const char *path)
{
    const char *name = strrchr(path, '\\');
    map_container *c = &m->containers[m->n_containers];
    memset(c, 0, sizeof *c);
    c->path = path;
    c->is_stream = strstr(path, "\\Stream\\") != NULL;
    if (!name || ddp_container_name_parse(name + 1, &c->id, &c->generation) != 0)
        return -1;
    m->n_containers++;
    size_t len = 0;
    const uint8_t *b = ddp_sink_mem_get(s->mem, path, &len);
    for (uint64_t at = DDP_FIRST_RECORD_OFFSET; at < len;) {
        ddp_record r;
        if (ddp_record_parse(b + at, len - at, &r, NULL) != DDP_OK)
            return -1;
        map_record *mr = realloc(m->records, (m->n_records + 1) * sizeof *mr);
        if (!mr)
            return -1;
        m->records = mr;
        mr = &m->records[m->n_records++];
        memset(mr, 0, sizeof *mr);
        mr->path = path;
        mr->container_id = c->id;
        mr->generation = c->generation;
        mr->offset = at;
        mr->kind = r.kind;
        mr->sequence = r.sequence;
        mr->header_size = r.header_size;
        mr->payload_size = r.payload_size;
        mr->compression = r.compression;
        at += ddp_record_span(&r);
    }
    return 0;
}

static map_record *find(store_map *m, int stream, uint32_t id, uint32_t gen, int any_gen, uint32_t seq)
{
    for (size_t i = 0; i < m->n_records; i++) {
        map_record *r = &m->records[i];
        int is_stream = r->kind == DDP_RECORD_KIND_STREAM_MAP;
        if (is_stream == stream && r->container_id == id && (any_gen || r->generation == gen) && r->sequence == seq)
            return r;
    }
    return NULL;
}

/* The file reads whatever lies at a hint: note it on the record found there. */
static void mark_hint(store_map *m, const char *path, uint64_t offset, uint32_t file)
{
    for (size_t i = 0; i < m->n_records; i++)
        if (m->records[i].path == path && m->records[i].offset == offset)
            m->records[i].hint_users |= 1u << file;
}

static void mark_container(store_map *m, const char *path, uint32_t file)
{
    map_container *c = store_map_container(m, path);
    if (c)
        c->users |= 1u << file;
}

static int map_file(store_map *m, const store_fixture *s, uint32_t f)
{
    ddp_reparse rp;
    if (ddp_reparse_parse(s->files[f].reparse, s->files[f].reparse_len, &rp, NULL) != DDP_OK)
        return -1;
    for (uint32_t k = 0; k < rp.n_refs; k++) {
        map_record *sm = find(m, 1, rp.refs[k].stream_container_id, 0, 1, rp.refs[k].smap_sequence);
        if (!sm)
            return -1;
        sm->users |= 1u << f;
        mark_container(m, sm->path, f);
        mark_hint(m, sm->path, rp.refs[k].smap_offset_hint, f);
        size_t len = 0;
        const uint8_t *b = ddp_sink_mem_get(s->mem, sm->path, &len);
        const uint8_t *payload = b + sm->offset + sm->header_size;
        uint32_t n = 0;
        if (ddp_stream_map_count(payload, sm->payload_size, &n, NULL) != DDP_OK)
            return -1;
        for (uint32_t i = 0; i < n; i++) {
            ddp_chunk_ref c;
            ddp_stream_map_entry(payload, i, &c);
            map_record *d = find(m, 0, c.container_id, c.generation, 0, c.sequence);
            if (!d)
                return -1;
            d->users |= 1u << f;
            mark_container(m, d->path, f);
            mark_hint(m, d->path, c.offset_hint, f);
        }
    }
    return 0;
}

int store_map_build(const store_fixture *s, store_map *m)
{
    memset(m, 0, sizeof *m);
    size_t n = 0;
    while (ddp_sink_mem_path(s->mem, n))
        n++;
    m->containers = calloc(n ? n : 1, sizeof *m->containers);
    if (!m->containers || s->n > MAP_MAX_FILES)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (add_container(m, s, ddp_sink_mem_path(s->mem, i)) != 0)
            return -1;
    for (uint32_t f = 0; f < s->n; f++)
        if (s->files[f].reparse_len && map_file(m, s, f) != 0)
            return -1;
    return 0;
}

void store_map_free(store_map *m)
{
    free(m->records);
    free(m->containers);
    memset(m, 0, sizeof *m);
}

map_container *store_map_container(store_map *m, const char *path)
{
    for (size_t i = 0; i < m->n_containers; i++)
        if (m->containers[i].path == path || strcmp(m->containers[i].path, path) == 0)
            return &m->containers[i];
    return NULL;
}
