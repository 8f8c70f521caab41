/*
 * container_locator.c - container paths, and finding the file of a stream container
 * whose generation the reparse point does not name (API.md §5, FORMAT.md §2).
 *
 * Order of attempts for stream container (store, id):
 *   0. the store's DedupFileList (file_list_read.c, FORMAT.md §2.1): when it names exactly
 *      one generation for the id, that candidate is probed (below) and wins when its file
 *      agrees; when the file is missing or does not agree, the list disagrees with the
 *      backup (counted) and 1-2 decide, that candidate already tried. An absent, damaged
 *      or silent list leaves the decision to 1-2.
 *   1. store->find_container (the optional directory interface): 0 gives the path, 1 says
 *      the backup has none (DDP_E_PATH_NOT_FOUND, no probing); a failure falls back to 2.
 *   2. probing candidate generations, each candidate once: the generations already found
 *      for that id in this call, the reparse entry's unknown_0c values that look like a
 *      generation (1..0x10000, other than the id itself), then 1..probe_generations. A probe is one preview() of
 *      {0x40 @ 0} and one read() of the 0x40-byte Cthr header. The first candidate that
 *      reads fully and whose header agrees (magic "Cthr"; its id field, when non-zero,
 *      equal to id) wins.
 *
 * What probing costs on tape: each failed candidate is a preview + a read of a file the
 * backup does not hold; an application answering from its catalogue fails it without
 * moving the tape. The winning probe reads 64 bytes at the start of the container: one
 * positioning to that container's start, before OrderContainersRestore #1, so every
 * stream container is visited once out of plan order. At most 1 (the list's candidate)
 * + 3 + (generations found for the id) + probe_generations (default 16) probes per
 * stream container; with a list that names it, exactly one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "restore_internal.h"

void rs_store_dir_init(rs_store_dir *d, const uint8_t guid[16])
{
    char g[39];
    memset(d, 0, sizeof *d);
    memcpy(d->guid, guid, 16);
    ddp_guid_format(guid, g);
    snprintf(d->root, sizeof d->root, "%s%s.ddp", DDP_CHUNK_STORE_ROOT, g);
}

char *rs_container_path(const rs_store_dir *d, const char *sub, uint32_t id, uint32_t generation)
{
    char name[22];
    ddp_container_name(id, generation, name);
    size_t len = strlen(d->root) + 1 + strlen(sub) + 1 + strlen(name) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s\\%s\\%s", d->root, sub, name);
    return p;
}

/* One probe: does the candidate file exist and carry a Cthr that agrees with id? */
static int probe(rs_job *job, const char *path, uint32_t id)
{
    rs_container c;
    memset(&c, 0, sizeof c);
    c.path = (char *)path;
    uint8_t hdr[DDP_CTHR_SIZE];
    uint32_t got = 0;
    if (rs_read_range(job, &c, 0, DDP_CTHR_SIZE, hdr, &got) < 0 || got < DDP_CTHR_SIZE)
        return 0;
    ddp_cthr cthr;
    if (ddp_cthr_parse(hdr, got, &cthr, NULL) != DDP_OK || !cthr.magic_ok)
        return 0;
    return cthr.container_id == 0 || cthr.container_id == id;
}

static int seen(const uint32_t *list, uint32_t n, uint32_t v)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

/* Tries one candidate unless already tried. 1: found, 0: not, -1: out of memory. */
static int try_generation(rs_job *job, const rs_store_dir *d, uint32_t id, uint32_t gen, uint32_t *tried,
                          uint32_t *n_tried, char **path)
{
    if (gen == 0 || seen(tried, *n_tried, gen))
        return 0;
    tried[(*n_tried)++] = gen;
    char *p = rs_container_path(d, "Stream", id, gen);
    if (!p)
        return -1;
    if (probe(job, p, id)) {
        *path = p;
        return 1;
    }
    free(p);
    return 0;
}

/* DDP_OK: found; DDP_ERR_NOT_FOUND: the backup has none; anything else: probe instead. */
static ddp_status ask_directory(rs_job *job, const rs_store_dir *d, uint32_t id, char **path, uint32_t *generation)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s\\Stream", d->root);
    char *found = NULL;
    int32_t hr = job->store->find_container(job->store->ctx, dir, id, &found);
    if (hr == 0 && found) {
        /* The generation is only informative here; take it from the name when it parses. */
        const char *name = strrchr(found, '\\');
        uint32_t fid = 0, fgen = 0;
        if (ddp_container_name_parse(name ? name + 1 : found, &fid, &fgen) == 0)
            *generation = fgen;
        *path = found;
        return DDP_OK;
    }
    free(found);
    if (hr == 1)
        return DDP_ERR_NOT_FOUND;
    return hr == 0 ? DDP_ERR_PROTOCOL : DDP_ERR_IO;   /* failed, or "found" without a path: probe instead */
}

ddp_status rs_locate_stream_container(rs_job *job, uint32_t store, uint32_t id, const uint32_t *hints,
                                      uint32_t n_hints, const uint32_t *found, uint32_t n_found,
                                      char **path, uint32_t *generation)
{
    const rs_store_dir *d = &job->stores[store];
    *path = NULL;
    *generation = 0;
    uint32_t listed = 0;
    int named = rs_file_list_generation(job, store, id, &listed);
    if (named < 0)
        return DDP_ERR_NO_MEMORY;
    uint32_t cap = 1 + n_found + n_hints + job->opt.probe_generations;
    uint32_t *tried = malloc(cap * sizeof *tried);
    if (!tried)
        return DDP_ERR_NO_MEMORY;
    uint32_t n_tried = 0, gen = 0;
    int r = named ? try_generation(job, d, id, listed, tried, &n_tried, path) : 0;
    if (r != 0) {
        free(tried);
        if (r < 0)
            return DDP_ERR_NO_MEMORY;
        *generation = listed;
        job->stats.generations_from_list++;
        return DDP_OK;
    }
    job->stats.list_disagreed += (uint64_t)named;
    if (job->store->find_container) {
        ddp_status st = ask_directory(job, d, id, path, generation);
        if (st == DDP_OK)
            job->stats.generations_from_directory++;
        if (st == DDP_OK || st == DDP_ERR_NOT_FOUND) {
            free(tried);
            return st;
        }
    }
    for (uint32_t i = 0; r == 0 && i < n_found; i++)
        r = try_generation(job, d, id, gen = found[i], tried, &n_tried, path);
    for (uint32_t i = 0; r == 0 && i < n_hints; i++)
        if (hints[i] >= 1 && hints[i] <= 0x10000u && hints[i] != id)
            r = try_generation(job, d, id, gen = hints[i], tried, &n_tried, path);
    for (uint32_t g = 1; r == 0 && g <= job->opt.probe_generations; g++)
        r = try_generation(job, d, id, gen = g, tried, &n_tried, path);
    free(tried);
    if (r < 0)
        return DDP_ERR_NO_MEMORY;
    if (r == 0)
        return DDP_ERR_NOT_FOUND;
    *generation = gen;
    job->stats.generations_probed++;
    return DDP_OK;
}
