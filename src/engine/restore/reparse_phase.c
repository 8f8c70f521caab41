/*
 * reparse_phase.c - phase 1: every file's reparse point, and the stream containers
 * the files need.
 *
 * For each file: target->read_reparse, then ddp_reparse_parse. No reparse point or a
 * tag other than the dedup tag: S_FALSE. Any other parse failure: DDP_E_INVALID_DATA,
 * the message naming the offset and field. Each stream reference becomes an
 * rs_smap_need; the references are grouped by (chunk store GUID, stream container id),
 * and each group's container file is then located (container_locator.c). Files whose
 * stream container is not in the backup get DDP_E_PATH_NOT_FOUND.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/le.h"
#include "restore_internal.h"

typedef struct group_hints {
    uint32_t hints[3];
} group_hints;

typedef struct phase1 {
    rs_job *job;
    rs_stream_plan *sp;
    uint32_t cap_needs, cap_containers, cap_hints, cap_stores;
    group_hints *hints;
    uint32_t last_container;     /* lookup cache */
} phase1;

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    uint32_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int store_index(phase1 *p, const uint8_t guid[16], uint32_t *out)
{
    rs_job *job = p->job;
    for (uint32_t i = 0; i < job->n_stores; i++) {
        if (memcmp(job->stores[i].guid, guid, 16) == 0) {
            *out = i;
            return 0;
        }
    }
    if (grow((void **)&job->stores, &p->cap_stores, job->n_stores + 1, sizeof *job->stores))
        return -1;
    rs_store_dir_init(&job->stores[job->n_stores], guid);
    *out = job->n_stores++;
    return 0;
}

static int container_index(phase1 *p, uint32_t store, const ddp_stream_ref *ref, uint32_t *out)
{
    rs_stream_plan *sp = p->sp;
    rs_container *c = p->last_container < sp->n_containers ? &sp->containers[p->last_container] : NULL;
    if (c && c->store == store && c->id == ref->stream_container_id) {
        *out = p->last_container;
        return 0;
    }
    for (uint32_t i = 0; i < sp->n_containers; i++) {
        if (sp->containers[i].store == store && sp->containers[i].id == ref->stream_container_id) {
            *out = p->last_container = i;
            return 0;
        }
    }
    if (grow((void **)&sp->containers, &p->cap_containers, sp->n_containers + 1, sizeof *sp->containers))
        return -1;
    if (grow((void **)&p->hints, &p->cap_hints, sp->n_containers + 1, sizeof *p->hints))
        return -1;
    c = &sp->containers[sp->n_containers];
    memset(c, 0, sizeof *c);
    c->store = store;
    c->id = ref->stream_container_id;
    memcpy(p->hints[sp->n_containers].hints, ref->unknown_0c, sizeof ref->unknown_0c);
    *out = p->last_container = sp->n_containers++;
    return 0;
}

static int add_needs(phase1 *p, uint32_t file, const ddp_reparse *rp)
{
    rs_job *job = p->job;
    rs_stream_plan *sp = p->sp;
    uint32_t store;
    if (store_index(p, rp->store_guid, &store))
        return -1;
    job->files[file].store = store;
    job->files[file].size = rp->logical_size;
    if (grow((void **)&sp->needs, &p->cap_needs, sp->n_needs + rp->n_refs, sizeof *sp->needs))
        return -1;
    for (uint32_t i = 0; i < rp->n_refs; i++) {
        const ddp_stream_ref *ref = &rp->refs[i];
        rs_smap_need *n = &sp->needs[sp->n_needs];
        if (container_index(p, store, ref, &n->container))
            return -1;
        n->file = file;
        n->sequence = ref->smap_sequence;
        n->offset_hint = ref->smap_offset_hint;
        n->smap_size = ref->smap_size;
        n->hash_len = ref->hash_len > sizeof n->hash ? (uint32_t)sizeof n->hash : ref->hash_len;
        memcpy(n->hash, ref->hash, n->hash_len);
        n->range_start = ref->range_start;
        n->range_end = ref->range_end;
        sp->n_needs++;
    }
    return 0;
}

/* The target could not give file's reparse point. A refusal of the file itself (a
 * directory, other hard links, access denied) gets its own code (API.md §2); any other
 * failure is an I/O error (E_FAIL). */
static void fail_read(rs_job *job, uint32_t file, ddp_status st)
{
    if (st == DDP_ERR_ACCESS_DENIED || st == DDP_ERR_IS_DIRECTORY || st == DDP_ERR_HARD_LINK) {
        rs_file_fail(job, file, st, "the file cannot be restored: it %s",
                     st == DDP_ERR_ACCESS_DENIED ? "cannot be read (access denied)" : ddp_status_str(st));
        return;
    }
    rs_file_fail(job, file, st == DDP_ERR_NO_MEMORY ? st : DDP_ERR_IO, "reading the reparse point failed: %s",
                 ddp_status_str(st));
}

/* Reads and parses file i's reparse point. Returns -1 on out of memory only. */
static int read_one(phase1 *p, uint32_t file, uint8_t *buf, ddp_reparse *rp)
{
    rs_job *job = p->job;
    size_t len = 0;
    ddp_status st = job->target->read_reparse(job->target->ctx, file, buf, DDP_REPARSE_MAX_BUFFER, &len);
    if (st == DDP_ERR_NOT_REPARSE) {
        rs_file_not_dedup(job, file, "no reparse point");
        return 0;
    }
    if (st != DDP_OK) {
        fail_read(job, file, st);
        return 0;
    }
    if (len > DDP_REPARSE_MAX_BUFFER) {
        rs_file_bad_stub(job, file, DDP_ERR_BAD_LENGTH, "reparse point of %llu bytes exceeds %u", (unsigned long long)len, DDP_REPARSE_MAX_BUFFER);
        return 0;
    }
    /* Too short to carry a tag, or a short buffer with another tag: not a dedup file. One
     * that carries the dedup tag is, and a malformed one fails below (DDP_E_INVALID_DATA). */
    if (len < 4 || (len < DDP_REPARSE_HEADER_SIZE && ddp_le32(buf) != DDP_REPARSE_TAG_DEDUP)) {
        rs_file_not_dedup(job, file, "no dedup reparse tag");
        return 0;
    }
    ddp_diag diag = {0, "reparse point"};
    st = ddp_reparse_parse(buf, len, rp, &diag);
    if (st == DDP_ERR_NOT_DEDUP) {
        char why[64];
        snprintf(why, sizeof why, "reparse tag 0x%08x is not the dedup tag", len >= 4 ? (unsigned)(buf[0] |
                 (buf[1] << 8) | (buf[2] << 16) | ((uint32_t)buf[3] << 24)) : 0u);
        rs_file_not_dedup(job, file, why);
        return 0;
    }
    if (st != DDP_OK) {
        rs_file_bad_stub(job, file, st, "reparse point offset 0x%llx: %s: %s",
                     (unsigned long long)diag.offset, diag.what ? diag.what : "field", ddp_status_str(st));
        return 0;
    }
    return add_needs(p, file, rp);
}

static int seen_gen(const uint32_t *list, uint32_t n, uint32_t gen)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == gen)
            return 1;
    return 0;
}

/* Locates every stream container; the needs of those not found fail their files. */
static ddp_status locate_all(phase1 *p)
{
    rs_job *job = p->job;
    rs_stream_plan *sp = p->sp;
    uint32_t *found = malloc((sp->n_containers ? sp->n_containers : 1) * sizeof *found);
    if (!found)
        return DDP_ERR_NO_MEMORY;
    for (uint32_t i = 0; i < sp->n_containers; i++) {
        rs_container *c = &sp->containers[i];
        uint32_t n_found = 0;
        for (uint32_t k = 0; k < i; k++)
            if (sp->containers[k].id == c->id && sp->containers[k].dead == DDP_OK && !seen_gen(found, n_found, sp->containers[k].generation))
                found[n_found++] = sp->containers[k].generation;
        ddp_status st = rs_locate_stream_container(job, c->store, c->id, p->hints[i].hints, 3, found, n_found,
                                                   &c->path, &c->generation);
        if (st == DDP_ERR_NO_MEMORY) {
            free(found);
            return st;
        }
        c->dead = st;
    }
    free(found);
    for (uint32_t i = 0; i < sp->n_needs; i++) {
        const rs_smap_need *n = &sp->needs[i];
        const rs_container *c = &sp->containers[n->container];
        if (c->dead != DDP_OK)
            rs_file_fail(job, n->file, c->dead, "stream container %08x of %s is not in the backup", c->id,
                         job->stores[c->store].root + sizeof DDP_CHUNK_STORE_ROOT - 1);
    }
    return DDP_OK;
}

ddp_status rs_reparse_phase(rs_job *job, rs_stream_plan *sp)
{
    phase1 p;
    memset(&p, 0, sizeof p);
    memset(sp, 0, sizeof *sp);
    p.job = job;
    p.sp = sp;
    p.last_container = RS_NONE;
    uint8_t *buf = malloc(DDP_REPARSE_MAX_BUFFER);
    ddp_reparse *rp = malloc(sizeof *rp);
    ddp_status st = buf && rp ? DDP_OK : DDP_ERR_NO_MEMORY;
    for (uint32_t i = 0; st == DDP_OK && i < job->n_files; i++)
        if (read_one(&p, i, buf, rp))
            st = DDP_ERR_NO_MEMORY;
    free(buf);
    free(rp);
    if (st == DDP_OK)
        st = locate_all(&p);
    free(p.hints);
    return st;
}

void rs_stream_plan_free(rs_stream_plan *sp)
{
    for (uint32_t i = 0; i < sp->n_containers; i++)
        free(sp->containers[i].path);
    free(sp->containers);
    free(sp->needs);
    memset(sp, 0, sizeof *sp);
}
