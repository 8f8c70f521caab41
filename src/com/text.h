/*
 * text.h - UTF-16 <-> UTF-8 conversions between COM's BSTRs and the engine's paths.
 */
#ifndef DDP_COM_TEXT_H
#define DDP_COM_TEXT_H

#include <windows.h>
#include <oleauto.h>

/* malloc'd UTF-8 copy of a UTF-16 string of n units (n < 0: NUL-terminated); NULL on failure. */
char *ddp_utf16_to_utf8(const WCHAR *s, int n);
/* malloc'd UTF-16 copy of a UTF-8 string; NULL on failure. */
WCHAR *ddp_utf8_to_utf16(const char *s);
/* A BSTR of a UTF-8 string (SysFreeString it); NULL on failure. */
BSTR ddp_utf8_to_bstr(const char *s);

#endif
