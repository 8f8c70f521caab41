/*
 * tool_cli.h - the command-line conventions every ddp tool shares, in one place:
 * options before or after the operands, "--NAME VALUE" or "--NAME=VALUE", "--" ends the
 * options; --help prints the usage on stdout and exits 0; --version prints the version
 * and the commit the tool was built from and exits 0. A usage error is one line naming
 * what is wrong ("ddp-restore: unknown option '--bogus'") followed by the usage, both
 * on stderr, and the tool exits with CLI_EXIT_USAGE (2).
 */
#ifndef DDP_TOOL_CLI_H
#define DDP_TOOL_CLI_H

#include <stdint.h>
#include <stdio.h>

#define CLI_EXIT_USAGE 2

/* One option of a tool: its long name ("--store"), an optional short alias ("-q"),
 * whether it takes a value, and the id cli_next returns for it (> 0). Tables end with
 * an entry whose name is NULL. */
typedef struct cli_option {
    const char *name;
    const char *alias;
    int has_value;
    int id;
} cli_option;

typedef struct cli {
    const char *tool;           /* "ddp-restore": the prefix of every message */
    void (*usage)(FILE *f);     /* prints the tool's usage */
    int argc;
    char **argv;
    int next;                   /* index of the next argument */
    int operands_only;          /* "--" was seen */
} cli;

enum { CLI_END = 0, CLI_OPERAND = -1, CLI_ERROR = -2 };

void cli_init(cli *c, const char *tool, void (*usage)(FILE *f), int argc, char **argv);
/* The next argument: an option's id (*value its value when it takes one), CLI_OPERAND
 * (*value the operand), CLI_END, or CLI_ERROR after an unknown option or a missing or
 * unexpected value was reported (the caller exits with CLI_EXIT_USAGE). --help and
 * --version (and -h) are answered here and exit the process with 0. */
int cli_next(cli *c, const cli_option *opts, const char **value);
/* Prints "TOOL: MESSAGE" and the usage on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A number in decimal or 0x hex within [min, max]; 0, or -1 when it is not one. */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "1 file", "2 files": n and the noun in the number it needs. */
const char *cli_plural(uint64_t n, const char *one, const char *many);
/* "TOOL VERSION (commit C)" and one line naming the project. */
void cli_print_version(FILE *f, const char *tool);

#endif
