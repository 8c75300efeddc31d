#!/usr/bin/env bash
# `careday publish` against a real Radicale (Debian's package) on 127.0.0.1
# with htpasswd auth, started and stopped here, with the Rivera example:
#   - a publish whose provider server is down says which resources it wrote
#     before it stopped and exits 4; running it again completes the job;
#   - the server then holds one resource per UID of family.ics and of each
#     provider's file, in collections careday created (MKCALENDAR);
#   - publishing the same plan again changes nothing;
#   - after a re-plan (a visit dropped, one longer) publish updates and
#     deletes, and never touches an event it did not create;
#   - a wrong password is exit 4 with nothing written and no secret shown;
#   - the publish state holds no secret.
# Skips (77) only when radicale, curl or python3 is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/net/lib.sh"
need_careday
[ -x /usr/bin/radicale ] || { echo "SKIP: no /usr/bin/radicale"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: no curl"; exit 77; }
[ -n "$net_python" ] || { echo "SKIP: no python3"; exit 77; }
export XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state CAREDAY_NOW=2026-11-30T12:00:00Z
export CAREDAY_FETCH_TIMEOUT=5 CAREDAY_CONNECT_TIMEOUT=2

PW="pw-$(date +%s)-Pb4"
export CAREDAY_TEST_DAV_PW=$PW
printf 'coord:%s\n' "$PW" >"$tmp/users"
printf 'user = "coord:%s"\n' "$PW" >"$tmp/curlrc"
net_radicale dav "$tmp/users" || exit 1
base="http://127.0.0.1:$dav_port"

cp -r "$SRC/examples" "$tmp/ex"
"$CAREDAY" plan "$tmp/ex/rivera-winter.json" -o "$tmp/out" --quiet 2>/dev/null
[ -f "$tmp/out/plan.json" ] || { echo "plan failed"; exit 1; }

# UIDs of a file, and of what the server holds in a collection.
file_uids() { grep -h '^UID:' "$@" | sed 's/^UID://; s/\r$//' | sort -u; }
server_uids() { # collection-url
    "$net_python" - "$1" <<'PY'
import base64, os, re, sys, urllib.request
body = b'<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>'
rq = urllib.request.Request(sys.argv[1], data=body, method="REPORT",
    headers={"Depth": "1", "Content-Type": "application/xml",
             "Authorization": "Basic " + base64.b64encode(("coord:" + os.environ["CAREDAY_TEST_DAV_PW"]).encode()).decode()})
text = urllib.request.urlopen(rq, timeout=5).read().decode()
for u in sorted(set(re.findall(r"^UID:(.*?)\r?$", text, re.M))):
    print(u)
PY
}
publish() { # providers-template [extra args...]
    local tmpl=$1
    shift
    "$CAREDAY" publish "$tmp/out" --caldav "$base/coord/family/" --providers-url "$tmpl" \
        --user coord --password-env CAREDAY_TEST_DAV_PW "$@"
}
nprov=$(ls "$tmp/out/providers" | wc -l)
nfam=$(file_uids "$tmp/out/family.ics" | wc -l)

# 1. The provider server is down: the family's calendar is written, then it
# stops, says what it wrote, and exits 4.
closed=$(net_closed_port)
publish "http://127.0.0.1:$closed/coord/p-{id}/" >"$tmp/p1.out" 2>"$tmp/p1.err"
code=$?
expect "publish with a stopped provider server exits 4, got $code" [ "$code" = 4 ]
expect "it says what it wrote before it stopped: $(tail -1 "$tmp/p1.err" | cut -c1-200)" \
    grep -q "written before it stopped ($nfam): created family/" "$tmp/p1.err"
expect "it says connection refused" grep -q "connection refused" "$tmp/p1.err"

# 2. Again with the right server: completes the job.
publish "$base/coord/p-{id}/" >"$tmp/p2.out" 2>"$tmp/p2.err"
code=$?
expect "publish exits 0, got $code: $(cat "$tmp/p2.err")" [ "$code" = 0 ]
expect "family was already there: $(grep '^family' "$tmp/p2.out")" \
    grep -q "^family (.*): created 0, updated 0, deleted 0, unchanged $nfam" "$tmp/p2.out"
npv=0
for f in "$tmp"/out/providers/*.ics; do
    id=$(basename "$f" .ics)
    got=$(server_uids "$base/coord/p-$id/")
    want=$(file_uids "$f")
    expect "provider $id on the server holds its file's UIDs" [ "$got" = "$want" ]
    npv=$((npv + $(echo "$want" | grep -c .)))
done
expect "family on the server holds family.ics's UIDs" [ "$(server_uids "$base/coord/family/")" = "$(file_uids "$tmp/out/family.ics")" ]
expect "totals: $(tail -1 "$tmp/p2.out")" grep -q "^created $npv, updated 0, deleted 0, unchanged $nfam\$" "$tmp/p2.out"

# 3. The same plan again: nothing changes.
publish "$base/coord/p-{id}/" >"$tmp/p3.out" 2>"$tmp/p3.err"
code=$?
expect "re-publish exits 0, got $code" [ "$code" = 0 ]
expect "re-publish changes nothing: $(tail -1 "$tmp/p3.out")" \
    grep -q "^created 0, updated 0, deleted 0, unchanged $((npv + nfam))\$" "$tmp/p3.out"

# 4. An event someone else put in the family's calendar, then a re-plan.
cat >"$tmp/foreign.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//someone else//EN
BEGIN:VEVENT
UID:school-play@family.example
DTSTAMP:20261101T000000Z
DTSTART:20261218T230000Z
DTEND:20261219T000000Z
SUMMARY:School play
END:VEVENT
END:VCALENDAR
ICS
code=$(curl -s -K "$tmp/curlrc" -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: text/calendar' \
    --data-binary @"$tmp/foreign.ics" "$base/coord/family/school-play.ics")
expect "foreign event uploaded: $code" [ "$code" = 201 ]
"$net_python" - "$tmp/ex/rivera-winter.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
dropped = c["visits"].pop()          # a visit the plan no longer holds
for v in c["visits"]:                 # and one that takes longer
    if v.get("minutes") and v["id"] != dropped["id"] and not v.get("before") and "in_person" in v.get("modes", []):
        v["minutes"] += 10
        break
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
rm -rf "$tmp/out"
"$CAREDAY" plan "$tmp/ex/rivera-winter.json" -o "$tmp/out" --quiet 2>/dev/null
publish "$base/coord/p-{id}/" >"$tmp/p4.out" 2>"$tmp/p4.err"
code=$?
expect "publish after a re-plan exits 0, got $code: $(cat "$tmp/p4.err")" [ "$code" = 0 ]
line=$(tail -1 "$tmp/p4.out")
upd=$(echo "$line" | sed -E 's/.*updated ([0-9]+).*/\1/')
del=$(echo "$line" | sed -E 's/.*deleted ([0-9]+).*/\1/')
expect "the re-plan updates events: $line" [ "$upd" -ge 1 ]
expect "the re-plan deletes events: $line" [ "$del" -ge 1 ]
fam=$(server_uids "$base/coord/family/")
expect "the foreign event is still there" grep -q '^school-play@family.example$' <<<"$fam"
expect "family on the server = family.ics + the foreign event" \
    [ "$(grep -v '^school-play@family.example$' <<<"$fam")" = "$(file_uids "$tmp/out/family.ics")" ]
for f in "$tmp"/out/providers/*.ics; do
    id=$(basename "$f" .ics)
    expect "provider $id after the re-plan" [ "$(server_uids "$base/coord/p-$id/")" = "$(file_uids "$f")" ]
done
publish "$base/coord/p-{id}/" >"$tmp/p5.out" 2>&1
expect "publishing the re-plan twice changes nothing: $(tail -1 "$tmp/p5.out")" \
    grep -q "^created 0, updated 0, deleted 0, unchanged" "$tmp/p5.out"

# 5. A wrong password: exit 4, nothing written, nothing shown.
CAREDAY_TEST_DAV_PW="$PW-wrong" publish "$base/coord/p-{id}/" >"$tmp/p6.out" 2>"$tmp/p6.err"
code=$?
expect "wrong password exits 4, got $code" [ "$code" = 4 ]
expect "wrong password says 401: $(head -1 "$tmp/p6.err")" grep -q "401" "$tmp/p6.err"
expect "wrong password: nothing was written" grep -q "nothing was written to the server" "$tmp/p6.err"

for f in "$tmp"/p*.out "$tmp"/p*.err; do
    if grep -q -- "$PW" "$f"; then bad "$(basename "$f") shows the password"; fi
done
if grep -rq -- "$PW" "$tmp/state"; then bad "the publish state holds the password"; else ok; fi
n=$(find "$tmp/state/careday/publish" -name '*.json' | wc -l)
expect "one state file per collection ($((nprov + 1))), found $n" [ "$n" = $((nprov + 1)) ]

finish
