"""Re-planning rules (docs/checker.md): history, now + notice, pins, dates to avoid.

With --previous and --now, appointments of the previous plan that start
before now are history: the plan must keep them as they were (they are
checked like fixed bookings), and every other appointment that is not where
the previous plan had it must start at or after now + policy.min_notice_hours.
Pins and avoid_dates of the case are checked on every plan.
"""

from . import timeset as ts


def apply_history(c, previous, now):
    """Turn the previous plan's appointments before now into fixed bookings."""
    if previous is None or now is None:
        return
    for a in previous.get("appointments", []) or []:
        v = c.by_id.get(a.get("visit"))
        start = ts.parse_instant(a.get("start"))
        if v is None or start is None or start >= now:
            continue
        v["booked"], v["fixed"] = True, True
        v["start"], v["mode"] = start, a.get("mode")
        end = ts.parse_instant(a.get("end"))
        if end is not None:
            v["minutes"] = (end - start) // 60


def _dates(values):
    out = set()
    for s in values or []:
        d = ts.parse_date(s)
        if d is not None:
            out.add(d)
    return out


def check(c, appts, previous, now, r):
    doc = c.doc
    family_avoid = _dates((doc.get("family") or {}).get("avoid_dates"))
    raw = {v.get("id"): v for v in doc.get("visits", []) or [] if isinstance(v, dict)}
    kept = set()
    for a in (previous or {}).get("appointments", []) or []:
        kept.add((a.get("visit"), ts.parse_instant(a.get("start")), a.get("mode")))
    notice = int(((doc.get("policy") or {}).get("min_notice_hours", 48))) * 3600
    for a in appts:
        v = a["visit"]
        if a["exempt"]:
            continue
        spec = raw.get(v["id"], {})
        avoid = family_avoid | _dates(spec.get("avoid_dates"))
        if a["date"] in avoid:
            r.bad("avoid_dates", "%s on %s, a date to avoid" % (v["id"], ts.fmt(a["start"], c.tz)[:10]))
        pin = spec.get("pin")
        if isinstance(pin, dict):
            day = ts.parse_date(pin.get("date"))
            start = ts.parse_hhmm(pin["start"]) if pin.get("start") else None
            if (a["date"] != day or (pin.get("mode") and pin["mode"] != a["mode"])
                    or (start is not None and ts.local_minute(a["start"], c.tz) != start)):
                r.bad("pin", "%s at %s %s, pinned to %s %s %s"
                      % (v["id"], a["mode"], ts.fmt(a["start"], c.tz), pin.get("date"),
                         pin.get("mode", ""), pin.get("start", "")))
        if now is not None and (v["id"], a["start"], a["mode"]) not in kept \
                and a["start"] < now + notice:
            r.bad("notice", "%s starts %s, before now + %d hours' notice"
                  % (v["id"], ts.fmt(a["start"], c.tz), notice // 3600))
