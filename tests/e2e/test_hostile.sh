#!/usr/bin/env bash
# Hostile and broken input, tried as an attacker and as a careless user
# would: nothing injected into what careday writes, nothing raw sent to the
# terminal, nothing hung, nothing lost in silence, nothing half-written.
# Each check runs the built careday on a copy of tests/data/hostile/base
# with one thing broken, and reads back what it printed and wrote.
#
# Environment: CAREDAY (the built binary), CAREDAY_SOURCE_DIR (the source tree).
. "$(dirname "$0")/lib.sh"
need_careday
export CAREDAY_NOW=2026-11-22T09:00:00Z
base=$SRC/tests/data/hostile/base
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
    timeout 20 "$CAREDAY" "$@"
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
# 3. OUT is published whole or not at all. (Every step failing in turn is
#    tests/adapters/test_publish.c; here real obstacles.)

tree() { (cd "$1" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ | awk '{print $1, $5, $NF}' && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
d=$(fresh publish)
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err" || bad "publish: first plan failed: $(cat "$d/err")"
# A second plan that differs (a later horizon start), so every file changes.
edit "$d" '.horizon.start = "2026-12-08"'
for obstacle in itinerary.html providers/neuro.ics providers/cardio.ics; do
    rm "$d/out/$obstacle"
    mkdir "$d/out/$obstacle"
    before=$(tree "$d/out")
    run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
    rc=$?
    [ $rc = 1 ] && ok || bad "folder at $obstacle: exit $rc, expected 1"
    grep -qF "$obstacle is a folder where the plan has a file: move it away" "$d/err" && ok ||
        bad "folder at $obstacle: message: $(cat "$d/err")"
    [ "$before" = "$(tree "$d/out")" ] && ok || bad "folder at $obstacle: OUT changed"
    ls -A "$d/out" | grep -q careday && bad "folder at $obstacle: staging left in OUT" || ok
    rmdir "$d/out/$obstacle"
done
rm -rf "$d/out/providers"
echo 'not a folder' >"$d/out/providers"
before=$(tree "$d/out")
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 1 ] && grep -q 'providers is not a folder' "$d/err" && ok || bad "providers as a file: exit $rc: $(cat "$d/err")"
[ "$before" = "$(tree "$d/out")" ] && ok || bad "providers as a file: OUT changed"

# OUT a symlink onto another file system: staged there, renamed there.
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %i /dev/shm)" != "$(stat -f -c %i "$tmp")" ]; then
    far=$(mktemp -d /dev/shm/careday-hostile-XXXXXX)
    d=$(fresh symlinked)
    run plan "$d/case.json" -o "$far" --quiet 2>"$d/err" || bad "symlinked: first plan: $(cat "$d/err")"
    ln -s "$far" "$d/out"
    edit "$d" '.horizon.start = "2026-12-08"'
    run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
    rc=$?
    [ $rc = 0 ] && ok || bad "OUT symlinked onto another file system: exit $rc: $(cat "$d/err")"
    [ -L "$d/out" ] && ok || bad "the OUT symlink was replaced"
    grep -q '"start": "2026-12-0[89]' "$far/plan.json" && ok || bad "symlinked OUT: plan.json is old"
    ls -A "$far" | grep -q careday- && bad "symlinked OUT: staging left in OUT" || ok
    ls -A "$d" | grep -q careday- && bad "symlinked OUT: staging left beside OUT" || ok
    rm -rf "$far"
else
    ok # no second file system to try
fi

# Outputs get the user's umask (health data: the docs recommend 077).
d=$(fresh umask)
(umask 077 && run plan "$d/case.json" -o "$d/private" --quiet --invite) 2>"$d/err" || bad "umask 077 plan: $(cat "$d/err")"
perms=$(find "$d/private" -printf '%m %y\n' | sort -u | tr '\n' ' ')
[ "$perms" = "600 f 700 d " ] && ok || bad "umask 077: permissions $perms, expected 600 files, 700 folders"
(umask 022 && run plan "$d/case.json" -o "$d/shared" --quiet) 2>"$d/err" || bad "umask 022 plan: $(cat "$d/err")"
perms=$(find "$d/shared" -printf '%m %y\n' | sort -u | tr '\n' ' ')
[ "$perms" = "644 f 755 d " ] && ok || bad "umask 022: permissions $perms, expected 644 files, 755 folders"

d=$(fresh empty-o)
run plan "$d/case.json" -o "" --quiet 2>"$d/err"
rc=$?
[ $rc = 2 ] && grep -q -- '^careday: -o needs a folder name' "$d/err" && ok ||
    bad "empty -o: exit $rc: $(cat "$d/err")"

# ---------------------------------------------------------------------------
# 4. Nothing lost in silence: limits warn with file, line and limit; UIDs
#    stay unique; suspicious calendars warn; a VFREEBUSY without periods is
#    free.

d=$(fresh limits)
python3 - "$d/ex.ics" <<'PY'
import sys, datetime
day = lambda i: (datetime.date(2026, 1, 1) + datetime.timedelta(days=i)).strftime('%Y%m%d')
ex = ','.join(day(i) + 'T100000Z' for i in range(600))
lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'BEGIN:VEVENT', 'UID:a',
         'DTSTART:20260101T100000Z', 'DTEND:20260101T110000Z', 'RRULE:FREQ=DAILY;COUNT=700',
         'EXDATE:' + ex, 'END:VEVENT', 'END:VCALENDAR']
open(sys.argv[1], 'w', newline='').write('\r\n'.join(lines) + '\r\n')
PY
run calendar expand "$d/ex.ics" --from 2026-01-01 --to 2028-01-01 >/dev/null 2>"$d/err"
grep -q 'ex.ics:9: .*EXDATE holds 600 values; at most 500 are read' "$d/err" && ok ||
    bad "600 EXDATE values: no warning with line and limit: $(cat "$d/err")"

printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261207T100000Z\r\nDTEND:20261207T110000Z\r\nRRULE:FREQ=DAILY;UNTIL=20251207T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$d/until.ics"
run calendar expand "$d/until.ics" --from 2026-12-01 --to 2026-12-31 >/dev/null 2>"$d/err"
grep -q "until.ics:8: .*UNTIL is before DTSTART" "$d/err" && ok ||
    bad "UNTIL before DTSTART: no warning with line: $(cat "$d/err")"

printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Odd\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+2000\r\nTZOFFSETTO:+2000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:o\r\nDTSTART;TZID=Odd:20261207T100000\r\nDTEND;TZID=Odd:20261207T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$d/offset.ics"
run calendar expand "$d/offset.ics" --from 2026-12-01 --to 2026-12-31 >/dev/null 2>"$d/err"
grep -q "offset.ics:[0-9]*: .*beyond +-18 hours" "$d/err" && ok ||
    bad "offset of +20 h: no warning with line: $(cat "$d/err")"

printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nDTSTART:20261201T000000Z\r\nDTEND:20261231T000000Z\r\nFREEBUSY:bogus\r\nFREEBUSY:20261207T100000Z/PT1H,nonsense\r\nFREEBUSY:also-bogus\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n' >"$d/fb.ics"
run calendar expand "$d/fb.ics" --from 2026-12-01 --to 2026-12-31 >/dev/null 2>"$d/err"
lines=$(grep -o 'fb.ics:[0-9]*: VFREEBUSY UID f: a value could not be read' "$d/err" | cut -d: -f2 | sort -u | tr '\n' ' ')
[ "$lines" = "10 8 9 " ] && ok || bad "FREEBUSY warnings carry lines '$lines', expected 8 9 10: $(cat "$d/err")"

# A family calendar answering free/busy with a range and no periods: free.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nDTSTART:20261201T000000Z\r\nDTEND:20261231T000000Z\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n' \
    >"$d/calendars/family.ics"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "VFREEBUSY without periods read as busy: exit $rc: $(cat "$d/err")"

# Long ids: two visits whose long ids share all but their last character
# keep two UIDs (each '.' takes 3 characters once encoded, so these are
# 900 characters in a UID).
d=$(fresh long-visit-ids)
V=$(printf '.%.0s' $(seq 299))
edit "$d" ".visits[0].id = \"${V}1\"
  | .visits += [{\"id\": \"${V}2\", \"provider\": \"neuro\", \"minutes\": 30, \"modes\": [\"telehealth\"]}]"
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "long visit ids: exit $rc: $(cat "$d/err")"
unfold() { sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' "$1"; }
n=$(unfold "$d/out/family.ics" | grep '^UID:%2E' | sort -u | wc -l)
[ "$n" = 2 ] && ok || bad "two long visit ids: $n distinct UIDs in family.ics, expected 2"
n=$(unfold "$d/out/providers/neuro.ics" | grep '^UID:%2E' | sort -u | wc -l)
[ "$n" = 2 ] && ok || bad "two long visit ids: $n distinct UIDs in neuro.ics, expected 2"

# A 250-character provider id (legal) gets a file name that works.
d=$(fresh long-provider-id)
L=$(printf 'p%.0s' $(seq 250))
edit "$d" ".providers[0].id = \"$L\" | .visits[0].provider = \"$L\""
run plan "$d/case.json" -o "$d/out" --quiet --invite 2>"$d/err"
rc=$?
[ $rc = 0 ] && ok || bad "250-character provider id: exit $rc: $(cat "$d/err")"
n=$(ls "$d/out/providers" | grep -c '^p.*~[0-9a-f]\{16\}\(-invite\)\?\.ics$')
[ "$n" = 2 ] && ok || bad "long provider id: provider files $(ls "$d/out/providers")"

# ---------------------------------------------------------------------------
# 7. Messages that say what is wrong, where, and what to do.

d=$(fresh overlap)
edit "$d" '.booked = [
  {"id": "b1", "provider": "cardio", "start": "2026-12-08T09:00:00-05:00", "minutes": 60, "mode": "in_person", "movable": false},
  {"id": "b2", "provider": "cardio", "start": "2026-12-08T09:30:00-05:00", "minutes": 30, "mode": "in_person", "movable": false}]'
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
grep -qF "case.json: booked[1]: booking \"b2\" overlaps booking \"b1\" at provider \"cardio\", who sees one patient at a time" "$d/err" && ok ||
    bad "overlapping fixed bookings not named: $(cat "$d/err")"

d=$(fresh booked-in-busy)
edit "$d" '.booked = [{"id": "b1", "provider": "cardio", "start": "2026-12-07T09:00:00-05:00", "minutes": 60, "mode": "in_person", "movable": false}]'
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
n=$(grep -c 'b1' "$d/err")
[ "$n" = 1 ] && ok || bad "a booking in family busy time warned $n times, expected once: $(cat "$d/err")"
grep -qF 'case.json: booked[0]: booking "b1" falls in the family'"'"'s busy time' "$d/err" && ok ||
    bad "booking in busy time: no file and JSON path: $(cat "$d/err")"

# A fixed booking whose trip (not the booking itself) meets busy time, lacks
# a nurse, or leaves before the family's day: each said once, with the case
# file, the booking's JSON path, the times and the calendar source met.
d=$(fresh trip-in-busy)
sed -i 's/^END:VCALENDAR/BEGIN:VEVENT\nUID:therapy-1@example.org\nDTSTAMP:20261101T000000Z\nDTSTART:20261208T113000Z\nDTEND:20261208T124500Z\nSUMMARY:Therapy\nEND:VEVENT\nEND:VCALENDAR/' "$d/calendars/family.ics"
edit "$d" '.booked = [
  {"id": "b1", "provider": "cardio", "start": "2026-12-08T08:30:00-05:00", "minutes": 60, "mode": "in_person", "movable": false},
  {"id": "b2", "provider": "cardio", "start": "2026-12-08T07:10:00-05:00", "minutes": 20, "mode": "in_person", "movable": false}]'
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
grep -qF 'case.json: booked[0]: the trip to booking "b1" (leaving at 2026-12-08 07:30, back at 10:05) meets the family'"'"'s busy time from 2026-12-08 06:30 to 2026-12-08 07:45 (family.busy[0])' "$d/err" && ok ||
    bad "trip in busy time: no file, JSON path or source: $(cat "$d/err")"
grep -qF 'case.json: booked[1]: the trip to booking "b2" (leaving at 2026-12-08 06:10, back at 08:05) falls outside the family'"'"'s day (family.day)' "$d/err" && ok ||
    bad "trip outside the family's day: no file or JSON path: $(cat "$d/err")"
[ "$(grep -c '"b1"' "$d/err")" = 1 ] && ok || bad "trip in busy time said more than once: $(cat "$d/err")"
edit "$d" '.family.travel_needs_nurse = true | .booked = [.booked[0]]'
run plan "$d/case.json" -o "$d/out" --quiet 2>"$d/err"
grep -qF 'case.json: booked[0]: the trip to booking "b1" (leaving at 2026-12-08 07:30, back at 10:05) is not covered by a nurse' "$d/err" && ok ||
    bad "trip without a nurse: no file or JSON path: $(cat "$d/err")"

d=$(fresh no-email)
edit "$d" 'del(.providers[0].email)'
run plan "$d/case.json" -o "$d/out" --quiet --invite 2>"$d/err"
rc=$?
[ $rc = 2 ] && grep -qF "case.json: providers[0].email: --invite needs an e-mail address" "$d/err" && ok ||
    bad "missing invitation e-mail: exit $rc: $(cat "$d/err")"

# ---------------------------------------------------------------------------
# 8. Provider UIDs carry a keyed digest: not the unkeyed hash of the case
#    id, different for the same case planned afresh, kept on re-planning.

d=$(fresh keyed)
run plan "$d/case.json" -o "$d/a" --quiet 2>"$d/err" || bad "keyed: plan a: $(cat "$d/err")"
run plan "$d/case.json" -o "$d/b" --quiet 2>"$d/err" || bad "keyed: plan b: $(cat "$d/err")"
ua=$(grep '^UID:echo' "$d/a/providers/cardio.ics" | tr -d '\r')
ub=$(grep '^UID:echo' "$d/b/providers/cardio.ics" | tr -d '\r')
# FNV-1a 64 of the case id "hostile": what anyone could compute.
fnv=$(python3 -c '
h = 14695981039346656037
for c in b"hostile":
    h = ((h ^ c) * 1099511628211) % (1 << 64)
print("%016x" % h)')
[ -n "$ua" ] && [ "$ua" != "UID:echo.$fnv.feed@careday" ] && ok || bad "provider UID is the unkeyed hash: $ua"
[ "$ua" != "$ub" ] && ok || bad "two fresh plans share provider UIDs: $ua"
jq -e '.uid_key | test("^[0-9a-f]{32}$")' "$d/a/plan.json" >/dev/null && ok || bad "plan.json has no uid_key"
run plan "$d/case.json" -o "$d/c" --quiet --previous "$d/a/plan.json" 2>"$d/err"
uc=$(grep '^UID:echo' "$d/c/providers/cardio.ics" | tr -d '\r')
[ "$uc" = "$ua" ] && ok || bad "re-planning with --previous changed the provider UID: $ua -> $uc"
run plan "$d/case.json" -o "$d/a" --quiet 2>"$d/err"
ua2=$(grep '^UID:echo' "$d/a/providers/cardio.ics" | tr -d '\r')
[ "$ua2" = "$ua" ] && ok || bad "re-planning into the same OUT changed the provider UID"
grep -q "$(jq -r .uid_key "$d/a/plan.json")" "$d"/a/providers/*.ics "$d/a/family.ics" "$d/a/itinerary.html" &&
    bad "the UID key appears in a file sent to others" || ok

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

finish
