#!/usr/bin/env bash
# Plan every bundled example under examples/*.json: it must be solved to
# proven optimality with every visit placed, write the family's outputs, beat
# one-at-a-time booking on trips and in-person contacts, and pass
# bench/check.py. Lexicographically (unscheduled first): the same number of
# in-person contacts counts as beating a baseline that leaves visits out.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"

export CAREDAY_NOW=${CAREDAY_NOW:-2026-11-22T09:00:00Z}

need_careday

cat >"$tmp/judge.py" <<'PYEOF'
import json, os, sys

out, rc = sys.argv[1], int(sys.argv[2])
plan = json.load(open(os.path.join(out, "plan.json")))
problems = []
if rc != 0:
    problems.append("exit code %d, expected 0 (every visit placed)" % rc)
if plan.get("status") != "optimal":
    problems.append("status %r (gap %r), expected 'optimal'" % (plan.get("status"), plan.get("gap")))
m = plan.get("metrics", {})
b = plan.get("baseline", {})
b = b.get("metrics", b) if isinstance(b, dict) else {}
if m.get("unscheduled") != 0:
    problems.append("%r visits unscheduled" % m.get("unscheduled"))
for key in ("trips", "in_person"):
    if not isinstance(m.get(key), int) or not isinstance(b.get(key), int):
        problems.append("%s missing from metrics or baseline" % key)
    elif not m[key] < b[key] and not (key == "in_person" and m[key] == b[key] and
                                      b.get("unscheduled", 0) > m.get("unscheduled", 0)):
        # the same in-person count is a win when the baseline leaves visits out
        problems.append("%s: plan %d does not beat one-at-a-time booking %d" % (key, m[key], b[key]))
if isinstance(b.get("unscheduled"), int) and m.get("unscheduled", 0) > b["unscheduled"]:
    problems.append("plan leaves more visits out than the baseline")
for name in ("family.ics", "itinerary.html"):
    if not os.path.isfile(os.path.join(out, name)):
        problems.append("%s not written" % name)
if not os.path.isdir(os.path.join(out, "providers")) or not os.listdir(os.path.join(out, "providers")):
    problems.append("no providers/*.ics written")
for p in problems:
    print(p)
print("trips %s vs %s, in person %s vs %s, telehealth %s, home %s, overnights %s, travel %s min"
      % (m.get("trips"), b.get("trips"), m.get("in_person"), b.get("in_person"),
         m.get("telehealth"), m.get("home"), m.get("overnights"), m.get("travel_minutes")),
      file=sys.stderr)
sys.exit(1 if problems else 0)
PYEOF

for example in "$SRC"/examples/*.json; do
    name=$(basename "$example" .json)
    out="$tmp/$name"
    "$CAREDAY" plan "$example" -o "$out" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    rc=$?
    if [ ! -f "$out/plan.json" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc and no plan.json"
        sed 's/^/    /' "$tmp/$name.stderr" | tail -n 5
        continue
    fi
    problems=$("$PY" "$tmp/judge.py" "$out" "$rc" 2>"$tmp/$name.summary")
    checked=$("$PY" "$SRC/bench/check.py" "$example" "$out/plan.json" --quiet 2>&1)
    crc=$?
    if [ -z "$problems" ] && [ $crc -eq 0 ]; then
        pass=$((pass + 1))
        echo "ok   $name ($(cat "$tmp/$name.summary"))"
    else
        fail=$((fail + 1))
        echo "FAIL $name ($(cat "$tmp/$name.summary"))"
        [ -n "$problems" ] && echo "$problems" | sed 's/^/    /'
        [ $crc -ne 0 ] && echo "$checked" | sed 's/^/    check.py: /'
    fi
done

finish
