/*
 * ntfs3g_headers.h - libntfs-3g's headers (Debian's ntfs-3g-dev), which rely on their
 * includer for the C library's types: included here after those, in one place.
 */
#ifndef DDP_NTFS3G_HEADERS_H
#define DDP_NTFS3G_HEADERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/plugin.h>
#include <ntfs-3g/volume.h>

#endif
