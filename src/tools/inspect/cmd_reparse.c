/*
 * cmd_reparse.c - "ddp-inspect reparse": every field of a dedup reparse buffer with its
 * offset from RP+0: the common header, the layout's GUID, size and time, each stream
 * reference entry, and (layouts 0x0102 and 0x0103) every slot, block and descriptor of
 * its property tables with the raw value.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ddp/le.h"
#include "ddp/reparse.h"

#define MAX_PROPS 256

static void print_header(printer *pr, const uint8_t *buf, const ddp_reparse *r)
{
    pr_begin(pr, "header", 0);
    pr_hex(pr, "tag", 0x00, r->tag);
    pr_uint(pr, "reparse_data_length", 0x04, r->data_length);
    pr_hex(pr, "reserved", 0x06, ddp_le16(buf + 6));
    pr_hex(pr, "layout", 0x08, r->layout);
    pr_uint(pr, "data_length", 0x0A, ddp_le16(buf + 10));
    pr_hex(pr, "crc32", r->crc32_offset, r->crc32);
    pr_text(pr, "crc32_check", NO_OFFSET, "ok");
    pr_end(pr);
}

static void print_file_fields(printer *pr, const ddp_reparse *r)
{
    char text[39];
    ddp_guid_format(r->store_guid, text);
    pr_text(pr, "store_guid", r->store_guid_offset, text);
    pr_uint(pr, "logical_size", r->logical_size_offset, r->logical_size);
    if (r->has_filetime) {
        char when[64];
        pr_uint(pr, "filetime", r->filetime_offset, r->filetime);
        format_filetime(r->filetime, when);
        pr_text(pr, "filetime_utc", NO_OFFSET, when);
    }
}

/* The fields of layout 0x0201 whose meaning is unknown (FORMAT.md §1.3). */
static void print_0201_unknowns(printer *pr, const uint8_t *buf)
{
    pr_hex(pr, "unknown_0c", 0x0C, ddp_le32(buf + 0x0C));
    pr_hex(pr, "unknown_18", 0x18, ddp_le32(buf + 0x18));
    pr_hex(pr, "unknown_1c", 0x1C, ddp_le32(buf + 0x1C));
    pr_bytes(pr, "unknown_30", 0x30, buf + 0x30, 8);
}

static void print_ref(printer *pr, const ddp_stream_ref *ref)
{
    uint64_t at = ref->entry_offset;
    pr_begin(pr, "stream_reference", at);
    pr_hex(pr, "smap_sequence", at + 0x00, ref->smap_sequence);
    pr_hex(pr, "stream_container_id", at + 0x04, ref->stream_container_id);
    pr_hex(pr, "smap_offset_hint", at + 0x08, ref->smap_offset_hint);
    for (int i = 0; i < 3; i++) {
        static const char *names[3] = {"unknown_0c", "unknown_10", "unknown_14"};
        pr_hex(pr, names[i], at + 0x0C + 4u * (unsigned)i, ref->unknown_0c[i]);
    }
    pr_uint(pr, "smap_size", at + 0x18, ref->smap_size);
    pr_uint(pr, "smap_chunks", NO_OFFSET, (ref->smap_size - 8u) / 64u);
    pr_hex(pr, "unknown_1c", at + 0x1C, ref->unknown_1c);
    pr_bytes(pr, "hash", at + 0x20, ref->hash, ref->hash_len);
    if (ref->hash_len == 16) {
        pr_uint(pr, "range_end", at + 0x30, ref->range_end);
        pr_uint(pr, "range_start", at + 0x38, ref->range_start);
    } else {
        pr_uint(pr, "range_end", NO_OFFSET, ref->range_end);
        pr_uint(pr, "range_start", NO_OFFSET, ref->range_start);
    }
    pr_end(pr);
}

static const char *prop_kind_name(ddp_prop_kind k)
{
    return k == DDP_PROP_SLOT ? "slot" : k == DDP_PROP_BLOCK ? "block" : "descriptor";
}

static void print_prop(printer *pr, const uint8_t *buf, const ddp_reparse_prop *p)
{
    pr_begin(pr, prop_kind_name(p->kind), p->entry_offset);
    pr_text(pr, "kind", NO_OFFSET, prop_kind_name(p->kind));   /* JSON list items have no name */
    if (p->kind == DDP_PROP_BLOCK) {
        pr_text(pr, "magic", p->offset, p->block);
        pr_hex(pr, "crc32", p->offset + 4, p->crc32);
        pr_uint(pr, "size", p->offset + 8, p->size);
        pr_uint(pr, "descriptors", p->offset + 0x0E, p->type);
        pr_uint(pr, "depth", NO_OFFSET, p->depth);
        pr_end(pr);
        return;
    }
    if (p->kind == DDP_PROP_DESCRIPTOR)
        pr_text(pr, "block", NO_OFFSET, p->block);
    pr_uint(pr, "type", NO_OFFSET, p->type);
    pr_uint(pr, "size", NO_OFFSET, p->size);
    pr_hex(pr, "value_offset", NO_OFFSET, p->offset);
    if (p->size == 4)
        pr_hex(pr, "u32", p->offset, ddp_le32(buf + p->offset));
    else if (p->size == 8)
        pr_uint(pr, "u64", p->offset, ddp_le64(buf + p->offset));
    if (p->size == 16) {
        char text[39];
        ddp_guid_format(buf + p->offset, text);
        pr_text(pr, "as_guid", p->offset, text);
    }
    if (p->size <= 64)
        pr_bytes(pr, "bytes", p->offset, buf + p->offset, p->size);
    pr_end(pr);
}

static int print_props(printer *pr, const char *name, const uint8_t *buf, size_t len)
{
    static ddp_reparse_prop props[MAX_PROPS];
    size_t n = 0;
    ddp_diag diag = {0, NULL};
    ddp_status st = ddp_reparse_props(buf, len, props, MAX_PROPS, &n, &diag);
    if (st != DDP_OK)
        return report_error(pr, name, diag.offset, diag.what, st);
    pr_begin_list(pr, "properties");
    for (size_t i = 0; i < n && i < MAX_PROPS; i++)
        print_prop(pr, buf, &props[i]);
    pr_end_list(pr);
    if (n > MAX_PROPS)
        fprintf(stderr, "ddp-inspect: %s: %zu properties, first %u shown\n", name, n, MAX_PROPS);
    return 0;
}

int inspect_reparse(printer *pr, const char *name, const uint8_t *buf, size_t len)
{
    ddp_reparse r;
    ddp_diag diag = {0, NULL};
    ddp_status st = ddp_reparse_parse(buf, len, &r, &diag);

    pr_text(pr, "input", NO_OFFSET, name);
    pr_text(pr, "kind", NO_OFFSET, "reparse");
    pr_uint(pr, "buffer_length", NO_OFFSET, len);
    if (st != DDP_OK)
        return report_error(pr, name, diag.offset, diag.what, st);
    print_header(pr, buf, &r);
    print_file_fields(pr, &r);
    pr_begin_list(pr, "stream_references");
    for (uint32_t i = 0; i < r.n_refs; i++)
        print_ref(pr, &r.refs[i]);
    pr_end_list(pr);
    if (r.layout == DDP_LAYOUT_0201) {
        print_0201_unknowns(pr, buf);
        return 0;
    }
    return print_props(pr, name, buf, len);
}
