/* test_rtl_compress.c - an independent encoder for our decoders: ntdll's
 * RtlCompressBuffer (Wine's or Windows') compresses varied data and our decoders must
 * give back the exact bytes. LZNT1 is required; Xpress and Xpress Huffman run where
 * ntdll supports them (Wine 8 does not) and are skipped otherwise. Windows only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <windows.h>

#include "ddp/codec.h"
#include "codec_test_data.h"

#ifndef COMPRESSION_FORMAT_LZNT1
#define COMPRESSION_FORMAT_LZNT1 2
#endif
#ifndef COMPRESSION_FORMAT_XPRESS
#define COMPRESSION_FORMAT_XPRESS 3
#endif
#ifndef COMPRESSION_FORMAT_XPRESS_HUFF
#define COMPRESSION_FORMAT_XPRESS_HUFF 4
#endif
#ifndef COMPRESSION_ENGINE_STANDARD
#define COMPRESSION_ENGINE_STANDARD 0
#endif
#ifndef COMPRESSION_ENGINE_MAXIMUM
#define COMPRESSION_ENGINE_MAXIMUM 0x100
#endif
#define RTL_STATUS_BUFFER_ALL_ZEROS ((LONG)0x00000117)

/* ntdll exports, declared here (no DDK headers needed). */
__declspec(dllimport) LONG NTAPI RtlGetCompressionWorkSpaceSize(USHORT format, PULONG buffer_ws,
                                                                PULONG fragment_ws);
__declspec(dllimport) LONG NTAPI RtlCompressBuffer(USHORT format, PUCHAR src, ULONG src_len, PUCHAR dst,
                                                   ULONG dst_len, ULONG chunk_size, PULONG final_size,
                                                   PVOID workspace);

typedef ddp_status (*decoder)(const uint8_t *, size_t, uint8_t *, size_t);

/* Returns 0 when ntdll does not support the format. */
/* Xpress Huffman with one decoder for the whole program (reused like a worker's). */
static ddp_status xpress_huffman(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    static ddp_decoder *dec;
    if (!dec)
        dec = ddp_decoder_new();
    assert_non_null(dec);
    return ddp_xpress_huffman_decompress(dec, in, in_len, out, out_len);
}

static int rtl_supported(USHORT format)
{
    ULONG ws = 0, frag = 0;
    return RtlGetCompressionWorkSpaceSize(format, &ws, &frag) == 0;
}

static void check_one(USHORT format, decoder dec, const uint8_t *data, size_t len)
{
    ULONG ws = 0, frag = 0, final_size = 0;
    assert_int_equal(RtlGetCompressionWorkSpaceSize(format, &ws, &frag), 0);
    void *work = malloc(ws ? ws : 1);
    size_t cap = len + len / 8 + 4096;
    uint8_t *comp = malloc(cap), *back = malloc(len + 16);
    assert_non_null(work);
    assert_non_null(comp);
    assert_non_null(back);
    LONG st = RtlCompressBuffer(format, (PUCHAR)data, (ULONG)len, comp, (ULONG)cap, 4096, &final_size, work);
    assert_true(st == 0 || st == RTL_STATUS_BUFFER_ALL_ZEROS);
    assert_true(final_size > 0 && final_size <= cap);
    memset(back, 0xa5, len + 16);
    assert_int_equal(dec(comp, final_size, back, len), DDP_OK);
    assert_memory_equal(back, data, len);
    for (int i = 0; i < 16; i++)
        assert_int_equal(back[len + i], 0xa5);
    /* Wrong expected sizes are caught. */
    assert_int_equal(dec(comp, final_size, back, len + 1), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(dec(comp, final_size, back, len - 1), DDP_ERR_CORRUPT_DATA);
    free(work);
    free(comp);
    free(back);
}

static void check_format(USHORT format, decoder dec)
{
    static const size_t sizes[] = {1, 3, 100, 4095, 4096, 4097, 10000, 65536, 65537, 131072, 262144};
    uint8_t *data = malloc(262144);
    assert_non_null(data);
    for (int k = 0; k < CODEC_DATA_KINDS; k++)
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            codec_data_fill((codec_data_kind)k, sizes[s] * 3 + 1, data, sizes[s]);
            check_one(format | COMPRESSION_ENGINE_STANDARD, dec, data, sizes[s]);
            if (sizes[s] == 65537)
                check_one(format | COMPRESSION_ENGINE_MAXIMUM, dec, data, sizes[s]);
        }
    free(data);
}

static void test_lznt1_from_rtl(void **state)
{
    (void)state;
    assert_true(rtl_supported(COMPRESSION_FORMAT_LZNT1));
    check_format(COMPRESSION_FORMAT_LZNT1, ddp_lznt1_decompress);
}

static void test_xpress_from_rtl(void **state)
{
    (void)state;
    if (!rtl_supported(COMPRESSION_FORMAT_XPRESS))
        skip();
    check_format(COMPRESSION_FORMAT_XPRESS, ddp_xpress_decompress);
}

static void test_xpress_huffman_from_rtl(void **state)
{
    (void)state;
    if (!rtl_supported(COMPRESSION_FORMAT_XPRESS_HUFF))
        skip();
    check_format(COMPRESSION_FORMAT_XPRESS_HUFF, xpress_huffman);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lznt1_from_rtl),
        cmocka_unit_test(test_xpress_from_rtl),
        cmocka_unit_test(test_xpress_huffman_from_rtl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
