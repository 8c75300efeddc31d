#!/usr/bin/env bash
# Plan every hand-solved case under tests/data/cases/<name>/ and compare the
# result with its expected.json (the optimum worked out by hand, see the
# README.md there); every plan must also pass bench/check.py.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
# expected.json: {"unscheduled", "trips", "in_person", optional "telehealth",
# "home", "overnights", "travel_minutes", "days_with_care", "status" (default
# "optimal"), "exit" (default 3 when unscheduled > 0, else 0), "now" (the
# CAREDAY_NOW to plan with), "reason_contains": {"visit-id": "substring"}}.
. "$(dirname "$0")/lib.sh"

DEFAULT_NOW=2026-11-22T09:00:00Z

need_careday

# Compare plan.json with expected.json; prints one line per mismatch.
cat >"$tmp/compare.py" <<'PYEOF'
import json, sys

expected = json.load(open(sys.argv[1]))
rc = int(sys.argv[3])
try:
    plan = json.load(open(sys.argv[2]))
except (OSError, ValueError) as exc:
    print("plan.json unreadable: %s" % exc)
    sys.exit(1)
problems = []
want_rc = expected.get("exit", 3 if expected.get("unscheduled", 0) > 0 else 0)
if rc != want_rc:
    problems.append("exit code %d, expected %d" % (rc, want_rc))
want_status = expected.get("status", "optimal")
if plan.get("status") != want_status:
    problems.append("status %r, expected %r" % (plan.get("status"), want_status))
metrics = plan.get("metrics", {})
for key in ("unscheduled", "trips", "in_person", "telehealth", "home", "overnights",
            "travel_minutes", "days_with_care"):
    if key in expected and metrics.get(key) != expected[key]:
        problems.append("%s = %r, expected %r" % (key, metrics.get(key), expected[key]))
reasons = {u.get("visit"): u.get("reason", "") for u in plan.get("unscheduled", [])}
for visit, text in expected.get("reason_contains", {}).items():
    if visit not in reasons:
        problems.append("%s is not listed as unscheduled" % visit)
    elif text.lower() not in reasons[visit].lower():
        problems.append("reason for %s is %r, expected it to contain %r"
                        % (visit, reasons[visit], text))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PYEOF

for dir in "$SRC"/tests/data/cases/*/; do
    name=$(basename "$dir")
    out="$tmp/$name"
    now=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("now", ""))' \
        "$dir/expected.json")
    CAREDAY_NOW=${now:-$DEFAULT_NOW} "$CAREDAY" plan "$dir/case.json" -o "$out" \
        >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    rc=$?
    if [ ! -f "$out/plan.json" ]; then
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc and no plan.json"
        sed 's/^/    /' "$tmp/$name.stderr" | tail -n 5
        continue
    fi
    problems=$("$PY" "$tmp/compare.py" "$dir/expected.json" "$out/plan.json" "$rc")
    checked=$("$PY" "$SRC/bench/check.py" "$dir/case.json" "$out/plan.json" --quiet 2>&1)
    crc=$?
    if [ -z "$problems" ] && [ $crc -eq 0 ]; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        [ -n "$problems" ] && echo "$problems" | sed 's/^/    /'
        [ $crc -ne 0 ] && echo "$checked" | sed 's/^/    check.py: /'
    fi
done

finish
