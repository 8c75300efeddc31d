/*
 * Identifiers of the calendar writers: UIDs that depend on the case and visit
 * ids only (a re-plan keeps them), provider UIDs that never show the case id,
 * and the percent-encoding that keeps ids apart and inside the folder.
 */
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"

#include "adapters/json_file.h"

#include <jansson.h>

#include <ctype.h>
#include <stdint.h>
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

/* 64-bit FNV-1a. */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

#define OUT_ID_MAX 100 /* longest id piece of a UID or file name, encoded */

/* An id as a piece of a UID or a file name: encoded (add_encoded); when
 * that is longer than OUT_ID_MAX, its start followed by "~" and a digest of
 * the whole id, so two long ids that share a start never give the same
 * UID or file name. */
void ics_add_id(char *buf, size_t size, size_t *len, const char *s)
{
    char piece[3 * OUT_ID_MAX + 1];
    size_t n = 0, i = 0;
    if (s == NULL)
        s = "";
    piece[0] = '\0';
    for (; s[i] && n <= OUT_ID_MAX; i++)
        ics_add_encoded(piece, sizeof piece, &n, (char[]){s[i], '\0'});
    if (!s[i] && n <= OUT_ID_MAX) {
        ics_add_raw(buf, size, len, piece);
        return;
    }
    char cut[OUT_ID_MAX + 1], digest[24];
    size_t k = 0;
    for (i = 0; s[i] && k <= OUT_ID_MAX - 20; i++) {
        size_t before = k;
        ics_add_encoded(cut, sizeof cut, &k, (char[]){s[i], '\0'});
        if (k == before)
            break; /* did not fit */
    }
    snprintf(digest, sizeof digest, "~%016llx",
             (unsigned long long)fnv1a(s, 14695981039346656037ull));
    ics_add_raw(buf, size, len, cut);
    ics_add_raw(buf, size, len, digest);
}

void out_visit_uid(const struct sched_case *c, const char *visit_id, char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    ics_add_id(buf, size, &len, visit_id);
    ics_add_raw(buf, size, &len, ".");
    ics_add_id(buf, size, &len, c->id ? c->id : "case");
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
    ics_add_id(buf, size, &len, c->id ? c->id : "case");
    ics_add_raw(buf, size, &len, "@careday");
}

/* SipHash-2-4 (Aumasson and Bernstein) of s under a 128-bit key: a keyed
 * digest, so that nobody without the key can test a guessed case id (often a
 * family name) against a UID. */
#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3)                                                                  \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = SIP_ROTL(v1, 13);                                                                     \
        v1 ^= v0;                                                                                  \
        v0 = SIP_ROTL(v0, 32);                                                                     \
        v2 += v3;                                                                                  \
        v3 = SIP_ROTL(v3, 16);                                                                     \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = SIP_ROTL(v3, 21);                                                                     \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = SIP_ROTL(v1, 17);                                                                     \
        v1 ^= v2;                                                                                  \
        v2 = SIP_ROTL(v2, 32);                                                                     \
    } while (0)

static uint64_t siphash24(const uint8_t key[16], const char *s)
{
    uint64_t k0 = 0, k1 = 0;
    for (int i = 7; i >= 0; i--) {
        k0 = (k0 << 8) | key[i];
        k1 = (k1 << 8) | key[8 + i];
    }
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    size_t len = strlen(s), i = 0;
    const unsigned char *in = (const unsigned char *)s;
    for (; i + 8 <= len; i += 8) {
        uint64_t m = 0;
        for (int b = 7; b >= 0; b--)
            m = (m << 8) | in[i + (size_t)b];
        v3 ^= m;
        SIP_ROUND(v0, v1, v2, v3);
        SIP_ROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t last = (uint64_t)len << 56;
    for (size_t b = 0; i + b < len; b++)
        last |= (uint64_t)in[i + b] << (8 * b);
    v3 ^= last;
    SIP_ROUND(v0, v1, v2, v3);
    SIP_ROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++)
        SIP_ROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* 32 hex digits into 16 bytes; false unless key is exactly that. */
static bool parse_key(const char *hex, uint8_t key[16])
{
    if (hex == NULL || strlen(hex) != 2 * OUT_UID_KEY_BYTES)
        return false;
    for (int i = 0; i < OUT_UID_KEY_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)hex[2 * i]) ||
            !isxdigit((unsigned char)hex[2 * i + 1]))
            return false;
        key[i] = (uint8_t)v;
    }
    return true;
}

bool out_uid_key_valid(const char *hex)
{
    uint8_t key[16];
    return parse_key(hex, key);
}

int out_uid_key_new(char *hex, size_t size, struct careday_error *err)
{
    uint8_t key[OUT_UID_KEY_BYTES];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(key, 1, sizeof key, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof key || size < 2 * OUT_UID_KEY_BYTES + 1)
        return careday_fail(err, ADAPT_EINTERNAL, "/dev/urandom", 0, NULL,
                            "cannot read random bytes for the provider calendars' UID key");
    for (int i = 0; i < OUT_UID_KEY_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    return 0;
}

int out_uid_key_of_plan(const char *plan_json, char *hex, size_t size)
{
    json_t *root = NULL;
    if (adapt_json_file(plan_json, "a careday plan.json", &root, NULL) != 0)
        return -1;
    const char *k = json_string_value(json_object_get(root, "uid_key"));
    int rc = -1;
    if (k && out_uid_key_valid(k) && size > strlen(k)) {
        snprintf(hex, size, "%s", k);
        rc = 0;
    }
    json_decref(root);
    return rc;
}

/* The provider feed's UID: visit id, a digest of the case id, and the kind
 * ("feed" or "invite"), so the same appointment in two calendars of one
 * clinic account never shares a UID. With a key (kept in plan.json as
 * "uid_key", so re-planning keeps the UIDs) the digest is SipHash-2-4 of the
 * case id under it; without one (tests) an unkeyed FNV-1a. */
void ics_provider_uid(const struct sched_case *c, const char *visit_id, const char *kind,
                      const char *key_hex, char *buf, size_t size)
{
    char digest[20];
    size_t len = 0;
    uint8_t key[OUT_UID_KEY_BYTES];
    const char *id = c->id ? c->id : "case";
    uint64_t h = parse_key(key_hex, key) ? siphash24(key, id) : fnv1a(id, 14695981039346656037ull);
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)h);
    buf[0] = '\0';
    ics_add_id(buf, size, &len, visit_id);
    ics_add_raw(buf, size, &len, ".");
    ics_add_raw(buf, size, &len, digest);
    ics_add_raw(buf, size, &len, ".");
    ics_add_raw(buf, size, &len, kind);
    ics_add_raw(buf, size, &len, "@careday");
}
