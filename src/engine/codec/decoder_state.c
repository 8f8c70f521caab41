/*
 * decoder_state.c - making and freeing a ddp_decoder (decoder_state.h): one allocation
 * per thread, so that decoding a chunk allocates nothing.
 */
#include <stdlib.h>

#include "decoder_state.h"

ddp_decoder *ddp_decoder_new(void)
{
    return malloc(sizeof(ddp_decoder));
}

void ddp_decoder_free(ddp_decoder *dec)
{
    free(dec);
}
