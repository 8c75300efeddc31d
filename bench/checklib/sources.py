"""Reading availability and busy time from a case's sources: iCalendar
(VEVENT with RRULE/RDATE/EXDATE/RECURRENCE-ID, VFREEBUSY, VAVAILABILITY),
FHIR Slot bundles or NDJSON, and `hours` weekly templates."""

import datetime
import json
import os
import re
import urllib.parse
import urllib.request

import icalendar
import recurring_ical_events

from . import timeset as ts

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class SourceError(Exception):
    """A source that cannot be read; the checker answers with exit code 2."""


class Span:
    """The instants a source matters for, plus the zone for floating times
    and all-day dates."""

    def __init__(self, start, end, floating_tz):
        self.start = start  # instant
        self.end = end
        self.tz = floating_tz


def _fetch(location, base_dir):
    """Bytes of a local path (relative to the case) or an http(s)/webcal URL."""
    if location.startswith(("http://", "https://", "webcal://")):
        url = "https://" + location[len("webcal://"):] if location.startswith("webcal://") else location
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                return resp.read()
        except Exception as exc:
            raise SourceError("%s: %s" % (location, exc)) from exc
    path = location if os.path.isabs(location) else os.path.join(base_dir, location)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise SourceError("%s: %s" % (path, exc.strerror or exc)) from exc


def _instant(value, tz):
    """An iCalendar DATE or DATE-TIME value to an instant; dates and floating
    times are read in tz."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return ts.naive_to_utc(value.replace(tzinfo=None), tz)
        return int(value.timestamp())
    if isinstance(value, datetime.date):
        return ts.local_to_utc(value, 0, tz)
    raise SourceError("not a date or date-time: %r" % (value,))


def _occurrence_interval(comp, tz):
    start_v = comp["DTSTART"].dt
    end_p = comp.get("DTEND")
    end_v = end_p.dt if end_p is not None else None
    if end_v is None and comp.get("DURATION") is not None:
        end_v = start_v + comp["DURATION"].dt
    if end_v is None or end_v == start_v:
        # RFC 5545: an all-day event without an end lasts one day; a timed
        # one without an end takes no time.
        if not isinstance(start_v, datetime.datetime):
            end_v = start_v + datetime.timedelta(days=1)
        else:
            end_v = start_v
    return _instant(start_v, tz), _instant(end_v, tz)


def _expand(cal, span, name="VEVENT"):
    """Occurrences of the components `name` of cal that touch the span."""
    pad = datetime.timedelta(days=2)
    lo = datetime.datetime.fromtimestamp(span.start, span.tz).replace(tzinfo=None) - pad
    hi = datetime.datetime.fromtimestamp(span.end, span.tz).replace(tzinfo=None) + pad
    try:
        return recurring_ical_events.of(cal, components=[name]).between(lo, hi)
    except Exception as exc:
        raise SourceError("cannot expand %s: %s" % (name, exc)) from exc


def _text(comp, key):
    v = comp.get(key)
    return str(v).strip().upper() if v is not None else ""


def read_ics(data, label, meaning, span):
    """(busy, available) interval sets of an iCalendar text. meaning is what a
    plain VEVENT means ("busy" or "available")."""
    try:
        cals = icalendar.Calendar.from_ical(_prepare(data), multiple=True)
    except Exception as exc:
        raise SourceError("%s: not iCalendar (%s)" % (label, exc)) from exc
    busy, avail = [], []
    for cal in cals:
        b, a = _read_calendar(cal, meaning, span)
        busy += b
        avail += a
    return ts.normalize(busy), ts.normalize(avail)


def _prepare(data):
    """Work around what this icalendar version cannot parse: a byte-order
    mark, and FREEBUSY properties listing several periods (split into one
    property per period, as RFC 5545 allows either way)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    text = re.sub(r"\r?\n[ \t]", "", text)
    out = []
    for line in re.split(r"\r?\n", text):
        if line[:8].upper() == "FREEBUSY" and line[8:9] in (":", ";") and "," in line:
            head, _, value = line.partition(":")
            out += ["%s:%s" % (head, v.strip()) for v in value.split(",") if v.strip()]
        else:
            out.append(line)
    return "\r\n".join(out)


def _read_calendar(cal, meaning, span):
    busy, avail = [], []
    for ev in _expand(cal, span, "VEVENT"):
        if _text(ev, "STATUS") == "CANCELLED":
            continue
        if meaning == "busy" and _text(ev, "TRANSP") == "TRANSPARENT":
            continue
        s, e = _occurrence_interval(ev, span.tz)
        (busy if meaning == "busy" else avail).append((s, e))
    for fb in cal.walk("VFREEBUSY"):
        props = fb.get("FREEBUSY", [])
        if not isinstance(props, list):
            props = [props]
        for prop in props:
            fbtype = str(prop.params.get("FBTYPE", "BUSY")).upper()
            for period in _periods(prop):
                s, e = _period_interval(period, span.tz)
                (avail if fbtype == "FREE" else busy).append((s, e))
    for va in cal.walk("VAVAILABILITY"):
        b, a = _availability(va, span)
        busy += b
        avail += a
    return busy, avail


def _periods(prop):
    """The periods of a FREEBUSY property, however icalendar parsed it."""
    raw = prop.to_ical().decode() if hasattr(prop, "to_ical") else str(prop)
    out = []
    for piece in raw.split(","):
        piece = piece.strip()
        if not piece:
            continue
        a, _, b = piece.partition("/")
        start = icalendar.prop.vDDDTypes.from_ical(a)
        if b.startswith(("P", "+P", "-P")):
            end = start + icalendar.prop.vDuration.from_ical(b)
        else:
            end = icalendar.prop.vDDDTypes.from_ical(b)
        out.append((start, end))
    return out


def _period_interval(period, tz):
    return _instant(period[0], tz), _instant(period[1], tz)


def _availability(va, span):
    """RFC 7953: inside the VAVAILABILITY's time range (unbounded when it
    has none) time is busy except within its AVAILABLE components."""
    avail = []
    sub = icalendar.Calendar()
    for comp in va.subcomponents:
        if comp.name != "AVAILABLE":
            continue
        ev = icalendar.Event()
        for key, value in comp.items():
            ev[key] = value
        sub.add_component(ev)
    for ev in _expand(sub, span, "VEVENT"):
        avail.append(_occurrence_interval(ev, span.tz))
    avail = ts.normalize(avail)
    lo, hi = span.start - 86400 * 3, span.end + 86400 * 3
    if va.get("DTSTART") is not None:
        lo = _instant(va["DTSTART"].dt, span.tz)
    if va.get("DTEND") is not None:
        hi = _instant(va["DTEND"].dt, span.tz)
    elif va.get("DTSTART") is not None and va.get("DURATION") is not None:
        hi = _instant(va["DTSTART"].dt + va["DURATION"].dt, span.tz)
    busytype = _text(va, "BUSYTYPE") or "BUSY-UNAVAILABLE"
    busy = ts.subtract([(lo, hi)], avail) if busytype.startswith("BUSY") else []
    return busy, avail


def _fhir_resources(data, label):
    """The resources of a Bundle (nested Bundles too), a single resource or
    NDJSON."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        try:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SourceError("%s: neither JSON nor NDJSON (%s)" % (label, exc)) from exc
    resources = []

    def walk(doc, depth):
        if not isinstance(doc, dict) or depth > 8:
            return
        if doc.get("resourceType") == "Bundle":
            for entry in doc.get("entry", []) or []:
                if isinstance(entry, dict):
                    walk(entry.get("resource"), depth + 1)
        else:
            resources.append(doc)

    for doc in docs:
        walk(doc, 0)
    return resources


def ref_match(a, b):
    """FHIR references name the same resource: equal, or one ends with "/"
    or ":" followed by the other ("Schedule/x" and "http://h/fhir/Schedule/x")."""
    if not a or not b:
        return False
    a, b = re.sub(r"/_history/[^/]*$", "", a), re.sub(r"/_history/[^/]*$", "", b)
    if a == b:
        return True
    return any(x.endswith("/" + y) or x.endswith(":" + y) for x, y in ((a, b), (b, a)))


def _ref(obj):
    return (obj or {}).get("reference", "") if isinstance(obj, dict) else ""


def read_fhir(data, label, schedule=None, actor=None, schedules_data=None):
    """(busy, available) of FHIR R4 Slots in a Bundle, a single Slot or
    NDJSON. free is available; busy, busy-unavailable, busy-tentative busy.
    schedule keeps Slots of that Schedule; actor keeps Slots whose Schedule
    (in the same file or in schedules_data) lists that actor. A filter that
    keeps no Slot is an error."""
    resources = _fhir_resources(data, label)
    scheds = [r for r in resources if r.get("resourceType") == "Schedule"]
    if schedules_data is not None:
        scheds += [r for r in _fhir_resources(schedules_data, "schedules")
                   if r.get("resourceType") == "Schedule"]
    busy, avail, kept = [], [], 0
    for res in resources:
        if res.get("resourceType") != "Slot":
            continue
        ref = _ref(res.get("schedule"))
        if schedule and not ref_match(ref, schedule):
            continue
        if actor and not any(ref_match(ref, "Schedule/%s" % sc.get("id", ""))
                             and any(ref_match(_ref(a), actor) for a in sc.get("actor") or [])
                             for sc in scheds):
            continue
        kept += 1
        status = res.get("status", "")
        if status == "entered-in-error":
            continue
        s = ts.parse_instant(res.get("start"))
        e = ts.parse_instant(res.get("end"))
        if s is None or e is None:
            raise SourceError("%s: Slot %s without a usable start/end" % (label, res.get("id")))
        if status == "free":
            avail.append((s, e))
        elif status in ("busy", "busy-unavailable", "busy-tentative"):
            busy.append((s, e))
    if (schedule or actor) and kept == 0:
        raise SourceError("%s: no Slot matches schedule %s actor %s" % (label, schedule, actor))
    return ts.normalize(busy), ts.normalize(avail)


FHIR_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _fhir_time(s):
    """"HH:MM[:SS]" to minutes after midnight (seconds dropped)."""
    m = re.match(r"^(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?$", s or "")
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def _fhir_bound(v, tz, end):
    """A Period bound: an instant, or a date (start of that local day; for an
    end, the start of the next day). Partial dates are read as their first
    day (start) or their last day (end)."""
    t = ts.parse_instant(v)
    if t is not None:
        return t
    m = re.match(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?$", v or "")
    if not m:
        raise SourceError("not a FHIR date or instant: %r" % (v,))
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if not end:
        day = datetime.date(y, int(mo or 1), int(d or 1))
    elif d:
        day = datetime.date(y, int(mo), int(d)) + datetime.timedelta(days=1)
    elif mo:
        day = datetime.date(y + int(mo) // 12, int(mo) % 12 + 1, 1)
    else:
        day = datetime.date(y + 1, 1, 1)
    return ts.local_to_utc(day, 0, tz)


def read_fhir_hours(data, label, who, span):
    """(busy, available): HealthcareService / PractitionerRole availableTime
    and Location hoursOfOperation as weekly templates in span.tz, minus
    notAvailable (which is also the busy side). who picks resources by
    "Type/id" or a PractitionerRole's practitioner."""
    first = ts.local_date(span.start, span.tz) - datetime.timedelta(days=1)
    last = ts.local_date(span.end, span.tz) + datetime.timedelta(days=1)
    avail, busy, matched = [], [], 0
    for res in _fhir_resources(data, label):
        rt = res.get("resourceType")
        if rt not in ("HealthcareService", "PractitionerRole", "Location"):
            continue
        own = "%s/%s" % (rt, res.get("id", ""))
        if who and not (ref_match(own, who) or (rt == "PractitionerRole" and
                                                ref_match(_ref(res.get("practitioner")), who))):
            continue
        matched += 1
        if res.get("active") is False:
            continue
        lo, hi = span.start, span.end
        per = res.get("period") if rt == "PractitionerRole" else None
        if isinstance(per, dict):
            if per.get("start"):
                lo = max(lo, _fhir_bound(per["start"], span.tz, False))
            if per.get("end"):
                hi = min(hi, _fhir_bound(per["end"], span.tz, True))
        key = "hoursOfOperation" if rt == "Location" else "availableTime"
        mine = []
        for at in res.get(key) or []:
            days = at.get("daysOfWeek") or FHIR_DAYS
            if at.get("allDay"):
                a, b = 0, 1440
            else:
                a = _fhir_time(at.get("openingTime" if rt == "Location" else "availableStartTime"))
                b = _fhir_time(at.get("closingTime" if rt == "Location" else "availableEndTime"))
                a = 0 if a is None else a
                b = 1440 if b is None else b
            if b <= a:
                continue
            for d in ts.dates(first, last):
                if FHIR_DAYS[d.weekday()] in days:
                    s = ts.local_to_utc(d, a, span.tz)
                    e = (ts.local_to_utc(d + datetime.timedelta(days=1), 0, span.tz) if b >= 1440
                         else ts.local_to_utc(d, b, span.tz))
                    mine.append((max(s, lo), min(e, hi)))
        avail += [iv for iv in mine if iv[0] < iv[1]]
        for na in res.get("notAvailable") or []:
            dur = na.get("during") or {}
            s = _fhir_bound(dur["start"], span.tz, False) if dur.get("start") else span.start
            e = _fhir_bound(dur["end"], span.tz, True) if dur.get("end") else span.end
            if s < e:
                busy.append((s, e))
    if matched == 0:
        raise SourceError("%s: nothing is %s" % (label, who or "a HealthcareService, "
                                                 "PractitionerRole or Location"))
    busy = ts.normalize(busy)
    return busy, ts.subtract(ts.normalize(avail), busy)


LIVE_APPOINTMENT = ("booked", "arrived", "checked-in", "fulfilled", "pending", "proposed")


def read_fhir_appointments(data, label):
    """[(id, start, end, minutes, [participant refs])] of the Appointments
    that are (or may be) happening."""
    out = []
    for res in _fhir_resources(data, label):
        if res.get("resourceType") != "Appointment":
            continue
        if res.get("status") not in LIVE_APPOINTMENT:
            continue
        s = ts.parse_instant(res.get("start"))
        if s is None:
            continue
        e = ts.parse_instant(res.get("end"))
        if e is None and res.get("minutesDuration") is not None:
            e = s + 60 * int(res["minutesDuration"])
        if e is None:
            raise SourceError("%s: Appointment %s without an end" % (label, res.get("id")))
        minutes = int(res.get("minutesDuration") or (e - s) // 60)
        refs = [_ref(p.get("actor")) for p in res.get("participant") or []
                if isinstance(p, dict) and p.get("status") != "declined"]
        out.append((res.get("id", ""), s, e, minutes, [r for r in refs if r]))
    return out


def _fhir_live(spec):
    base = spec.get("base", "").rstrip("/")
    query = spec.get("query", "")
    url = base + "/Slot" + ("?" + query.lstrip("?") if query else "")
    if query.startswith("Slot"):
        url = base + "/" + query
    pages, seen = [], 0
    while url and seen < 100:
        req = urllib.request.Request(url, headers={"Accept": "application/fhir+json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                doc = json.loads(resp.read().decode("utf-8"))
        except Exception as exc:
            raise SourceError("%s: %s" % (url, exc)) from exc
        pages.append(doc)
        url = next((l.get("url") for l in doc.get("link", []) if l.get("relation") == "next"), None)
        seen += 1
    return json.dumps({"resourceType": "Bundle",
                       "entry": [e for p in pages for e in p.get("entry", [])]})


def read_source(src, where, default_meaning, span, base_dir):
    """(busy, available) of one source object of the case file."""
    if not isinstance(src, dict):
        raise SourceError("%s: a source must be an object" % where)
    kinds = [k for k in ("ics", "caldav", "fhir", "fhir_hours") if k in src]
    if len(kinds) != 1:
        raise SourceError("%s: a source needs exactly one of ics, caldav, fhir, fhir_hours"
                          % where)
    meaning = src.get("meaning", default_meaning)
    if meaning not in ("busy", "available"):
        raise SourceError("%s.meaning: expected \"busy\" or \"available\"" % where)
    try:
        return _read_source(src, where, meaning, span, base_dir, kinds[0])
    except SourceError:
        raise
    except Exception as exc:  # a calendar the libraries choke on
        raise SourceError("%s: cannot read %s: %s: %s"
                          % (where, src.get(kinds[0]), type(exc).__name__, exc)) from exc


def _read_source(src, where, meaning, span, base_dir, kind):
    if kind == "caldav":
        raise SourceError("%s: CalDAV sources are not read by the checker; "
                          "export the calendar to an .ics file" % where)
    if kind == "ics":
        loc = src["ics"]
        if not isinstance(loc, str):
            raise SourceError("%s.ics: expected a path or URL" % where)
        return read_ics(_fetch(loc, base_dir), loc, meaning, span)
    if kind == "fhir_hours":
        loc = src["fhir_hours"]
        if not isinstance(loc, str):
            raise SourceError("%s.fhir_hours: expected a path" % where)
        return read_fhir_hours(_fetch(loc, base_dir), loc, src.get("who"), span)
    spec = src["fhir"]
    if isinstance(spec, dict):
        data, label = _fhir_live(spec), spec.get("base", "fhir")
    elif isinstance(spec, str):
        data, label = _fetch(spec, base_dir), spec
    else:
        raise SourceError("%s.fhir: expected a path or {base, query}" % where)
    # Slot status decides; "meaning" only applies to plain VEVENTs.
    scheds = _fetch(src["schedules"], base_dir) if src.get("schedules") else None
    return read_fhir(data, label, src.get("schedule"), src.get("actor"), scheds)


def read_hours(hours, where, first_day, last_day, tz):
    """A weekly template [{days: "MO,TU", from: "HH:MM", to: "HH:MM"}] as
    intervals, in zone tz, on every date from first_day to last_day."""
    if not isinstance(hours, list):
        raise SourceError("%s: expected a list of {days, from, to}" % where)
    out = []
    for i, h in enumerate(hours):
        w = "%s[%d]" % (where, i)
        if not isinstance(h, dict):
            raise SourceError("%s: expected {days, from, to}" % w)
        days = h.get("days", "MO,TU,WE,TH,FR,SA,SU")
        codes = [d.strip().upper() for d in days.split(",")] if isinstance(days, str) else days
        if not isinstance(codes, list) or any(c not in DAY_CODES for c in codes):
            raise SourceError("%s.days: expected day codes like \"MO,WE,FR\"" % w)
        lo, hi = ts.parse_hhmm(h.get("from")), ts.parse_hhmm(h.get("to"))
        if lo is None or hi is None or hi <= lo:
            raise SourceError("%s: from/to must be HH:MM with from < to" % w)
        for d in ts.dates(first_day, last_day):
            if DAY_CODES[d.weekday()] in codes:
                out.append((ts.local_to_utc(d, lo, tz), ts.local_to_utc(d, hi, tz)))
    return ts.normalize(out)
