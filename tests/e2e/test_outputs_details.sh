#!/usr/bin/env bash
# What a family and a clinic desk need, on a case with phones, directions,
# preparation and arrive-early (tests/data/cases/clinic-details):
#   - the plan passes the independent checker (which knows arrive-early);
#   - itinerary.html names each phone (a tel: link), the directions, each
#     preparation, "Arrive by", a map link, a "What to bring" list;
#   - family.ics has one "Leave for" event per trip day (with its reminder),
#     DESCRIPTIONs with phone, directions and preparation, STATUS:TENTATIVE
#     for proposed appointments;
#   - provider files name the child by initials and case id, carry only the
#     visit's own purpose, and the home visit carries the home address;
#   - ical.js reads every .ics written for this case and for every example
#     and test case (libical reads them all in tests/adapters/test_outputs_all.c).
. "$(dirname "$0")/lib.sh"
need_careday
export CAREDAY_NOW=2026-11-22T09:00:00Z
has() { grep -qF -- "$2" "$1" && ok || bad "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" && ok || bad "$1 has: $2"; }
unfold() { sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\?\n //g' "$1" | sed 's/\\,/,/g; s/\\;/;/g'; }

case_file=$SRC/tests/data/cases/clinic-details/case.json
out=$tmp/out
"$CAREDAY" plan "$case_file" -o "$out" --quiet
rc=$?
[ $rc = 0 ] && ok || bad "plan exited $rc"
/usr/bin/python3 "$SRC/bench/check.py" "$case_file" "$out/plan.json" --quiet >"$tmp/check.txt" 2>&1 &&
    ok || bad "checker: $(cat "$tmp/check.txt")"

# Departure: first visit 8:15, 44 min drive + 10 parking + 20 early = 07:01.
/usr/bin/python3 - "$out/plan.json" <<'PY' && ok || bad "trip departure"
import json, sys
p = json.load(open(sys.argv[1]))
t = p["trips"][0]
first = min(a["start"] for a in p["appointments"] if a["mode"] == "in_person")
assert first.endswith("08:15:00-05:00") and t["depart"].endswith("07:01:00-05:00"), (first, t)
assert t["travel_minutes"] == 98, t  # the 20 minutes early are not travel
PY

# itinerary.html
html=$out/itinerary.html
has "$html" '<a href="tel:+19195550100">+1 919 555 0100</a>'
has "$html" '<a href="tel:+19195550177">+1 919 555 0177</a>'
has "$html" 'Entrance B, 2nd floor, desk 4'
has "$html" 'Bring the seizure diary'
has "$html" 'Nothing to eat after midnight'
has "$html" 'Bring the ventilator log'
has "$html" 'Clear a space on the floor'
has "$html" 'Leave home by 7:00 AM'
has "$html" 'Arrive by 7:55 AM'
has "$html" 'href="https://www.openstreetmap.org/?mlat=35.90400&amp;mlon=-79.05000'
has "$html" 'What to bring:'
# Days in date order: the Tuesday trip card before the Wednesday home visit.
trip_at=$(grep -n 'id="trip-2026-12-08"' "$html" | cut -d: -f1)
home_at=$(grep -n 'class="card home"' "$html" | cut -d: -f1)
[ -n "$trip_at" ] && [ -n "$home_at" ] && [ "$trip_at" -lt "$home_at" ] &&
    ok || bad "days not in date order (trip at $trip_at, home visit at $home_at)"

# family.ics
unfold "$out/family.ics" >"$tmp/family.txt"
[ "$(grep -c '^UID:leave\.' "$tmp/family.txt")" = 1 ] && ok || bad "one leave-by event per trip day"
has "$tmp/family.txt" 'SUMMARY:Leave for Children'"'"'s Specialty Clinic'
has "$tmp/family.txt" 'Leave home by 7:00 AM to be at Children'"'"'s Specialty Clinic by 7:55 AM.'
has "$tmp/family.txt" 'Phone: +1 919 555 0100'
has "$tmp/family.txt" 'How to find it: Entrance B, 2nd floor, desk 4'
has "$tmp/family.txt" 'Prepare: Nothing to eat after midnight'
has "$tmp/family.txt" 'Arrive by 7:55 AM to check in.'
has "$tmp/family.txt" 'STATUS:TENTATIVE'
lacks "$tmp/family.txt" 'STATUS:CONFIRMED'
[ "$(grep -c '^BEGIN:VALARM' "$tmp/family.txt")" -ge 5 ] && ok || bad "reminders"

# providers/*.ics: minimum necessary
for f in "$out"/providers/*.ics; do
    unfold "$f" >"$tmp/p.txt"
    has "$tmp/p.txt" 'M.O. (case-k)'
    lacks "$tmp/p.txt" 'Maya Okonkwo'
    lacks "$tmp/p.txt" 'Okonkwo'
done
unfold "$out/providers/gi.ics" >"$tmp/gi.txt"
has "$tmp/gi.txt" 'SUMMARY:M.O. (case-k) – Gastroenterology'
lacks "$tmp/gi.txt" 'neurology'
unfold "$out/providers/pt.ics" >"$tmp/pt.txt"
has "$tmp/pt.txt" "LOCATION:The family's home: 12 Oak Street, Raleigh NC 27601"

# ical.js over every calendar written for every example and test case.
reader=$SRC/tests/js/read_ics.cjs
if [ ! -d "$SRC/tests/js/node_modules/ical.js" ] || ! command -v node >/dev/null; then
    if [ "${CI:-}" = true ]; then
        bad "ical.js is not installed (bash .ci/deps installs it into tests/js)"
    else
        echo "SKIP: ical.js not installed (run bash .ci/deps); its check did not run"
    fi
else
    n=0
    for c in "$SRC"/examples/*.json "$SRC"/tests/data/cases/*/case.json; do
        n=$((n + 1))
        now=$CAREDAY_NOW
        exp=$(dirname "$c")/expected.json
        if [ -f "$exp" ]; then
            now=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("now", sys.argv[2]))' "$exp" "$now")
        fi
        CAREDAY_NOW=$now "$CAREDAY" plan "$c" -o "$tmp/all/$n" --quiet --invite >/dev/null 2>&1 ||
            CAREDAY_NOW=$now "$CAREDAY" plan "$c" -o "$tmp/all/$n" --quiet >/dev/null 2>&1
    done
    files=$(find "$out" "$tmp/all" -name '*.ics' | sort)
    count=$(echo "$files" | wc -l)
    if node "$reader" $files >"$tmp/icaljs.txt" 2>&1; then
        ok
        echo "ical.js read $count calendar files with no error"
    else
        bad "ical.js: $(grep -v passed "$tmp/icaljs.txt" | head -5)"
    fi
fi

finish
