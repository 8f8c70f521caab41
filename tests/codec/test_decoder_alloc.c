/*
 * test_decoder_alloc.c - decoding a chunk allocates nothing: with a decoder made
 * beforehand, every format decodes many chunks while the allocation interposer of
 * tests/reliability (fault_alloc.c, glibc) counts zero allocations. (Xpress Huffman
 * used to allocate its 32 KiB of tables on every chunk.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec_test_data.h"
#include "codec_test_encoders.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "fault_alloc.h"

enum { LEN = 65536 + 1000, CHUNKS = 20 };

static void test_no_allocation_per_chunk(void **state)
{
    (void)state;
    if (!fault_alloc_active())
        skip();
    uint8_t *data = malloc(LEN), *out = malloc(LEN);
    uint8_t *comp[3];
    size_t n[3];
    assert_non_null(data);
    assert_non_null(out);
    codec_data_fill(CODEC_DATA_TEXT, 7, data, LEN);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    assert_non_null(enc);
    for (int i = 0; i < 3; i++) {
        comp[i] = malloc(2 * LEN);
        assert_non_null(comp[i]);
    }
    n[0] = ddp_xpress_compress(enc, data, LEN, comp[0], 2 * LEN);
    n[1] = test_lznt1_compress(data, LEN, comp[1], 2 * LEN);
    n[2] = test_xpress_huffman_compress(data, LEN, comp[2], 2 * LEN);
    ddp_xpress_encoder_free(enc);
    static const uint32_t formats[3] = {DDP_COMPRESSION_XPRESS, DDP_COMPRESSION_LZNT1, DDP_COMPRESSION_XPRESS_HUFF};
    ddp_decoder *dec = ddp_decoder_new();
    assert_non_null(dec);

    fault_alloc_arm(0);
    int ok = 1;
    for (int c = 0; c < CHUNKS; c++)
        for (int i = 0; i < 3; i++)
            ok &= ddp_chunk_decompress(dec, formats[i], comp[i], n[i], out, LEN) == DDP_OK;
    fault_alloc_disarm();
    assert_true(ok);
    assert_memory_equal(out, data, LEN);
    assert_int_equal(fault_alloc_calls(), 0);

    ddp_decoder_free(dec);
    for (int i = 0; i < 3; i++)
        free(comp[i]);
    free(data);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_allocation_per_chunk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
