/*
 * store_map.h - which file uses which bytes of a sample store: every record of every
 * container (walked from the first record on), and for every record the files whose
 * stream map or chunks it holds. The corruption matrix damages one structure at a time
 * and expects exactly the files using it to be affected.
 */
#ifndef DDP_STORE_MAP_H
#define DDP_STORE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "store_fixture.h"

#define MAP_MAX_FILES 32u

typedef struct map_record {
    const char *path;          /* the container (the sample store's string) */
    uint32_t container_id, generation;
    uint64_t offset;           /* of the Ckhr */
    uint16_t kind;             /* DDP_RECORD_KIND_* */
    uint32_t sequence, header_size, payload_size, compression;
    uint32_t users;            /* bit i: file i needs this record */
    uint32_t hint_users;       /* bit i: an offset hint of file i points here (stale hints) */
} map_record;

typedef struct map_container {
    const char *path;
    uint32_t id, generation;
    int is_stream;
    uint32_t users;            /* files needing any record of it */
} map_container;

typedef struct store_map {
    map_record *records;
    size_t n_records;
    map_container *containers;
    size_t n_containers;
} store_map;

/* Builds the map; -1 when a structure of the store does not parse or a file's stream map
 * or chunk is not found. */
int store_map_build(const store_fixture *s, store_map *m);
void store_map_free(store_map *m);
map_container *store_map_container(store_map *m, const char *path);

#endif
