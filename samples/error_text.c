/*
 * error_text.c - Win32 errors and HRESULTs as the system's message text (error_text.h).
 */
#include "error_text.h"

const WCHAR *sample_error_text(DWORD code, WCHAR *buf, DWORD cap)
{
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, buf, cap,
                             NULL);
    if (n == 0 || n >= cap) {
        lstrcpynW(buf, L"no system message", (int)cap);
        return buf;
    }
    while (n && (buf[n - 1] == L'\n' || buf[n - 1] == L'\r' || buf[n - 1] == L' '))
        buf[--n] = 0;
    return buf;
}
