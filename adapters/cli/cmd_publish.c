/*
 * `careday publish OUT --caldav URL`: the family's calendar of a plan into
 * the family's CalDAV collection and, with --providers-url, each provider's
 * calendar into theirs (docs/sources.md, docs/cli.md).
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"
#include "adapters/http.h"
#include "adapters/output/publish.h"
#include "calendars/util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_publish[] =
    "Usage: careday publish OUT --caldav URL [options]\n"
    "\n"
    "Publishes the calendars of a plan (OUT, as written by careday plan) to CalDAV:\n"
    "OUT/family.ics into the collection URL, and with --providers-url each\n"
    "OUT/providers/ID.ics into the collection TEMPLATE names with {id} replaced.\n"
    "New events are created, changed ones updated, and events careday published\n"
    "there earlier that the plan no longer holds are deleted; nothing else is\n"
    "touched. Running it twice changes nothing the second time.\n"
    "\n"
    "  --caldav URL             the family's calendar collection\n"
    "  --providers-url TEMPLATE each provider's collection, e.g.\n"
    "                           https://dav.example.org/cal/{id}/\n"
    "  --user USER              user name (Basic or Digest)\n"
    "  --password-env VAR       the password is in environment variable VAR\n"
    "  --password-cmd CMD       the password is the first line CMD prints; CMD is\n"
    "                           a JSON array [\"pass\", \"show\", \"dav\"] or words\n"
    "                           split on spaces (no shell either way)\n"
    "  --ca FILE                the server's CA certificate (PEM), for a private CA\n"
    "\n"
    "Prints \"created N, updated M, deleted K, unchanged U\". Exit 0 when done,\n"
    "4 when the server cannot be reached or refuses (what was written before is\n"
    "listed; run again to finish), 2 on bad usage or an OUT without a plan.\n";

struct publish_args {
    const char *out, *caldav, *providers, *user, *pw_env, *pw_cmd, *ca;
};

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "careday: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage_publish);
    return CLI_EXIT_BAD_INPUT;
}

static int parse(int argc, char **argv, struct publish_args *a)
{
    struct {
        const char *name;
        const char **dst;
    } opts[] = {{"--caldav", &a->caldav},       {"--providers-url", &a->providers},
                {"--user", &a->user},           {"--password-env", &a->pw_env},
                {"--password-cmd", &a->pw_cmd}, {"--ca", &a->ca}};
    int i;
    size_t k;

    memset(a, 0, sizeof *a);
    for (i = 1; i < argc; i++) {
        bool matched = false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_publish, stdout);
            return -1;
        }
        for (k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            size_t n = strlen(opts[k].name);
            if (strncmp(argv[i], opts[k].name, n) == 0 && argv[i][n] == '=') {
                *opts[k].dst = argv[i] + n + 1;
                matched = true;
            } else if (strcmp(argv[i], opts[k].name) == 0) {
                if (i + 1 >= argc || !argv[i + 1][0])
                    return usage("%s needs a value", opts[k].name);
                *opts[k].dst = argv[++i];
                matched = true;
            }
        }
        if (matched)
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            return usage("unknown option %s", argv[i]);
        if (a->out)
            return usage("one plan folder at a time; extra argument \"%s\"", argv[i]);
        a->out = argv[i];
    }
    if (!a->out)
        return usage("missing the plan folder (OUT of careday plan)%s", "");
    if (!a->caldav)
        return usage("missing --caldav URL (the family's calendar collection)%s", "");
    if (a->pw_env && a->pw_cmd)
        return usage("give one of --password-env and --password-cmd%s", "");
    if ((a->pw_env || a->pw_cmd) && !a->user)
        return usage("a password needs --user%s", "");
    if (a->providers && !strstr(a->providers, "{id}"))
        return usage("--providers-url: expected a URL with {id} in it, found \"%s\"", a->providers);
    return 0;
}

/* --password-cmd as an argv: a JSON array, or words split on spaces. */
static int password_from_cmd(const char *cmd, char **out, struct careday_error *err)
{
    const char **argv = NULL;
    json_t *arr = NULL;
    char *copy = NULL;
    size_t n = 0, i;
    int rc;

    if (cmd[0] == '[') {
        arr = json_loads(cmd, 0, NULL);
        n = json_is_array(arr) ? json_array_size(arr) : 0;
        for (i = 0; i < n; i++)
            if (!json_is_string(json_array_get(arr, i)))
                n = 0;
        if (n == 0) {
            json_decref(arr);
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, "--password-cmd",
                                "expected a JSON array of strings such as [\"pass\", \"show\", "
                                "\"dav\"]");
        }
        argv = cal_calloc(n + 1, sizeof *argv);
        for (i = 0; argv && i < n; i++)
            argv[i] = json_string_value(json_array_get(arr, i));
    } else {
        char *save = NULL, *w;
        copy = cal_strdup(cmd);
        argv = cal_calloc(strlen(cmd) / 2 + 2, sizeof *argv);
        for (w = copy && argv ? strtok_r(copy, " \t", &save) : NULL; w;
             w = strtok_r(NULL, " \t", &save))
            argv[n++] = w;
        if (argv && n == 0) {
            free(argv);
            free(copy);
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, "--password-cmd", "empty command");
        }
    }
    if (!argv)
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    else
        rc = secret_from_cmd(argv, out, err);
    free(argv);
    free(copy);
    json_decref(arr);
    return rc;
}

/* URL with a trailing slash (a collection). Caller frees. */
static char *collection(const char *url)
{
    size_t n = strlen(url);
    char *s = cal_malloc(n + 2);
    if (s)
        snprintf(s, n + 2, "%s%s", url, n && url[n - 1] == '/' ? "" : "/");
    return s;
}

static char *expand(const char *tmpl, const char *id)
{
    const char *at = strstr(tmpl, "{id}");
    size_t n = strlen(tmpl) + strlen(id) + 1;
    char *s = cal_malloc(n), *c;
    if (!s)
        return NULL;
    snprintf(s, n, "%.*s%s%s", (int)(at - tmpl), tmpl, id, at + 4);
    c = collection(s);
    free(s);
    return c;
}

static void print_counts(const char *label, const char *shown, const struct pub_counts *c)
{
    printf("%s (%s): created %zu, updated %zu, deleted %zu, unchanged %zu", label, shown,
           c->created, c->updated, c->deleted, c->unchanged);
    if (c->conflicts)
        printf(", left alone %zu (changed on the server)", c->conflicts);
    printf("\n");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Long on purpose: the options in one loop, then the steps of the command in order. */
int cli_publish(int argc, char **argv)
{
    struct publish_args a;
    struct pub_options o = {0};
    struct pub_counts total = {0};
    struct pub_log log = {0};
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    char path[4200], shown[512], *password = NULL, **ids = NULL;
    size_t nids = 0, i;
    struct stat st;
    int rc = 0, code;

    if ((rc = parse(argc, argv, &a)))
        return rc < 0 ? CLI_EXIT_OK : rc;
    snprintf(path, sizeof path, "%s/plan.json", a.out);
    if (stat(path, &st) != 0) {
        fprintf(stderr,
                "careday: error: %s: no plan here (%s); expected the folder careday plan "
                "wrote\n",
                a.out, strerror(errno));
        return CLI_EXIT_BAD_INPUT;
    }
    if (a.pw_env)
        rc = secret_from_env(a.pw_env, &password, &err);
    else if (a.pw_cmd)
        rc = password_from_cmd(a.pw_cmd, &password, &err);
    if (rc)
        goto fail;
    o.user = a.user;
    o.password = password;
    o.ca = a.ca;
    o.warn = &warn;

    if (a.providers) {
        DIR *d;
        struct dirent *e;
        snprintf(path, sizeof path, "%s/providers", a.out);
        if ((d = opendir(path))) {
            while (rc == 0 && (e = readdir(d))) {
                size_t n = strlen(e->d_name);
                char **v;
                if (n <= 4 || strcmp(e->d_name + n - 4, ".ics") != 0)
                    continue;
                /* a provider left out would be left unpublished without a word */
                if (!(v = cal_realloc(ids, (nids + 1) * sizeof *ids)) ||
                    !((ids = v)[nids] = cal_strdup(e->d_name)))
                    rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
                else
                    ids[nids++][n - 4] = '\0';
            }
            closedir(d);
        }
        if (nids)
            qsort(ids, nids, sizeof *ids, cmp_str);
    }
    for (i = 0; i <= nids && rc == 0; i++) {
        struct pub_target t;
        struct pub_counts c;
        char file[4400], calname[300], *url;
        if (i == 0) {
            url = collection(a.caldav);
            snprintf(file, sizeof file, "%s/family.ics", a.out);
            t.label = "family";
            snprintf(calname, sizeof calname, "careday: family");
        } else {
            url = expand(a.providers, ids[i - 1]);
            snprintf(file, sizeof file, "%s/providers/%s.ics", a.out, ids[i - 1]);
            t.label = ids[i - 1];
            snprintf(calname, sizeof calname, "careday: %.200s", ids[i - 1]);
        }
        if (!url) {
            rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            break;
        }
        t.url = url;
        t.file = file;
        t.calname = calname;
        rc = caldav_publish(&t, &o, &c, &log, &err);
        if (rc == 0) {
            adapt_redact_url(url, shown, sizeof shown);
            print_counts(t.label, shown, &c);
            total.created += c.created;
            total.updated += c.updated;
            total.deleted += c.deleted;
            total.unchanged += c.unchanged;
            total.conflicts += c.conflicts;
        }
        free(url);
    }
    for (i = 0; i < warn.n; i++) {
        char buf[2048];
        careday_error_format(&warn.v[i], buf, sizeof buf);
        fprintf(stderr, "careday: warning: %s\n", buf);
    }
    if (rc)
        goto fail;
    printf("created %zu, updated %zu, deleted %zu, unchanged %zu\n", total.created, total.updated,
           total.deleted, total.unchanged);
    code = CLI_EXIT_OK;
    goto done;
fail : {
    char buf[2048];
    careday_error_format(&err, buf, sizeof buf);
    fprintf(stderr, "careday: error: %s\n", buf);
    if (log.n)
        fprintf(stderr,
                "careday: written before it stopped (%zu): %s; run the same command again to "
                "finish\n",
                log.n, log.text);
    else
        fprintf(stderr, "careday: nothing was written to the server\n");
    code = adapt_exit_code(rc == CAL_EPARSE ? ADAPT_EINPUT : rc);
}
done:
    for (i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    pub_log_free(&log);
    careday_notes_free(&warn);
    secret_free(password);
    return code;
}
