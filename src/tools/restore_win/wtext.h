/*
 * wtext.h - UTF-8 <-> UTF-16 for ddp-restore.exe: its arguments, reports and the engine's
 * names are UTF-8, Windows' file calls take UTF-16.
 */
#ifndef DDP_RESTORE_WIN_WTEXT_H
#define DDP_RESTORE_WIN_WTEXT_H

#include <windows.h>

/* malloc'd; NULL when out of memory or s is not valid text. */
WCHAR *wtext_wide(const char *s);
char *wtext_utf8(const WCHAR *w);

#endif
