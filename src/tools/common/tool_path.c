/*
 * tool_path.c - folder and name joined (tool_path.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tool_path.h"

char *tool_path_join(const char *folder, const char *name)
{
    size_t lf = strlen(folder), ln = strlen(name);
    char *p = malloc(lf + ln + 2);
    if (!p)
        return NULL;
    memcpy(p, folder, lf);
    if (lf && folder[lf - 1] != '/')
        p[lf++] = '/';
    memcpy(p + lf, name, ln + 1);
    return p;
}
