/* mid.h - a public header of the middle layer, using the bottom one. */
#include "ddp/low.h"
