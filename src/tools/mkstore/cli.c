/*
 * cli.c - the command line of ddp-mkstore:
 *
 *   ddp-mkstore [options] SRC_DIR DEST_ROOT
 *
 * Every numeric option takes decimal or 0x-prefixed hex. Usage errors exit with 2.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/reparse.h"
#include "mkstore.h"

void mkstore_usage(FILE *f)
{
    fputs("usage: ddp-mkstore [options] SRC_DIR DEST_ROOT\n"
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
          "  --quiet                   no summary\n"
          "exit status: 0 done, 1 build failed, 2 usage\n",
          f);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
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

/* One option with a value; returns 0, or -1 when the value is bad. */
static int take_value(mkstore_options *opt, const char *name, const char *v)
{
    uint64_t n = 0;
    ddp_store_options *s = &opt->store;
    if (!strcmp(name, "--stubs")) {
        if (!strcmp(v, "raw"))
            opt->stubs = STUBS_RAW;
        else if (!strcmp(v, "xattr"))
            opt->stubs = STUBS_XATTR;
        else
            return -1;
        return 0;
    }
    if (!strcmp(name, "--layout"))
        return parse_layout(v, &s->layout);
    if (!strcmp(name, "--hash"))
        return (s->hash_alg = ddp_hash_alg_parse(v)) == DDP_HASH_UNKNOWN ? -1 : 0;
    if (!strcmp(name, "--guid"))
        return ddp_guid_parse(v, s->guid);
    if (!strcmp(name, "--filetime"))
        return parse_u64(v, UINT64_MAX, &s->filetime);
    if (!strcmp(name, "--min-size"))
        return parse_u64(v, UINT64_MAX, &opt->min_size);
    if (!strcmp(name, "--container-size")) {
        if (parse_u64(v, 0xC0000000ull, &n) || n == 0)
            return -1;
        s->container_limit = n;
        return 0;
    }
    if (!strcmp(name, "--data-generation") || !strcmp(name, "--stream-generation")) {
        if (parse_u64(v, UINT32_MAX, &n))
            return -1;
        *(name[2] == 'd' ? &s->data_generation : &s->stream_generation) = (uint32_t)n;
        return 0;
    }
    return -2;   /* not an option with a value */
}

static int take_flag(mkstore_options *opt, const char *name)
{
    if (!strcmp(name, "--stale-hints"))
        opt->store.stale_hints = 1;
    else if (!strcmp(name, "--no-compress"))
        opt->store.compress = 0;
    else if (!strcmp(name, "--no-file-list"))
        opt->store.file_list = 0;
    else if (!strcmp(name, "--crc64-zero-init"))
        opt->store.crc64_zero_init = 1;
    else if (!strcmp(name, "--json"))
        opt->json = 1;
    else if (!strcmp(name, "--quiet"))
        opt->quiet = 1;
    else
        return -1;
    return 0;
}

int mkstore_parse_args(int argc, char **argv, mkstore_options *opt)
{
    memset(opt, 0, sizeof *opt);
    ddp_store_options_default(&opt->store);
    opt->store.file_list = 1;   /* DedupFileList.1/.2, as Windows keeps them */
    opt->min_size = 32768;
    const char *positional[2];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] != '-' || !a[2]) {
            if (npos == 2) {
                fprintf(stderr, "ddp-mkstore: unexpected argument '%s'\n", a);
                return -1;
            }
            positional[npos++] = a;
            continue;
        }
        if (take_flag(opt, a) == 0)
            continue;
        int r = i + 1 < argc ? take_value(opt, a, argv[i + 1]) : take_value(opt, a, "");
        if (r == -2) {
            fprintf(stderr, "ddp-mkstore: unknown option '%s'\n", a);
            return -1;
        }
        if (r != 0 || i + 1 >= argc) {
            fprintf(stderr, "ddp-mkstore: bad or missing value for %s\n", a);
            return -1;
        }
        i++;
    }
    if (npos != 2) {
        fprintf(stderr, "ddp-mkstore: SRC_DIR and DEST_ROOT are required\n");
        return -1;
    }
    opt->src = positional[0];
    opt->dest = positional[1];
    return 0;
}
