/*
 * print_text.c - the human-readable printer of ddp-inspect.
 *
 * One field per line, indented by nesting, the offset it came from first:
 *     +0x00000010  logical_size                  18521190 (0x11a9c66)
 * Objects opened as rows print their fields on a single line as name=value pairs.
 */
#include <inttypes.h>

#include "printer.h"

static void indent(printer *p)
{
    for (int i = 0; i < p->depth; i++)
        fputs("  ", p->f);
}

static void offset_column(printer *p, uint64_t offset)
{
    if (offset == NO_OFFSET)
        fputs("             ", p->f);
    else
        fprintf(p->f, "+0x%08" PRIx64 "  ", offset);
}

/* Starts a field: on a row, a separator; otherwise a fresh line. */
static void field_start(printer *p, const char *name, uint64_t offset)
{
    if (p->row_depth) {
        fprintf(p->f, " %s=", name);
        return;
    }
    offset_column(p, offset);
    indent(p);
    fprintf(p->f, "%-28s ", name);
}

static void field_end(printer *p)
{
    if (!p->row_depth)
        fputc('\n', p->f);
}

static void t_begin(printer *p, const char *name, uint64_t offset, int row)
{
    if (p->row_depth) {   /* an object inside a row stays on the line */
        fprintf(p->f, " %s:{", name ? name : "");
        p->depth++;
        return;
    }
    offset_column(p, offset);
    indent(p);
    fputs(name ? name : "-", p->f);
    p->depth++;
    if (row) {
        fputc(':', p->f);
        p->row_depth = p->depth;
    } else {
        fputc('\n', p->f);
    }
}

static void t_end(printer *p)
{
    p->depth--;
    if (!p->row_depth)
        return;
    if (p->depth >= p->row_depth) {
        fputc('}', p->f);
        return;
    }
    fputc('\n', p->f);
    p->row_depth = 0;
}

static void t_begin_list(printer *p, const char *name)
{
    offset_column(p, NO_OFFSET);
    indent(p);
    fprintf(p->f, "%s\n", name);
    p->depth++;
}

static void t_end_list(printer *p)
{
    p->depth--;
}

static void t_uint(printer *p, const char *name, uint64_t offset, uint64_t v, int hex)
{
    field_start(p, name, offset);
    if (hex)
        fprintf(p->f, "0x%" PRIx64, v);
    else if (v > 9 && !p->row_depth)
        fprintf(p->f, "%" PRIu64 " (0x%" PRIx64 ")", v, v);
    else
        fprintf(p->f, "%" PRIu64, v);
    field_end(p);
}

static void t_text(printer *p, const char *name, uint64_t offset, const char *s)
{
    field_start(p, name, offset);
    fputs(s, p->f);
    field_end(p);
}

static void t_bytes(printer *p, const char *name, uint64_t offset, const uint8_t *b, size_t n)
{
    field_start(p, name, offset);
    for (size_t i = 0; i < n; i++)
        fprintf(p->f, "%02x", b[i]);
    field_end(p);
}

static void t_finish(printer *p)
{
    fflush(p->f);
}

static const printer_ops text_ops = {t_begin, t_end, t_begin_list, t_end_list, t_uint, t_text, t_bytes, t_finish};

void printer_text_init(printer *p, FILE *f)
{
    *p = (printer){0};
    p->ops = &text_ops;
    p->f = f;
}
