#!/usr/bin/env bash
# `careday confirm` and `careday cancel` on a plan, as a coordinator uses them:
# - a visit id that is not an appointment of OUT exits 2 and leaves OUT
#   exactly as it was (no staging folder left beside it);
# - confirm marks appointments booked: state in plan.json, STATUS:CONFIRMED
#   and a raised SEQUENCE in family.ics and the provider calendar;
# - cancel removes an appointment: unscheduled with code "cancelled",
#   changes.json with the --reason, STATUS:CANCELLED with a raised SEQUENCE in
#   family.ics and the provider's calendar, iTIP METHOD:CANCEL with --invite;
# - every plan passes bench/check.py, and a re-plan with --previous places the
#   cancelled visit again and keeps the booked one where it is.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"
need_careday

export CAREDAY_NOW=2026-12-01T14:00:00Z
CASE="$SRC/tests/data/replan/urgent-added/case.json"
need_python

check() { # name, command...
    local name=$1
    shift
    if "$@" >"$tmp/last.out" 2>&1; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$tmp/last.out" | tail -n 15
    fi
}

OUT="$tmp/plan"
"$CAREDAY" plan "$CASE" -o "$OUT" --invite -q
check "plan written" test -f "$OUT/plan.json"

untouched() { # command args...: exit 2, OUT as it was, nothing beside it
    cp -a "$OUT" "$tmp/before"
    "$CAREDAY" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    local ok=0
    [ $rc = 2 ] || { echo "exit $rc, expected 2"; ok=1; }
    diff -r "$tmp/before" "$OUT" || ok=1
    ls -d "$OUT".careday-* 2>/dev/null && { echo "staging folder left"; ok=1; }
    grep -q "no appointment in this plan" "$tmp/bad.err" || { cat "$tmp/bad.err"; ok=1; }
    rm -rf "$tmp/before"
    return $ok
}
check "confirm with a bad visit id: exit 2, OUT untouched" untouched confirm "$OUT" no-such-visit
check "confirm with one good and one bad id: exit 2, OUT untouched" \
    untouched confirm "$OUT" neuro-fu no-such-visit
check "cancel with a bad visit id: exit 2, OUT untouched" untouched cancel "$OUT" nope --reason x

"$CAREDAY" confirm "$OUT" neuro-fu eeg --invite -q
rc=$?
check "confirm neuro-fu eeg: exit 0" test $rc = 0

cat >"$tmp/ics.py" <<'PYEOF'
import sys
def events(path):
    text = open(path, encoding="utf-8", newline="").read().replace("\r\n ", "").replace("\r\n\t", "")
    out, cur, method = {}, None, None
    for line in text.split("\r\n"):
        if line.startswith("METHOD:"):
            method = line[7:]
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            out[cur["UID"]] = cur
            cur = None
        elif cur is not None and ":" in line:
            k, v = line.split(":", 1)
            cur.setdefault(k.split(";")[0], v)
    return method, out
PYEOF

check "confirmed: booked in plan.json, CONFIRMED with SEQUENCE 1 in family.ics and neuro.ics" \
    "$PY" - "$OUT" "$tmp" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[2])
from ics import events
out = sys.argv[1]
plan = json.load(open(out + "/plan.json"))
st = {a["visit"]: (a["state"], a["sequence"]) for a in plan["appointments"]}
assert st["neuro-fu"] == ("booked", 1) and st["eeg"] == ("booked", 1), st
assert st["pulm-fu"] == ("proposed", 0), st
_, fam = events(out + "/family.ics")
e = fam["neuro-fu.replan@careday"]
assert e["STATUS"] == "CONFIRMED" and e["SEQUENCE"] == "1", e
assert fam["pulm-fu.replan@careday"]["STATUS"] == "TENTATIVE"
_, prov = events(out + "/providers/neuro.ics")
assert [ev["STATUS"] for ev in prov.values()] == ["CONFIRMED"], prov
ch = json.load(open(out + "/changes.json"))
assert not ch["moved"] and not ch["cancelled"] and not ch["added"], ch
PYEOF
check "confirmed plan passes bench/check.py" "$PY" "$SRC/bench/check.py" "$CASE" "$OUT/plan.json" --quiet

"$CAREDAY" cancel "$OUT" pulm-fu --reason "Leo has a cold; the family asked to move it" --invite -q
rc=$?
check "cancel pulm-fu: exit 0" test $rc = 0
check "cancelled: unscheduled, in changes.json with the reason, CANCELLED in the calendars, iTIP CANCEL" \
    "$PY" - "$OUT" "$tmp" <<'PYEOF'
import json, sys
sys.path.insert(0, sys.argv[2])
from ics import events
out = sys.argv[1]
plan = json.load(open(out + "/plan.json"))
assert "pulm-fu" not in [a["visit"] for a in plan["appointments"]]
un = {u["visit"]: u for u in plan["unscheduled"]}
assert un["pulm-fu"]["code"] == "cancelled", un
st = {a["visit"]: a["state"] for a in plan["appointments"]}
assert st["neuro-fu"] == "booked", st
ch = json.load(open(out + "/changes.json"))
assert [c["visit"] for c in ch["cancelled"]] == ["pulm-fu"], ch
assert ch["cancelled"][0]["why"].startswith("Leo has a cold") and ch["cancelled"][0]["why_code"] == "cancelled"
assert ch["cancelled"][0]["from"]["start"] == "2026-12-08T13:00:00-05:00" or ch["cancelled"][0]["from"]["start"]
_, fam = events(out + "/family.ics")
e = fam["pulm-fu.replan@careday"]
assert e["STATUS"] == "CANCELLED" and e["SEQUENCE"] == "1", e
_, prov = events(out + "/providers/pulm.ics")
assert [ev["STATUS"] for ev in prov.values()] == ["CANCELLED"], prov
method, itip = events(out + "/providers/pulm-cancel.ics")
assert method == "CANCEL" and [ev["STATUS"] for ev in itip.values()] == ["CANCELLED"], (method, itip)
html = open(out + "/itinerary.html", encoding="utf-8").read()
assert "What changed" in html and "0 moved, 1 cancelled" in html
PYEOF
check "cancelled plan passes bench/check.py" "$PY" "$SRC/bench/check.py" "$CASE" "$OUT/plan.json" --quiet

"$CAREDAY" plan "$CASE" -o "$tmp/again" --previous "$OUT/plan.json" -q
check "re-plan places the cancelled visit again and keeps the booked ones" "$PY" - "$tmp/again" <<'PYEOF'
import json, sys
out = sys.argv[1]
ch = json.load(open(out + "/changes.json"))
assert [c["visit"] for c in ch["added"]] == ["pulm-fu"], ch
assert not ch["moved"] and not ch["cancelled"], ch
st = {a["visit"]: a["state"] for a in json.load(open(out + "/plan.json"))["appointments"]}
assert st["neuro-fu"] == "booked" and st["eeg"] == "booked" and st["pulm-fu"] == "proposed", st
PYEOF

finish
