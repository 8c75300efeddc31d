/*
 * Private to the FHIR reader (adapters/input/fhir*.c): the "document" every
 * reader loads first (the JSON roots flattened into resources, each with
 * its JSON path and NDJSON line so that messages can name both) and the
 * helpers the readers share (fhir_doc.c).
 */
#ifndef CAREDAY_ADAPTERS_INPUT_FHIR_DOC_H
#define CAREDAY_ADAPTERS_INPUT_FHIR_DOC_H

#include "adapters/adapters.h"
#include "adapters/input/case_internal.h"
#include "adapters/input/fhir.h"
#include "calendars/util.h"

#include <jansson.h>

#define FHIR_MAX_FILE_BYTES (256L * 1024 * 1024)
#define FHIR_MAX_BUNDLE_DEPTH 8
#define FHIR_MAX_HORIZON_DAYS (366 * 200)
#define FHIR_PATH_MAX 256
#define FHIR_MAX_APPOINTMENT_SECONDS (366LL * 86400)

struct item {
    json_t *res;              /* borrowed from the document's roots */
    const char *type;         /* resourceType, borrowed */
    const char *id;           /* id, borrowed, NULL when absent */
    const char *full_url;     /* the entry's fullUrl, borrowed, NULL when none */
    int line;                 /* NDJSON line, 0 otherwise */
    char path[FHIR_PATH_MAX]; /* "" for a root resource, else "entry[3].resource" */
};

struct doc {
    const char *name;
    json_t **roots;
    size_t nroots, rcap;
    struct item *items;
    size_t n, cap;
    json_t *by_url; /* fullUrl -> index in items (first entry wins), a jansson hash */
    struct careday_notes *warn;
    struct careday_error *err;
};

bool fdoc_ref_match(const char *a, const char *b);
void fdoc_ref_type(const char *ref, char *buf, size_t size);
enum fhir_actor_kind fdoc_actor_kind(const char *type);
bool fdoc_in_list(const char *s, const char *const *list);
void fdoc_doc_free(struct doc *d);
/* Fail with ADAPT_EINPUT naming the file, NDJSON line and JSON path. */
int fdoc_fail(const struct doc *d, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A warning naming the file, NDJSON line and JSON path. */
void fdoc_note(const struct doc *d, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int fdoc_get_string(const struct doc *d, int line, json_t *obj, const char *obj_path,
                    const char *key, const char **out);
int fdoc_get_array(const struct doc *d, int line, json_t *obj, const char *obj_path,
                   const char *key, json_t **out);
int fdoc_get_object(const struct doc *d, int line, json_t *obj, const char *obj_path,
                    const char *key, json_t **out);
int fdoc_get_bool(const struct doc *d, int line, json_t *obj, const char *obj_path, const char *key,
                  bool *out);
int fdoc_get_reference(const struct doc *d, int line, json_t *obj, const char *obj_path,
                       const char *key, const char **out);
int fdoc_doc_load(struct doc *d, const char *data, size_t len);
int fdoc_read_file(const char *path, char **data, size_t *len, struct careday_error *err);
bool fdoc_doc_resolve(const struct doc *d, const char *ref, char *buf, size_t size);
bool fdoc_doc_ref_match(const struct doc *d, const char *ref, const char *want);
void fdoc_doc_types(const struct doc *d, char *buf, size_t size);
void fdoc_note_outcome(const struct doc *d, const struct item *it);
int fdoc_parse_datetime(const char *s, const cal_tz *tz, bool is_end, cal_time *t);
int fdoc_parse_time_of_day(const char *s, int *sec);
cal_time fdoc_local_time(const cal_tz *tz, int32_t day, int sec);
int fdoc_get_instant(const struct doc *d, const struct item *it, const char *key, const char *why,
                     cal_time *t, bool *present);
const char *fdoc_concept_text(json_t *res, const char *key);

#endif
