#!/usr/bin/env bash
# Calendar import, end to end: plan every case under tests/data/import/<name>/
# (a calendar construct each: a moved and a cancelled instance of a weekly
# series, an all-day vacation, Outlook exports with Windows zone names, an
# RFC 7953 VAVAILABILITY template, a FHIR Slot bundle) and check that the
# plan books exactly the instants in its expect.json, compared as instants,
# and passes bench/check.py. Why each answer is the only right one:
# tests/data/import/README.md.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
# expect.json: {"appointments": {"visit-id": {"start", "end", optional "mode",
# "place"}}, "unscheduled": [visit ids], optional "exit" (default 0 when
# nothing is unscheduled, else 3)}. The plan must hold exactly these visits.
. "$(dirname "$0")/lib.sh"

export CAREDAY_NOW=2026-11-22T09:00:00Z

need_careday

# Compare plan.json with expect.json; prints one line per mismatch.
cat >"$tmp/compare.py" <<'PYEOF'
import datetime, json, sys

def instant(s):
    """An RFC 3339 string with an offset as a UTC datetime (None if not)."""
    if not isinstance(s, str):
        return None
    try:
        t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        return None
    return t.astimezone(datetime.timezone.utc)

expected = json.load(open(sys.argv[1]))
rc = int(sys.argv[3])
try:
    plan = json.load(open(sys.argv[2]))
except (OSError, ValueError) as exc:
    print("plan.json unreadable: %s" % exc)
    sys.exit(1)
problems = []
want_unsched = sorted(expected.get("unscheduled", []))
want_rc = expected.get("exit", 3 if want_unsched else 0)
if rc != want_rc:
    problems.append("exit code %d, expected %d" % (rc, want_rc))
got = {}
for a in plan.get("appointments", []):
    got.setdefault(a.get("visit"), []).append(a)
want = expected.get("appointments", {})
for visit, w in sorted(want.items()):
    appts = got.get(visit, [])
    if len(appts) != 1:
        problems.append("%s: %d appointments in the plan, expected 1" % (visit, len(appts)))
        continue
    a = appts[0]
    for key in ("start", "end"):
        g, e = instant(a.get(key)), instant(w[key])
        if e is None:
            problems.append("%s: expect.json %s %r is not RFC 3339 with an offset"
                            % (visit, key, w[key]))
        elif g != e:
            problems.append("%s: %s %s, expected %s" % (visit, key, a.get(key), w[key]))
    for key in ("mode", "place"):
        if key in w and a.get(key) != w[key]:
            problems.append("%s: %s %r, expected %r" % (visit, key, a.get(key), w[key]))
for visit in sorted(set(got) - set(want)):
    problems.append("%s: in the plan at %s, not expected"
                    % (visit, ", ".join(a.get("start", "?") for a in got[visit])))
unsched = sorted(u.get("visit") for u in plan.get("unscheduled", []))
if unsched != want_unsched:
    problems.append("unscheduled %s, expected %s" % (unsched, want_unsched))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PYEOF

for dir in "$SRC"/tests/data/import/*/; do
    name=$(basename "$dir")
    out="$tmp/$name"
    "$CAREDAY" plan "$dir/case.json" -o "$out" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    rc=$?
    if [ ! -f "$out/plan.json" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc and no plan.json"
        sed 's/^/    /' "$tmp/$name.stderr" | tail -n 5
        continue
    fi
    problems=$("$PY" "$tmp/compare.py" "$dir/expect.json" "$out/plan.json" "$rc" 2>&1)
    prc=$?
    checked=$("$PY" "$SRC/bench/check.py" "$dir/case.json" "$out/plan.json" --quiet 2>&1)
    crc=$?
    if [ $prc -eq 0 ] && [ $crc -eq 0 ]; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        [ $prc -ne 0 ] && echo "$problems" | sed 's/^/    /'
        [ $crc -ne 0 ] && echo "$checked" | sed 's/^/    check.py: /'
    fi
done

finish
