/*
 * file_list_read.c - reads a store's DedupFileList (FORMAT.md §2.1, file_list.h) through
 * store->read, once per restore, and answers which generation of a Stream container it
 * names. container_locator.c asks it before any other way of finding the generation.
 *
 * "<root>\DedupFileList.1" is read first; "<root>\DedupFileList.2" only when the first
 * copy is absent, unreadable or damaged (the copies are identical on a sound volume).
 * A copy is damaged when its header is short or fails its CRC-64 or bound; entries are
 * streamed through the read window (max_read rounded down to 0x100 bytes) and those
 * failing their CRC-64, not decoding, or missing (a short file) are skipped, so the list
 * is silent about them. Only sound Stream container entries are kept: 8 bytes each,
 * at most DDP_FILE_LIST_MAX_ENTRIES (8 MiB worst case), freed at the end of the restore.
 * Cost: one previewed read of 0x40 bytes per copy tried, plus the entries (0x100 bytes
 * per container of the store) in one preview; a failed read of an absent copy moves no
 * tape when the application answers from its catalogue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/file_list.h"
#include "restore_internal.h"

typedef struct list_reader {
    rs_file_list *list;
    int out_of_memory;
} list_reader;

static int keep(list_reader *lr, uint32_t id, uint32_t gen)
{
    rs_file_list *l = lr->list;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        uint32_t *ids = realloc(l->ids, (size_t)cap * sizeof *ids);
        if (ids)
            l->ids = ids;
        uint32_t *gens = ids ? realloc(l->gens, (size_t)cap * sizeof *gens) : NULL;
        if (!gens)
            return -1;
        l->gens = gens;
        l->cap = cap;
    }
    l->ids[l->n] = id;
    l->gens[l->n] = gen;
    l->n++;
    return 0;
}

/* One window of whole entries (the window is a multiple of 0x100; a short last window's
 * partial entry is ignored). */
static int take_entries(void *ctx, const uint8_t *data, uint32_t len)
{
    list_reader *lr = ctx;
    for (uint32_t at = 0; len - at >= DDP_FILE_LIST_ENTRY_SIZE; at += DDP_FILE_LIST_ENTRY_SIZE) {
        ddp_file_list_entry e;
        if (ddp_file_list_entry_parse(data + at, len - at, &e, NULL) != DDP_OK)
            continue;
        if (e.kind == DDP_FILE_LIST_STREAM && e.is_container && keep(lr, e.container_id, e.generation)) {
            lr->out_of_memory = 1;
            return 1;
        }
    }
    return 0;
}

/* Reads one copy. 1: read; 0: absent or unreadable; 2: damaged; -1: out of memory. */
static int read_copy(rs_job *job, const rs_store_dir *d, const char *name, rs_file_list *list)
{
    char path[128];
    snprintf(path, sizeof path, "%s\\%s", d->root, name);
    rs_container c;
    memset(&c, 0, sizeof c);
    c.path = path;
    uint8_t hdr[DDP_FILE_LIST_HEADER_SIZE];
    uint32_t got = 0;
    int32_t code = rs_read_range(job, &c, 0, sizeof hdr, hdr, &got);
    if (code < 0)
        return rs_store_failure(code) == DDP_ERR_NO_MEMORY ? -1 : 0;
    ddp_file_list_header h;
    if (ddp_file_list_header_parse(hdr, got, &h, NULL) != DDP_OK) {
        job->stats.file_lists_damaged++;
        return 2;
    }
    list_reader lr = {list, 0};
    uint32_t window = job->opt.max_read - job->opt.max_read % DDP_FILE_LIST_ENTRY_SIZE;
    ddp_status st = rs_read_windows(job, &c, DDP_FILE_LIST_HEADER_SIZE, h.count * DDP_FILE_LIST_ENTRY_SIZE, window,
                                    take_entries, &lr);
    if (lr.out_of_memory || st == DDP_ERR_NO_MEMORY)
        return -1;
    if (st != DDP_OK) {   /* a read failed part way: the other copy may do better */
        list->n = 0;
        job->stats.file_lists_damaged++;
        return 2;
    }
    return 1;
}

static int read_list(rs_job *job, rs_store_dir *d)
{
    static const char *const names[2] = {DDP_FILE_LIST_NAME_1, DDP_FILE_LIST_NAME_2};
    int damaged = 0;
    for (int i = 0; i < 2; i++) {
        int r = read_copy(job, d, names[i], &d->list);
        if (r < 0)
            return -1;
        if (r == 1) {
            d->list.state = RS_LIST_READ;
            return 0;
        }
        damaged |= r == 2;
    }
    d->list.state = damaged ? RS_LIST_DAMAGED : RS_LIST_ABSENT;
    return 0;
}

int rs_file_list_generation(rs_job *job, uint32_t store, uint32_t id, uint32_t *generation)
{
    rs_store_dir *d = &job->stores[store];
    if (d->list.state == RS_LIST_UNREAD && read_list(job, d) < 0) {
        rs_file_list_free(&d->list);
        return -1;
    }
    if (d->list.state != RS_LIST_READ)
        return 0;
    int named = 0;
    for (uint32_t i = 0; i < d->list.n; i++) {
        if (d->list.ids[i] != id)
            continue;
        if (named && d->list.gens[i] != *generation)
            return 0;   /* several generations named: the list does not answer */
        *generation = d->list.gens[i];
        named = 1;
    }
    return named;
}

void rs_file_list_free(rs_file_list *list)
{
    free(list->ids);
    free(list->gens);
    memset(list, 0, sizeof *list);
}
