/* Private to adapters/output/: a reason in words (reasons.c). */
#ifndef CAREDAY_OUTPUT_REASONS_H
#define CAREDAY_OUTPUT_REASONS_H

#include "adapters/output/i18n.h"
#include "scheduler/scheduler.h"

/* Append the sentence for u in cat's language: the family's plain words
 * (reason.<code>), or with detail the coordinator's (reason.detail.<code>). */
void reason_words(struct cal_buf *b, const i18n_catalog *cat, const struct sched_case *c,
                  const struct sched_unscheduled *u, bool detail);

#endif
