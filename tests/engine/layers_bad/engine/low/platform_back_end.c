/* platform_back_end.c - a platform back end: may test the platform and include its headers. */
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/types.h>
#endif
