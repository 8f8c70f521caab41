/* text.c - UTF-16 <-> UTF-8 conversions (see text.h). */
#include <windows.h>
#include <oleauto.h>
#include <stdlib.h>

#include "text.h"

char *ddp_utf16_to_utf8(const WCHAR *s, int n)
{
    int len;
    char *out;

    if (!s)
        return NULL;
    if (n < 0)
        n = (int)wcslen(s);
    if (n == 0)
        return calloc(1, 1);
    len = WideCharToMultiByte(CP_UTF8, 0, s, n, NULL, 0, NULL, NULL);
    if (len <= 0)
        return NULL;
    out = malloc((size_t)len + 1);
    if (!out)
        return NULL;
    WideCharToMultiByte(CP_UTF8, 0, s, n, out, len, NULL, NULL);
    out[len] = 0;
    return out;
}

WCHAR *ddp_utf8_to_utf16(const char *s)
{
    int len;
    WCHAR *out;

    if (!s)
        return NULL;
    len = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    if (len <= 0)
        return NULL;
    out = malloc((size_t)len * sizeof(WCHAR));
    if (!out)
        return NULL;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, out, len);
    return out;
}

BSTR ddp_utf8_to_bstr(const char *s)
{
    WCHAR *w = ddp_utf8_to_utf16(s);
    BSTR b;
    if (!w)
        return NULL;
    b = SysAllocString(w);
    free(w);
    return b;
}
