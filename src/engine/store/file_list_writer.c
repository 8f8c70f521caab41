/*
 * file_list_writer.c - writes DedupFileList.1 and DedupFileList.2 (FORMAT.md §2.1) for a
 * finished store: every container the builder wrote, Data ones first then Stream ones,
 * each as "Data\%08x.%08x.ccc" / "Stream\%08x.%08x.ccc", as the real list orders them;
 * the two copies are identical (file_list.h lays out the bytes). Memory: the list,
 * 0x40 + 0x100 bytes per container.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/file_list.h"
#include "file_list_writer.h"

/* Appends the names of w's containers to paths (each 32 bytes). */
static void add_names(const ddp_container_writer *w, const char *kind, char (*paths)[32], size_t *n)
{
    for (uint32_t i = 0; i < w->containers; i++) {
        char name[22];
        ddp_container_name(w->first_id + i * w->id_step, w->generation, name);
        snprintf(paths[(*n)++], 32, "%s\\%s", kind, name);
    }
}

static ddp_status write_copy(const ddp_sink *sink, const char *store_dir, const char *name,
                             const uint8_t *bytes, size_t len)
{
    char path[200];
    snprintf(path, sizeof path, "%s\\%s", store_dir, name);
    void *h = NULL;
    ddp_status st = sink->open(sink->ctx, path, &h);
    if (st != DDP_OK)
        return st;
    st = sink->pwrite(sink->ctx, h, 0, bytes, len);
    ddp_status cst = sink->close(sink->ctx, h);
    return st != DDP_OK ? st : cst;
}

ddp_status ddp_file_list_write(const ddp_sink *sink, const char *store_dir, const ddp_container_writer *data,
                               const ddp_container_writer *stream)
{
    size_t total = (size_t)data->containers + stream->containers, n = 0, len = 0;
    if (total > DDP_FILE_LIST_MAX_ENTRIES)
        return DDP_ERR_RANGE;
    char (*paths)[32] = malloc((total ? total : 1) * sizeof *paths);
    const char **ptrs = malloc((total ? total : 1) * sizeof *ptrs);
    uint8_t *bytes = malloc(DDP_FILE_LIST_HEADER_SIZE + total * DDP_FILE_LIST_ENTRY_SIZE);
    ddp_status st = DDP_ERR_NO_MEMORY;
    if (paths && ptrs && bytes) {
        add_names(data, "Data", paths, &n);
        add_names(stream, "Stream", paths, &n);
        for (size_t i = 0; i < n; i++)
            ptrs[i] = paths[i];
        st = ddp_file_list_build(ptrs, n, bytes, DDP_FILE_LIST_HEADER_SIZE + total * DDP_FILE_LIST_ENTRY_SIZE, &len);
    }
    if (st == DDP_OK)
        st = write_copy(sink, store_dir, DDP_FILE_LIST_NAME_1, bytes, len);
    if (st == DDP_OK)
        st = write_copy(sink, store_dir, DDP_FILE_LIST_NAME_2, bytes, len);
    free(paths);
    free(ptrs);
    free(bytes);
    return st;
}
