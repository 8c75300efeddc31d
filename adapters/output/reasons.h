/* Private to adapters/output/: a reason in words (reasons.c). */
#ifndef CAREDAY_OUTPUT_REASONS_H
#define CAREDAY_OUTPUT_REASONS_H

#include "adapters/output/i18n.h"
#include "scheduler/scheduler.h"

/* Append the sentence for u in cat's language: the family's plain words
 * (reason.<code>), or with detail the coordinator's (reason.detail.<code>). */
void reason_words(struct cal_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_unscheduled *u, bool detail);

/* Append why a re-plan moved or cancelled an appointment (e, against
 * c->previous and plan) in cat's language, from why.<code>; a coordinator's
 * cancellation with note says note. */
void change_words(struct cal_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_plan *plan, const struct sched_change *e, const char *note);

#endif
