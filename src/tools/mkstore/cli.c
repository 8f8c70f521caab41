/*
 * cli.c - the command line of ddp-mkstore:
 *
 *   ddp-mkstore [options] SRC_DIR DEST_ROOT
 *
 * Every numeric option takes decimal or 0x-prefixed hex. Options may come before or after
 * the operands; "--" ends them. Usage errors exit with 2 (tool_cli.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/reparse.h"
#include "mkstore.h"
#include "tool_cli.h"

void mkstore_usage(FILE *f)
{
    fputs("usage: ddp-mkstore [options] [--] SRC_DIR DEST_ROOT\n"
          "Builds a Data Deduplication chunk store from the files under SRC_DIR into\n"
          "DEST_ROOT/System Volume Information/Dedup/ChunkStore/{GUID}.ddp/ and writes, for each\n"
          "file, a stub at the same relative path under DEST_ROOT.\n"
          "  --stubs raw|xattr         raw: the stub's content is the reparse buffer (default);\n"
          "                            xattr: DEST_ROOT is an ntfs-3g mount, the stub keeps the\n"
          "                            file's size (sparse) and gets system.ntfs_reparse_data (Linux)\n"
          "  --layout 0201|0102|0103   reparse point layout (default 0102)\n"
          "  --hash sha256|sha512-trunc  chunk hash (default sha256)\n"
          "  --guid GUID               chunk store GUID (default a fixed one)\n"
          "  --container-size BYTES    seal a container past this size (default 1 GiB)\n"
          "  --data-generation N       generation of Data containers (default 1)\n"
          "  --stream-generation N     generation of Stream containers (default 1)\n"
          "  --stale-hints             write wrong offset hints; records are found through the Rrtl\n"
          "  --no-compress             store every chunk raw\n"
          "  --no-file-list            omit DedupFileList.1/.2 (readers then probe for generations)\n"
          "  --crc64-zero-init         container CRC-64s with the zero start (default: all ones, NVME)\n"
          "  --filetime N              FILETIME written in reparse points (default 2020-01-01)\n"
          "  --min-size BYTES          smaller files are copied as they are (default 32768)\n"
          "  --json                    summary as JSON\n"
          "  --quiet, -q               no summary\n"
          "  --force, -f               write into a DEST_ROOT that already holds a chunk store\n"
          "                            (its files are replaced; without --force that is refused)\n"
          "  --help, -h                this text on standard output\n"
          "  --version                 version and commit\n"
          "A refused or failed run leaves nothing behind: what it created is removed.\n"
          "exit status: 0 done, 1 build failed, 2 usage\n",
          f);
}

static int parse_layout(const char *s, uint16_t *layout)
{
    static const struct { const char *name; uint16_t value; } names[] = {
        {"0201", DDP_LAYOUT_0201}, {"0102", DDP_LAYOUT_0102}, {"0103", DDP_LAYOUT_0103},
        {"0x0201", DDP_LAYOUT_0201}, {"0x0102", DDP_LAYOUT_0102}, {"0x0103", DDP_LAYOUT_0103},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *layout = names[i].value;
            return 0;
        }
    return -1;
}

enum { OPT_STUBS = 1, OPT_LAYOUT, OPT_HASH, OPT_GUID, OPT_FILETIME, OPT_MIN_SIZE, OPT_CONTAINER_SIZE,
       OPT_DATA_GENERATION, OPT_STREAM_GENERATION, OPT_STALE_HINTS, OPT_NO_COMPRESS, OPT_JSON, OPT_QUIET,
       OPT_FORCE, OPT_NO_FILE_LIST, OPT_CRC64_ZERO_INIT };
static const cli_option option_table[] = {
    {"--stubs", NULL, 1, OPT_STUBS},
    {"--layout", NULL, 1, OPT_LAYOUT},
    {"--hash", NULL, 1, OPT_HASH},
    {"--guid", NULL, 1, OPT_GUID},
    {"--filetime", NULL, 1, OPT_FILETIME},
    {"--min-size", NULL, 1, OPT_MIN_SIZE},
    {"--container-size", NULL, 1, OPT_CONTAINER_SIZE},
    {"--data-generation", NULL, 1, OPT_DATA_GENERATION},
    {"--stream-generation", NULL, 1, OPT_STREAM_GENERATION},
    {"--stale-hints", NULL, 0, OPT_STALE_HINTS},
    {"--no-compress", NULL, 0, OPT_NO_COMPRESS},
    {"--no-file-list", NULL, 0, OPT_NO_FILE_LIST},
    {"--crc64-zero-init", NULL, 0, OPT_CRC64_ZERO_INIT},
    {"--json", NULL, 0, OPT_JSON},
    {"--quiet", "-q", 0, OPT_QUIET},
    {"--force", "-f", 0, OPT_FORCE},
    {NULL, NULL, 0, 0},
};

/* One option; returns 0, or the message of what is wrong with its value. */
static const char *take_option(mkstore_options *opt, int id, const char *v)
{
    uint64_t n = 0;
    ddp_store_builder_options *s = &opt->store;
    switch (id) {
    case OPT_STUBS:
        if (!strcmp(v, "raw"))
            opt->stubs = STUBS_RAW;
        else if (!strcmp(v, "xattr"))
            opt->stubs = STUBS_XATTR;
        else
            return "--stubs: must be raw or xattr";
        return NULL;
    case OPT_LAYOUT:
        return parse_layout(v, &s->layout) ? "--layout: must be 0201, 0102 or 0103" : NULL;
    case OPT_HASH:
        s->hash_alg = ddp_hash_alg_parse(v);
        return s->hash_alg == DDP_HASH_UNKNOWN ? "--hash: must be sha256 or sha512-trunc" : NULL;
    case OPT_GUID:
        return ddp_guid_parse(v, s->guid) ? "--guid: must be a GUID like {6464705F-7473-6F72-8000-0000DD500001}"
                                           : NULL;
    case OPT_FILETIME:
        return cli_parse_u64(v, 0, UINT64_MAX, &s->filetime) ? "--filetime: must be a number" : NULL;
    case OPT_MIN_SIZE:
        return cli_parse_u64(v, 0, UINT64_MAX, &opt->min_size) ? "--min-size: must be a number of bytes" : NULL;
    case OPT_CONTAINER_SIZE:
        if (cli_parse_u64(v, 1, 0xC0000000ull, &n))
            return "--container-size: must be 1..3221225472 (3 GiB)";
        s->container_limit = n;
        return NULL;
    case OPT_DATA_GENERATION:
    case OPT_STREAM_GENERATION:
        if (cli_parse_u64(v, 0, UINT32_MAX, &n))
            return id == OPT_DATA_GENERATION ? "--data-generation: must be 0..4294967295"
                                             : "--stream-generation: must be 0..4294967295";
        *(id == OPT_DATA_GENERATION ? &s->data_generation : &s->stream_generation) = (uint32_t)n;
        return NULL;
    case OPT_STALE_HINTS: s->stale_hints = 1; return NULL;
    case OPT_NO_COMPRESS: s->compress = 0; return NULL;
    case OPT_NO_FILE_LIST: s->file_list = 0; return NULL;
    case OPT_CRC64_ZERO_INIT: s->crc64_zero_init = 1; return NULL;
    case OPT_JSON: opt->json = 1; return NULL;
    case OPT_QUIET: opt->quiet = 1; return NULL;
    case OPT_FORCE: opt->force = 1; return NULL;
    }
    return "unhandled option";
}

int mkstore_parse_args(int argc, char **argv, mkstore_options *opt)
{
    memset(opt, 0, sizeof *opt);
    ddp_store_builder_options_default(&opt->store);
    opt->store.file_list = 1;   /* DedupFileList.1/.2, as Windows keeps them */
    opt->min_size = 32768;
    const char *positional[2], *v;
    int npos = 0, id;
    cli c;
    cli_init(&c, "ddp-mkstore", mkstore_usage, argc, argv);
    while ((id = cli_next(&c, option_table, &v)) != CLI_END) {
        if (id == CLI_ERROR)
            return -1;
        if (id == CLI_OPERAND) {
            if (npos == 2)
                return cli_usage_error(&c, "unexpected argument '%s' (give SRC_DIR and DEST_ROOT)", v), -1;
            positional[npos++] = v;
            continue;
        }
        const char *problem = take_option(opt, id, v);
        if (problem)
            return cli_usage_error(&c, "%s", problem), -1;
    }
    if (npos < 2)
        return cli_usage_error(&c, npos ? "missing DEST_ROOT" : "missing SRC_DIR and DEST_ROOT"), -1;
    opt->src = positional[0];
    opt->dest = positional[1];
    return 0;
}
