/*
 * read_plan.c - one phase's OrderContainersRestore call and the read plan built from
 * its answer (API.md §4).
 *
 * The containers are offered sorted by path. The application's extents are normalised:
 * an extent whose container_index is out of range, or whose start or length is negative,
 * is ignored (it covers nothing); a zero-length extent covers nothing; Length =
 * INT64_MAX, or any length running past 2^63, means "to the end of the file".
 *
 * A part of the record reader (reader.h): it gives the reader the records in the order
 * they are read. Each record is read in the first extent, in plan order, whose range holds the
 * record's start (a record is read once even when extents overlap; its read may run
 * past the extent's end by the record's tail). Extents are executed in plan order, each
 * with its own preview and reads in ascending offset order. Records no extent covers
 * are read afterwards, one engine extent per container, containers in path order; with
 * no plan at all (no order callback, a failed call, NULL or 0 entries) that is the
 * engine's own order: containers sorted by path, each read over its whole needed span.
 *
 * Cost: the assignment scans the extents of the record's container, so it is
 * O(records x extents-per-container). Memory, all freed when the phase's reads are done:
 * 24 bytes per extent the application returned (valid or not), plus 4 per valid one
 * while records are assigned; 4 bytes per record (the extent order: the sort keys live in
 * the records themselves); per container 4 bytes (the sorted order) plus, one after the
 * other, 16 while sorting by path, 8 for the paths offered and 8 while assigning.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_parts.h"
#include "sort.h"

typedef struct rs_extent {
    uint32_t container;
    uint64_t start, end;
} rs_extent;

typedef struct path_slot {
    const char *path;
    uint32_t index;
} path_slot;

static int by_path(const void *a, const void *b)
{
    return strcmp(((const path_slot *)a)->path, ((const path_slot *)b)->path);
}

/* sorted[i] = the container offered at position i. */
static uint32_t *sort_containers(const rs_phase *ph)
{
    path_slot *slots = malloc(ph->n_containers * sizeof *slots);
    uint32_t *sorted = malloc(ph->n_containers * sizeof *sorted);
    if (!slots || !sorted) {
        free(slots);
        free(sorted);
        return NULL;
    }
    for (uint32_t i = 0; i < ph->n_containers; i++) {
        slots[i].path = ph->containers[i].path;
        slots[i].index = i;
    }
    qsort(slots, ph->n_containers, sizeof *slots, by_path);
    for (uint32_t i = 0; i < ph->n_containers; i++)
        sorted[i] = slots[i].index;
    free(slots);
    return sorted;
}

/* Asks the application for its order; copies the valid extents to *ext. *n_ext = 0: no
 * plan. DDP_OK or DDP_ERR_NO_MEMORY. */
static ddp_status ask_order(rs_phase *ph, const uint32_t *sorted, rs_extent **out, uint32_t *n_ext)
{
    const ddp_backup *st = ph->job->store;
    *n_ext = 0;
    *out = NULL;
    if (!st->order)
        return DDP_OK;
    const char **paths = malloc(ph->n_containers * sizeof *paths);
    if (!paths)
        return DDP_ERR_NO_MEMORY;
    for (uint32_t i = 0; i < ph->n_containers; i++)
        paths[i] = ph->containers[sorted[i]].path;
    ddp_plan_extent *plan = NULL;
    uint32_t entries = 0;
    ph->job->stats.order_calls++;
    int32_t hr = st->order(st->ctx, ph->n_containers, paths, &plan, &entries);
    free(paths);
    if (hr < 0 || !plan)
        entries = 0;
    rs_extent *ext = entries ? calloc(entries, sizeof *ext) : NULL;   /* calloc: the count is the application's; no wrap on 32-bit */
    for (uint32_t i = 0; ext && i < entries; i++) {
        const ddp_plan_extent *p = &plan[i];
        if (p->container_index >= ph->n_containers || p->start < 0 || p->length <= 0)
            continue;
        rs_extent *e = &ext[(*n_ext)++];
        e->container = sorted[p->container_index];
        e->start = (uint64_t)p->start;
        e->end = (p->length > INT64_MAX - p->start) ? UINT64_MAX : (uint64_t)(p->start + p->length);
    }
    if (plan && st->free_plan)
        st->free_plan(st->ctx, plan);
    *out = ext;
    return entries && !ext ? DDP_ERR_NO_MEMORY : DDP_OK;
}

/* Gives every live record an extent. DDP_OK or DDP_ERR_NO_MEMORY. */
static ddp_status assign_extents(rs_phase *ph, const rs_extent *ext, uint32_t n_ext, const uint32_t *sorted)
{
    uint32_t nc = ph->n_containers;
    uint32_t *first = calloc((size_t)nc + 1, sizeof *first);   /* per-container extent lists */
    uint32_t *list = malloc((n_ext ? n_ext : 1) * sizeof *list);
    uint32_t *engine_ext = malloc(nc * sizeof *engine_ext);
    if (!first || !list || !engine_ext) {
        free(first);
        free(list);
        free(engine_ext);
        return DDP_ERR_NO_MEMORY;
    }
    for (uint32_t e = 0; e < n_ext; e++)
        first[ext[e].container + 1]++;
    for (uint32_t c = 0; c < nc; c++)
        first[c + 1] += first[c];
    memcpy(engine_ext, first, nc * sizeof *engine_ext);   /* used as fill cursors first */
    for (uint32_t e = 0; e < n_ext; e++)
        list[engine_ext[ext[e].container]++] = e;   /* plan order kept */
    for (uint32_t c = 0; c < nc; c++)
        engine_ext[c] = RS_NONE;
    int any_uncovered = 0;
    for (uint32_t r = 0; r < ph->n_records; r++) {
        rs_record *rec = &ph->records[r];
        rec->extent = RS_NONE;
        if (rec->flags & (RS_REC_DONE | RS_REC_FAILED))
            continue;
        for (uint32_t k = first[rec->container]; k < first[rec->container + 1]; k++) {
            const rs_extent *e = &ext[list[k]];
            if (rec->offset >= e->start && rec->offset < e->end) {
                rec->extent = list[k];
                break;
            }
        }
        if (rec->extent == RS_NONE) {
            engine_ext[rec->container] = 0;
            any_uncovered = 1;
        }
    }
    uint32_t total = n_ext;
    for (uint32_t i = 0; any_uncovered && i < nc; i++)
        if (engine_ext[sorted[i]] == 0)
            engine_ext[sorted[i]] = total++;
    for (uint32_t r = 0; any_uncovered && r < ph->n_records; r++) {
        rs_record *rec = &ph->records[r];
        if (rec->extent == RS_NONE && !(rec->flags & (RS_REC_DONE | RS_REC_FAILED)))
            rec->extent = engine_ext[rec->container];
    }
    free(first);
    free(list);
    free(engine_ext);
    return DDP_OK;
}

/* The records with an extent, sorted by (extent, offset). */
static ddp_status order_records(rs_phase *ph, uint32_t **out, uint32_t *n_out)
{
    uint32_t n = 0;
    uint32_t *order = malloc((ph->n_records ? ph->n_records : 1) * sizeof *order);
    if (!order)
        return DDP_ERR_NO_MEMORY;
    for (uint32_t r = 0; r < ph->n_records; r++)
        if (ph->records[r].extent != RS_NONE)
            order[n++] = r;
    rs_sort_records(ph->records, order, n, RS_KEY_EXTENT_OFFSET);
    *out = order;
    *n_out = n;
    return DDP_OK;
}

ddp_status rs_plan(rs_phase *ph, uint32_t **order, uint32_t *n)
{
    *order = NULL;
    *n = 0;
    if (ph->n_containers == 0 || ph->n_records == 0)
        return DDP_OK;
    uint32_t *sorted = sort_containers(ph);
    if (!sorted)
        return DDP_ERR_NO_MEMORY;
    uint32_t n_ext = 0;
    rs_extent *ext = NULL;
    ddp_status st = ask_order(ph, sorted, &ext, &n_ext);
    if (st == DDP_OK)
        st = assign_extents(ph, ext, n_ext, sorted);
    if (st == DDP_OK)
        st = order_records(ph, order, n);
    free(ext);
    free(sorted);
    return st;
}
