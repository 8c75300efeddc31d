#!/usr/bin/env bash
# The family's language: outputs follow family.language through the gettext
# catalogues; a language without a catalogue warns (naming family.language)
# and falls back to English; --lang accepts only installed languages; the
# coordinator's reasons in plan.json stay English while the itinerary says
# them in the family's language.
. "$(dirname "$0")/lib.sh"
need_careday
export CAREDAY_NOW=2026-11-22T09:00:00Z

base=$SRC/tests/data/cases/impossible-visit
with_language() { # LANG FILE: the impossible-visit case with family.language LANG
    /usr/bin/python3 - "$base/case.json" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["family"]["language"] = sys.argv[2]
json.dump(c, open(sys.argv[3], "w"))
PY
}

# 1. French: a warning naming family.language, English outputs, exit as usual (3).
with_language fr "$base/.fr.$$.json"
"$CAREDAY" plan "$base/.fr.$$.json" -o "$tmp/fr" --quiet 2>"$tmp/fr.err"
rc=$?
"$CAREDAY" check "$base/.fr.$$.json" >"$tmp/check.out" 2>"$tmp/check.err"
rm -f "$base/.fr.$$.json"
[ $rc = 3 ] && ok || bad "French case exited $rc, expected 3 (one visit cannot be placed)"
grep -q 'family.language: no message catalogue for language "fr".*English' "$tmp/fr.err" &&
    ok || bad "no warning for French: $(cat "$tmp/fr.err")"
grep -q '^<html lang="en">' "$tmp/fr/itinerary.html" && ok || bad "French itinerary is not English"
grep -q 'family.language: no message catalogue for language "fr"' "$tmp/check.err" &&
    ok || bad "careday check does not warn for French: $(cat "$tmp/check.err")"

# 2. Spanish: Spanish page and reasons; plan.json keeps the coordinator's English.
with_language es "$base/.es.$$.json"
# (in the C locale: the language is the case's, not the process's)
LC_ALL=C LANG=C LANGUAGE= "$CAREDAY" plan "$base/.es.$$.json" -o "$tmp/es" --quiet 2>"$tmp/es.err"
rc=$?
rm -f "$base/.es.$$.json"
[ $rc = 3 ] && ok || bad "Spanish case exited $rc"
[ ! -s "$tmp/es.err" ] && ok || bad "Spanish case warned: $(cat "$tmp/es.err")"
grep -q '^<html lang="es">' "$tmp/es/itinerary.html" && ok || bad "Spanish itinerary is not es"
grep -q 'La clínica no tiene horas libres para esta cita' "$tmp/es/itinerary.html" &&
    ok || bad "the itinerary's reason is not in Spanish"
/usr/bin/python3 - "$tmp/es/plan.json" <<'PY' && ok || bad "plan.json reasons"
import json, sys
u = {x["visit"]: x for x in json.load(open(sys.argv[1]))["unscheduled"]}
assert u["ortho-fu"]["code"] == "no_provider_time", u
assert "has no open time for this visit's" in u["ortho-fu"]["reason"], u
assert u["cast-check"]["code"] == "predecessor" and u["cast-check"]["other"] == "ortho-fu", u
assert "must come after visit ortho-fu" in u["cast-check"]["reason"], u
PY

# 3. --lang takes installed languages only.
"$CAREDAY" plan "$base/case.json" -o "$tmp/x" --lang fr --quiet 2>"$tmp/lang.err"
rc=$?
[ $rc = 2 ] && ok || bad "--lang fr exited $rc, expected 2"
grep -q 'no message catalogue for "fr"' "$tmp/lang.err" && ok || bad "--lang fr: $(cat "$tmp/lang.err")"
"$CAREDAY" plan "$base/case.json" -o "$tmp/en-es" --lang es --quiet 2>/dev/null
grep -q '^<html lang="es">' "$tmp/en-es/itinerary.html" && ok || bad "--lang es not applied"

finish
