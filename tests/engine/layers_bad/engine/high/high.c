/* high.c - a top-layer file: its own header, a used layer's exported folder and public
 * headers below it are fine; a used layer's private header and an unowned public one are not. */
#include "ddp/high.h"
#include "ddp/low.h"
#include "ddp/orphan.h"
#include "high_private.h"
#include "iface.h"
#include "mid_private.h"
