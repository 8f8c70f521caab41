/*
 * guid.c - chunk store GUIDs as text.
 *
 * The reparse point stores the GUID in Windows byte order: Data1 as a little-endian u32,
 * Data2 and Data3 as little-endian u16, then Data4's eight bytes as they are. The text form
 * is the one of the chunk store's folder name, "{00C5EBCB-976A-4D63-979C-130C418EED8B}",
 * upper case. Parsing accepts that form with or without braces, in either case.
 */
#include <string.h>

#include "ddp/le.h"
#include "ddp/reparse.h"

static const char hex_digits[] = "0123456789ABCDEF";

static char *put_hex(char *out, uint64_t value, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        *out++ = hex_digits[(value >> (4 * i)) & 0xF];
    return out;
}

void ddp_guid_format(const uint8_t guid[16], char out[39])
{
    char *p = out;
    *p++ = '{';
    p = put_hex(p, ddp_le32(guid), 8);
    *p++ = '-';
    p = put_hex(p, ddp_le16(guid + 4), 4);
    *p++ = '-';
    p = put_hex(p, ddp_le16(guid + 6), 4);
    *p++ = '-';
    p = put_hex(p, ((uint64_t)guid[8] << 8) | guid[9], 4);
    *p++ = '-';
    for (int i = 10; i < 16; i++)
        p = put_hex(p, guid[i], 2);
    *p++ = '}';
    *p = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly `digits` hex digits from *text into *value; advances *text. */
static int take_hex(const char **text, int digits, uint32_t *value)
{
    uint32_t v = 0;
    for (int i = 0; i < digits; i++) {
        int d = hex_value((*text)[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | (uint32_t)d;
    }
    *text += digits;
    *value = v;
    return 0;
}

static int take_char(const char **text, char c)
{
    if (**text != c)
        return -1;
    (*text)++;
    return 0;
}

int ddp_guid_parse(const char *text, uint8_t guid[16])
{
    uint8_t out[16];
    uint32_t v;
    int braced;

    if (!text)
        return -1;
    braced = text[0] == '{';
    if (braced)
        text++;
    if (take_hex(&text, 8, &v) || take_char(&text, '-'))
        return -1;
    ddp_put32(out, v);
    if (take_hex(&text, 4, &v) || take_char(&text, '-'))
        return -1;
    ddp_put16(out + 4, (uint16_t)v);
    if (take_hex(&text, 4, &v) || take_char(&text, '-'))
        return -1;
    ddp_put16(out + 6, (uint16_t)v);
    for (int i = 8; i < 16; i++) {
        if (i == 10 && take_char(&text, '-'))
            return -1;
        if (take_hex(&text, 2, &v))
            return -1;
        out[i] = (uint8_t)v;
    }
    if (braced && take_char(&text, '}'))
        return -1;
    if (*text != '\0')
        return -1;
    memcpy(guid, out, 16);
    return 0;
}
