/* write_fixtures.c - writes the fixtures of fixtures.h, and malformed variants of them, as
 * files into the directory given, for the ddp-inspect tests (inspect_tests.cmake). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: write_fixtures DIR\n");
        return 2;
    }
    dir = argv[1];
    write_reparse();
    write_containers();
    return 0;
}
