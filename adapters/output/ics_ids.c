/*
 * Identifiers of the calendar writers: UIDs that depend on the case and visit
 * ids only (a re-plan keeps them), provider UIDs that never show the case id,
 * and the percent-encoding that keeps ids apart and inside the folder.
 */
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Identifiers.
 */

/* Append s with every byte outside [A-Za-z0-9_-] as %XX, so the pieces of a
 * UID or a file name can never run into each other or leave a folder. */
void ics_add_encoded(char *buf, size_t size, size_t *len, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
        char tmp[4] = {(char)*p, 0, 0, 0};
        if (!plain) {
            tmp[0] = '%';
            tmp[1] = hex[*p >> 4];
            tmp[2] = hex[*p & 15];
        }
        size_t n = strlen(tmp);
        if (*len + n + 1 > size)
            return;
        memcpy(buf + *len, tmp, n + 1);
        *len += n;
    }
}

void ics_add_raw(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > size)
        return;
    memcpy(buf + *len, s, n + 1);
    *len += n;
}

void out_visit_uid(const struct sched_case *c, const char *visit_id, char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    ics_add_encoded(buf, size, &len, visit_id);
    ics_add_raw(buf, size, &len, ".");
    ics_add_encoded(buf, size, &len, c->id ? c->id : "case");
    ics_add_raw(buf, size, &len, "@careday");
}

/* UID of a dated item of the family feed ("trip", "night"): the extra dot
 * keeps it apart from any visit's UID. */
void ics_day_uid(const struct sched_case *c, const char *kind, int32_t day, char *buf, size_t size)
{
    char date[16];
    size_t len = 0;
    cal_format_date(day, date, sizeof date);
    buf[0] = '\0';
    ics_add_raw(buf, size, &len, kind);
    ics_add_raw(buf, size, &len, ".");
    ics_add_raw(buf, size, &len, date);
    ics_add_raw(buf, size, &len, ".");
    ics_add_encoded(buf, size, &len, c->id ? c->id : "case");
    ics_add_raw(buf, size, &len, "@careday");
}

/* 64-bit FNV-1a, for provider-facing UIDs that must not show the case id
 * (which may be a family name). */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

/* The provider feed's UID: visit id, a digest of the case id, and the kind
 * ("feed" or "invite"), so the same appointment in two calendars of one
 * clinic account never shares a UID. */
void ics_provider_uid(const struct sched_case *c, const char *visit_id, const char *kind, char *buf,
                      size_t size)
{
    char digest[20];
    size_t len = 0;
    snprintf(digest, sizeof digest, "%016llx",
             (unsigned long long)fnv1a(c->id ? c->id : "case", 14695981039346656037ull));
    buf[0] = '\0';
    ics_add_encoded(buf, size, &len, visit_id);
    ics_add_raw(buf, size, &len, ".");
    ics_add_raw(buf, size, &len, digest);
    ics_add_raw(buf, size, &len, ".");
    ics_add_raw(buf, size, &len, kind);
    ics_add_raw(buf, size, &len, "@careday");
}
