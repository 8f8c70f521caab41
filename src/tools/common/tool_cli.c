/*
 * tool_cli.c - the shared option parser and messages of the ddp tools (tool_cli.h).
 */
#include "tool_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ddp_build_info.h"

void cli_init(cli *c, const char *tool, void (*usage)(FILE *f), int argc, char **argv)
{
    memset(c, 0, sizeof *c);
    c->tool = tool;
    c->usage = usage;
    c->argc = argc;
    c->argv = argv;
    c->next = 1;
}

void cli_print_version(FILE *f, const char *tool)
{
    fprintf(f, "%s %s (commit %s)\n", tool, DDP_VERSION, DDP_COMMIT);
    fputs("ddpbackup: Windows Data Deduplication restore, MIT license\n", f);
}

const char *cli_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int cli_usage_error(const cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->tool);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    c->usage(stderr);
    return CLI_EXIT_USAGE;
}

/* The option named by arg (up to '=' when it has one), or NULL. */
static const cli_option *find_option(const cli_option *opts, const char *arg, size_t len)
{
    for (const cli_option *o = opts; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, arg, len))
            return o;
        if (o->alias && strlen(o->alias) == len && !strncmp(o->alias, arg, len))
            return o;
    }
    return NULL;
}

int cli_next(cli *c, const cli_option *opts, const char **value)
{
    *value = NULL;
    if (c->next >= c->argc)
        return CLI_END;
    const char *a = c->argv[c->next++];
    if (c->operands_only || a[0] != '-' || a[1] == '\0') {
        *value = a;
        return CLI_OPERAND;
    }
    if (!strcmp(a, "--")) {
        c->operands_only = 1;
        return cli_next(c, opts, value);
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        c->usage(stdout);
        exit(0);
    }
    if (!strcmp(a, "--version")) {
        cli_print_version(stdout, c->tool);
        exit(0);
    }
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    const cli_option *o = find_option(opts, a, len);
    if (!o) {
        cli_usage_error(c, "unknown option '%.*s'", (int)len, a);
        return CLI_ERROR;
    }
    if (!o->has_value) {
        if (eq) {
            cli_usage_error(c, "%s takes no value", o->name);
            return CLI_ERROR;
        }
        return o->id;
    }
    if (eq && eq[1]) {
        *value = eq + 1;
    } else if (!eq && c->next < c->argc) {
        *value = c->argv[c->next++];
    } else {
        cli_usage_error(c, "%s needs a value", o->name);
        return CLI_ERROR;
    }
    return o->id;
}

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex && (!s[2] || s[2] == '-' || s[2] == '+' || s[2] == ' '))
        return -1;
    errno = 0;   /* decimal, even with leading zeros (no octal surprise), or 0x hex */
    unsigned long long v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
