"""Instants as integer seconds since the epoch (UTC); interval sets as sorted
lists of disjoint, non-adjacent half-open (start, end) tuples."""

import datetime
from zoneinfo import ZoneInfo


def normalize(intervals):
    """Sort and merge overlapping or touching intervals; drop empty ones."""
    out = []
    for s, e in sorted(iv for iv in intervals if iv[1] > iv[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def union(a, b):
    return normalize(list(a) + list(b))


def subtract(a, b):
    """a minus b, both normalised."""
    out = []
    j = 0
    for s, e in a:
        cur = s
        while j < len(b) and b[j][1] <= cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e:
            bs, be = b[k]
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
            if cur >= e:
                break
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def intersect(a, b):
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def covers(a, s, e):
    """True when [s, e) lies inside one interval of the normalised set a."""
    for x, y in a:
        if x <= s and e <= y:
            return True
        if x > s:
            break
    return False


def overlap(a, s, e):
    """The parts of the normalised set a inside [s, e)."""
    return [(max(x, s), min(y, e)) for x, y in a if x < e and y > s]


# --- time zones and civil dates --------------------------------------------

_ZONES = {}


def zone(name):
    """An IANA zone; KeyError-like ValueError when unknown."""
    if name not in _ZONES:
        try:
            _ZONES[name] = ZoneInfo(name)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise ValueError("unknown time zone %r" % name) from exc
    return _ZONES[name]


def local_to_utc(day, minute, tz):
    """Local wall clock (a datetime.date and minutes after midnight, 0..1440)
    to an instant. A skipped wall time is read with the offset before the
    change (fold=0), a repeated one takes its first occurrence (fold=0)."""
    day = day + datetime.timedelta(days=minute // 1440)
    minute %= 1440
    dt = datetime.datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                           tzinfo=tz, fold=0)
    return int(dt.timestamp())


def naive_to_utc(dt, tz):
    """A naive (floating) datetime read in tz."""
    return int(dt.replace(tzinfo=tz, fold=0).timestamp())


def local_date(t, tz):
    return datetime.datetime.fromtimestamp(t, tz).date()


def local_minute(t, tz):
    d = datetime.datetime.fromtimestamp(t, tz)
    return d.hour * 60 + d.minute


def fmt(t, tz):
    """An instant as local 'YYYY-MM-DD HH:MM' with the zone abbreviation."""
    return datetime.datetime.fromtimestamp(t, tz).strftime("%Y-%m-%d %H:%M %Z")


def fmt_hm(t, tz):
    return datetime.datetime.fromtimestamp(t, tz).strftime("%H:%M")


def parse_date(s):
    return datetime.date.fromisoformat(s) if isinstance(s, str) and len(s) == 10 else None


def parse_hhmm(s):
    """'HH:MM' (00:00-24:00) to minutes, or None."""
    if not isinstance(s, str) or len(s) != 5 or s[2] != ":":
        return None
    try:
        h, m = int(s[:2]), int(s[3:])
    except ValueError:
        return None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        return None
    return h * 60 + m


def parse_instant(s):
    """RFC 3339 with an offset (or Z) to an instant, or None."""
    if not isinstance(s, str):
        return None
    try:
        dt = datetime.datetime.fromisoformat(s.replace("z", "Z"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    return int(dt.timestamp())


def dates(first, last):
    """Every date from first to last inclusive."""
    d = first
    while d <= last:
        yield d
        d += datetime.timedelta(days=1)
