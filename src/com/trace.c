/* trace.c - the debug channel behind TRACE(): enabled once by DDPBACKUP_DEBUG. */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "trace.h"

static int trace_enabled(void)
{
    static volatile LONG state = -1;   /* -1 unknown, 0 off, 1 on */
    if (state < 0) {
        const char *v = getenv("DDPBACKUP_DEBUG");
        InterlockedExchange(&state, (v && *v && *v != '0') ? 1 : 0);
    }
    return state == 1;
}

void ddp_trace(const char *func, const char *fmt, ...)
{
    char line[512];
    int n;
    va_list ap;

    if (!trace_enabled())
        return;
    n = snprintf(line, sizeof line, "ddpbackup:%04lx:%s ", (unsigned long)GetCurrentThreadId(), func);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    OutputDebugStringA(line);
    fprintf(stderr, "%s\n", line);
}
