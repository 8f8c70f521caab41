/* low.h - a public header of the bottom layer that includes one above it. */
#include "ddp/high.h"
