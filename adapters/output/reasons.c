/*
 * Why a visit was left out, in words: scheduler/ returns a reason code with
 * its data (struct sched_unscheduled); the sentences come from the message
 * catalogues like every other text. Two forms: the family's plain sentence
 * (reason.<code>, in the itinerary) and the coordinator's detailed one
 * (reason.detail.<code>: who, which days, how many times; in plan.json and
 * on the terminal, in English).
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "adapters/output/outputs.h"
#include "adapters/output/reasons.h"

#include <stdio.h>
#include <stdlib.h>

const char *out_reason_code(enum sched_reason_code r)
{
    switch (r) {
    case SCHED_REASON_NO_PROVIDER_TIME:
        return "no_provider_time";
    case SCHED_REASON_NO_FAMILY_TIME:
        return "no_family_time";
    case SCHED_REASON_NURSE:
        return "nurse";
    case SCHED_REASON_TELEHEALTH_NOT_READY:
        return "telehealth_not_ready";
    case SCHED_REASON_PREDECESSOR:
        return "predecessor";
    case SCHED_REASON_PAIR:
        return "pair";
    case SCHED_REASON_DISPLACED:
        return "displaced";
    }
    return "displaced";
}

void reason_words(struct i18n_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_unscheduled *u, bool detail)
{
    const struct sched_visit *v = &c->visits[u->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    char key[64], from[16], to[16], minutes[16], count[16], day0[8], day1[8];
    snprintf(key, sizeof key, "reason.%s%s", detail ? "detail." : "", out_reason_code(u->code));
    cal_format_date(u->from, from, sizeof from);
    cal_format_date(u->to, to, sizeof to);
    snprintf(minutes, sizeof minutes, "%d", v->minutes);
    snprintf(count, sizeof count, "%d", u->candidates);
    snprintf(day0, sizeof day0, "%02d:%02d", u->day_start / 60 % 100, u->day_start % 60);
    snprintf(day1, sizeof day1, "%02d:%02d", u->day_end / 60 % 100, u->day_end % 60);
    const char *specialty = p->specialty && *p->specialty ? p->specialty : NULL;
    struct i18n_arg args[] = {
        {"provider", sched_provider_name(p)},
        {"specialty", specialty ? specialty : i18n_get(cat, "reason.detail.a_provider")},
        {"minutes", minutes},
        {"from", from},
        {"to", to},
        {"other", u->other >= 0 && (size_t)u->other < c->nvisits ? c->visits[u->other].id : ""},
        {"candidates", count},
        {"day_start", day0},
        {"day_end", day1},
    };
    i18n_buf_add_msg(b, cat, key, args, sizeof args / sizeof args[0]);
}

int out_reason_text(const struct sched_case *c, const struct sched_unscheduled *u,
                    const struct out_options *o, char **out, struct careday_error *err)
{
    i18n_catalog *cat = NULL;
    int rc = i18n_open("en", o ? o->messages_dir : NULL, &cat, err);
    if (rc)
        return rc;
    struct i18n_buf b = {0};
    reason_words(&b, cat, c, u, true);
    i18n_free(cat);
    if (b.oom || !b.s) {
        i18n_buf_free(&b);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    *out = b.s;
    return 0;
}

bool out_has_language(const char *lang, const struct out_options *o)
{
    return i18n_has_language(lang, o ? o->messages_dir : NULL);
}

void out_check_language(const struct sched_case *c, const struct out_options *o,
                        const char *case_file, struct careday_notes *warn)
{
    const char *lang = o && o->lang ? o->lang : c->family.language;
    if (!warn || out_has_language(lang, o))
        return;
    careday_notes_add(warn, case_file, 0, o && o->lang ? NULL : "family.language",
                      "no message catalogue for language \"%s\"; the family's calendar and "
                      "itinerary will be in English",
                      lang);
}
