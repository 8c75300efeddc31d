#!/usr/bin/env bash
# Hostile and broken input, tried as an attacker and as a careless user
# would: nothing injected into what careday writes, nothing raw sent to the
# terminal, nothing hung, nothing lost in silence, nothing half-written.
# Each check runs the built careday on a copy of tests/data/hostile/base
# with one thing broken, and reads back what it printed and wrote.
#
# Environment: CAREDAY (the built binary), CAREDAY_SOURCE_DIR (the source tree).
set -u
careday=${CAREDAY:?set CAREDAY to the careday binary}
careday=$(cd "$(dirname "$careday")" && pwd)/$(basename "$careday")
src=${CAREDAY_SOURCE_DIR:?set CAREDAY_SOURCE_DIR}
export CAREDAY_NOW=2026-11-22T09:00:00Z
base=$src/tests/data/hostile/base
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# A fresh copy of the base case in $tmp/$1; prints its folder.
fresh() {
    rm -rf "${tmp:?}/$1"
    mkdir -p "$tmp/$1"
    cp -r "$base"/. "$tmp/$1/"
    echo "$tmp/$1"
}
# Apply a jq filter to the case of folder $1.
edit() {
    jq "$2" "$1/case.json" >"$1/case.tmp" && mv "$1/case.tmp" "$1/case.json"
}
# careday with a bound on its time: a hang is a failure, not a stuck CI.
run() {
    timeout 20 "$careday" "$@"
}
# No byte of the file is a control character other than TAB, CR, LF.
no_ctl() {
    ! LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' "$1"
}
# Every line of stderr starts with "careday:" (one message per line).
one_line_messages() {
    ! grep -qv '^careday: ' "$1"
}

# ---------------------------------------------------------------------------
# 1. Injection: values with line breaks never become iCalendar lines.

d=$(fresh link-crlf)
edit "$d" '.providers[0].telehealth.link = "https://video.example.org/n\r\nATTENDEE:mailto:evil@example.com"'
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && ok || bad "link with CR LF: exit $rc, expected 2"
grep -qF 'providers[0].telehealth.link: expected a link' "$d/err" && ok ||
    bad "link with CR LF: message lacks the JSON path: $(cat "$d/err")"
[ ! -e "$d/out" ] && ok || bad "link with CR LF: OUT written"

for field in '.providers[0].email' '.coordinator.email'; do
    d=$(fresh email)
    edit "$d" "$field = \"neuro@example.org\\r\\nATTENDEE:mailto:evil@example.com\""
    run plan "$d/case.json" -o "$d/out" --quiet --invite 2>"$d/err"
    rc=$?
    [ $rc = 2 ] && ok || bad "$field with CR LF: exit $rc, expected 2"
    grep -qF "${field#.}: expected one e-mail address" "$d/err" && ok ||
        bad "$field with CR LF: message: $(cat "$d/err")"
    [ ! -e "$d/out" ] && ok || bad "$field with CR LF: OUT written"
done

# Free text (names, purposes, the case name) with line breaks, quotes and
# escape sequences is escaped by the writers: every output parses back with
# exactly the attendees it should have, and no raw control character.
d=$(fresh names)
edit "$d" '.name = "Fixture\r\nATTENDEE:mailto:evil@example.com"
  | .coordinator.name = "Care\r\nATTENDEE:mailto:evil3@example.com"
  | .providers[0].name = "Dr \"Lee\"\u001b[31m;x:y\nATTENDEE:mailto:evil4@example.com"
  | .providers[1].specialty = "<script>alert(1)</script>\u0007"
  | .visits[0].purpose = "check\r\nATTENDEE:mailto:evil5@example.com"'
run plan "$d/case.json" -o "$d/out" --quiet --invite 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "free text with line breaks: exit $rc: $(cat "$d/err")"
for f in "$d"/out/family.ics "$d"/out/providers/*.ics; do
    no_ctl "$f" && ok || bad "$(basename "$f"): raw control character"
    # Unfold, then no line may start a property from the injected text.
    if sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' "$f" | grep -q '^ATTENDEE:mailto:evil'; then
        bad "$(basename "$f"): injected ATTENDEE line"
    else
        ok
    fi
    n=$(sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' "$f" | grep -c '^ATTENDEE')
    case $f in
    *-invite.ics) want=$(grep -c '^BEGIN:VEVENT' "$f") ;;
    *) want=0 ;;
    esac
    [ "$n" = "$want" ] && ok || bad "$(basename "$f"): $n ATTENDEE lines, expected $want"
    python3 - "$f" <<'PY' && ok || bad "$(basename "$f"): does not parse back"
import sys
t = open(sys.argv[1], 'rb').read().decode('utf-8')
assert t.startswith('BEGIN:VCALENDAR\r\n') and t.endswith('END:VCALENDAR\r\n'), 'frame'
for line in t.replace('\r\n ', '').split('\r\n')[:-1]:
    assert ':' in line and line.split(':')[0].split(';')[0].isupper(), 'not a content line: %r' % line
PY
done
no_ctl "$d/out/itinerary.html" && ok || bad "itinerary.html: raw control character"
grep -q '<script>' "$d/out/itinerary.html" && bad "itinerary.html: unescaped <script>" || ok
jq -e . "$d/out/plan.json" >/dev/null && ok || bad "plan.json does not parse"

# ---------------------------------------------------------------------------
# 2. Messages quote file content safely: one line each, control characters
#    escaped, nothing quoted from a file that is not the expected kind.

d=$(fresh esc-calendar)
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:2026\x1b]0;owned\x07\x1b[2J1207T130000Z\r\nDTEND:20261207T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    >"$d/calendars/family.ics"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
no_ctl "$d/err" && ok || bad "escape sequences from a calendar reached stderr"
one_line_messages "$d/err" && ok || bad "a message was split over lines: $(cat -v "$d/err")"

d=$(fresh not-ical)
printf 'secret: hunter2\npassword=correct horse\n' >"$d/calendars/family.ics"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && ok || bad "a text file as calendar: exit $rc"
grep -q 'hunter2\|correct horse' "$d/err" && bad "content of a non-calendar file printed" || ok
grep -q 'not iCalendar' "$d/err" && ok || bad "not-iCalendar message: $(cat "$d/err")"

d=$(fresh binary)
head -c 300 /dev/urandom | tr -d '\000' >"$d/calendars/family.ics"
printf 'BEGIN:VCALENDAR\r\nX-A:\x1b[31m\x85\xff\xfe\n\r\nBEGIN:BOGUS\r\n' >>"$d/calendars/family.ics"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
no_ctl "$d/err" && ok || bad "binary bytes reached stderr"
one_line_messages "$d/err" && ok || bad "binary input split a message: $(cat -v "$d/err")"

# ---------------------------------------------------------------------------
# 5. Non-regular files are refused at once, never read (a named pipe would
#    block forever).

fifo_case() { # name, jq filter or "", file to turn into a pipe (relative), extra args
    local name=$1 filter=$2 pipe=$3
    shift 3
    local d
    d=$(fresh "fifo-$name")
    [ -n "$filter" ] && edit "$d" "$filter"
    rm -f "${d:?}/$pipe"
    mkfifo "$d/$pipe"
    (cd "$d" && run "$@" 2>"$d/err" >/dev/null)
    local rc=$?
    [ $rc = 2 ] && ok || bad "named pipe as $name: exit $rc, expected 2"
    grep -q 'named pipe' "$d/err" && ok || bad "named pipe as $name: message: $(cat "$d/err")"
    [ ! -e "$d/out" ] && ok || bad "named pipe as $name: OUT written"
}
fifo_case case "" case.json plan case.json -o out --quiet
fifo_case calendar "" calendars/family.ics plan case.json -o out --quiet
fifo_case matrix "" matrix.json plan case.json -o out --quiet
fifo_case fhir '.providers[1].in_person.available = [ { "fhir": "slots.json" } ]' slots.json \
    plan case.json -o out --quiet
fifo_case previous "" old.json plan case.json -o out --quiet --previous old.json
fifo_case check "" case.json check case.json
d=$(fresh fifo-expand)
mkfifo "$d/pipe.ics"
run calendar expand "$d/pipe.ics" --from 2026-12-01 --to 2026-12-31 >/dev/null 2>"$d/err"
rc=$?
[ $rc = 2 ] && grep -q 'named pipe' "$d/err" && ok || bad "calendar expand of a named pipe: exit $rc: $(cat "$d/err")"

d=$(fresh matrix-folder)
rm "$d/matrix.json"
mkdir "$d/matrix.json"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && ok || bad "matrix folder: exit $rc"
grep -q 'matrix.json: is a folder.*travel matrix.*travel.matrix' "$d/err" && ok ||
    bad "matrix folder: message: $(cat "$d/err")"

# ---------------------------------------------------------------------------
# 6. Integers from input are range-checked: a sequence at the top of the
#    32-bit range is bad input, one below it still rises without overflow.

d=$(fresh sequence)
run plan "$d/case.json" -o "$d/one" --quiet 2>"$d/err" || bad "first plan failed: $(cat "$d/err")"
jq '.appointments |= map(.sequence = 2147483647)' "$d/one/plan.json" >"$d/max.json"
run plan "$d/case.json" -o "$d/out" --quiet --previous "$d/max.json" 2>"$d/err"
rc=$?
[ $rc = 2 ] && ok || bad "sequence 2147483647: exit $rc, expected 2"
grep -q 'appointments\[0\].sequence: expected a sequence from 0 to 2147483646' "$d/err" && ok ||
    bad "sequence 2147483647: message: $(cat "$d/err")"
# One below: an appointment that moved gets 2147483647, never a negative.
jq '.appointments |= map(.sequence = 2147483646 | .start = "2026-12-10T20:00:00Z" | .end = "2026-12-10T21:00:00Z")' \
    "$d/one/plan.json" >"$d/near.json"
run plan "$d/case.json" -o "$d/two" --quiet --previous "$d/near.json" 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "sequence 2147483646: exit $rc: $(cat "$d/err")"
grep -q 'SEQUENCE:2147483647' "$d/two/family.ics" && ok || bad "moved appointment: no SEQUENCE:2147483647"
grep -q 'SEQUENCE:-' "$d/two/family.ics" && bad "negative SEQUENCE written" || ok

# ---------------------------------------------------------------------------
# 7. Encodings and line ends say what to fix.

d=$(fresh bom)
printf '\xef\xbb\xbf' | cat - "$base/case.json" >"$d/case.json"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "case with a UTF-8 byte-order mark: exit $rc: $(cat "$d/err")"

d=$(fresh utf16)
iconv -f UTF-8 -t UTF-16 "$base/case.json" >"$d/case.json"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && grep -q 'is UTF-16 text; expected UTF-8: save the file as UTF-8' "$d/err" && ok ||
    bad "UTF-16 case: exit $rc: $(cat "$d/err")"
iconv -f UTF-8 -t UTF-16 "$base/calendars/family.ics" >"$d/calendars/family.ics"
cp "$base/case.json" "$d/case.json"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && grep -q 'family.ics: .*UTF-16' "$d/err" && ok ||
    bad "UTF-16 calendar: exit $rc: $(cat "$d/err")"

d=$(fresh cr-only)
tr -d '\n' <"$base/calendars/family.ics" >"$d/calendars/family.ics"
run plan "$d/case.json" -o "$d/out" 2>"$d/err" >/dev/null
rc=$?
[ $rc = 0 ] && ok || bad "CR-only calendar: exit $rc: $(cat -v "$d/err")"
grep -q 'family.ics: lines end in CR only' "$d/err" && ok || bad "CR-only calendar: no warning"
grep -q 'SEQUENCE' "$d/out/family.ics" && ok || bad "CR-only calendar: no plan"
# The busy time it holds (all of Monday) is honoured.
jq -e '[.appointments[] | select(.start | startswith("2026-12-07"))] | length == 0' \
    "$d/out/plan.json" >/dev/null && ok || bad "CR-only calendar: its busy time was ignored"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
