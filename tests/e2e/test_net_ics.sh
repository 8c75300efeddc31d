#!/usr/bin/env bash
# .ics sources given as URLs, against a real HTTP server (tests/net/server.py,
# Python's http.server) and an https one with a self-signed certificate made
# here with openssl, all on 127.0.0.1:
#   - a plan from a URL; the copy is cached (0600, no URL secret in it) and
#     the next run asks with If-None-Match and gets 304; --offline plans from
#     the cache with the server stopped and says how old the copy is;
#   - the failure matrix: refused, timeout (slow server), 401, 403, 404,
#     500, too large, too many redirects, TLS not trusted, https -> http
#     redirect: exit 4 naming the source, nothing written, no secret shown;
#   - `careday check` shows URLs redacted (user, password, query, tokens).
# Skips (77) only when python3 or openssl is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/net/lib.sh"
need_careday
[ -n "$net_python" ] || { echo "SKIP: no python3"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: no openssl"; exit 77; }
export XDG_CACHE_HOME=$tmp/cache CAREDAY_NOW=2026-11-30T12:00:00Z
export CAREDAY_FETCH_TIMEOUT=4 CAREDAY_CONNECT_TIMEOUT=2

mkdir -p "$tmp/www"
cat >"$tmp/www/family.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//careday tests//EN
BEGIN:VEVENT
UID:school@test
DTSTAMP:20261001T000000Z
DTSTART:20261207T130000Z
DTEND:20261207T160000Z
SUMMARY:School
END:VEVENT
END:VCALENDAR
ICS
net_http web "$tmp/www" || exit 1

case_for() { # URL [extra source keys] -> $tmp/case.json
    cat >"$tmp/case.json" <<JSON
{"careday": 1, "timezone": "America/New_York",
 "horizon": {"start": "2026-12-01", "end": "2026-12-31"},
 "family": {"home": {"lat": 35.78, "lon": -78.64},
   "busy": [{"ics": "$1"${2:-}}]},
 "places": [{"id": "unc", "lat": 35.9, "lon": -79.05}],
 "providers": [{"id": "neuro", "in_person": {"place": "unc",
   "hours": [{"days": "MO", "from": "08:00", "to": "12:00"}]}}],
 "visits": [{"id": "v", "provider": "neuro", "minutes": 60, "modes": ["in_person"],
   "window": {"earliest": "2026-12-07", "latest": "2026-12-07"}}]}
JSON
}
base="http://127.0.0.1:$web_port"

# --- A plan from a URL: the school morning keeps the visit out of it.
case_for "$base/family.ics"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out1" --quiet 2>"$tmp/err1"
code=$?
expect "plan from a URL exits 3 (the only Monday morning is busy), got $code" [ "$code" = 3 ]
expect "plan.json written" [ -f "$tmp/out1/plan.json" ]
n=$(find "$tmp/cache/careday" -name '*.body' | wc -l)
expect "one cached copy, found $n" [ "$n" = 1 ]
mode=$(stat -c %a "$(find "$tmp/cache/careday" -name '*.body' | head -1)" 2>/dev/null)
expect "cached copy is private (0600), found $mode" [ "$mode" = 600 ]
dmode=$(stat -c %a "$tmp/cache/careday")
expect "cache folder is private (0700), found $dmode" [ "$dmode" = 700 ]
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out2" --quiet 2>/dev/null
expect "second run asks conditionally and gets 304" grep -q '^GET /family.ics 304' "$tmp/web.log"

# --- --offline with the server stopped: from the cache, with its age.
kill "$web_pid"; wait "$web_pid" 2>/dev/null
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out3" --offline 2>"$tmp/err3" >/dev/null
code=$?
expect "--offline plans from the cache (exit 3), got $code" [ "$code" = 3 ]
expect "--offline says the source came from the cache and how old" \
    grep -q 'family.busy\[0\] (ics http://127.0.0.1:[0-9]*/family.ics) from the cache, [0-9]* seconds* old' "$tmp/err3"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out4" --quiet 2>"$tmp/err4"
code=$?
expect "online with the server stopped exits 4, got $code" [ "$code" = 4 ]
expect "refused is named, with the cached copy offered" \
    grep -q 'connection refused.*--offline uses it' "$tmp/err4"
expect "nothing written on exit 4" [ ! -e "$tmp/out4" ]
rm -rf "$tmp/cache"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out5" --offline --quiet 2>"$tmp/err5"
code=$?
expect "--offline without a cached copy exits 4, got $code" [ "$code" = 4 ]
expect "--offline without a copy says so" grep -q 'not in the cache' "$tmp/err5"

# --- The failure matrix (a fresh server; secrets in every URL).
DPW="dpw-$(date +%s)-K2"
NET_DIGEST_PASSWORD=$DPW net_http web "$tmp/www" || exit 1
base="http://127.0.0.1:$web_port"
closed=$(net_closed_port)
secret_url() { # host:port path -> URL with user, password and tokens
    echo "http://alice:hunter2pw@$1/$2?token=SEKRETQUERY&x=1"
}
fault() { # name expected-words URL
    local name=$1 words=$2 url=$3 code
    case_for "$url"
    "$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-$name" --quiet >"$tmp/$name.stdout" 2>"$tmp/$name.err"
    code=$?
    expect "$name: exit 4, got $code ($(cat "$tmp/$name.err"))" [ "$code" = 4 ]
    expect "$name: message says \"$words\": $(cat "$tmp/$name.err")" grep -q -- "$words" "$tmp/$name.err"
    expect "$name: names the source's JSON path" grep -q 'family.busy\[0\].ics' "$tmp/$name.err"
    expect "$name: names the case file" grep -qF "$tmp/case.json" "$tmp/$name.err"
    expect "$name: nothing written" [ ! -e "$tmp/out-$name" ]
    if grep -q 'hunter2pw\|SEKRETQUERY\|alice:' "$tmp/$name.err" "$tmp/$name.stdout"; then
        bad "$name: a secret of the URL was shown"
    else
        ok
    fi
}
fault refused "connection refused" "$(secret_url 127.0.0.1:$closed family.ics)"
CAREDAY_FETCH_TIMEOUT=1 fault timeout "timeout" "$(secret_url 127.0.0.1:$web_port slow/20/family.ics)"
fault unauthorized "401 Unauthorized" "$(secret_url 127.0.0.1:$web_port status/401/x.ics)"
fault forbidden "403 Forbidden" "$(secret_url 127.0.0.1:$web_port status/403/x.ics)"
fault notfound "404 Not Found" "$(secret_url 127.0.0.1:$web_port nothing-here.ics)"
fault servererror "500 Internal Server Error" "$(secret_url 127.0.0.1:$web_port status/500/x.ics)"
CAREDAY_FETCH_MAX_MB=1 fault toolarge "too large" "$base/big/3"
fault redirects "more than 5 redirects" "$base/redirect/6/family.ics"
case_for "$base/redirect/5/family.ics"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-redir" --quiet 2>"$tmp/redir.err"
code=$?
expect "5 redirects are followed (exit 3), got $code: $(cat "$tmp/redir.err")" [ "$code" = 3 ]
case_for "$base/garbage/x.ics"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-garbage" --quiet 2>"$tmp/garbage.err"
code=$?
expect "a fetched file that is not a calendar is bad input (exit 2), got $code" [ "$code" = 2 ]

# --- HTTP Digest through user:password@ in the URL.
case_for "http://coord:$DPW@127.0.0.1:$web_port/digest/family.ics"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-digest" --quiet 2>"$tmp/digest.err"
code=$?
expect "a Digest-protected calendar is read (exit 3), got $code: $(cat "$tmp/digest.err")" [ "$code" = 3 ]
expect "the server saw Digest auth" grep -q '^GET /digest/family.ics 200 auth' "$tmp/web.log"
case_for "http://coord:wrong-$DPW@127.0.0.1:$web_port/digest/family.ics"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-digest2" --quiet 2>"$tmp/digest2.err"
code=$?
expect "a wrong Digest password exits 4, got $code" [ "$code" = 4 ]
expect "it says 401" grep -q "401 Unauthorized" "$tmp/digest2.err"
if grep -q -- "$DPW" "$tmp/digest.err" "$tmp/digest2.err"; then bad "the Digest password was shown"; else ok; fi

# --- https with a certificate the test makes: refused without "ca",
# accepted with it, and never redirected down to http.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
    { echo "openssl could not make a certificate"; exit 1; }
net_http tls "$tmp/www" "$tmp/cert.pem" "$tmp/key.pem" || exit 1
sbase="https://127.0.0.1:$tls_port"
fault tls "TLS failure" "$sbase/family.ics"
case_for "$sbase/family.ics" ", \"ca\": \"$tmp/cert.pem\""
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-tls" --quiet 2>"$tmp/tls-ok.err"
code=$?
expect "https with its CA in \"ca\" is read (exit 3), got $code: $(cat "$tmp/tls-ok.err")" [ "$code" = 3 ]
enc=$("$net_python" -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$base/family.ics")
case_for "$sbase/to/$enc" ", \"ca\": \"$tmp/cert.pem\""
: >"$tmp/web.log"
"$CAREDAY" plan "$tmp/case.json" -o "$tmp/out-down" --quiet 2>"$tmp/down.err"
code=$?
expect "https -> http redirect exits 4, got $code" [ "$code" = 4 ]
expect "https -> http redirect is refused by name: $(cat "$tmp/down.err")" grep -q 'redirected from https to http' "$tmp/down.err"
grep -q "GET /family.ics" "$tmp/web.log" && bad "downgraded request reached the http server" || ok

# --- careday check shows URLs redacted.
case_for "http://alice:hunter2pw@127.0.0.1:$web_port/family.ics?token=SEKRETQUERY"
"$CAREDAY" check "$tmp/case.json" >"$tmp/check.out" 2>&1
code=$?
# (its visit cannot be placed, as plan's exit 3 above says: check exits 3 too)
expect "check exits 3, got $code" [ "$code" = 3 ]
expect "check shows the source with the query value hidden: $(grep ics "$tmp/check.out")" \
    grep -qF "http://127.0.0.1:$web_port/family.ics?token=***" "$tmp/check.out"
if grep -q 'hunter2pw\|SEKRETQUERY\|alice' "$tmp/check.out"; then bad "check shows a secret"; else ok; fi
if grep -rq 'hunter2pw\|SEKRETQUERY' "$tmp/cache"; then bad "the cache holds a secret"; else ok; fi

finish
