/* write_fixtures.c - writes the fixtures of fixtures.h, and malformed variants of them, as
 * files into the directory given, for the ddp-inspect tests (inspect_tests.cmake). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#endif

#include "ddp/file_list.h"
#include "ddp/le.h"
#include "ddp/crc.h"
#include "fixtures.h"

static const char *dir;

static void write_file(const char *name, const uint8_t *p, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "write_fixtures: cannot write %s\n", path);
        exit(1);
    }
}

static void write_reparse(void)
{
    uint8_t b[512];
    size_t n = fx_reparse_0201(b);
    write_file("reparse_0201.bin", b, n);
    memset(b + n, 0, 64);   /* a dump padded past the reparse data */
    write_file("reparse_0201_padded.bin", b, n + 64);
    b[0x20] ^= 1;
    write_file("reparse_0201_badcrc.bin", b, n);
    n = fx_reparse_0102(b);
    write_file("reparse_0102.bin", b, n);
    ddp_put32(b + 12, 40);   /* slot count past the data */
    fx_reparse_reseal(b, n);
    write_file("reparse_0102_badcount.bin", b, n);
    n = fx_reparse_0103(b);
    write_file("reparse_0103.bin", b, n);
    write_file("reparse_0103_truncated.bin", b, n - 1);
    memcpy(b + FX_0103_DDRP_AT, "XxRp", 4);
    fx_reparse_reseal(b, n);
    write_file("reparse_0103_badmagic.bin", b, n);
    n = fx_reparse_0201(b);
    ddp_put32(b, 0xA000000Cu);
    write_file("reparse_symlink.bin", b, n);
}

static void write_containers(void)
{
    size_t n;
    uint8_t *c = fx_data_container(&n);
    write_file("00000001.00000001.ccc", c, n);
    c[FX_CHUNK7_AT + 0x10] = 7;   /* record kind 7 */
    write_file("data_badkind.ccc", c, n);
    c[FX_CHUNK7_AT + 0x10] = 1;
    write_file("data_truncated.ccc", c, FX_CHUNK8_AT + 0x58 + 100);
    ddp_put32(c + 0x3000 + 8, 0x10000);   /* Rrtl count past the end of the file */
    write_file("data_badrrtl.ccc", c, 0x6000);
    free(c);

    c = fx_stream_container(&n);
    write_file("00010000.00000001.ccc", c, n);
    ddp_put64(c + FX_SMAP_RECORD_AT + 0x68 + 72 + 0x10, 61095);   /* second end not increasing */
    write_file("stream_badsmap.ccc", c, n);
    free(c);

    uint8_t m[136];
    fx_smap_3ac60(m);
    write_file("smap_3ac60.bin", m, sizeof m);
    write_file("smap_badlength.bin", m, sizeof m - 1);
    write_file("short.bin", m, 3);
    write_file("unknown.bin", (const uint8_t *)"Xyzw-not-a-format", 17);
}

static void make_dir(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
#ifdef _WIN32
    _mkdir(path);
#else
    mkdir(path, 0777);
#endif
}

/* The chunk store's small files as FORMAT.md §2.2 describes them (fields of unknown
 * meaning hold arbitrary values), and damaged variants. */
static uint8_t dlog[16 + 2 * 40];
static uint8_t cdir[28];

static void write_store_files(void)
{
    static const char *const paths[2] = {"Data\\00000001.00000001.ccc", "Stream\\00010000.00000001.ccc"};
    uint8_t b[576];
    size_t n = 0;
    if (ddp_file_list_build(paths, 2, b, sizeof b, &n) != DDP_OK)
        exit(1);
    write_file("DedupFileList.1", b, n);
    write_file("dfl_truncated.bin", b, n - 8);
    b[0x140 + 0x20] ^= 1;
    write_file("dfl_badentry.bin", b, n);
    b[0x140 + 0x20] ^= 1;
    b[0x08] = 3;
    write_file("dfl_badheader.bin", b, n);

    uint8_t d[16 + 2 * 40];
    memcpy(d, "Dlog\x02\x01\x01\x02\x00\x00\x01\x00", 12);
    ddp_put32(d + 12, ddp_crc32(d, 12));
    for (int i = 0; i < 2; i++) {
        uint8_t *e = d + 16 + 40 * i;
        ddp_put32(e, i ? 0xB2 : 1);
        for (int k = 0; k < 32; k++)
            e[4 + k] = (uint8_t)(0x19 + 7 * k + i);
        ddp_put32(e + 36, ddp_crc32(e, 36));
    }
    write_file("00010000.00000001.delete.log", d, sizeof d);
    memcpy(dlog, d, sizeof d);
    write_file("dlog_partial.bin", d, sizeof d - 5);
    d[16 + 40 + 4] ^= 0x80;
    write_file("dlog_badentry.bin", d, sizeof d);

    uint8_t c[28] = "Cdir";
    for (int i = 4; i < 24; i++)
        c[i] = (uint8_t)i;
    ddp_put32(c + 24, ddp_crc32(c, 24));
    write_file("00000001.00000001.01.cd", c, sizeof c);
    memcpy(cdir, c, sizeof c);
    c[5] ^= 1;
    write_file("cdir_badcrc.bin", c, sizeof c);

    uint8_t h[40] = "Bmap\x01\x03\x03\x01";
    ddp_put32(h + 8, 0x20);
    ddp_put32(h + 0x1C, ddp_crc32(h, 0x1C));
    memset(h + 0x20, 0xAB, 8);   /* bytes past the header: shown raw */
    write_file("Hotspots", h, sizeof h);

    uint8_t g[76] = "DdCf";
    for (int i = 4; i < 76; i += 4)
        ddp_put32(g + i, (uint32_t)i * 0x101u);
    write_file("Dedup.01.cfg", g, sizeof g);
    write_file("ddcf_short.bin", g, 40);

    static const char digits[] = "3000000000159";
    uint8_t t[2 + 2 * 13] = {0xFF, 0xFE};
    for (int i = 0; i < 13; i++)
        ddp_put16(t + 2 + 2 * i, (uint16_t)digits[i]);
    write_file("stamp.dat", t, sizeof t);
    ddp_put16(t + 4, 'x');
    write_file("stamp_bad.bin", t, sizeof t);
}

/* Chunk store trees for "ddp-inspect store": the fixture containers with their list and
 * small files (sound), the list naming another stream generation (disagreement), and two
 * generations of one stream container. */
static void write_store(const char *root, uint32_t listed_stream_gen, int second_generation)
{
    char sub[256];
    size_t n;
    make_dir(root);
    snprintf(sub, sizeof sub, "%s/Data", root);
    make_dir(sub);
    snprintf(sub, sizeof sub, "%s/Stream", root);
    make_dir(sub);
    snprintf(sub, sizeof sub, "%s/Hotspot", root);
    make_dir(sub);
    uint8_t *c = fx_data_container(&n);
    snprintf(sub, sizeof sub, "%s/Data/00000001.00000001.ccc", root);
    write_file(sub, c, n);
    free(c);
    c = fx_stream_container(&n);
    snprintf(sub, sizeof sub, "%s/Stream/00010000.00000001.ccc", root);
    write_file(sub, c, n);
    if (second_generation) {
        snprintf(sub, sizeof sub, "%s/Stream/00010000.00000002.ccc", root);
        ddp_put32(c + 0x14, 2);
        ddp_put64(c + 0x38, ddp_crc64_zero_init(c, 0x38));
        write_file(sub, c, n);
    }
    free(c);
    char stream_path[64];
    snprintf(stream_path, sizeof stream_path, "Stream\\00010000.%08x.ccc", (unsigned)listed_stream_gen);
    const char *paths[2] = {"Data\\00000001.00000001.ccc", stream_path};
    uint8_t b[576];
    if (ddp_file_list_build(paths, 2, b, sizeof b, &n) != DDP_OK)
        exit(1);
    snprintf(sub, sizeof sub, "%s/DedupFileList.1", root);
    write_file(sub, b, n);
    snprintf(sub, sizeof sub, "%s/DedupFileList.2", root);
    write_file(sub, b, n);
    uint8_t h[32] = "Bmap\x01\x03\x03\x01";
    ddp_put32(h + 0x1C, ddp_crc32(h, 0x1C));
    snprintf(sub, sizeof sub, "%s/Hotspot/Hotspots", root);
    write_file(sub, h, sizeof h);
    snprintf(sub, sizeof sub, "%s/Stream/00010000.00000001.delete.log", root);
    write_file(sub, dlog, sizeof dlog);
    snprintf(sub, sizeof sub, "%s/Data/00000001.00000001.01.cd", root);
    write_file(sub, cdir, sizeof cdir);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: write_fixtures DIR\n");
        return 2;
    }
    dir = argv[1];
    write_reparse();
    write_containers();
    write_store_files();
    write_store("sound.ddp", 1, 0);
    write_store("disagree.ddp", 2, 0);
    write_store("twogen.ddp", 2, 1);
    return 0;
}
