#!/usr/bin/env bash
# The command as a user types it: `careday check` exits 0 only on a clean
# case and 3 when a visit cannot be placed, `--json` (check and plan) gives
# one JSON object on stdout, errors included, with the same exit code; `--`
# and `-oDIR` are accepted; the manual page renders; bash completion
# completes commands and options.
. "$(dirname "$0")/lib.sh"
need_careday
build=${CAREDAY_BUILD_DIR:-$(dirname "$(dirname "$CAREDAY")")}
export CAREDAY_NOW=2026-11-22T09:00:00Z

clean=$SRC/tests/data/cases/four-visits-one-trip/case.json
impossible=$SRC/tests/data/cases/impossible-visit/case.json

# 1. check: 0 on a clean case, 3 when a visit cannot be placed (with reasons).
"$CAREDAY" check "$clean" >"$tmp/c1" 2>&1
[ $? = 0 ] && ok || bad "check on a clean case did not exit 0: $(tail -2 "$tmp/c1")"
grep -q '^No problems found' "$tmp/c1" && ok || bad "clean case: $(tail -2 "$tmp/c1")"
"$CAREDAY" check "$impossible" >"$tmp/c2" 2>&1
[ $? = 3 ] && ok || bad "check on impossible-visit did not exit 3"
grep -q '^  ortho-fu: Dr. Samuel Park (Orthopedics) has no open time' "$tmp/c2" && ok ||
    bad "no reason for ortho-fu: $(cat "$tmp/c2")"
grep -q '^  cast-check: it must come after visit ortho-fu' "$tmp/c2" && ok ||
    bad "no reason for cast-check: $(cat "$tmp/c2")"
grep -q '^Problems: 2 visits cannot be placed' "$tmp/c2" && ok || bad "problems line"

# 2. check --json: one object on stdout, same exit code.
"$CAREDAY" check --json "$impossible" >"$tmp/j1" 2>"$tmp/j1.err"
code=$?
[ $code = 3 ] && ok || bad "check --json exited $code"
$PY - "$tmp/j1" <<'PY' && ok || bad "check --json object: $(head -c 400 "$tmp/j1")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["careday"] == 1 and d["exit"] == 3 and d["clean"] is False, d
c = {x["visit"]: x for x in d["cannot_place"]}
assert c["ortho-fu"]["code"] == "no_provider_time", c
assert c["cast-check"]["code"] == "predecessor" and c["cast-check"]["other"] == "ortho-fu", c
assert d["windows"] and d["sources"] and d["horizon"]["start"] == "2026-12-07", d
PY
"$CAREDAY" check --json "$clean" >"$tmp/j2" 2>/dev/null
[ $? = 0 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["clean"] and d["exit"]==0 and d["cannot_place"]==[]' "$tmp/j2" &&
    ok || bad "check --json on a clean case"
"$CAREDAY" check --json "$tmp/missing.json" >"$tmp/j3" 2>"$tmp/j3.err"
code=$?
[ $code = 2 ] && ok || bad "check --json on a missing file exited $code"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exit"]==2 and "missing.json" in d["error"]["file"] and d["error"]["text"]' "$tmp/j3" &&
    ok || bad "check --json error object: $(cat "$tmp/j3")"
printf '{"careday": 1, "timezone": "America/New_York", "horizon": {"start": "2026-12-01", "end": "2026-12-02"}, "family": {"home": {"lat": 1, "lon": 1}}, "visits": [{"id": "a"}]}' >"$tmp/bad.json"
"$CAREDAY" check --json "$tmp/bad.json" >"$tmp/j4" 2>/dev/null
code=$?
[ $code = 2 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exit"] == 2 and d["error"]["path"] == "providers", d' "$tmp/j4" &&
    ok || bad "check --json bad case: exit $code: $(cat "$tmp/j4")"
"$CAREDAY" plan --json "$tmp/bad.json" -o "$tmp/nope" >"$tmp/j5" 2>/dev/null
code=$?
[ $code = 2 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["exit"]==2 and d["error"]["path"]' "$tmp/j5" &&
    ok || bad "plan --json bad case: exit $code: $(cat "$tmp/j5")"

# 3. "--" ends the options; "-oDIR" attaches the value.
cp "$clean" "$tmp/-odd.json"
(cd "$tmp" && "$CAREDAY" check -- -odd.json >/dev/null 2>&1)
[ $? = 0 ] && ok || bad "check -- -odd.json"
(cd "$tmp" && "$CAREDAY" plan -o out1 --quiet -- -odd.json)
[ -s "$tmp/out1/plan.json" ] && ok || bad "plan -o out1 -- -odd.json wrote no plan"
"$CAREDAY" plan "$clean" -o"$tmp/out2" --quiet
[ -s "$tmp/out2/plan.json" ] && ok || bad "-oDIR wrote no plan"
"$CAREDAY" gen --families 2 --seed 1 -o "$tmp/gen" >/dev/null 2>&1
"$CAREDAY" batch "$tmp/gen/caseload.json" -o"$tmp/batch" --quiet >/dev/null 2>&1
[ -s "$tmp/batch/caseload-plan.json" ] && ok || bad "batch -oDIR wrote no caseload plan"
"$CAREDAY" plan "$clean" --bogus -o "$tmp/out3" >/dev/null 2>"$tmp/u.err"
[ $? = 2 ] && grep -q 'unknown option --bogus' "$tmp/u.err" && ok || bad "unknown option"

# 4. The manual page renders.
page=$build/share/man/man1/careday.1
if [ -s "$page" ] && command -v man >/dev/null; then
    MANWIDTH=80 man -l "$page" 2>/dev/null >"$tmp/man.txt"
    grep -q 'careday - plan the care of a child' "$tmp/man.txt" && grep -q 'EXIT STATUS' "$tmp/man.txt" &&
        ok || bad "man -l $page does not render"
elif [ -s "$page" ]; then
    grep -q '^\.TH' "$page" && ok || bad "$page is not a man page"
else
    bad "no manual page at $page (scdoc installed?)"
fi

# 5. Bash completion.
complete_words() { # words... -> COMPREPLY of the last one
    bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _careday; printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/completions/careday.bash" "$@"
}
complete_words careday pl | grep -qx plan && ok || bad "completion of 'pl'"
complete_words careday check --j | grep -qx -- --json && ok || bad "completion of 'check --j'"
complete_words careday plan case.json --mod | grep -qx -- --model && ok || bad "completion of --mod"
complete_words careday plan case.json --lang "" | grep -qx es && ok || bad "completion of --lang"

finish
