/* high.h - a public header of the top layer. */
#include "ddp/mid.h"
