/* low.c - a bottom-layer file with one violation of each kind a file can make. */
#include <stdlib.h>
#include "ddp/low.h"
#include "ddp/high.h"
#include "high_private.h"
#include "../high/high_private.h"
#ifdef _WIN32
#include <windows.h>
#endif

const char *where(void)
{
    return getenv("HOME");
}
