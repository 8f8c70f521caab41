/*
 * container_name.c - container file names (FORMAT.md §2): "%08x.%08x.ccc", the container
 * id then its generation, in hex. Names are matched case-insensitively; a name holding
 * "delete" belongs to a container being removed and is never taken. Also the short form
 * of a container path that messages show.
 */
#include <stdio.h>
#include <string.h>

#include "ddp/container.h"

const char *ddp_container_short_path(const char *path)
{
    const char *p = strstr(path, ".ddp\\");
    return p ? p + 5 : path;
}

void ddp_container_name(uint32_t id, uint32_t generation, char out[22])
{
    snprintf(out, 22, "%08x.%08x.ccc", (unsigned)id, (unsigned)generation);
}

static int lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int holds_delete(const char *name)
{
    static const char word[] = "delete";
    for (const char *p = name; *p; p++) {
        size_t i = 0;
        while (word[i] && p[i] && lower(p[i]) == word[i])
            i++;
        if (!word[i])
            return 1;
    }
    return 0;
}

/* Exactly eight hex digits. */
static int take_hex8(const char *p, uint32_t *value)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        int c = lower(p[i]), d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return -1;
        v = (v << 4) | (uint32_t)d;
    }
    *value = v;
    return 0;
}

int ddp_container_name_parse(const char *name, uint32_t *id, uint32_t *generation)
{
    uint32_t a, b;
    if (!name || holds_delete(name))
        return -1;
    if (take_hex8(name, &a) || name[8] != '.' || take_hex8(name + 9, &b) || name[17] != '.')
        return -1;
    if (lower(name[18]) != 'c' || lower(name[19]) != 'c' || lower(name[20]) != 'c' || name[21] != '\0')
        return -1;
    if (id)
        *id = a;
    if (generation)
        *generation = b;
    return 0;
}
