/*
 * Why a visit was left out, in words: scheduler/ returns a reason code with
 * its data (struct sched_unscheduled); the sentences come from the message
 * catalogues like every other text. Two forms: the family's plain sentence
 * (reason.<code>, in the itinerary) and the coordinator's detailed one
 * (reason.detail.<code>: who, which days, how many times; in plan.json and
 * on the terminal, in English). Likewise why a re-plan moved or cancelled an
 * appointment (struct sched_change, why.<code>, in changes.json).
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
    case SCHED_REASON_STOPPED:
        return "search_stopped";
    case SCHED_REASON_PIN:
        return "pin";
    case SCHED_REASON_NOTICE:
        return "notice";
    case SCHED_REASON_AVOID:
        return "avoid_date";
    case SCHED_REASON_CANCELLED:
        return "cancelled";
    case SCHED_REASON_CAPACITY:
        return "shared_capacity";
    }
    return "displaced";
}

/* "2026-12-09 (in_person, 14:00)": the pin as the coordinator wrote it. */
static void pin_text(const struct sched_unscheduled *u, char *buf, size_t size)
{
    char date[16];
    cal_format_date(u->day, date, sizeof date);
    const char *mode = u->mode >= 0 ? sched_mode_name((enum sched_mode)u->mode) : NULL;
    if (mode && u->minute >= 0)
        snprintf(buf, size, "%s (%s, %02d:%02d)", date, mode, u->minute / 60 % 100, u->minute % 60);
    else if (mode)
        snprintf(buf, size, "%s (%s)", date, mode);
    else if (u->minute >= 0)
        snprintf(buf, size, "%s (%02d:%02d)", date, u->minute / 60 % 100, u->minute % 60);
    else
        snprintf(buf, size, "%s", date);
}

void reason_words(struct cal_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_unscheduled *u, bool detail)
{
    const struct sched_visit *v = &c->visits[u->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    char key[64], from[16], to[16], minutes[16], count[16], day0[8], day1[8];
    char pin[64], when[16], at[8], hours[16], limit[32], bound[32], cost[32];
    const char *code = out_reason_code(u->code);
    if (u->code == SCHED_REASON_PIN && u->candidates > 0)
        code = "pin_taken"; /* possible, but taken by other visits or limits */
    snprintf(key, sizeof key, "reason.%s%s", detail ? "detail." : "", code);
    if (!detail && u->code == SCHED_REASON_PIN)
        snprintf(key, sizeof key, "reason.pin");
    cal_format_date(u->from, from, sizeof from);
    cal_format_date(u->to, to, sizeof to);
    snprintf(minutes, sizeof minutes, "%d", v->minutes);
    snprintf(count, sizeof count, "%d", u->candidates);
    snprintf(day0, sizeof day0, "%02d:%02d", u->day_start / 60 % 100, u->day_start % 60);
    snprintf(day1, sizeof day1, "%02d:%02d", u->day_end / 60 % 100, u->day_end % 60);
    pin_text(u, pin, sizeof pin);
    cal_format_date(u->day, when, sizeof when);
    snprintf(at, sizeof at, "%02d:%02d", u->minute >= 0 ? u->minute / 60 % 100 : 0,
             u->minute >= 0 ? u->minute % 60 : 0);
    snprintf(hours, sizeof hours, "%d", u->notice_hours);
    snprintf(limit, sizeof limit, "%g", u->time_limit_s);
    snprintf(bound, sizeof bound, "%.0f", u->bound);
    snprintf(cost, sizeof cost, "%.0f", u->objective);
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
        {"pin", pin},
        {"date", when},
        {"time", at},
        {"hours", hours},
        {"limit", limit},
        {"bound", bound},
        {"objective", cost},
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
    struct cal_buf b = {0};
    reason_words(&b, cat, c, u, true);
    i18n_free(cat);
    if (b.oom || !b.s) {
        cal_buf_free(&b);
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

void change_words(struct cal_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_plan *plan, const struct sched_change *e, const char *note)
{
    static const char *const mode_key[SCHED_NMODES] = {"mode.in_person", "mode.telehealth",
                                                       "mode.home"};
    const struct sched_prev_appt *q =
        e->prev >= 0 && (size_t)e->prev < c->nprevious ? &c->previous[e->prev] : NULL;
    if (e->why == SCHED_WHY_CANCELLED && note && *note) {
        cal_buf_add(b, note); /* the coordinator's own words (`careday cancel --reason`) */
        return;
    }
    char key[48], date[16], when[40] = "";
    const char *provider = q && q->provider_id ? q->provider_id : "";
    struct cal_buf reason = {0};
    int32_t prev_day = 0;
    cal_format_date(e->day, date, sizeof date);
    if (q) {
        int minute;
        cal_format_local(c->tz, q->start, when, sizeof when);
        cal_tz_to_local(c->tz, q->start, &prev_day, &minute);
        if (q->visit >= 0)
            provider = sched_provider_name(&c->providers[c->visits[q->visit].provider]);
    }
    const char *code = sched_why_name(e->why);
    if (e->why == SCHED_WHY_PIN && q && e->day == prev_day)
        code = "pin_same_day";
    snprintf(key, sizeof key, "why.%s", code);
    for (size_t u = 0; e->why == SCHED_WHY_UNSCHEDULED && q && u < plan->nunscheduled; u++)
        if (plan->unscheduled[u].visit == q->visit) {
            reason_words(&reason, cat, c, &plan->unscheduled[u], true);
            break;
        }
    struct i18n_arg args[] = {
        {"provider", provider},
        {"when", when},
        {"date", date},
        {"mode", q ? i18n_get(cat, mode_key[q->mode]) : ""},
        {"reason", reason.s ? reason.s : ""},
    };
    i18n_buf_add_msg(b, cat, key, args, sizeof args / sizeof args[0]);
    b->oom |= reason.oom;
    cal_buf_free(&reason);
}
