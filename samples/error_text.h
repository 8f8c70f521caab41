/*
 * error_text.h - the sample application's errors in words: a Win32 error or an HRESULT
 * with the system's message for it, so a user reads "error 3 (The system cannot find the
 * path specified.)" rather than a bare number.
 */
#ifndef SAMPLE_ERROR_TEXT_H
#define SAMPLE_ERROR_TEXT_H

#include <windows.h>

#define SAMPLE_ERROR_TEXT_CHARS 256

/* The system's message for code (a Win32 error or an HRESULT) in buf, without the final
 * line break; "no system message" when it has none (the DDP_E_* codes). Returns buf. */
const WCHAR *sample_error_text(DWORD code, WCHAR *buf, DWORD cap);

#endif
