#!/usr/bin/env bash
# Plan every hand-solved case (tests/data/cases) and example (examples/) with
# both models: by trip days (the default) and time-indexed (--model time).
# Both must prove optimality with the same objective, and the plan by trip
# days must pass bench/check.py and be no worse than one-at-a-time booking
# on (unscheduled, trips, in-person). The same cases with --time-limit 0.05
# must still be no worse than one-at-a-time booking.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"

export CAREDAY_MESSAGES=${CAREDAY_MESSAGES:-$SRC/adapters/output/messages}
export CAREDAY_NOW=2026-11-22T09:00:00Z

need_careday

cat >"$tmp/compare.py" <<'PYEOF'
import json, sys

days = json.load(open(sys.argv[1]))
problems = []
def lex(m):
    return (m["unscheduled"], m["trips"], m["in_person"])
if lex(days["metrics"]) > lex(days["baseline"]):
    problems.append("worse than one-at-a-time booking: %s > %s"
                    % (lex(days["metrics"]), lex(days["baseline"])))
if len(sys.argv) > 2:
    time = json.load(open(sys.argv[2]))
    for name, p in (("days", days), ("time", time)):
        if p["status"] != "optimal":
            problems.append("%s model: status %s" % (name, p["status"]))
    if abs(days["objective"] - time["objective"]) > 1e-6:
        problems.append("objectives differ: days %s, time %s"
                        % (days["objective"], time["objective"]))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PYEOF

cases=()
for dir in "$SRC"/tests/data/cases/*/; do
    cases+=("$dir/case.json")
done
for f in "$SRC"/examples/*.json; do
    cases+=("$f")
done

run() { # name case out [options]
    local name=$1 case=$2 out=$3
    shift 3
    "$CAREDAY" plan "$case" -o "$out" --quiet "$@" >"$tmp/$name.log" 2>&1
    if [ ! -f "$out/plan.json" ]; then
        echo "FAIL $name: no plan.json"
        tail -n 5 "$tmp/$name.log" | sed 's/^/    /'
        return 1
    fi
}

for case in "${cases[@]}"; do
    name=$(basename "$(dirname "$case")")
    [ "$name" = examples ] && name=$(basename "$case" .json)
    ok=1
    run "$name-days" "$case" "$tmp/$name-days" || ok=0
    run "$name-time" "$case" "$tmp/$name-time" --model time || ok=0
    run "$name-short" "$case" "$tmp/$name-short" --time-limit 0.05 || ok=0
    if [ $ok -eq 1 ]; then
        problems=$("$PY" "$tmp/compare.py" "$tmp/$name-days/plan.json" \
            "$tmp/$name-time/plan.json")
        problems+=$("$PY" "$tmp/compare.py" "$tmp/$name-short/plan.json" | sed 's/^/--time-limit 0.05: /')
        checked=$("$PY" "$SRC/bench/check.py" "$case" "$tmp/$name-days/plan.json" --quiet 2>&1) ||
            problems+="check.py: $checked"
    fi
    if [ $ok -eq 1 ] && [ -z "$problems" ]; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        [ -n "${problems:-}" ] && echo "$problems" | sed 's/^/    /'
    fi
done

finish
