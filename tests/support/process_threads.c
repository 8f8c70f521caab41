/*
 * process_threads.c - the thread count of process_threads.h.
 */
#include "process_threads.h"

#ifdef _WIN32
#include <windows.h>
#include <tlhelp32.h>

uint32_t process_threads(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te;
    uint32_t n = 0;
    if (snap == INVALID_HANDLE_VALUE)
        return 0;
    te.dwSize = sizeof te;
    for (BOOL ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        n += te.th32OwnerProcessID == GetCurrentProcessId();
    CloseHandle(snap);
    return n;
}
#else
#include <dirent.h>

uint32_t process_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    uint32_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}
#endif
