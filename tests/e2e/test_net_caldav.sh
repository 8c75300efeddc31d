#!/usr/bin/env bash
# CalDAV sources against a real Radicale (Debian's package) on 127.0.0.1
# with htpasswd auth, started and stopped here:
#   - the Rivera example with every calendar moved to Radicale (uploaded
#     from the same .ics files) plans exactly as from the files: same
#     appointments, trips, metrics and unscheduled visits in plan.json;
#     one calendar found by discovery from the server root and picked by
#     name, one from /.well-known/caldav (a redirect Radicale answers), one
#     password from password_cmd (an argv array, no shell);
#   - several calendars and no name: exit 2 listing them;
#   - wrong password, stopped server, a hanging password_cmd, a server
#     that answers bad XML: exit 4, nothing written, no secret shown;
#   - --offline plans the same from the cache with the server stopped.
# Skips (77) only when radicale, curl or python3 is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/net/lib.sh"
need_careday
[ -x /usr/bin/radicale ] || { echo "SKIP: no /usr/bin/radicale"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: no curl"; exit 77; }
[ -n "$net_python" ] || { echo "SKIP: no python3"; exit 77; }
export XDG_CACHE_HOME=$tmp/cache CAREDAY_NOW=2026-11-30T12:00:00Z
export CAREDAY_FETCH_TIMEOUT=5 CAREDAY_CONNECT_TIMEOUT=2

no_secret() { # what files...
    local what=$1
    shift
    if grep -q -- "$PW" "$@" 2>/dev/null; then bad "$what: the password was shown"; else ok; fi
}

PW="pw-$(date +%s)-Xq9"
printf 'coord:%s\n' "$PW" >"$tmp/users"
printf '%s\n' "$PW" >"$tmp/pwfile"
printf 'user = "coord:%s"\n' "$PW" >"$tmp/curlrc" # the test's own curl: no password in argv
net_radicale dav "$tmp/users" || exit 1
base="http://127.0.0.1:$dav_port"

# Upload each calendar of the example as its own collection (Radicale
# splits a calendar PUT to a collection into one resource per UID).
cp -r "$SRC/examples" "$tmp/ex"
for f in "$tmp"/ex/calendars/*.ics; do
    name=$(basename "$f" .ics)
    code=$(curl -s -K "$tmp/curlrc" -o /dev/null -w '%{http_code}' -X PUT \
        -H 'Content-Type: text/calendar; charset=utf-8' --data-binary @"$f" "$base/coord/$name/")
    expect "upload $name: HTTP $code" [ "$code" = 201 ]
done

# The same case with every calendar on the server.
export CAREDAY_TEST_CALDAV_PW=$PW
"$net_python" - "$tmp/ex/rivera-winter.json" "$tmp/ex/rivera-caldav.json" "$base" "$tmp/pwfile" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))
base, pwfile = sys.argv[3], sys.argv[4]
n = 0
def walk(o):
    global n
    if isinstance(o, dict):
        if "ics" in o and isinstance(o["ics"], str) and o["ics"].startswith("calendars/"):
            name = o.pop("ics")[len("calendars/"):-len(".ics")]
            src = {"url": base + "/coord/" + name + "/", "user": "coord",
                   "password_env": "CAREDAY_TEST_CALDAV_PW"}
            if name == "rivera-family":   # discovery from the server root, by name
                src["url"] = base + "/"
                src["calendar"] = name
            if name == "cumberland-gi":   # RFC 6764's entry point (Radicale redirects it)
                src["url"] = base + "/.well-known/caldav"
                src["calendar"] = name
            if name == "home-nursing":    # the password from a command
                del src["password_env"]
                src["password_cmd"] = ["cat", pwfile]
            o["caldav"] = src
            n += 1
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(case)
assert n >= 7, n
json.dump(case, open(sys.argv[2], "w"), indent=1)
PY
grep -q '"ics"' "$tmp/ex/rivera-caldav.json" && bad "a calendar is still a file" || ok

compare() { # a/plan.json b/plan.json -> 0 when the plans are the same
    "$net_python" - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["status", "metrics", "appointments", "trips", "unscheduled"]
diff = [k for k in keys if a.get(k) != b.get(k)]
if diff:
    print("differ in", diff)
    sys.exit(1)
print(len(a["appointments"]), "appointments alike")
PY
}

"$CAREDAY" plan "$tmp/ex/rivera-winter.json" -o "$tmp/files" --quiet 2>"$tmp/files.err"
fcode=$?
"$CAREDAY" plan "$tmp/ex/rivera-caldav.json" -o "$tmp/dav" --quiet 2>"$tmp/dav.err"
code=$?
expect "plan from CalDAV exits as from files ($fcode), got $code: $(cat "$tmp/dav.err")" [ "$code" = "$fcode" ]
expect "plan from CalDAV equals plan from files" compare "$tmp/files/plan.json" "$tmp/dav/plan.json"
no_secret "plan" "$tmp/dav.err" "$tmp/dav"/*.json "$tmp/dav"/*.ics
if grep -rq -- "$PW" "$tmp/cache" 2>/dev/null; then bad "the cache holds the password"; else ok; fi

# check shows the sources as caldav with their URLs.
"$CAREDAY" check "$tmp/ex/rivera-caldav.json" >"$tmp/check.out" 2>&1
expect "check lists caldav sources" grep -q "caldav http://127.0.0.1:$dav_port/coord/rivera-family/" "$tmp/check.out"
no_secret "check" "$tmp/check.out"

# Several calendars, no name: exit 2 listing them.
"$net_python" - "$tmp/ex/rivera-caldav.json" "$tmp/ex/noname.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
del c["family"]["busy"][0]["caldav"]["calendar"]
json.dump(c, open(sys.argv[2], "w"))
PY
"$CAREDAY" plan "$tmp/ex/noname.json" -o "$tmp/out-noname" --quiet 2>"$tmp/noname.err"
code=$?
expect "several calendars without a name exit 2, got $code" [ "$code" = 2 ]
expect "the calendars are listed: $(cat "$tmp/noname.err")" grep -q 'pick one with "calendar".*"rivera-family"' "$tmp/noname.err"
expect "names the JSON path" grep -q 'family.busy\[0\].caldav' "$tmp/noname.err"
expect "nothing written" [ ! -e "$tmp/out-noname" ]

fail4() { # name words case-file
    local name=$1 words=$2 case=$3 code
    "$CAREDAY" plan "$case" -o "$tmp/out-$name" --quiet >"$tmp/$name.stdout" 2>"$tmp/$name.err"
    code=$?
    expect "$name: exit 4, got $code ($(cat "$tmp/$name.err"))" [ "$code" = 4 ]
    expect "$name: says \"$words\": $(cat "$tmp/$name.err")" grep -q -- "$words" "$tmp/$name.err"
    expect "$name: names a source's JSON path" grep -q '\.caldav' "$tmp/$name.err"
    expect "$name: nothing written" [ ! -e "$tmp/out-$name" ]
    no_secret "$name" "$tmp/$name.err" "$tmp/$name.stdout"
}
CAREDAY_TEST_CALDAV_PW="$PW-wrong" fail4 wrongpw "401 Unauthorized" "$tmp/ex/rivera-caldav.json"
sed 's|"cat"|"sleep"|; s|"'"$tmp"'/pwfile"|"30"|' "$tmp/ex/rivera-caldav.json" >"$tmp/ex/hang.json"
CAREDAY_SECRET_TIMEOUT=1 fail4 hangingcmd "did not finish within 1 s" "$tmp/ex/hang.json"

net_http web "$tmp/ex" || exit 1
"$net_python" - "$tmp/ex/rivera-caldav.json" "$tmp/ex/badxml.json" "http://127.0.0.1:$web_port/badxml/" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["family"]["busy"][0]["caldav"]["url"] = sys.argv[3]
json.dump(c, open(sys.argv[2], "w"))
PY
fail4 badxml "bad XML" "$tmp/ex/badxml.json"

# The server stops: online is exit 4, --offline plans the same from the cache.
kill "$dav_pid"; wait "$dav_pid" 2>/dev/null
fail4 stopped "connection refused" "$tmp/ex/rivera-caldav.json"
"$CAREDAY" plan "$tmp/ex/rivera-caldav.json" -o "$tmp/offline" --offline 2>"$tmp/offline.err" >/dev/null
code=$?
expect "--offline exits as from files ($fcode), got $code: $(cat "$tmp/offline.err")" [ "$code" = "$fcode" ]
expect "--offline says each caldav copy's age" grep -q 'caldav http://127.0.0.1:[0-9]*/coord/.*from the cache' "$tmp/offline.err"
expect "--offline plan equals plan from files" compare "$tmp/files/plan.json" "$tmp/offline/plan.json"

finish
