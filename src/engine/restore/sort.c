/*
 * sort.c - heap sort of record index lists by offset, sequence or (extent, offset).
 * Equal keys keep no particular order.
 */
#include "sort.h"

static uint64_t key_of(const rs_record *r, rs_sort_key key)
{
    switch (key) {
    case RS_KEY_SEQUENCE:
        return r->sequence;
    case RS_KEY_EXTENT_OFFSET:
        return ((uint64_t)r->extent << 32) | r->offset;
    default:
        return r->offset;
    }
}

static void sift_down(const rs_record *records, uint32_t *idx, uint32_t root, uint32_t n, rs_sort_key key)
{
    for (;;) {
        uint64_t child = 2 * (uint64_t)root + 1;
        if (child >= n)
            return;
        uint32_t c = (uint32_t)child;
        if (c + 1 < n && key_of(&records[idx[c + 1]], key) > key_of(&records[idx[c]], key))
            c++;
        if (key_of(&records[idx[c]], key) <= key_of(&records[idx[root]], key))
            return;
        uint32_t t = idx[root];
        idx[root] = idx[c];
        idx[c] = t;
        root = c;
    }
}

void rs_sort_records(const rs_record *records, uint32_t *idx, uint32_t n, rs_sort_key key)
{
    if (n < 2)
        return;
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(records, idx, i, n, key);
    for (uint32_t end = n - 1; end > 0; end--) {
        uint32_t t = idx[0];
        idx[0] = idx[end];
        idx[end] = t;
        sift_down(records, idx, 0, end, key);
    }
}
