#!/usr/bin/env bash
# FHIR over the network, against a real HTTP server (tests/net/server.py) on
# 127.0.0.1, with the Rivera example's home-draw Slots:
#   - a live search ({"base", "query", "token_env"}) answered in three pages
#     linked by Bundle.link[next], with a bearer token;
#   - a Schedule search with its Slots (_revinclude), Slots picked by actor;
#   - a SMART Scheduling Links manifest ($bulk-publish) listing a Schedule
#     file and two Slot NDJSON files;
# each gives the same intervals (careday check) and the same plan
# (plan.json) as the Slots from the file. Faults: no token, wrong token,
# a next page on another server, an answer that is not JSON: exit 4 (or 2
# for the unset variable), nothing written, no token shown.
# Skips (77) only when python3 is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/net/lib.sh"
need_careday
[ -n "$net_python" ] || { echo "SKIP: no python3"; exit 77; }
export XDG_CACHE_HOME=$tmp/cache CAREDAY_NOW=2026-11-30T12:00:00Z
export CAREDAY_FETCH_TIMEOUT=5 CAREDAY_CONNECT_TIMEOUT=2

TOKEN="tok-$(date +%s)-Zr7"
export NET_BEARER=$TOKEN CAREDAY_TEST_FHIR_TOKEN=$TOKEN
cp -r "$SRC/examples" "$tmp/ex"
mkdir -p "$tmp/www/fhir" "$tmp/www/bulk"
# Three pages of the search, and the manifest's files, from the same Slots.
"$net_python" - "$tmp/ex/slots/home-draws.json" "$tmp/www" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
www = sys.argv[2]
entries = b["entry"]
k = (len(entries) + 2) // 3
pages = [entries[i * k:(i + 1) * k] for i in range(3)]
names = ["fhir/Slot.json", "fhir/Slot?page=2.json", "fhir/Slot?page=3.json"]
for i, page in enumerate(pages):
    p = {"resourceType": "Bundle", "type": "searchset", "entry": page,
         "link": [{"relation": "self", "url": "{{BASE}}/secure/fhir/Slot?page=%d" % (i + 1)}]}
    if i < 2:
        p["link"].append({"relation": "next", "url": "{{BASE}}/secure/fhir/Slot?page=%d" % (i + 2)})
    json.dump(p, open("%s/%s" % (www, names[i]), "w"))
# A next link to another server (port 9 on another loopback address).
bad = {"resourceType": "Bundle", "type": "searchset", "entry": pages[0],
       "link": [{"relation": "next", "url": "http://127.0.0.2:9/fhir/Slot?page=2"}]}
json.dump(bad, open("%s/fhir/Away.json" % www, "w"))
open("%s/fhir/Html.json" % www, "w").write("<html>maintenance</html>\n")
slots = [e["resource"] for e in entries]
half = len(slots) // 2
sched = {"resourceType": "Schedule", "id": "riverside-home-draws",
         "actor": [{"reference": "HealthcareService/home-draws"}]}
open("%s/bulk/schedules.ndjson" % www, "w").write(json.dumps(sched) + "\n")
open("%s/bulk/slots-1.ndjson" % www, "w").write("".join(json.dumps(s) + "\n" for s in slots[:half]))
open("%s/bulk/slots-2.ndjson" % www, "w").write("".join(json.dumps(s) + "\n" for s in slots[half:]))
# A Schedule search that brings its Slots along (_revinclude), in one page.
json.dump({"resourceType": "Bundle", "type": "searchset",
           "entry": [{"resource": sched, "search": {"mode": "match"}}] +
                    [{"resource": s, "search": {"mode": "include"}} for s in slots]},
          open("%s/fhir/Schedule.json" % www, "w"))
open("%s/bulk/locations.ndjson" % www, "w").write("this file must not be fetched\n")
manifest = {"transactionTime": "2026-11-20T14:00:00Z", "request": "{{BASE}}/bulk/$bulk-publish",
            "output": [{"type": "Schedule", "url": "{{BASE}}/bulk/schedules.ndjson"},
                       {"type": "Location", "url": "{{BASE}}/bulk/locations.ndjson"},
                       {"type": "Slot", "url": "{{BASE}}/bulk/slots-1.ndjson"},
                       {"type": "Slot", "url": "slots-2.ndjson"}],
            "error": []}
json.dump(manifest, open("%s/bulk/$bulk-publish" % www, "w"))
PY
net_http web "$tmp/www" || exit 1
base="http://127.0.0.1:$web_port"

with_source() { # out-case source-json
    "$net_python" - "$tmp/ex/rivera-winter.json" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
lab = [p for p in c["providers"] if p["id"] == "lab"][0]
lab["home"]["available"] = [json.loads(sys.argv[3])]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
}
with_source "$tmp/ex/live.json" "{\"fhir\": {\"base\": \"$base/secure/fhir\", \"query\": \"Slot?schedule=Schedule/riverside-home-draws&status=free\", \"token_env\": \"CAREDAY_TEST_FHIR_TOKEN\"}}"
with_source "$tmp/ex/bulk.json" "{\"fhir\": \"$base/bulk/\$bulk-publish\"}"
with_source "$tmp/ex/sched.json" "{\"fhir\": {\"base\": \"$base/fhir\", \"query\": \"Schedule?actor=HealthcareService/home-draws&_revinclude=Slot:schedule\"}, \"actor\": \"HealthcareService/home-draws\"}"

src_line() { # check output -> the lab home source line without its location
    grep 'providers\[[0-9]*\].home.available\[0\]' "$1" | sed -E 's/: fhir .*: ([0-9]+ busy)/: \1/'
}
compare() {
    "$net_python" - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
diff = [k for k in ["status", "metrics", "appointments", "trips", "unscheduled"] if a.get(k) != b.get(k)]
sys.exit(1 if diff else 0)
PY
}
"$CAREDAY" check "$tmp/ex/rivera-winter.json" >"$tmp/file.check" 2>&1
"$CAREDAY" plan "$tmp/ex/rivera-winter.json" -o "$tmp/file" --quiet 2>/dev/null
fcode=$?
want=$(src_line "$tmp/file.check")
expect "the file gives home-draw slots: $want" [ -n "$want" ]

for kind in live bulk sched; do
    "$CAREDAY" check "$tmp/ex/$kind.json" >"$tmp/$kind.check" 2>&1
    code=$?
    expect "$kind: check exits 0, got $code: $(tail -3 "$tmp/$kind.check")" [ "$code" = 0 ]
    got=$(src_line "$tmp/$kind.check")
    expect "$kind: same intervals as the file: \"$got\" vs \"$want\"" [ "$got" = "$want" ]
    "$CAREDAY" plan "$tmp/ex/$kind.json" -o "$tmp/$kind" --quiet 2>"$tmp/$kind.err"
    code=$?
    expect "$kind: plan exits as from the file ($fcode), got $code: $(cat "$tmp/$kind.err")" [ "$code" = "$fcode" ]
    expect "$kind: plan equals the plan from the file" compare "$tmp/file/plan.json" "$tmp/$kind/plan.json"
    if grep -rq -- "$TOKEN" "$tmp/$kind.check" "$tmp/$kind.err" "$tmp/$kind"; then bad "$kind: token shown"; else ok; fi
done
expect "three pages were fetched with the token" [ "$(grep -c '^GET /fhir/Slot.* 200 auth' "$tmp/web.log")" = 3 ]
if grep -q locations.ndjson "$tmp/web.log"; then bad "the manifest's Location file was fetched"; else ok; fi

fail() { # name code words case
    local name=$1 want=$2 words=$3 case=$4 code
    "$CAREDAY" plan "$case" -o "$tmp/out-$name" --quiet >"$tmp/$name.out" 2>"$tmp/$name.err"
    code=$?
    expect "$name: exit $want, got $code ($(cat "$tmp/$name.err"))" [ "$code" = "$want" ]
    expect "$name: says \"$words\": $(cat "$tmp/$name.err")" grep -q -- "$words" "$tmp/$name.err"
    expect "$name: names the source" grep -q 'providers\[[0-9]*\].home.available\[0\].fhir' "$tmp/$name.err"
    expect "$name: nothing written" [ ! -e "$tmp/out-$name" ]
    if grep -q -- "$TOKEN" "$tmp/$name.err" "$tmp/$name.out"; then bad "$name: token shown"; else ok; fi
}
CAREDAY_TEST_FHIR_TOKEN= fail notoken 2 "CAREDAY_TEST_FHIR_TOKEN" "$tmp/ex/live.json"
CAREDAY_TEST_FHIR_TOKEN=wrong-token fail wrongtoken 4 "401 Unauthorized" "$tmp/ex/live.json"
with_source "$tmp/ex/away.json" "{\"fhir\": {\"base\": \"$base/fhir\", \"query\": \"Away?x=1\", \"token_env\": \"CAREDAY_TEST_FHIR_TOKEN\"}}"
fail away 4 "next page is on another server" "$tmp/ex/away.json"
with_source "$tmp/ex/html.json" "{\"fhir\": {\"base\": \"$base/fhir\", \"query\": \"Html?x=1\"}}"
fail html 4 "not FHIR JSON" "$tmp/ex/html.json"

finish
