/*
 * guard_page.h - test buffers that end flush against an inaccessible page, so that a
 * decoder reading in[in_len] or writing out[out_len] faults at once in every build,
 * with or without sanitizers: mmap + mprotect(PROT_NONE) natively, VirtualAlloc +
 * VirtualProtect(PAGE_NOACCESS) in the MinGW build (also under Wine).
 */
#ifndef DDP_GUARD_PAGE_H
#define DDP_GUARD_PAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct guard_buf {
    void *base;        /* the whole mapping: data pages then the guard page */
    size_t map_len;
    uint8_t *data;     /* len usable bytes; data + len is the first guarded byte */
    size_t len;
} guard_buf;

/* Maps len bytes ending at a guard page. Returns 0 on success. */
int guard_buf_alloc(guard_buf *g, size_t len);
/* Same, filled with a copy of src. */
int guard_buf_copy(guard_buf *g, const uint8_t *src, size_t len);
void guard_buf_free(guard_buf *g);

#endif
