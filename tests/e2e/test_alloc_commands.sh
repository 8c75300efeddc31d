#!/usr/bin/env bash
# Out of memory while reading JSON that came over the network or from the
# publish state is reported as out of memory (exit 1), not as a server that
# does not speak FHIR (exit 4) or a damaged publish state:
#   - a FHIR search on a real HTTP server (tests/net/server.py) on 127.0.0.1
#     answered in two pages, each padded with entries that carry no resource
#     so that reading the pages' JSON makes most of the run's allocations;
#   - `careday publish` over a large publish state (a server that is not
#     there: the state is read before any request);
# CAREDAY_FAIL_ALLOC=N fails allocation N and every later one; N is taken at
# even steps through the run, so most fall inside those JSON reads. And
# every N of `careday calendar expand --tz` (its time zone was "unknown",
# exit 2, when opening it ran out of memory); a publish to Radicale (libcurl
# and libxml2 failures read as the server's); the last N of `careday check`
# as text and --json (its hours table said 0.0 hours, exit 0); the first N
# of `careday confirm` (a usage error, exit 2); the last N of `careday plan
# --json` (nothing printed, exit 0); the first N of writing --export-model
# (exit 2, "cannot produce the data"); `careday batch` (an empty message);
# `careday gen` ("cannot write the calendar").
# Skips (77) when careday was built without allocation-failure injection (a
# Release build) or python3 is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/net/lib.sh"
need_careday
[ -n "$net_python" ] || { echo "SKIP: no python3"; exit 77; }
if ! CAREDAY_FAIL_ALLOC=count "$CAREDAY" --version 2>&1 >/dev/null | grep -q ' allocations$'; then
    echo "SKIP: $CAREDAY does not read CAREDAY_FAIL_ALLOC (a build without CAREDAY_ALLOC_INJECTION)"
    exit 77
fi
export XDG_CACHE_HOME=$tmp/cache XDG_STATE_HOME=$tmp/state CAREDAY_NOW=2026-11-30T12:00:00Z
export CAREDAY_FETCH_TIMEOUT=5 CAREDAY_CONNECT_TIMEOUT=2
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:detect_leaks=1

cp -r "$SRC/examples" "$tmp/ex"
mkdir -p "$tmp/www/fhir"
"$net_python" - "$tmp/ex/slots/home-draws.json" "$tmp/www" "$tmp/ex/rivera-winter.json" \
    "$tmp/ex/live.json" <<'PY'
import json, sys
slots, www, case, live = sys.argv[1:5]
entries = json.load(open(slots))["entry"]
half = len(entries) // 2
pad = [{"fullUrl": "urn:uuid:pad-%05d" % i, "search": {"mode": "outcome", "score": i}}
       for i in range(3000)]
p1 = {"resourceType": "Bundle", "type": "searchset", "entry": entries[:half] + pad,
      "link": [{"relation": "next", "url": "{{BASE}}/fhir/Slot?page=2"}]}
p2 = {"resourceType": "Bundle", "type": "searchset", "entry": entries[half:] + pad}
json.dump(p1, open("%s/fhir/Slot.json" % www, "w"))
json.dump(p2, open("%s/fhir/Slot?page=2.json" % www, "w"))
c = json.load(open(case))
lab = [p for p in c["providers"] if p["id"] == "lab"][0]
lab["home"]["available"] = [{"fhir": {"base": "BASE/fhir", "query": "Slot?status=free"}}]
json.dump(c, open(live, "w"), indent=1)
PY
net_http web "$tmp/www" || exit 1
sed -i "s#BASE/fhir#http://127.0.0.1:$web_port/fhir#" "$tmp/ex/live.json"

# steps NAME K T CMD...: run CMD (after eval "$setup", if set) with CAREDAY_FAIL_ALLOC at K even steps
# through its count (every N when the count is at most K), at the first 3
# and at each of the last T; each run must exit 1 saying "out of memory" (on stderr; with
# --json, in the JSON error on stdout), with no sanitizer report and
# nothing that blames the input.
steps() {
    local name=$1 k=$2 t=$3 total n code json=
    shift 3
    case " $* " in *" --json "*) json=1 ;; esac
    eval "${setup:-}"
    CAREDAY_FAIL_ALLOC=count "$@" >/dev/null 2>"$tmp/$name.count"
    total=$(sed -n 's/^careday: \([0-9][0-9]*\) allocations$/\1/p' "$tmp/$name.count")
    expect "$name: the run counts its allocations: $(tail -2 "$tmp/$name.count")" [ -n "$total" ]
    [ -n "$total" ] || return
    [ "$total" -gt "$k" ] || k=$total
    for n in $( (for i in $(seq 1 "$k"); do echo $((total <= k ? i : total * i / (k + 1))); done
        seq 1 3; seq $((total - t + 1)) "$total") | awk -v t="$total" '$1 >= 1 && $1 <= t' |
        sort -n | uniq); do
        eval "${setup:-}"
        CAREDAY_FAIL_ALLOC=$n "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
        code=$?
        [ -z "${unchanged:-}" ] || diff -r $unchanged >/dev/null ||
            echo "careday: test: $unchanged differ: the run changed the plan" >>"$tmp/$name.err"
        [ -z "$json" ] || "$net_python" - "$tmp/$name.out" >>"$tmp/$name.err" 2>&1 <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print("careday: json: exit %s, error: %s" % (d.get("exit"), d.get("error", {}).get("text")))
except Exception as e:
    print("careday: json: not one JSON object on stdout: %s" % e)
PY
        if grep -qE 'Sanitizer|runtime error' "$tmp/$name.err"; then
            bad "$name: N=$n of $total: sanitizer report" "$(head -20 "$tmp/$name.err")"
        elif [ "$code" != 1 ] || ! grep -q 'out of memory' "$tmp/$name.err"; then
            bad "$name: N=$n of $total: exit $code, expected 1 with \"out of memory\"" \
                "$(cat "$tmp/$name.err")"
        elif grep -v '^careday' "$tmp/$name.err" | grep -q .; then
            bad "$name: N=$n of $total: a line on stderr that is not careday's" "$(cat "$tmp/$name.err")"
        elif grep -qE 'not FHIR JSON|damaged|changed the plan' "$tmp/$name.err"; then
            bad "$name: N=$n of $total: blames the input or changed the plan" "$(cat "$tmp/$name.err")"
        else
            ok
        fi
    done
}

# The FHIR search: without injection it reads both pages.
"$CAREDAY" check "$tmp/ex/live.json" >"$tmp/live.check" 2>&1
code=$?
expect "fhir: check exits 0 without injection, got $code: $(tail -3 "$tmp/live.check")" [ "$code" = 0 ]
expect "fhir: both pages were fetched" [ "$(grep -c '^GET /fhir/Slot' "$tmp/web.log")" = 2 ]
steps fhir 16 0 "$CAREDAY" check "$tmp/ex/live.json"

# `careday check` of the example, as text and as JSON: its last
# allocations (the hours table, the reasons) printed 0.0 hours and exit 0.
steps check 8 30 "$CAREDAY" check "$SRC/examples/rivera-winter.json"
steps check-json 8 30 "$CAREDAY" check --json "$SRC/examples/rivera-winter.json"

# The publish state: one of 4000 resources, written as careday names it
# (FNV-1a of the collection URL, and of the user and the URL).
"$CAREDAY" plan "$SRC/examples/rivera-winter.json" -o "$tmp/out" --quiet 2>/dev/null
expect "a plan to publish" [ -f "$tmp/out/family.ics" ]
closed=$(net_closed_port)
url="http://127.0.0.1:$closed/coord/family/"
mkdir -p "$tmp/state/careday/publish"
"$net_python" - "$url" coord "$tmp/state/careday/publish" <<'PY'
import json, sys
url, user, folder = sys.argv[1:4]
def fnv(h, s):
    for c in s.encode():
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
a = fnv(14695981039346656037, url)
b = fnv(fnv(0x9e3779b97f4a7c15, user), url)
res = {"uid-%05d@careday" % i: {"href": "%suid-%05d.ics" % (url, i), "etag": '"e%d"' % i,
                                 "hash": "%016x" % i} for i in range(4000)}
json.dump({"collection": url, "resources": res},
          open("%s/%016x%016x.json" % (folder, a, b), "w"), indent=1)
PY
export CAREDAY_TEST_DAV_PW=pw-unused
"$CAREDAY" publish "$tmp/out" --caldav "$url" --user coord --password-env CAREDAY_TEST_DAV_PW \
    >/dev/null 2>"$tmp/pub.err"
code=$?
expect "publish: without injection the state is read and the absent server is exit 4, got $code: $(cat "$tmp/pub.err")" \
    [ "$code" = 4 ]
steps publish 16 0 "$CAREDAY" publish "$tmp/out" --caldav "$url" --user coord \
    --password-env CAREDAY_TEST_DAV_PW

# `careday publish` to a real Radicale (when installed), a second time (each
# collection is read, nothing changes): libcurl's and libxml2's failed
# allocations read as a server problem ("Out of memory", exit 4; "could not
# resolve host"; "exists but is not a calendar collection"), and libxml2
# printed "parser error : out of memory error" on stderr.
if [ -x /usr/bin/radicale ]; then
    printf 'coord:%s\n' "$CAREDAY_TEST_DAV_PW" >"$tmp/users"
    net_radicale dav "$tmp/users" || exit 1
    dav="http://127.0.0.1:$dav_port"
    dav_publish() {
        "$CAREDAY" publish "$tmp/out" --caldav "$dav/coord/family/" \
            --providers-url "$dav/coord/p-{id}/" --user coord --password-env CAREDAY_TEST_DAV_PW
    }
    dav_publish >/dev/null 2>"$tmp/dav.err"
    code=$?
    expect "dav: a first publish exits 0, got $code: $(cat "$tmp/dav.err")" [ "$code" = 0 ]
    steps dav 24 0 dav_publish
else
    echo "no /usr/bin/radicale: publish to a CalDAV server not tried"
fi

# `careday confirm` (its first allocation failing was a usage error, exit 2);
# the plan it edits is left as it was.
setup='rm -rf "$tmp/out-c"; cp -a "$tmp/out" "$tmp/out-c"' unchanged="$tmp/out $tmp/out-c" \
    steps confirm 12 10 "$CAREDAY" confirm "$tmp/out-c" eeg

# `careday plan --json`: its last allocations (the JSON summary, after the
# plan is written) printed nothing and exited 0.
setup='rm -rf "$tmp/pj"' steps plan-json 0 8 "$CAREDAY" plan "$SRC/examples/rivera-winter.json" \
    -o "$tmp/pj" --json --now 2026-11-22T09:00:00Z

# `careday plan --export-model`: the first allocations of writing the model
# (those after a run whose model path cannot be created stops) were "cannot
# produce the data", exit 2 (bad input).
"$CAREDAY" plan "$SRC/examples/rivera-winter.json" -o "$tmp/px" --now 2026-11-22T09:00:00Z \
    --export-model "$tmp/no-such-folder/m.mps" >/dev/null 2>"$tmp/mps.err"
code=$?
expect "mps: a model path that cannot be created is exit 2, got $code: $(cat "$tmp/mps.err")" [ "$code" = 2 ]
CAREDAY_FAIL_ALLOC=count "$CAREDAY" plan "$SRC/examples/rivera-winter.json" -o "$tmp/px" \
    --now 2026-11-22T09:00:00Z --export-model "$tmp/no-such-folder/m.mps" >/dev/null 2>"$tmp/mps.err"
before=$(sed -n 's/^careday: \([0-9][0-9]*\) allocations$/\1/p' "$tmp/mps.err")
expect "mps: counted the run up to the model: $(cat "$tmp/mps.err")" [ -n "$before" ]
for n in $(seq $((${before:-0} + 1)) $((${before:-0} + 4))); do
    rm -rf "$tmp/px" "$tmp/m.mps"
    CAREDAY_FAIL_ALLOC=$n "$CAREDAY" plan "$SRC/examples/rivera-winter.json" -o "$tmp/px" \
        --now 2026-11-22T09:00:00Z --export-model "$tmp/m.mps" >/dev/null 2>"$tmp/mps.err"
    code=$?
    if [ "$code" = 1 ] && grep -q "out of memory" "$tmp/mps.err"; then ok; else
        bad "mps: N=$n: exit $code, expected 1 saying out of memory" "$(cat "$tmp/mps.err")"
    fi
    if [ ! -e "$tmp/m.mps" ] && [ ! -e "$tmp/px" ]; then ok; else
        bad "mps: N=$n: a model file or a plan was left"
    fi
done

# `careday batch` of a small caseload: its search said "careday: error: "
# with no message when it ran out of memory.
setup='rm -rf "$tmp/b" "$tmp"/b.careday-*' steps batch 40 0 "$CAREDAY" batch \
    "$SRC/tests/data/batch/one-slot/caseload.json" -o "$tmp/b" --quiet --jobs 1

# `careday gen`: a calendar it could not build for want of memory was
# "cannot write the calendar".
setup='rm -rf "$tmp/g"' steps gen 16 0 "$CAREDAY" gen --families 2 --seed 3 -o "$tmp/g"

# `calendar expand` in a zone of the user's choice: every N.
"$CAREDAY" calendar expand "$SRC/examples/calendars/cumberland-gi.ics" --from 2026-12-01 \
    --to 2026-12-08 --tz America/Chicago >/dev/null 2>"$tmp/expand.err"
code=$?
expect "expand: exits 0 without injection, got $code: $(cat "$tmp/expand.err")" [ "$code" = 0 ]
steps expand 200 0 "$CAREDAY" calendar expand "$SRC/examples/calendars/cumberland-gi.ics" \
    --from 2026-12-01 --to 2026-12-08 --tz America/Chicago
finish
