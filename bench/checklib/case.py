"""The case file (DESIGN §3), read into plain Python data with every source
resolved into interval sets over the horizon."""

import datetime
import json
import math
import os

from . import sources
from . import timeset as ts

MODES = ("in_person", "telehealth", "home")
PRIORITY = {"routine": 1, "soon": 2, "urgent": 4}
DEFAULT_WEIGHTS = {"unscheduled": 100000, "trip": 600, "travel_minute": 1, "in_person": 120,
                   "overnight": 300, "late_minute": 0, "moved": 200}
EARTH_RADIUS_KM = 6371.0


class CaseError(Exception):
    """The case cannot be read; exit code 2."""


def _need(obj, key, where, kind=None):
    if not isinstance(obj, dict) or key not in obj:
        raise CaseError("%s.%s: missing" % (where, key))
    v = obj[key]
    if kind is not None and not isinstance(v, kind):
        raise CaseError("%s.%s: unexpected type %s" % (where, key, type(v).__name__))
    return v


def _num(v, where, default=None):
    if v is None:
        if default is None:
            raise CaseError("%s: missing" % where)
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CaseError("%s: expected a number" % where)
    return v


class Case:
    pass


class Travel:
    """Driving minutes between place ids and "home" (DESIGN §3 Travel)."""

    def __init__(self, case, spec, base_dir):
        self.coords = {"home": case.home}
        for pid, p in case.places.items():
            self.coords[pid] = (p["lat"], p["lon"])
        self.detour = _num(spec.get("detour_factor"), "travel.detour_factor", 1.3)
        self.speed = _num(spec.get("speed_kmh"), "travel.speed_kmh", 70)
        self.park = int(_num(spec.get("park_minutes"), "travel.park_minutes", 10))
        if self.speed <= 0:
            raise CaseError("travel.speed_kmh: must be positive")
        self.matrix = None
        if spec.get("matrix") is not None:
            path = spec["matrix"]
            if not isinstance(path, str):
                raise CaseError("travel.matrix: expected a path")
            full = path if os.path.isabs(path) else os.path.join(base_dir, path)
            try:
                with open(full, encoding="utf-8") as f:
                    doc = json.load(f)
            except (OSError, json.JSONDecodeError) as exc:
                raise CaseError("travel.matrix: %s: %s" % (full, exc)) from exc
            m = doc.get("minutes") if isinstance(doc, dict) else None
            if not isinstance(m, dict):
                raise CaseError("%s: expected {\"minutes\": {from: {to: minutes}}}" % full)
            self.matrix = m

    def haversine_minutes(self, a, b):
        (la1, lo1), (la2, lo2) = self.coords[a], self.coords[b]
        p1, p2 = math.radians(la1), math.radians(la2)
        dp, dl = p2 - p1, math.radians(lo2 - lo1)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
        return int(math.floor(km * self.detour / self.speed * 60 + 0.5))

    def drive(self, a, b):
        """Minutes driving from a to b (place ids or "home"), parking excluded."""
        if a == b:
            return 0
        if self.matrix is not None:
            for x, y in ((a, b), (b, a)):
                row = self.matrix.get(x)
                if isinstance(row, dict) and isinstance(row.get(y), (int, float)):
                    return int(round(row[y]))
        return self.haversine_minutes(a, b)


def _sources(lst, where, meaning, span, base_dir):
    if lst is None:
        return [], []
    if not isinstance(lst, list):
        raise CaseError("%s: expected a list of sources" % where)
    busy, avail = [], []
    for i, src in enumerate(lst):
        try:
            b, a = sources.read_source(src, "%s[%d]" % (where, i), meaning, span, base_dir)
        except sources.SourceError as exc:
            raise CaseError(str(exc)) from exc
        busy += b
        avail += a
    return ts.normalize(busy), ts.normalize(avail)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as exc:
        raise CaseError("%s: %s" % (path, exc.strerror or exc)) from exc
    except json.JSONDecodeError as exc:
        raise CaseError("%s:%d: not JSON: %s" % (path, exc.lineno, exc.msg)) from exc
    if not isinstance(doc, dict):
        raise CaseError("%s: expected a JSON object" % path)
    base_dir = os.path.dirname(os.path.abspath(path))
    c = Case()
    c.path = path
    c.doc = doc
    c.name = doc.get("name", "")
    c.tzname = _need(doc, "timezone", "$", str)
    try:
        c.tz = ts.zone(c.tzname)
    except ValueError as exc:
        raise CaseError("timezone: %s" % exc) from exc
    hz = _need(doc, "horizon", "$", dict)
    c.first = ts.parse_date(hz.get("start"))
    c.last = ts.parse_date(hz.get("end"))
    if c.first is None or c.last is None or c.last < c.first:
        raise CaseError("horizon: expected start <= end as YYYY-MM-DD")
    c.hstart = ts.local_to_utc(c.first, 0, c.tz)
    c.hend = ts.local_to_utc(c.last + datetime.timedelta(days=1), 0, c.tz)
    pad = datetime.timedelta(days=1)
    span_case = sources.Span(c.hstart, c.hend, c.tz)

    # places
    c.places = {}
    for i, p in enumerate(doc.get("places", []) or []):
        w = "places[%d]" % i
        pid = _need(p, "id", w, str)
        if pid == "home" or pid in c.places:
            raise CaseError("%s.id: %r is reserved or repeated" % (w, pid))
        tz = c.tz
        if p.get("timezone") is not None:
            try:
                tz = ts.zone(p["timezone"])
            except ValueError as exc:
                raise CaseError("%s.timezone: %s" % (w, exc)) from exc
        c.places[pid] = {"id": pid, "name": p.get("name", pid),
                         "lat": _num(p.get("lat"), w + ".lat"), "lon": _num(p.get("lon"), w + ".lon"),
                         "lodging": p.get("kind") == "lodging", "tz": tz}

    # family
    fam = _need(doc, "family", "$", dict)
    home = _need(fam, "home", "family", dict)
    c.home = (_num(home.get("lat"), "family.home.lat"), _num(home.get("lon"), "family.home.lon"))
    fb, fa = _sources(fam.get("busy"), "family.busy", "busy", span_case, base_dir)
    if fa:
        # a source listing when the family is free: the rest of the horizon is busy
        fb = ts.union(fb, ts.subtract([(c.hstart, c.hend)], fa))
    c.family_busy = fb
    day = fam.get("day") or {}
    c.earliest = ts.parse_hhmm(day.get("earliest_departure", "07:00"))
    c.latest = ts.parse_hhmm(day.get("latest_return", "19:00"))
    if c.earliest is None or c.latest is None or c.latest <= c.earliest:
        raise CaseError("family.day: expected HH:MM with earliest_departure < latest_return")
    lim = fam.get("limits") or {}
    c.max_visits = int(_num(lim.get("max_visits_per_day"), "family.limits.max_visits_per_day", 0))
    c.max_clinic = int(_num(lim.get("max_clinic_minutes_per_day"),
                            "family.limits.max_clinic_minutes_per_day", 0))
    c.min_gap = int(_num(lim.get("min_gap_minutes"), "family.limits.min_gap_minutes", 0))
    c.arrive_early = int(_num(fam.get("arrive_early_minutes"), "family.arrive_early_minutes", 15))
    c.telehealth_ready = bool((fam.get("telehealth") or {}).get("ready", True))
    c.travel_needs_nurse = bool(fam.get("travel_needs_nurse", False))
    on = fam.get("overnight") or {}
    c.overnight_allowed = bool(on.get("allowed", False))
    c.lodging = on.get("lodging")
    c.max_nights = int(_num(on.get("max_nights"), "family.overnight.max_nights", 1))
    if c.lodging is not None and c.lodging not in c.places:
        raise CaseError("family.overnight.lodging: unknown place %r" % c.lodging)

    # nursing
    nursing = doc.get("nursing") or {}
    nb, na = _sources(nursing.get("shifts"), "nursing.shifts", "available", span_case, base_dir)
    c.nursing = ts.subtract(na, nb)

    c.travel = Travel(c, doc.get("travel") or {}, base_dir)

    # providers
    c.providers = {}
    for i, p in enumerate(doc.get("providers", []) or []):
        w = "providers[%d]" % i
        pid = _need(p, "id", w, str)
        if pid in c.providers:
            raise CaseError("%s.id: %r repeated" % (w, pid))
        cap = int(_num(p.get("capacity"), w + ".capacity", 1))
        pbusy, _ = _sources(p.get("busy"), w + ".busy", "busy", span_case, base_dir)
        modes = {}
        for m in MODES:
            spec = p.get(m)
            if spec is None:
                continue
            mw = "%s.%s" % (w, m)
            if not isinstance(spec, dict):
                raise CaseError("%s: expected an object" % mw)
            place = None
            # in person: the clinic's zone; telehealth and home: the zone of
            # the provider's clinic if it has one, else the case's
            ip = p.get("in_person")
            tz = c.tz
            if isinstance(ip, dict) and ip.get("place") in c.places:
                tz = c.places[ip["place"]]["tz"]
            if m == "in_person":
                place = _need(spec, "place", mw, str)
                if place not in c.places:
                    raise CaseError("%s.place: unknown place %r" % (mw, place))
                tz = c.places[place]["tz"]
            span = sources.Span(c.hstart, c.hend, tz)
            b1, a1 = _sources(spec.get("available"), mw + ".available", "available", span, base_dir)
            b2, a2 = _sources(spec.get("busy"), mw + ".busy", "busy", span, base_dir)
            hrs = []
            if spec.get("hours") is not None:
                try:
                    hrs = sources.read_hours(spec["hours"], mw + ".hours", c.first - pad,
                                             c.last + pad, tz)
                except sources.SourceError as exc:
                    raise CaseError(str(exc)) from exc
            free = ts.subtract(ts.union(a1 + a2, hrs), ts.union(b1 + b2, pbusy))
            modes[m] = {"place": place, "free": free}
        c.providers[pid] = {"id": pid, "name": p.get("name", pid), "capacity": cap,
                            "modes": modes}

    # visits and bookings
    c.visits = []
    c.by_id = {}
    for i, v in enumerate(doc.get("visits", []) or []):
        w = "visits[%d]" % i
        vid = _need(v, "id", w, str)
        prov = _need(v, "provider", w, str)
        if prov not in c.providers:
            raise CaseError("%s.provider: unknown provider %r" % (w, prov))
        minutes = int(_num(v.get("minutes"), w + ".minutes"))
        win = v.get("window") or {}
        e = ts.parse_date(win["earliest"]) if "earliest" in win else c.first
        l = ts.parse_date(win["latest"]) if "latest" in win else c.last
        if e is None or l is None:
            raise CaseError("%s.window: expected YYYY-MM-DD dates" % w)
        modes = v.get("modes") or ["in_person"]
        if any(m not in MODES for m in modes):
            raise CaseError("%s.modes: expected in_person, telehealth or home" % w)
        pr = v.get("priority", "routine")
        if pr not in PRIORITY:
            raise CaseError("%s.priority: expected routine, soon or urgent" % w)
        rec = {"id": vid, "index": i, "provider": prov, "minutes": minutes,
               "earliest": max(e, c.first), "latest": min(l, c.last), "modes": list(modes),
               "prefer": v.get("prefer", modes[0]), "factor": PRIORITY[pr],
               "telehealth_needs_nurse": bool(v.get("telehealth_needs_nurse", False)),
               "home_needs_nurse": bool(v.get("home_needs_nurse", False)),
               "before": [], "same_day_as": v.get("same_day_as"),
               "booked": False, "fixed": False}
        for j, b in enumerate(v.get("before", []) or []):
            bw = "%s.before[%d]" % (w, j)
            rec["before"].append({"visit": _need(b, "visit", bw, str),
                                  "min": int(_num(b.get("min_gap_minutes"), bw, 0)),
                                  "max": (int(b["max_gap_minutes"])
                                          if b.get("max_gap_minutes") is not None else None)})
        _add_visit(c, rec, w)
    for i, b in enumerate(doc.get("booked", []) or []):
        w = "booked[%d]" % i
        if isinstance(b, dict) and "fhir" in b and "provider_map" in b:
            _fhir_bookings(c, b, w, base_dir)
            continue
        if any(k in b for k in ("ics", "caldav", "fhir", "fhir_hours")):
            # an existing-appointments calendar: busy time for the family
            bb, _ = _sources([b], w, "busy", span_case, base_dir)
            c.family_busy = ts.union(c.family_busy, bb)
            continue
        vid = _need(b, "id", w, str)
        prov = _need(b, "provider", w, str)
        if prov not in c.providers:
            raise CaseError("%s.provider: unknown provider %r" % (w, prov))
        start = ts.parse_instant(b.get("start"))
        if start is None:
            raise CaseError("%s.start: expected an RFC 3339 instant with offset" % w)
        mode = b.get("mode", "in_person")
        if mode not in MODES:
            raise CaseError("%s.mode: expected in_person, telehealth or home" % w)
        minutes = int(_num(b.get("minutes"), w + ".minutes"))
        if start + minutes * 60 <= c.hstart or start >= c.hend:
            continue  # outside the horizon: not part of this plan
        rec = {"id": vid, "index": len(c.visits), "provider": prov,
               "minutes": minutes,
               "earliest": c.first, "latest": c.last, "modes": [mode], "prefer": mode,
               "factor": PRIORITY.get(b.get("priority", "routine"), 1),
               "telehealth_needs_nurse": False, "home_needs_nurse": False,
               "before": [], "same_day_as": None, "booked": True,
               "fixed": not bool(b.get("movable", False)), "start": start, "mode": mode}
        _add_visit(c, rec, w)
    for v in c.visits:
        for b in v["before"]:
            if b["visit"] not in c.by_id:
                raise CaseError("visits: %s.before names unknown visit %r" % (v["id"], b["visit"]))
        if v["same_day_as"] is not None and v["same_day_as"] not in c.by_id:
            raise CaseError("visits: %s.same_day_as names unknown visit %r"
                            % (v["id"], v["same_day_as"]))

    w = dict(DEFAULT_WEIGHTS)
    for k, val in (doc.get("weights") or {}).items():
        w[k] = _num(val, "weights." + k)
    c.weights = w
    return c


def _fhir_bookings(c, b, w, base_dir):
    """{"fhir": Appointments, "provider_map": {ref: provider}}: each
    Appointment with a mapped participant is a fixed booking (in person when
    the provider offers it, else its first mode); the others are busy time
    for the family."""
    pmap = b.get("provider_map")
    if not isinstance(pmap, dict) or not pmap:
        raise CaseError("%s.provider_map: expected {reference: provider id}" % w)
    for ref, pid in pmap.items():
        if pid not in c.providers:
            raise CaseError("%s.provider_map.%s: unknown provider %r" % (w, ref, pid))
    try:
        appts = sources.read_fhir_appointments(sources._fetch(b["fhir"], base_dir), b["fhir"])
    except sources.SourceError as exc:
        raise CaseError("%s: %s" % (w, exc)) from exc
    for k, (aid, s, e, minutes, refs) in enumerate(appts):
        if e <= c.hstart or s >= c.hend:
            continue
        prov = next((pid for r in refs for ref, pid in pmap.items()
                     if sources.ref_match(r, ref)), None)
        if prov is None or s < c.hstart:
            c.family_busy = ts.union(c.family_busy, [(max(s, c.hstart), min(e, c.hend))])
            continue
        offered = [m for m in MODES if m in c.providers[prov]["modes"]]
        mode = offered[0] if offered else "in_person"
        rec = {"id": aid or "appointment-%d" % (k + 1), "index": len(c.visits), "provider": prov,
               "minutes": minutes, "earliest": c.first, "latest": c.last, "modes": [mode],
               "prefer": mode, "factor": 1, "telehealth_needs_nurse": False,
               "home_needs_nurse": False, "before": [], "same_day_as": None, "booked": True,
               "fixed": True, "start": s, "mode": mode}
        _add_visit(c, rec, w)


def _add_visit(c, rec, where):
    if rec["id"] in c.by_id:
        raise CaseError("%s.id: %r repeated" % (where, rec["id"]))
    c.visits.append(rec)
    c.by_id[rec["id"]] = rec
