/*
 * reparse_shim.h - reparse points for the Wine tests of DdpBackup.dll's reparse mode.
 *
 * Wine 8 has no reparse points, so the DLL's main Windows path (open the stub with
 * FILE_FLAG_OPEN_REPARSE_POINT, FSCTL_GET_REPARSE_POINT, write $DATA, FSCTL_DELETE_REPARSE_POINT)
 * cannot run there. The test DLL DdpBackupReparse.dll is the shipped DLL's objects linked
 * with -Wl,--wrap on the import pointers of the file-system calls the DLL makes, which land
 * in this shim. It keeps a reparse buffer with its tag per file (by volume serial and file
 * index, as NTFS keeps it with the file, not the name) and answers as NTFS does, from
 * Microsoft's documentation (MS-FSCC 2.3.5/2.3.6/2.3.27/2.3.28, MS-FSA 2.1.5.10):
 *  - FSCTL_GET_REPARSE_POINT: ERROR_NOT_A_REPARSE_POINT without a point; an output buffer
 *    smaller than the 8-byte header: ERROR_INSUFFICIENT_BUFFER, nothing copied; one that holds
 *    the header but not the data: ERROR_MORE_DATA with the bytes that fit;
 *  - FSCTL_SET_REPARSE_POINT (what the tests use to make stubs): a handle with write access,
 *    an input of exactly the header plus ReparseDataLength, a tag other than 0 and 1; a file
 *    that has a point of another tag: ERROR_REPARSE_TAG_MISMATCH;
 *  - FSCTL_DELETE_REPARSE_POINT: no output buffer, a handle with write access, an input of
 *    exactly the 8-byte header (Microsoft tags) or the 24-byte GUID header (others) with
 *    ReparseDataLength 0, else ERROR_INVALID_REPARSE_DATA; the matching tag, else
 *    ERROR_REPARSE_TAG_MISMATCH; ERROR_NOT_A_REPARSE_POINT without a point;
 *  - FSCTL_SET_SPARSE, FSCTL_SET_ZERO_DATA: the sparse flag, and zeros written in the range;
 *  - FILE_ATTRIBUTE_REPARSE_POINT while the point exists and FILE_ATTRIBUTE_SPARSE_FILE once
 *    set (deleting the point leaves it, as NTFS does), in GetFileInformationByHandle and
 *    GetFileInformationByHandleEx(FileBasicInfo);
 *  - CreateFileW of a file with a point without FILE_FLAG_OPEN_REPARSE_POINT fails with
 *    ERROR_CANT_ACCESS_FILE (1920), as on a machine without the dedup filter; overwriting
 *    (CREATE_ALWAYS, TRUNCATE_EXISTING) with the flag drops the point.
 * Fault injection: reparse_shim_fail_call(n, err) makes the n-th wrapped call from then on
 * fail with err without doing anything (CloseHandle excepted: it cannot fail on a handle the
 * process owns). The tests reach these functions by GetProcAddress on the loaded test DLL.
 */
#ifndef DDP_REPARSE_SHIM_H
#define DDP_REPARSE_SHIM_H

#include <windows.h>

/* Names of the exported functions, for GetProcAddress. */
#define REPARSE_SHIM_CREATE "reparse_shim_create_file"
#define REPARSE_SHIM_IOCTL "reparse_shim_device_io_control"
#define REPARSE_SHIM_INFO "reparse_shim_file_information"
#define REPARSE_SHIM_CLOSE "reparse_shim_close_handle"
#define REPARSE_SHIM_RESET "reparse_shim_reset"
#define REPARSE_SHIM_FAIL "reparse_shim_fail_call"
#define REPARSE_SHIM_OPENS "reparse_shim_opens"

typedef HANDLE (*reparse_shim_create_fn)(LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE);
typedef BOOL (*reparse_shim_ioctl_fn)(HANDLE, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED);
typedef BOOL (*reparse_shim_info_fn)(HANDLE, LPBY_HANDLE_FILE_INFORMATION);
typedef BOOL (*reparse_shim_close_fn)(HANDLE);
/* Forgets every reparse point (a test's files are deleted; their file indexes get reused). */
typedef void (*reparse_shim_reset_fn)(void);
/* From now on the n-th wrapped call (1-based; 0: none) fails with err. Returns the number of
 * wrapped calls made since the previous reparse_shim_fail_call, and whether the armed one
 * was reached (*hit). */
typedef ULONG (*reparse_shim_fail_fn)(ULONG n, DWORD err, BOOL *hit);
/* The number of CreateFileW calls made through the shim since the previous call of this. */
typedef ULONG (*reparse_shim_opens_fn)(void);

#endif
