/*
 * fixture.c - the test corpus and protocol checks of the restore tests (fixture.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include "fixture.h"
#include "twins.h"

void fixture_options(ddp_store_builder_options *opt, uint16_t layout)
{
    ddp_store_builder_options_default(opt);
    opt->layout = layout;
    opt->min_chunk = 4096;
    opt->avg_chunk = 8192;
    opt->max_chunk = 16384;
}

/* Half random bytes, half repetitive text, so both raw and Xpress chunks appear; the
 * content depends on the file's number only. */
static void generate(uint32_t seed, uint32_t file, uint8_t *buf, size_t len)
{
    uint64_t x = 0x9E3779B97F4A7C15ull * (file + 1);
    (void)seed;
    for (size_t i = 0; i < len; i++) {
        if ((i / 3000) % 2 == 0) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (uint8_t)x;
        } else {
            buf[i] = (uint8_t)("restore engine test line "[(i + file) % 25]);
        }
    }
}

int fixture_build(fixture *f, const ddp_store_builder_options *opt, uint32_t n, const size_t *sizes, const int *dup)
{
    return store_fixture_build(f, opt, n, sizes, dup, generate, 0) == DDP_OK ? 0 : -1;
}

void fixture_free(fixture *f)
{
    store_fixture_free(f);
}

void fixture_backup(fake_backup *b, const ddp_sink_mem *mem)
{
    if (fake_backup_init(b, mem) != 0)
        abort();
    b->keep_log = 1;
}

void fixture_target(const fixture *f, fake_target *t)
{
    if (fake_target_init(t, f->n) != 0)
        abort();
    for (uint32_t i = 0; i < f->n; i++)
        fake_target_set_reparse(t, i, f->files[i].reparse, f->files[i].reparse_len);
}

int fixture_restored(const fixture *f, const fake_target *t, uint32_t i)
{
    const fake_target_file *tf = &t->files[i];
    const store_fixture_file *ff = &f->files[i];
    if (tf->finishes != 1 || tf->abandons != 0 || tf->size != ff->size || !tf->content)
        return 0;
    return memcmp(tf->content, ff->data, ff->size) == 0;
}

const char *fixture_container(const fixture *f, const char *sub, uint32_t k)
{
    char key[16];
    snprintf(key, sizeof key, ".ddp\\%s\\", sub);
    return store_fixture_container(f, key, k);
}

uint32_t fixture_count_containers(const fixture *f, const char *sub)
{
    char key[16];
    snprintf(key, sizeof key, ".ddp\\%s\\", sub);
    return store_fixture_count_containers(f, key);
}

int fixture_store_file(const fixture *f, const char *name, char *out, size_t cap)
{
    const char *c = fixture_container(f, "Stream", 0);
    const char *cut = c ? strstr(c, "\\Stream\\") : NULL;
    if (!cut)
        return -1;
    snprintf(out, cap, "%.*s\\%s", (int)(cut - c), c, name);
    return 0;
}

int fixture_put_old_generation(ddp_sink_mem *mem, const char **path)
{
    static const size_t old_sizes[2] = {90000, 120000};
    ddp_store_builder_options opt;
    fixture old;
    ddp_sink sink;
    void *h = NULL;
    size_t len = 0;
    fixture_options(&opt, DDP_LAYOUT_0201);
    opt.stream_generation = 1;
    if (fixture_build(&old, &opt, 2, old_sizes, NULL) != 0)
        return -1;
    const char *p = fixture_container(&old, "Stream", 0);
    const uint8_t *bytes = p && strstr(p, "00010000.00000001.ccc") ? ddp_sink_mem_get(old.mem, p, &len) : NULL;
    int rc = bytes ? 0 : -1;
    ddp_sink_mem_sink(mem, &sink);
    if (rc == 0 && (sink.open(sink.ctx, p, &h) != DDP_OK || sink.pwrite(sink.ctx, h, 0, bytes, len) != DDP_OK ||
                    sink.close(sink.ctx, h) != DDP_OK))
        rc = -1;
    for (size_t i = 0; rc == 0 && path && ddp_sink_mem_path(mem, i); i++)
        if (strcmp(ddp_sink_mem_path(mem, i), p) == 0)
            *path = ddp_sink_mem_path(mem, i);
    fixture_free(&old);
    return rc;
}

int fixture_chunk_location(const fixture *f, const ddp_store_builder_options *opt, uint32_t i, uint32_t k,
                           char *path, size_t cap, uint64_t *offset)
{
    ddp_reparse rp;
    if (!f->files[i].reparse || ddp_reparse_parse(f->files[i].reparse, f->files[i].reparse_len, &rp, NULL) != DDP_OK)
        return -1;
    char guid[39], name[22], spath[200];
    ddp_guid_format(rp.store_guid, guid);
    ddp_container_name(rp.refs[0].stream_container_id, opt->stream_generation, name);
    snprintf(spath, sizeof spath, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp\\Stream\\%s", guid, name);
    size_t len = 0;
    const uint8_t *s = ddp_sink_mem_get(f->mem, spath, &len);
    if (!s)
        return -1;
    /* Stale hints: find the record by scanning for its sequence. */
    for (uint64_t off = DDP_FIRST_RECORD_OFFSET; off + DDP_SMAP_HEADER_SIZE <= len; off += DDP_RECORD_ALIGN) {
        ddp_record r;
        if (memcmp(s + off, "Ckhr", 4) != 0 || ddp_record_parse(s + off, len - off, &r, NULL) != DDP_OK ||
            r.kind != DDP_RECORD_KIND_STREAM_MAP || r.sequence != rp.refs[0].smap_sequence)
            continue;
        uint32_t count = 0;
        if (off + r.header_size + r.payload_size > len ||
            ddp_stream_map_count(s + off + r.header_size, r.payload_size, &count, NULL) != DDP_OK || k >= count)
            return -1;
        ddp_chunk_ref e;
        ddp_stream_map_entry(s + off + r.header_size, k, &e);
        ddp_container_name(e.container_id, e.generation, name);
        snprintf(path, cap, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp\\Data\\%s", guid, name);
        *offset = e.offset_hint;
        return 0;
    }
    return -1;
}

int32_t fixture_restore(fake_backup *m, fake_target *t, const ddp_restore_options *opt, ddp_file_result *results,
                        ddp_restore_stats *stats)
{
    return twins_restore(m, t, opt, results, stats);
}

/* ---- protocol checks ---- */

static int is_probe(const fake_call *c)
{
    return c->kind == FAKE_READ && c->offset == 0 && c->size == 0x40;
}

int check_order_calls(const fake_backup *m, char *why, size_t cap)
{
    size_t order_at[2] = {0, 0};
    uint32_t orders = 0;
    for (size_t i = 0; i < m->n_log; i++) {
        const fake_call *c = &m->log[i];
        if (c->kind == FAKE_ORDER) {
            if (orders < 2)
                order_at[orders] = i;
            orders++;
            for (uint32_t k = 0; k < c->n; k++) {
                int ok = orders == 1 ? fake_is_stream_path(c->paths[k]) : fake_is_data_path(c->paths[k]);
                if (!ok) {
                    snprintf(why, cap, "order call %u offers %s", orders, c->paths[k]);
                    return -1;
                }
            }
        }
    }
    if (orders != 2) {
        snprintf(why, cap, "%u order calls", orders);
        return -1;
    }
    for (size_t i = 0; i < m->n_log; i++) {
        const fake_call *c = &m->log[i];
        if (c->kind != FAKE_READ)
            continue;
        if (fake_is_stream_path(c->path) && !is_probe(c) && (i < order_at[0] || i > order_at[1])) {
            snprintf(why, cap, "stream read at call %zu outside phase 2", i);
            return -1;
        }
        if (fake_is_data_path(c->path) && i < order_at[1]) {
            snprintf(why, cap, "data read at call %zu before order call 2", i);
            return -1;
        }
    }
    return 0;
}

/* A preview's list must be read to the end unless its last read came back short or
 * failed (the container ended or is missing: the rest is dropped and re-announced). */
static int list_finished(const fake_call *pv, uint32_t cursor, const fake_call *last_read)
{
    if (!pv || cursor == pv->n)
        return 1;
    return last_read && (last_read->hr != 0 || last_read->got < last_read->size);
}

int check_previews(const fake_backup *m, char *why, size_t cap)
{
    const fake_call *pv = NULL, *last_read = NULL;
    uint32_t cursor = 0;
    for (size_t i = 0; i <= m->n_log; i++) {
        const fake_call *c = i < m->n_log ? &m->log[i] : NULL;
        if (!c || c->kind == FAKE_PREVIEW) {
            if (!list_finished(pv, cursor, last_read)) {
                snprintf(why, cap, "preview before call %zu announced %u reads, %u were made", i, pv->n, cursor);
                return -1;
            }
            if (!c)
                break;
            last_read = NULL;
            if (c->n == 0) {
                snprintf(why, cap, "empty preview at call %zu", i);
                return -1;
            }
            pv = c;
            cursor = 0;
            continue;
        }
        if (c->kind != FAKE_READ)
            continue;
        if (!pv || cursor >= pv->n || strcmp(pv->path, c->path) != 0) {
            snprintf(why, cap, "read %zu (%s @0x%llx) not announced", i, c->path, (unsigned long long)c->offset);
            return -1;
        }
        const ddp_read_extent *e = &pv->reads[cursor];
        if ((uint64_t)e->offset != c->offset || (uint64_t)e->length != c->size) {
            snprintf(why, cap, "read %zu is 0x%x@0x%llx, preview said 0x%llx@0x%llx", i, c->size,
                     (unsigned long long)c->offset, (unsigned long long)e->length, (unsigned long long)e->offset);
            return -1;
        }
        if (cursor > 0 && (uint64_t)pv->reads[cursor - 1].offset >= c->offset) {
            snprintf(why, cap, "read %zu not ascending in its preview", i);
            return -1;
        }
        cursor++;
        last_read = c;
    }
    return 0;
}

/* Plan extent of order call oc holding offset of path; lowest index or -1. */
static int extent_of(const fake_call *oc, const char *path, uint64_t offset)
{
    for (uint32_t e = 0; oc->hr >= 0 && e < oc->plan_entries; e++) {
        const ddp_plan_extent *p = &oc->plan[e];
        if (p->container_index >= oc->n || p->start < 0 || p->length <= 0)
            continue;
        if (strcmp(oc->paths[p->container_index], path) != 0)
            continue;
        uint64_t start = (uint64_t)p->start;
        uint64_t end = p->length > INT64_MAX - p->start ? UINT64_MAX : (uint64_t)(p->start + p->length);
        if (offset >= start && offset < end)
            return (int)e;
    }
    return -1;
}

int check_plan_order(const fake_backup *m, uint32_t order_no, uint32_t *outside, char *why, size_t cap)
{
    const fake_call *oc = NULL;
    size_t from = 0, to = m->n_log;
    uint32_t seen = 0;
    for (size_t i = 0; i < m->n_log; i++) {
        if (m->log[i].kind != FAKE_ORDER)
            continue;
        seen++;
        if (seen == order_no) {
            oc = &m->log[i];
            from = i;
        } else if (seen == order_no + 1) {
            to = i;
        }
    }
    *outside = 0;
    if (!oc) {
        snprintf(why, cap, "no order call %u", order_no);
        return -1;
    }
    int last = -1, any_outside = 0;
    for (size_t i = from; i < to; i++) {
        const fake_call *c = &m->log[i];
        if (c->kind != FAKE_PREVIEW)
            continue;
        int group = extent_of(oc, c->path, (uint64_t)c->reads[0].offset);
        for (uint32_t k = 1; group >= 0 && k < c->n; k++)
            if (extent_of(oc, c->path, (uint64_t)c->reads[k].offset) < 0)
                group = -1;
        if (group < 0) {
            any_outside = 1;
            (*outside)++;
            continue;
        }
        if (any_outside) {
            snprintf(why, cap, "a planned group (extent %d) after an unplanned one", group);
            return -1;
        }
        if (group < last) {
            snprintf(why, cap, "extent %d read after extent %d", group, last);
            return -1;
        }
        last = group;
    }
    return 0;
}

uint32_t count_reads_covering(const fake_backup *m, const char *path, uint64_t offset)
{
    uint32_t n = 0;
    for (size_t i = 0; i < m->n_log; i++) {
        const fake_call *c = &m->log[i];
        if (c->kind == FAKE_READ && strcmp(c->path, path) == 0 && offset >= c->offset && offset < c->offset + c->got)
            n++;
    }
    return n;
}
