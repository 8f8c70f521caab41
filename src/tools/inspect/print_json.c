/*
 * print_json.c - the JSON printer of ddp-inspect, for scripts.
 *
 * A field read from the input is {"offset": N, "value": V}; a computed one is just V.
 * Numbers are decimal JSON numbers (hex fields too), byte strings are lower-case hex
 * strings, text is escaped. The document is one object; lists are JSON arrays.
 */
#include <inttypes.h>

#include "printer.h"

static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

/* Comma and name (inside objects) before a new member. */
static void member(printer *p, const char *name)
{
    if (!p->first[p->depth])
        fputc(',', p->f);
    p->first[p->depth] = 0;
    if (!p->in_list[p->depth]) {
        put_string(p->f, name ? name : "");
        fputc(':', p->f);
    }
}

static void open_level(printer *p, char c, int list)
{
    fputc(c, p->f);
    if (p->depth + 1 < PRINTER_MAX_DEPTH)
        p->depth++;
    p->first[p->depth] = 1;
    p->in_list[p->depth] = list;
}

static void j_begin(printer *p, const char *name, uint64_t offset, int row)
{
    (void)row;
    member(p, name);
    open_level(p, '{', 0);
    if (offset != NO_OFFSET) {
        member(p, "offset");
        fprintf(p->f, "%" PRIu64, offset);
    }
}

static void j_end(printer *p)
{
    fputc('}', p->f);
    p->depth--;
}

static void j_begin_list(printer *p, const char *name)
{
    member(p, name);
    open_level(p, '[', 1);
}

static void j_end_list(printer *p)
{
    fputc(']', p->f);
    p->depth--;
}

/* Writes {"offset": N, "value": then the value, or just the value. */
static void value_start(printer *p, const char *name, uint64_t offset)
{
    member(p, name);
    if (offset != NO_OFFSET)
        fprintf(p->f, "{\"offset\":%" PRIu64 ",\"value\":", offset);
}

static void value_end(printer *p, uint64_t offset)
{
    if (offset != NO_OFFSET)
        fputc('}', p->f);
}

static void j_uint(printer *p, const char *name, uint64_t offset, uint64_t v, int hex)
{
    (void)hex;
    value_start(p, name, offset);
    fprintf(p->f, "%" PRIu64, v);
    value_end(p, offset);
}

static void j_text(printer *p, const char *name, uint64_t offset, const char *s)
{
    value_start(p, name, offset);
    put_string(p->f, s);
    value_end(p, offset);
}

static void j_bytes(printer *p, const char *name, uint64_t offset, const uint8_t *b, size_t n)
{
    value_start(p, name, offset);
    fputc('"', p->f);
    for (size_t i = 0; i < n; i++)
        fprintf(p->f, "%02x", b[i]);
    fputc('"', p->f);
    value_end(p, offset);
}

static void j_finish(printer *p)
{
    while (p->depth > 0) {
        fputc(p->in_list[p->depth] ? ']' : '}', p->f);
        p->depth--;
    }
    fputc('}', p->f);
    fputc('\n', p->f);
    fflush(p->f);
}

static const printer_ops json_ops = {j_begin, j_end, j_begin_list, j_end_list, j_uint, j_text, j_bytes, j_finish};

void printer_json_init(printer *p, FILE *f)
{
    *p = (printer){0};
    p->ops = &json_ops;
    p->f = f;
    p->first[0] = 1;
    fputc('{', f);
}
