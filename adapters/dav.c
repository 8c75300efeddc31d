/*
 * WebDAV 207 Multi-Status answers (RFC 4918, RFC 4791) read with libxml2:
 * each <D:response> with its href and the properties careday asks for.
 * Names are matched by namespace, whatever prefixes the server chose. The
 * parser never loads a DTD, substitutes no entity and opens no network.
 */
#include "adapters/http.h"
#include "calendars/util.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_DAV "DAV:"
#define NS_CALDAV "urn:ietf:params:xml:ns:caldav"

static bool is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
    const xmlNode *c;
    for (c = n ? n->children : NULL; c; c = c->next)
        if (is(c, ns, name))
            return c;
    return NULL;
}

/* The text of an element, trimmed; NULL when out of memory. */
static char *text(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = t ? (const char *)t : "", *e;
    char *out;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    out = cal_malloc((size_t)(e - s) + 1);
    if (out) {
        memcpy(out, s, (size_t)(e - s));
        out[e - s] = '\0';
    }
    xmlFree(t);
    return out;
}

/* "HTTP/1.1 200 OK" -> 200. */
static long status_of(const xmlNode *n)
{
    char *t = n ? text(n) : NULL;
    long s = 0;
    if (t && strncmp(t, "HTTP/", 5) == 0) {
        const char *sp = strchr(t, ' ');
        s = sp ? strtol(sp + 1, NULL, 10) : 0;
    }
    free(t);
    return s;
}

static char *href_in(const xmlNode *prop)
{
    const xmlNode *h = child(prop, NS_DAV, "href");
    return h ? text(h) : NULL;
}

static int read_prop(const xmlNode *prop, struct dav_item *it)
{
    const xmlNode *p;

    for (p = prop->children; p; p = p->next) {
        char **dst = NULL;
        if (is(p, NS_DAV, "resourcetype")) {
            it->collection = child(p, NS_DAV, "collection") != NULL;
            it->calendar = child(p, NS_CALDAV, "calendar") != NULL;
            continue;
        }
        if (is(p, NS_DAV, "current-user-principal")) {
            free(it->principal);
            it->principal = href_in(p);
            continue;
        }
        if (is(p, NS_CALDAV, "calendar-home-set")) {
            free(it->home);
            it->home = href_in(p);
            continue;
        }
        if (is(p, NS_DAV, "displayname"))
            dst = &it->displayname;
        else if (is(p, NS_DAV, "getetag"))
            dst = &it->etag;
        else if (is(p, NS_CALDAV, "calendar-data"))
            dst = &it->data;
        if (dst) {
            free(*dst);
            if (!(*dst = text(p)))
                return -1;
        }
    }
    return 0;
}

static void item_free(struct dav_item *it)
{
    free(it->href);
    free(it->displayname);
    free(it->etag);
    free(it->data);
    free(it->principal);
    free(it->home);
}

void dav_items_free(struct dav_items *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; i < d->n; i++)
        item_free(&d->v[i]);
    free(d->v);
    memset(d, 0, sizeof *d);
}

int dav_parse_multistatus(const char *body, size_t len, const char *name, struct dav_items *out,
                          struct careday_error *err)
{
    struct dav_items d = {0};
    const xmlNode *root, *r;
    xmlDoc *doc;
    int rc = 0;

    if (len > (size_t)INT32_MAX)
        return careday_fail(err, ADAPT_EFETCH, name, 0, NULL, "the server's answer is too large");
    long failures = cal_alloc_failures(); /* libxml2 allocates through the same wrapper */
    doc = xmlReadMemory(body, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc && cal_alloc_failures() != failures)
        return careday_fail(err, ADAPT_EINTERNAL, name, 0, NULL,
                            "out of memory reading the server's answer");
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        return careday_fail(err, ADAPT_EFETCH, name, e ? e->line : 0, NULL,
                            "bad XML in the server's answer (not well-formed); expected a "
                            "WebDAV 207 Multi-Status");
    }
    root = xmlDocGetRootElement(doc);
    if (!is(root, NS_DAV, "multistatus")) {
        rc = careday_fail(err, ADAPT_EFETCH, name, 0, NULL,
                          "the server's answer is XML but not a WebDAV multistatus (found <%s>)",
                          root ? (const char *)root->name : "nothing");
        goto done;
    }
    for (r = root->children; r; r = r->next) {
        struct dav_item it = {0};
        const xmlNode *ps, *h;
        if (!is(r, NS_DAV, "response"))
            continue;
        if (!(h = child(r, NS_DAV, "href")) || !(it.href = text(h)))
            continue;
        it.status = status_of(child(r, NS_DAV, "status"));
        for (ps = r->children; ps; ps = ps->next) {
            long s;
            const xmlNode *prop;
            if (!is(ps, NS_DAV, "propstat"))
                continue;
            s = status_of(child(ps, NS_DAV, "status"));
            if (s < 200 || s >= 300 || !(prop = child(ps, NS_DAV, "prop")))
                continue;
            it.status = s;
            if (read_prop(prop, &it) != 0) {
                rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
                break;
            }
        }
        if (rc == 0 && d.n == d.cap) {
            size_t cap = d.cap ? d.cap * 2 : 16;
            struct dav_item *v = cal_realloc(d.v, cap * sizeof *v);
            if (!v)
                rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            else {
                d.v = v;
                d.cap = cap;
            }
        }
        if (rc) {
            item_free(&it);
            goto done;
        }
        d.v[d.n++] = it;
    }
    /* libxml2 answers NULL for a text or a property it could not copy, as for
     * one that is not there: a failed allocation would read as a missing
     * href or resourcetype. */
    if (cal_alloc_failures() != failures) {
        rc = careday_fail(err, ADAPT_EINTERNAL, name, 0, NULL,
                          "out of memory reading the server's answer");
        goto done;
    }
    *out = d;
    d.v = NULL;
    d.n = 0;
done:
    dav_items_free(&d);
    xmlFreeDoc(doc);
    return rc;
}
