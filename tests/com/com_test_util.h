/*
 * com_test_util.h - helpers for the Wine tests of DdpBackup.dll: where the DLL is,
 * running regsvr32, reading the registry.
 */
#ifndef DDP_COM_TEST_UTIL_H
#define DDP_COM_TEST_UTIL_H

#include <windows.h>

#include "ddpbackup.h"

/* Full path of DdpBackup.dll (beside the test program); DdpBackupReparse.dll when built with
 * DDP_TEST_REPARSE. */
const WCHAR *test_dll_path(void);
/* Runs "regsvr32 /s [/u] <dll>" and returns its exit code (-1 if it could not start; retried). */
int test_regsvr32(BOOL unregister);
/* Reads a REG_SZ value below HKEY_CLASSES_ROOT; FALSE if absent. */
BOOL test_reg_string(const WCHAR *key, const WCHAR *name, WCHAR *out, DWORD cap);
BOOL test_reg_key_exists(const WCHAR *key);
/* "CLSID\{73D6B2AD-...}" + suffix, and "TypeLib\{07AD57AF-...}". */
void test_class_key(WCHAR *out, size_t cap, const WCHAR *suffix);
void test_typelib_key(WCHAR *out, size_t cap);

/* For the end-to-end tests: stub-file mode on (reparse mode with DDP_TEST_REPARSE), DLL registered, COM (MTA) initialised,
 * a DedupBackupSupport object created. Returns 0 on success. */
int test_com_begin(IDedupBackupSupport **support);
/* Sets DDPBACKUP_STUB_FILES back to what test_com_begin chose (after a test changed it). */
void test_default_mode(void);
/* Undoes test_com_begin. */
void test_com_end(IDedupBackupSupport *support);

#endif
