/*
 * printer.h - how ddp-inspect writes what it finds: one interface, two printers.
 *
 * The commands describe a structure as nested objects and lists of named fields, each
 * with the byte offset it was read from (NO_OFFSET for values we computed). The text
 * printer lays them out for people ("+0x0010  logical_size  18521190 (0x11a9c66)"), the
 * JSON printer for scripts ({"logical_size": {"offset": 16, "value": 18521190}}).
 * A "row" object is printed on one line by the text printer (the --records walk).
 */
#ifndef DDP_INSPECT_PRINTER_H
#define DDP_INSPECT_PRINTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NO_OFFSET UINT64_MAX
#define PRINTER_MAX_DEPTH 16

typedef struct printer printer;

typedef struct printer_ops {
    void (*begin)(printer *p, const char *name, uint64_t offset, int row);   /* object */
    void (*end)(printer *p);
    void (*begin_list)(printer *p, const char *name);
    void (*end_list)(printer *p);
    void (*uint)(printer *p, const char *name, uint64_t offset, uint64_t v, int hex);
    void (*text)(printer *p, const char *name, uint64_t offset, const char *s);
    void (*bytes)(printer *p, const char *name, uint64_t offset, const uint8_t *b, size_t n);
    void (*finish)(printer *p);
} printer_ops;

struct printer {
    const printer_ops *ops;
    FILE *f;
    int depth;
    int first[PRINTER_MAX_DEPTH];    /* JSON: nothing written yet at this level */
    int in_list[PRINTER_MAX_DEPTH];  /* JSON: this level is a list (no names) */
    int row_depth;                   /* text: depth of the open one-line object, 0 if none */
};

void printer_text_init(printer *p, FILE *f);
void printer_json_init(printer *p, FILE *f);

static inline void pr_begin(printer *p, const char *name, uint64_t offset) { p->ops->begin(p, name, offset, 0); }
static inline void pr_begin_row(printer *p, const char *name, uint64_t offset) { p->ops->begin(p, name, offset, 1); }
static inline void pr_end(printer *p) { p->ops->end(p); }
static inline void pr_begin_list(printer *p, const char *name) { p->ops->begin_list(p, name); }
static inline void pr_end_list(printer *p) { p->ops->end_list(p); }
static inline void pr_uint(printer *p, const char *name, uint64_t offset, uint64_t v) { p->ops->uint(p, name, offset, v, 0); }
static inline void pr_hex(printer *p, const char *name, uint64_t offset, uint64_t v) { p->ops->uint(p, name, offset, v, 1); }
static inline void pr_text(printer *p, const char *name, uint64_t offset, const char *s) { p->ops->text(p, name, offset, s); }
static inline void pr_bytes(printer *p, const char *name, uint64_t offset, const uint8_t *b, size_t n)
{
    p->ops->bytes(p, name, offset, b, n);
}
static inline void pr_finish(printer *p) { p->ops->finish(p); }

#endif
