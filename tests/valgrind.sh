#!/usr/bin/env bash
# Run the end-to-end plans (bundled examples, hand-solved and import cases),
# calendar expansions and the readers over the whole shared corpus under
# valgrind; fail on any leak or memory error.
set -uo pipefail
careday=${1:?usage: valgrind.sh path/to/careday}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CAREDAY_NOW=2026-11-22T09:00:00Z
pass=0 fail=0
run() { # name, command...
    local name=$1
    shift
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$@" \
        >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc = 99 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
        echo "FAIL $name: valgrind found problems"; grep '^==' "$tmp/err" | head -30; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}
for c in "$src"/examples/*.json "$src"/tests/data/cases/*/case.json "$src"/tests/data/import/*/case.json; do
    [ -f "$c" ] || continue
    run "plan $(basename "$(dirname "$c")")/$(basename "$c")" "$careday" plan "$c" -o "$tmp/o" --quiet
    rm -rf "$tmp/o"
done
for f in "$src"/../shared/corpus/ics/node-ical/exchange-custom-tz.ics "$src"/../shared/corpus/ics/icalendar/broken_ical.ics; do
    [ -f "$f" ] || continue
    run "expand $(basename "$f")" "$careday" calendar expand "$f" --from 2000-01-01 --to 2030-01-01 --tz UTC
done
# Every calendar and FHIR file of the shared corpus, read by the corpus tests.
build=$(dirname "$(dirname "$careday")")
for t in calendars_test_corpus_ics adapters_test_fhir_corpus; do
    [ -x "$build/tests/$t" ] && run "$t (whole corpus)" "$build/tests/$t"
done
# Batches: in this process (--jobs 1) and with worker processes (valgrind
# follows the forked workers).
for c in "$src"/tests/data/batch/*/caseload.json; do
    [ -f "$c" ] || continue
    for j in 1 2; do
        run "batch $(basename "$(dirname "$c")") --jobs $j" "$careday" batch "$c" -o "$tmp/b" --jobs "$j" --quiet
        rm -rf "$tmp/b"
    done
done
run "bad input" "$careday" plan "$src/tests/data/bad/malformed-json/case.json" -o "$tmp/bad"
# Re-planning, confirm and cancel (docs/cli.md).
r="$src/tests/data/replan/week-later"
run "re-plan week-later" "$careday" plan "$r/case.json" -o "$tmp/r" --previous "$r/previous.json" \
    --now 2026-12-08T16:30:00Z --invite --quiet
run "confirm" "$careday" confirm "$tmp/r" eeg --quiet
run "cancel" "$careday" cancel "$tmp/r" diet --reason "family request" --invite --quiet
run "cancel, bad visit id" "$careday" cancel "$tmp/r" no-such-visit
echo "valgrind: $pass passed, $fail failed"
[ $fail = 0 ]
