/*
 * JSON paths for messages ("visits[3].window.latest"), shared by the case
 * reader, the sources and the FHIR reader. No dependencies, so the fuzz
 * targets can build with it alone.
 */
#include "adapters/input/case_internal.h"

#include <stdio.h>
#include <string.h>

/* A JSON path that does not fit its buffer is cut and ends in "...", so a
 * message still shows where it starts. */
static const char *jp_fit(char *buf, size_t size, int n)
{
    if ((n < 0 || (size_t)n >= size) && size >= 4)
        memcpy(buf + size - 4, "...", 4);
    return buf;
}

const char *adapt_jp_key(char *buf, size_t size, const char *parent, const char *key)
{
    if (!parent || !*parent)
        return jp_fit(buf, size, snprintf(buf, size, "%s", key));
    return jp_fit(buf, size, snprintf(buf, size, "%s.%s", parent, key));
}

const char *adapt_jp_index(char *buf, size_t size, const char *parent, size_t i)
{
    return jp_fit(buf, size, snprintf(buf, size, "%s[%zu]", parent ? parent : "", i));
}

const char *adapt_jp_key_index(char *buf, size_t size, const char *parent, const char *key,
                               size_t i)
{
    if (!parent || !*parent)
        return jp_fit(buf, size, snprintf(buf, size, "%s[%zu]", key, i));
    return jp_fit(buf, size, snprintf(buf, size, "%s.%s[%zu]", parent, key, i));
}
