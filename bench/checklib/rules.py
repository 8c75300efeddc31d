"""Every hard rule of DESIGN §3-§4 checked against a plan.json, and the
plan's metrics recomputed from its appointments."""

import datetime

from . import timeset as ts
from . import replan

METRIC_KEYS = ("trips", "in_person", "telehealth", "home", "travel_minutes", "overnights",
               "unscheduled", "days_with_care")
ONE_DAY = datetime.timedelta(days=1)


class PlanError(Exception):
    """plan.json cannot be read at all; exit code 2."""


class Result:
    def __init__(self):
        self.violations = []  # (rule, text)
        self.notes = []
        self.metrics = {}
        self.nappts = 0
        self.appts = []  # the plan's appointments as read (for caseload checks)

    def bad(self, rule, text):
        self.violations.append((rule, text))


def check(c, plan, previous=None, now=None):
    """Check plan (parsed plan.json) against case c. Returns a Result.
    previous (a parsed earlier plan.json) and now (UTC seconds) add the
    re-planning rules of checklib/replan.py."""
    replan.apply_history(c, previous, now)
    r = Result()
    if not isinstance(plan, dict):
        raise PlanError("plan.json: expected a JSON object")
    for key, kind in (("appointments", list), ("metrics", dict)):
        if not isinstance(plan.get(key), kind):
            raise PlanError("plan.json: %s missing or not a %s" % (key, kind.__name__))
    if plan.get("status") not in ("optimal", "feasible", "partial"):
        r.bad("plan", "status is %r, expected optimal, feasible or partial" % plan.get("status"))
    trips_claimed = plan.get("trips", [])
    if not isinstance(trips_claimed, list):
        r.bad("plan", "trips is not a list")
        trips_claimed = []
    unsched_claimed = plan.get("unscheduled", [])
    if not isinstance(unsched_claimed, list):
        r.bad("plan", "unscheduled is not a list")
        unsched_claimed = []

    appts = _read_appointments(c, plan["appointments"], r)
    r.nappts = len(appts)
    r.appts = appts
    by_visit = {}
    for a in appts:
        by_visit.setdefault(a["visit"]["id"], []).append(a)
    _check_coverage(c, appts, by_visit, unsched_claimed, r)
    replan.check(c, appts, previous, now, r)
    for a in appts:
        _check_single(c, a, r)
    _check_pairs(c, appts, r)
    days = {}
    for a in appts:
        days.setdefault(a["date"], []).append(a)
    for d in days:
        days[d].sort(key=lambda a: (a["start"], a["end"]))
    overnight = _read_trips(c, trips_claimed, days, r)
    trips = _build_trips(c, days, overnight)
    _check_trips(c, trips, trips_claimed, days, appts, r)
    _check_limits(c, days, r)
    _check_lags(c, by_visit, r)
    _check_overnights(c, trips, overnight, r)
    _check_capacity(c, appts, r)
    _check_metrics(c, plan, appts, trips, overnight, by_visit, r)
    return r


# --- appointments -----------------------------------------------------------

def _read_appointments(c, raw, r):
    appts = []
    for i, a in enumerate(raw):
        w = "appointments[%d]" % i
        if not isinstance(a, dict):
            r.bad("appointment", "%s is not an object" % w)
            continue
        vid = a.get("visit")
        v = c.by_id.get(vid)
        if v is None:
            r.bad("appointment", "%s: unknown visit %r" % (w, vid))
            continue
        start, end = ts.parse_instant(a.get("start")), ts.parse_instant(a.get("end"))
        if start is None or end is None:
            r.bad("appointment", "%s (%s): start/end are not RFC 3339 instants" % (w, vid))
            continue
        mode = a.get("mode")
        if mode not in ("in_person", "telehealth", "home"):
            r.bad("appointment", "%s (%s): mode %r" % (w, vid, mode))
            continue
        prov = c.providers[v["provider"]]
        loc = "home"
        if mode == "in_person":
            loc = prov["modes"]["in_person"]["place"] if "in_person" in prov["modes"] else a.get("place")
            if a.get("place") is not None and a.get("place") != loc:
                r.bad("appointment", "%s: %s at place %r, its provider sees patients at %r"
                      % (w, vid, a.get("place"), loc))
            if loc not in c.places:
                r.bad("appointment", "%s: %s in person at unknown place %r" % (w, vid, loc))
                continue
        if a.get("provider") is not None and a.get("provider") != v["provider"]:
            r.bad("appointment", "%s: %s names provider %r, the visit's is %r"
                  % (w, vid, a.get("provider"), v["provider"]))
        if end - start != v["minutes"] * 60:
            r.bad("appointment", "%s: %s lasts %g minutes, the visit takes %d"
                  % (w, vid, (end - start) / 60, v["minutes"]))
        if mode not in v["modes"]:
            r.bad("appointment", "%s: %s as %s, allowed modes %s"
                  % (w, vid, mode, ",".join(v["modes"])))
        # A booking kept at its own time is a given of the case, not a
        # decision of the plan: rules about its own placement are not checked.
        exempt = v["booked"] and start == v["start"] and mode == v["mode"]
        appts.append({"visit": v, "mode": mode, "start": start, "end": end, "loc": loc,
                      "date": ts.local_date(start, c.tz), "exempt": exempt,
                      "trip_ref": a.get("trip"), "i": i})
    appts.sort(key=lambda a: (a["start"], a["end"], a["i"]))
    return appts


def _when(c, a):
    """'visit mode YYYY-MM-DD HH:MM-HH:MM ZONE', with the case's local time
    too when the place keeps another zone."""
    tz = _tz_of(c, a)
    s = "%s %s %s-%s" % (a["visit"]["id"], a["mode"], ts.fmt(a["start"], tz)[:-4],
                          ts.fmt(a["end"], tz)[11:])
    if tz is not c.tz:
        s += " (%s-%s)" % (ts.fmt_hm(a["start"], c.tz), ts.fmt(a["end"], c.tz)[11:])
    return s


def _check_coverage(c, appts, by_visit, unsched, r):
    listed = {}
    for i, u in enumerate(unsched):
        vid = u.get("visit") if isinstance(u, dict) else None
        if vid not in c.by_id:
            r.bad("unscheduled", "unscheduled[%d] names unknown visit %r" % (i, vid))
            continue
        if vid in listed:
            r.bad("unscheduled", "%s listed twice as unscheduled" % vid)
        listed[vid] = u
        reason = u.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            r.bad("unscheduled", "%s unscheduled without a reason" % vid)
    for v in c.visits:
        n = len(by_visit.get(v["id"], []))
        if n > 1:
            r.bad("coverage", "%s appointed %d times" % (v["id"], n))
        if n and v["id"] in listed:
            r.bad("coverage", "%s both appointed and listed as unscheduled" % v["id"])
        if not n and v["id"] not in listed and not v["booked"]:
            r.bad("coverage", "%s neither appointed nor listed as unscheduled" % v["id"])
        if v["booked"] and v["fixed"]:
            mine = by_visit.get(v["id"], [])
            if not mine:
                r.bad("booked", "fixed booking %s (%s) missing from the plan"
                      % (v["id"], ts.fmt(v["start"], c.tz)))
            elif not any(a["start"] == v["start"] and a["mode"] == v["mode"] for a in mine):
                r.bad("booked", "fixed booking %s moved: booked %s %s, plan has %s"
                      % (v["id"], v["mode"], ts.fmt(v["start"], c.tz),
                         ", ".join(_when(c, a) for a in mine)))
        elif v["booked"] and not by_visit.get(v["id"]):
            r.bad("booked", "booking %s missing from the plan" % v["id"])


def _day_bounds(c, d):
    return ts.local_to_utc(d, c.earliest, c.tz), ts.local_to_utc(d, c.latest, c.tz)


def _check_single(c, a, r):
    v = a["visit"]
    if a["exempt"]:
        return
    what = _when(c, a)
    if a["start"] < c.hstart or a["end"] > c.hend:
        r.bad("horizon", "%s outside the horizon %s..%s" % (what, c.first, c.last))
    if not (v["earliest"] <= a["date"] <= v["latest"]):
        r.bad("window", "%s outside its window %s..%s" % (what, v["earliest"], v["latest"]))
    prov = c.providers[v["provider"]]
    pm = prov["modes"].get(a["mode"])
    if pm is None:
        r.bad("provider-availability", "%s: provider %s offers no %s"
              % (what, prov["id"], a["mode"]))
    elif not ts.covers(pm["free"], a["start"], a["end"]):
        r.bad("provider-availability", "%s not inside %s's %s availability"
              % (what, prov["id"], a["mode"]))
    lo, hi = _day_bounds(c, a["date"])
    if a["start"] < lo or a["end"] > hi:
        r.bad("family-day", "%s outside the family day %s-%s"
              % (what, _hm(c.earliest), _hm(c.latest)))
    if a["mode"] != "in_person":
        busy = ts.overlap(c.family_busy, max(a["start"], lo), min(a["end"], hi))
        if busy:
            r.bad("family-busy", "%s overlaps family busy time %s" % (what, _spans(c, busy)))
    if a["mode"] == "telehealth" and not c.telehealth_ready:
        r.bad("telehealth-ready", "%s is telehealth but the family is not telehealth-ready" % what)
    needs = (a["mode"] == "telehealth" and v["telehealth_needs_nurse"]) or \
            (a["mode"] == "home" and v["home_needs_nurse"])
    if needs and not ts.covers(c.nursing, a["start"], a["end"]):
        r.bad("nurse", "%s needs a nurse but is not inside a nursing shift" % what)


def _tz_of(c, a):
    return c.places[a["loc"]]["tz"] if a["loc"] in c.places else c.tz


def _hm(m):
    return "%02d:%02d" % (m // 60, m % 60)


def _spans(c, ivs):
    return ", ".join("%s-%s" % (ts.fmt(s, c.tz), ts.fmt_hm(e, c.tz)) for s, e in ivs[:3])


def _check_pairs(c, appts, r):
    """Overlaps, min_gap and travel between any two appointments."""
    horizon_drive = max([c.travel.drive(x, y) for x in list(c.places) + ["home"]
                         for y in list(c.places) + ["home"]] + [0])
    reach = (max(c.min_gap, horizon_drive + c.travel.park + c.arrive_early) + 1) * 60
    for i, a in enumerate(appts):
        for b in appts[i + 1:]:
            if b["start"] >= a["end"] + reach:
                break
            if a["exempt"] and b["exempt"]:
                continue
            if b["start"] < a["end"]:
                r.bad("overlap", "%s overlaps %s" % (_when(c, a), _when(c, b)))
                continue
            gap = (b["start"] - a["end"]) / 60
            drive = c.travel.drive(a["loc"], b["loc"]) if a["loc"] != b["loc"] else 0
            if drive and a["mode"] == b["mode"] == "in_person":
                # another clinic: drive, park and arrive arrive_early_minutes early
                need = drive + _park(c, b["loc"]) + c.arrive_early
                if gap < max(need, c.min_gap):
                    r.bad("travel", "%s then %s: %g minutes apart, driving %s -> %s takes %d, "
                          "parking %d, arrive-early %d"
                          % (_when(c, a), _when(c, b), gap, a["loc"], b["loc"], drive,
                             _park(c, b["loc"]), c.arrive_early))
            elif drive > c.min_gap and gap < drive:
                r.bad("travel", "%s then %s: %g minutes apart, driving %s -> %s takes %d"
                      % (_when(c, a), _when(c, b), gap, a["loc"], b["loc"], drive))
            elif gap < c.min_gap:
                r.bad("gap", "%s then %s: %g minutes apart, min_gap_minutes is %d"
                      % (_when(c, a), _when(c, b), gap, c.min_gap))


# --- trips ------------------------------------------------------------------

def _read_trips(c, claimed, days, r):
    """overnight_after flags by date, from the plan's trips."""
    overnight = {}
    for i, t in enumerate(claimed):
        d = ts.parse_date(t.get("date")) if isinstance(t, dict) else None
        if d is None:
            r.bad("trip", "trips[%d]: date missing or not YYYY-MM-DD" % i)
            continue
        if t.get("overnight_after"):
            overnight[d] = True
    return overnight


def _build_trips(c, days, overnight):
    """Recompute each trip day from the in-person appointments (DESIGN §4):
    departure = first start - drive from home (or the lodging after a night
    there) - parking - arrive_early_minutes; return = last end + drive back (home, or the lodging
    before a night there); legs between different places add drive + parking
    (and the family keeps arrive_early_minutes before the next clinic)."""
    trips = {}
    lodging = c.lodging
    for d in sorted(days):
        ip = [a for a in days[d] if a["mode"] == "in_person"]
        if not ip:
            continue
        prev_night = overnight.get(d - ONE_DAY) and lodging is not None and \
            any(x["mode"] == "in_person" for x in days.get(d - ONE_DAY, []))
        origin = lodging if prev_night else "home"
        dest = lodging if overnight.get(d) and lodging is not None else "home"
        legs = []
        first = ip[0]
        legs.append((origin, first["loc"], c.travel.drive(origin, first["loc"]) + _park(c, first["loc"])))
        for a, b in zip(ip, ip[1:]):
            if a["loc"] != b["loc"]:
                legs.append((a["loc"], b["loc"], c.travel.drive(a["loc"], b["loc"]) + _park(c, b["loc"])))
        last = ip[-1]
        legs.append((last["loc"], dest, c.travel.drive(last["loc"], dest)))
        # leave early enough to drive, park and be there arrive_early_minutes
        # before the first appointment; the waiting is not travel
        depart = first["start"] - (legs[0][2] + c.arrive_early) * 60
        ret = last["end"] + legs[-1][2] * 60
        trips[d] = {"date": d, "appts": ip, "origin": origin, "dest": dest, "legs": legs,
                    "depart": depart, "return": ret, "travel": sum(l[2] for l in legs),
                    "places": [a["loc"] for a in ip],
                    "exempt": all(a["exempt"] for a in ip),
                    "first_exempt": first["exempt"], "last_exempt": last["exempt"]}
    return trips


def _park(c, loc):
    return 0 if loc == "home" or c.places[loc]["lodging"] else c.travel.park


def _away_intervals(c, trips, overnight):
    """Runs of trip days joined by nights at lodging, as (first day, last day,
    leave, back)."""
    runs = []
    for d in sorted(trips):
        t = trips[d]
        if runs and runs[-1][1] == d - ONE_DAY and overnight.get(d - ONE_DAY) and c.lodging:
            runs[-1][1] = d
            runs[-1][3] = t["return"]
            runs[-1][4].append(t)
        else:
            runs.append([d, d, t["depart"], t["return"], [t]])
    return runs


def _check_trips(c, trips, claimed, days, appts, r):
    seen = set()
    for i, t in enumerate(claimed):
        if not isinstance(t, dict):
            continue
        d = ts.parse_date(t.get("date"))
        if d is None:
            continue
        if d in seen:
            r.bad("trip", "trips[%d]: two trips on %s" % (i, d))
        seen.add(d)
        mine = trips.get(d)
        if mine is None:
            r.bad("trip", "trips[%d]: a trip on %s without in-person appointments" % (i, d))
            continue
        for key in ("depart", "return"):
            got = ts.parse_instant(t.get(key))
            if got is None:
                r.bad("trip", "trips[%d] (%s): %s missing" % (i, d, key))
            elif got // 60 != mine[key] // 60:
                r.bad("trip", "trips[%d] (%s): %s %s, recomputed %s (%s)"
                      % (i, d, key, ts.fmt(got, c.tz), ts.fmt(mine[key], c.tz),
                         _legs(mine)))
        vids = t.get("visits")
        if isinstance(vids, list):
            want = sorted(a["visit"]["id"] for a in mine["appts"])
            got = sorted(x if isinstance(x, str) else str(x) for x in vids)
            if got != want:
                r.bad("trip", "trips[%d] (%s): visits %s, in-person that day %s"
                      % (i, d, ",".join(got), ",".join(want)))
        tm = t.get("travel_minutes")
        if isinstance(tm, (int, float)) and not isinstance(tm, bool) and tm != mine["travel"]:
            r.bad("trip", "trips[%d] (%s): travel_minutes %g, recomputed %d (%s)"
                  % (i, d, tm, mine["travel"], _legs(mine)))
        places = t.get("places")
        if isinstance(places, list) and set(places) != set(mine["places"]):
            r.bad("trip", "trips[%d] (%s): places %s, the day's in-person visits are at %s"
                  % (i, d, ",".join(map(str, places)), ",".join(sorted(set(mine["places"])))))
        place = t.get("place")
        if place is not None and place not in mine["places"]:
            r.bad("trip", "trips[%d] (%s): place %r is not where that day's visits are"
                  % (i, d, place))
    for d in sorted(trips):
        if d not in seen:
            r.bad("trip", "in-person care on %s but plan.json lists no trip that day" % d)

    for d, t in sorted(trips.items()):
        lo, hi = _day_bounds(c, d)
        if t["depart"] < lo and not t["first_exempt"]:
            r.bad("family-day", "trip %s leaves %s at %s, before earliest departure %s (%s)"
                  % (d, t["origin"], ts.fmt_hm(t["depart"], c.tz), _hm(c.earliest), _legs(t)))
        if t["return"] > hi and not t["last_exempt"]:
            r.bad("family-day", "trip %s is back at %s at %s, after latest return %s (%s)"
                  % (d, t["dest"], ts.fmt_hm(t["return"], c.tz), _hm(c.latest), _legs(t)))
        if not t["exempt"]:
            window = ts.intersect([(t["depart"], t["return"])], [(lo, hi)])
            # A fixed booking is a fact: its own door-to-door span (drive,
            # parking and arrive-early there, the drive back) may meet busy
            # time, as the planner allows (docs/checker.md).
            fixed = ts.normalize([
                (a["start"] - (c.travel.drive("home", a["loc"]) + _park(c, a["loc"]) +
                               c.arrive_early) * 60,
                 a["end"] + c.travel.drive(a["loc"], "home") * 60)
                for a in t["appts"] if a["exempt"]])
            busy = ts.intersect(ts.subtract(window, fixed), c.family_busy)
            if busy:
                r.bad("family-busy", "trip %s (%s-%s) overlaps family busy time %s"
                      % (d, ts.fmt_hm(t["depart"], c.tz), ts.fmt_hm(t["return"], c.tz),
                         _spans(c, busy)))

    runs = _away_intervals(c, trips, _overnight_of(claimed))
    for first, last, leave, back, run in runs:
        label = str(first) if first == last else "%s..%s" % (first, last)
        exempt = all(t["exempt"] for t in run)
        for a in appts:
            if a["mode"] == "in_person" or (exempt and a["exempt"]):
                continue
            if a["start"] < back and a["end"] > leave:
                r.bad("one-trip", "%s falls inside the trip %s (away %s to %s)"
                      % (_when(c, a), label, ts.fmt(leave, c.tz), ts.fmt(back, c.tz)))
        if c.travel_needs_nurse and not exempt and not ts.covers(c.nursing, leave, back):
            r.bad("travel-nurse", "trip %s (%s to %s) is not covered door to door by a "
                  "nursing shift" % (label, ts.fmt(leave, c.tz), ts.fmt(back, c.tz)))

    for a in appts:
        ref = a["trip_ref"]
        if ref is None or (isinstance(ref, int) and not isinstance(ref, bool) and ref < 0):
            if a["mode"] == "in_person" and ref is not None:
                r.bad("trip", "%s is in person but has no trip" % _when(c, a))
            continue
        if a["mode"] != "in_person":
            r.bad("trip", "%s is not in person but names trip %r" % (_when(c, a), ref))
        elif isinstance(ref, int) and not isinstance(ref, bool):
            if ref >= len(claimed) or not isinstance(claimed[ref], dict) or \
                    ts.parse_date(claimed[ref].get("date")) != a["date"]:
                r.bad("trip", "%s names trip %d, which is not that day's trip"
                      % (_when(c, a), ref))
        elif isinstance(ref, str) and ts.parse_date(ref) is not None and ts.parse_date(ref) != a["date"]:
            r.bad("trip", "%s names trip %s, which is not its date" % (_when(c, a), ref))


def _overnight_of(claimed):
    out = {}
    for t in claimed:
        if isinstance(t, dict) and t.get("overnight_after") and ts.parse_date(t.get("date")):
            out[ts.parse_date(t["date"])] = True
    return out


def _legs(t):
    return ", ".join("%s->%s %d" % l for l in t["legs"])


def _check_limits(c, days, r):
    for d, lst in sorted(days.items()):
        if all(a["exempt"] for a in lst):
            continue
        if c.max_visits and len(lst) > c.max_visits:
            r.bad("max-visits", "%s has %d appointments, max_visits_per_day is %d (%s)"
                  % (d, len(lst), c.max_visits, ", ".join(a["visit"]["id"] for a in lst)))
        mins = sum(a["visit"]["minutes"] for a in lst if a["mode"] == "in_person")
        if c.max_clinic and mins > c.max_clinic:
            r.bad("max-clinic-minutes", "%s has %d in-person minutes, "
                  "max_clinic_minutes_per_day is %d" % (d, mins, c.max_clinic))


def _check_lags(c, by_visit, r):
    def one(vid):
        lst = by_visit.get(vid, [])
        return lst[0] if lst else None

    for v in c.visits:
        a = one(v["id"])
        for b in v["before"]:
            o = one(b["visit"])
            if o is None:
                continue
            if a is None:
                r.bad("before", "%s is scheduled (%s) but %s, which must come before it, is not"
                      % (b["visit"], ts.fmt(o["start"], c.tz), v["id"]))
                continue
            lag = (o["start"] - a["end"]) / 60
            if lag < b["min"] or (b["max"] is not None and lag > b["max"]):
                r.bad("before", "%s ends %s, %s starts %s: %g minutes between, required %d..%s"
                      % (v["id"], ts.fmt(a["end"], c.tz), b["visit"], ts.fmt(o["start"], c.tz),
                         lag, b["min"], b["max"] if b["max"] is not None else "any"))
        if v["same_day_as"]:
            o = one(v["same_day_as"])
            if (a is None) != (o is None):
                r.bad("same-day", "%s and %s must share a day or both be unscheduled; only %s "
                      "is scheduled" % (v["id"], v["same_day_as"],
                                        v["id"] if a else v["same_day_as"]))
            elif a is not None and a["date"] != o["date"]:
                r.bad("same-day", "%s on %s but %s on %s" % (v["id"], a["date"],
                                                             v["same_day_as"], o["date"]))


def _check_overnights(c, trips, overnight, r):
    run = 0
    for d in sorted(overnight):
        t = trips.get(d)
        if not c.overnight_allowed:
            r.bad("overnight", "night after %s at lodging, but overnight stays are not allowed" % d)
        if c.lodging is None:
            r.bad("overnight", "night after %s at lodging, but the case names no lodging" % d)
        nxt = trips.get(d + ONE_DAY)
        if t is None or nxt is None:
            r.bad("overnight", "night after %s does not join two consecutive trip days" % d)
            run = 0
            continue
        if not set(t["places"]) & set(nxt["places"]):
            r.bad("overnight", "night after %s joins trips to different places (%s / %s)"
                  % (d, ",".join(sorted(set(t["places"]))), ",".join(sorted(set(nxt["places"])))))
        run = run + 1 if overnight.get(d - ONE_DAY) else 1
        if run > c.max_nights:
            r.bad("overnight", "night after %s is night %d in a row, max_nights is %d"
                  % (d, run, c.max_nights))


def _check_capacity(c, appts, r):
    byprov = {}
    for a in appts:
        byprov.setdefault(a["visit"]["provider"], []).append(a)
    for pid, lst in byprov.items():
        cap = c.providers[pid]["capacity"]
        events = sorted([(a["start"], 1, a) for a in lst] + [(a["end"], -1, a) for a in lst],
                        key=lambda e: (e[0], e[1]))
        cur = 0
        for t, delta, a in events:
            cur += delta
            if cur > cap and delta > 0:
                r.bad("capacity", "provider %s sees %d patients at %s, capacity %d"
                      % (pid, cur, ts.fmt(t, c.tz), cap))


def _check_metrics(c, plan, appts, trips, overnight, by_visit, r):
    m = {
        "trips": len(trips),
        "in_person": sum(1 for a in appts if a["mode"] == "in_person"),
        "telehealth": sum(1 for a in appts if a["mode"] == "telehealth"),
        "home": sum(1 for a in appts if a["mode"] == "home"),
        "travel_minutes": sum(t["travel"] for t in trips.values()),
        "overnights": sum(1 for d in overnight if overnight[d]),
        "unscheduled": sum(1 for v in c.visits if not by_visit.get(v["id"])),
        "days_with_care": len({a["date"] for a in appts}),
    }
    r.metrics = m
    claimed = plan["metrics"]
    for k in METRIC_KEYS:
        if k not in claimed:
            r.bad("metrics", "metrics.%s missing (recomputed %d)" % (k, m[k]))
        elif claimed[k] != m[k]:
            r.bad("metrics", "metrics.%s is %r, recomputed %d" % (k, claimed[k], m[k]))
    w = c.weights
    obj = sum(v["factor"] * w["unscheduled"] for v in c.visits if not by_visit.get(v["id"]))
    obj += sum(w["trip"] + w["travel_minute"] * t["travel"] for t in trips.values())
    obj += w["in_person"] * m["in_person"] + w["overnight"] * m["overnights"]
    moved = sum(1 for v in c.visits if v["booked"] and not v["fixed"] and by_visit.get(v["id"])
                and not by_visit[v["id"]][0]["exempt"])
    obj += w.get("moved", 0) * moved
    r.objective = obj
    if isinstance(plan.get("objective"), (int, float)):
        r.notes.append("objective: plan says %g, the documented terms give %g%s"
                       % (plan["objective"], obj,
                          " (lateness not recomputed)" if w.get("late_minute") else ""))
