/*
 * i18n: the message catalogue behind every string a family or provider reads.
 *
 * Catalogues are gettext files: po/<lang>.po in the sources, compiled by
 * msgfmt (at build time, by CMake) into <localedir>/<lang>/LC_MESSAGES/
 * careday.mo. Each entry's msgctxt is the key careday asks for ("trip.note"),
 * msgid the English text, msgstr the text shown. Templates name their
 * placeholders in braces ("Trip to {places}"); "{{" and "}}" are literal
 * braces. Month and weekday names and the date and time patterns live in the
 * catalogue too, so a new language is a new .po file and no code.
 *
 * English (en) is the reference: it must define every key careday uses
 * (i18n_required_keys). Another language may leave keys out (or leave a
 * msgstr empty); they then read from English. A language without a catalogue
 * reads English as a whole (i18n_lang says which one was used). There is no
 * built-in copy of any text: without en.mo opening fails.
 *
 * Where the catalogues are (i18n_find_localedir, the one place that decides):
 * the locale_dir argument, else the environment variable CAREDAY_LOCALEDIR,
 * else ../share/locale next to the running executable (PREFIX/bin/careday
 * reads PREFIX/share/locale; in a build tree, build/adapters/careday reads
 * build/share/locale, where CMake puts the compiled catalogues). Never the
 * source tree.
 */
#ifndef CAREDAY_I18N_H
#define CAREDAY_I18N_H

#include "calendars/calendars.h"
#include "calendars/util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct i18n_catalog i18n_catalog;

/* A named value for a template placeholder. Strings are borrowed. */
struct i18n_arg {
    const char *name;
    const char *value;
};

/* The folder of compiled catalogues, by the search order above, into dir.
 * ADAPT_EINPUT (err says where it looked) when none holds en's catalogue. */
int i18n_find_localedir(const char *locale_dir, char *dir, size_t size, struct careday_error *err);

/* Open the catalogue of lang ("en", "es", "es-MX"; NULL or "" means "en").
 * Fails with ADAPT_EINPUT when no catalogue folder or no English catalogue
 * is found, a file is not a gettext .mo, or English lacks a required key; err
 * names the file. Caller frees with i18n_free. */
int i18n_open(const char *lang, const char *locale_dir, i18n_catalog **out,
              struct careday_error *err);
/* Whether lang has a catalogue of its own (or is English); false also when
 * no catalogue folder is found. */
bool i18n_has_language(const char *lang, const char *locale_dir);
void i18n_free(i18n_catalog *cat); /* NULL is a no-op */

/* The language actually used ("es", or "en" when lang had no catalogue);
 * borrowed, valid while cat lives. */
const char *i18n_lang(const i18n_catalog *cat);
/* The folder the catalogue was read from (borrowed). */
const char *i18n_dir(const i18n_catalog *cat);

/* The template of key (borrowed); NULL when neither catalogue has it. */
const char *i18n_get(const i18n_catalog *cat, const char *key);
/* The template of key in the catalogue's own language only (no English
 * fallback; for English, English), NULL when absent. For tests and tools. */
const char *i18n_get_own(const i18n_catalog *cat, const char *key);
/* The keys of the own-language layer, in sorted order (borrowed). */
size_t i18n_count_own(const i18n_catalog *cat);
const char *i18n_key_at(const i18n_catalog *cat, size_t i);

/* Expand key's template with args. Unknown placeholders expand to nothing.
 * Returns a malloc'd string (caller frees), NULL when out of memory. A key
 * missing from the catalogue expands to the key itself, so a mistake shows. */
char *i18n_format(const i18n_catalog *cat, const char *key, const struct i18n_arg *args,
                  size_t nargs);
/* The same, into buf (truncated to size, always terminated). */
void i18n_formatb(const i18n_catalog *cat, const char *key, const struct i18n_arg *args,
                  size_t nargs, char *buf, size_t size);

/* Messages are assembled in the project's one string builder, struct
 * cal_buf (calendars/util.h): zero-initialise, add, check oom once, free
 * with cal_buf_free. */
/* Append a template expanded with args (see i18n_format). */
void i18n_buf_add_template(struct cal_buf *b, const char *tpl, const struct i18n_arg *args,
                           size_t nargs);
/* Append key's template expanded with args (the key itself when missing). */
void i18n_buf_add_msg(struct cal_buf *b, const i18n_catalog *cat, const char *key,
                      const struct i18n_arg *args, size_t nargs);

/* "Tuesday, December 8, 2026" / "martes, 8 de diciembre de 2026". */
void i18n_date_long(const i18n_catalog *cat, int32_t day, char *buf, size_t size);
/* "December 2026" / "diciembre de 2026". */
void i18n_month_title(const i18n_catalog *cat, int year, int month, char *buf, size_t size);
/* "2:30 PM" / "14:30" for a minute of the day (0..1439). */
void i18n_time(const i18n_catalog *cat, int minute, char *buf, size_t size);
/* t rounded down to 5 minutes: shown times are never later than the plan. */
cal_time i18n_round_down(cal_time t);
/* The local time of instant t in zone tz, rounded down to 5 minutes,
 * formatted as i18n_time. */
void i18n_clock(const i18n_catalog *cat, const cal_tz *tz, cal_time t, char *buf, size_t size);
/* A zone in words: the catalogue's zone.<IANA name> ("Central time"), else
 * time.zone_city with the name's last part ("Buenos Aires time"). */
void i18n_zone_words(const i18n_catalog *cat, const cal_tz *tz, char *buf, size_t size);
/* t as i18n_clock in place_tz; when that zone's offset differs from home_tz
 * at t, labelled in words with the home time: "1:30 PM Central time — 2:30 PM
 * at home" (time.zoned). */
void i18n_zoned_clock(const i18n_catalog *cat, const cal_tz *place_tz, const cal_tz *home_tz,
                      cal_time t, char *buf, size_t size);
/* "2 h 15 min", "45 min". */
void i18n_duration(const i18n_catalog *cat, int minutes, char *buf, size_t size);
/* Weekday name, 0 = Monday ... 6 = Sunday; short = "Tue" / "mar". Borrowed. */
const char *i18n_weekday(const i18n_catalog *cat, int weekday, int short_form);
/* First day of a week in a month grid: 0 = Monday ... 6 = Sunday. */
int i18n_week_start(const i18n_catalog *cat);

/* The keys the English catalogue must define, NULL-terminated (for tests and docs). */
extern const char *const i18n_required_keys[];

#endif
