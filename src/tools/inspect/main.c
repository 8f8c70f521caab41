/*
 * main.c - ddp-inspect's command line: which subcommand, which input, which printer.
 *
 *   ddp-inspect [--json] FILE                         (kind found from the first bytes)
 *   ddp-inspect [--json] reparse FILE                 (raw $REPARSE_POINT dump)
 *   ddp-inspect [--json] reparse --xattr FILE         (Linux, ntfs-3g mount)
 *   ddp-inspect [--json] reparse --file PATH          (Windows: the file's own reparse point)
 *   ddp-inspect [--json] container FILE [--records]
 *   ddp-inspect [--json] smap CONTAINER (--offset N | --sequence N)
 *   ddp-inspect [--json] store ROOT                   (every chunk store under ROOT, or one .ddp)
 *
 * Exit status: 0 well-formed input, 1 malformed or unreadable input, 2 usage error.
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ddp/reparse.h"
#include "file_access.h"
#include "tool_cli.h"

static const char usage_text[] =
    "usage: ddp-inspect [--json] [--] FILE\n"
    "       ddp-inspect [--json] reparse [--xattr | --file] FILE\n"
    "       ddp-inspect [--json] container FILE [--records]\n"
    "       ddp-inspect [--json] smap CONTAINER (--offset N | --sequence N)\n"
    "       ddp-inspect [--json] store ROOT\n"
    "FILE without a subcommand is recognised by its first bytes: a reparse buffer dump\n"
    "(tag 0x80000013), a container (\"Cthr\"), a stream-map payload (\"Smap\"), or a chunk\n"
    "store file: DedupFileList.*, *.delete.log, *.cd, Hotspots, Dedup.*.cfg, stamp.dat.\n"
    "store summarises every chunk store under ROOT (or the .ddp folder ROOT).\n"
    "--sequence finds the record through the container's Rrtl, else by a scan of its records.\n"
    "Numbers are decimal, or hex with 0x. Options may come anywhere; -- ends them.\n"
    "  --json      the same fields as one JSON object on standard output\n"
    "  --help, -h  this text on standard output;  --version  version and commit\n"
    "Exit status: 0 ok, 1 malformed input, 2 usage.\n";

typedef struct args {
    int json;
    int records;
    const char *command;        /* NULL: auto-detect */
    const char *path;
    enum { FROM_DUMP, FROM_XATTR, FROM_WIN32 } reparse_source;
    int smap_by;                /* 0 unset, 1 offset, 2 sequence */
    uint64_t smap_value;
} args;

static void print_usage(FILE *f)
{
    fputs(usage_text, f);
}

enum { OPT_JSON = 1, OPT_RECORDS, OPT_XATTR, OPT_FILE, OPT_OFFSET, OPT_SEQUENCE };
static const cli_option option_table[] = {
    {"--json", NULL, 0, OPT_JSON},
    {"--records", NULL, 0, OPT_RECORDS},
    {"--xattr", NULL, 0, OPT_XATTR},
    {"--file", NULL, 0, OPT_FILE},
    {"--offset", NULL, 1, OPT_OFFSET},
    {"--sequence", NULL, 1, OPT_SEQUENCE},
    {NULL, NULL, 0, 0},
};

/* The parser of the current run, for usage errors found after parsing. */
static cli parser;

static int usage(const char *problem)
{
    return cli_usage_error(&parser, "%s", problem);
}

static int parse_number(const char *text, uint64_t *value)
{
    return cli_parse_u64(text, 0, UINT64_MAX, value);
}

static int is_command(const char *s)
{
    return !strcmp(s, "reparse") || !strcmp(s, "container") || !strcmp(s, "smap") || !strcmp(s, "store");
}

/* Returns 0, or EXIT_USAGE after printing why. */
static int parse_args(int argc, char **argv, args *a)
{
    const char *v;
    int id;
    memset(a, 0, sizeof *a);
    cli_init(&parser, "ddp-inspect", print_usage, argc, argv);
    while ((id = cli_next(&parser, option_table, &v)) != CLI_END) {
        if (id == CLI_ERROR) {
            return EXIT_USAGE;
        } else if (id == OPT_JSON) {
            a->json = 1;
        } else if (id == OPT_RECORDS) {
            a->records = 1;
        } else if (id == OPT_XATTR || id == OPT_FILE) {
            if (a->reparse_source != FROM_DUMP && a->reparse_source != (id == OPT_XATTR ? FROM_XATTR : FROM_WIN32))
                return usage("--xattr and --file cannot be combined");
            a->reparse_source = id == OPT_XATTR ? FROM_XATTR : FROM_WIN32;
        } else if (id == OPT_OFFSET || id == OPT_SEQUENCE) {
            if (a->smap_by)
                return usage("--offset and --sequence cannot be combined");
            a->smap_by = id == OPT_OFFSET ? 1 : 2;
            if (parse_number(v, &a->smap_value) != 0)
                return usage(id == OPT_OFFSET ? "--offset: must be a number (decimal or 0x hex)"
                                              : "--sequence: must be a number (decimal or 0x hex)");
        } else if (!a->command && !a->path && is_command(v)) {
            a->command = v;
        } else if (!a->path) {
            a->path = v;
        } else {
            return cli_usage_error(&parser, "unexpected argument '%s' (one FILE at a time)", v);
        }
    }
    if (!a->path)
        return usage("missing FILE");
    const char *cmd = a->command ? a->command : "";
    if (a->reparse_source != FROM_DUMP && strcmp(cmd, "reparse") != 0)
        return usage("--xattr and --file go with the reparse subcommand");
    if (a->records && strcmp(cmd, "container") != 0)
        return usage("--records goes with the container subcommand");
    if (!strcmp(cmd, "smap") != (a->smap_by != 0))
        return usage(a->smap_by ? "--offset and --sequence go with the smap subcommand"
                                : "smap needs --offset N or --sequence N");
    return 0;
}

static int run_reparse(printer *pr, const args *a)
{
    static uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 0;
    char err[256] = "";
    reparse_read r;
    if (a->reparse_source == FROM_XATTR)
        r = read_reparse_xattr(a->path, buf, sizeof buf, &len, err, sizeof err);
    else if (a->reparse_source == FROM_WIN32)
        r = read_reparse_win32(a->path, buf, sizeof buf, &len, err, sizeof err);
    else
        r = read_reparse_dump(a->path, buf, sizeof buf, &len, err, sizeof err);
    if (r == REPARSE_READ_UNAVAILABLE)
        return usage(err);
    if (r != REPARSE_READ_OK)
        return report_io_error(pr, a->path, err);
    return inspect_reparse(pr, a->path, buf, len);
}

/* Picks the subcommand from the file's first bytes. */
static int run_detected(printer *pr, const args *a)
{
    input_file in;
    char err[256];
    uint8_t head[4];
    if (input_open(&in, a->path, err, sizeof err) != 0)
        return report_io_error(pr, a->path, err);
    int short_file = input_read(&in, 0, head, sizeof head) != 0;
    input_close(&in);
    if (short_file)
        return report_error(pr, a->path, 0, "file too short to recognise", DDP_ERR_TRUNCATED);
    if (!memcmp(head, "\x13\x00\x00\x80", 4))
        return run_reparse(pr, a);
    if (!memcmp(head, "Cthr", 4))
        return inspect_container(pr, a->path, 0);
    if (!memcmp(head, "Smap", 4))
        return inspect_smap_payload(pr, a->path);
    int rc = 0;
    if (inspect_store_file_detected(pr, a->path, head, &rc))
        return rc;
    return report_error(pr, a->path, 0, "not a reparse buffer, container or stream map (first bytes unknown)",
                        DDP_ERR_BAD_MAGIC);
}

int main(int argc, char **argv)
{
    args a;
    printer pr;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    if (a.json)
        printer_json_init(&pr, stdout);
    else
        printer_text_init(&pr, stdout);
    if (!a.command)
        rc = run_detected(&pr, &a);
    else if (!strcmp(a.command, "reparse"))
        rc = run_reparse(&pr, &a);
    else if (!strcmp(a.command, "container"))
        rc = inspect_container(&pr, a.path, a.records);
    else if (!strcmp(a.command, "store"))
        rc = inspect_store(&pr, a.path);
    else
        rc = inspect_smap_record(&pr, a.path, a.smap_by == 2, a.smap_value);
    pr_finish(&pr);
    return rc;
}
