#!/usr/bin/env bash
# `careday calendar expand` on the Exchange/Outlook exports of the shared
# corpus (Windows and Outlook-display TZIDs, custom VTIMEZONEs, moved all-day
# instances), checking the UTC instants the corpus MANIFEST states for each
# (taken from node-ical's and python icalendar's own tests), the --json form,
# warnings on stderr with file and line, and the exit codes for bad input.
#
# Environment: CAREDAY (the built binary), CAREDAY_SOURCE_DIR (the source tree).
. "$(dirname "$0")/lib.sh"
need_careday

corpus=$SRC/../shared/corpus/ics
# The shared corpus sits beside the checkout; a plain clone has none: skip
# (exit 77, which CTest reports as skipped).
if [ ! -d "$corpus" ]; then
    echo "SKIP: $corpus is not there (the shared corpus sits beside the checkout, in ../shared/corpus); the corpus cases were not run"
    exit 77
fi

# run NAME FILE ARGS...: expand into $tmp/NAME.out and .err, keep the code.
run() {
    local name=$1 file=$2
    shift 2
    "$CAREDAY" calendar expand "$corpus/$file" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.code"
}

# expect_code NAME CODE
expect_code() {
    local got
    got=$(cat "$tmp/$1.code")
    if [ "$got" = "$2" ]; then ok; else bad "$1: exit $got, expected $2"; cat "$tmp/$1.err"; fi
}

# expect_interval NAME KIND START END [SUMMARY]: a table row with these UTC instants.
expect_interval() {
    local name=$1 kind=$2 start=$3 end=$4 summary=${5:-}
    if awk -v k="$kind" -v s="$start" -v e="$end" -v m="$summary" '
        $1 == k && $2 == s && $3 == e && (m == "" || index($0, m) > 0) { found = 1 }
        END { exit !found }' "$tmp/$name.out"; then
        ok
    else
        bad "$name: no $kind interval $start .. $end ${summary:+($summary)}"
        cat "$tmp/$name.out"
    fi
}

# expect_no NAME TEXT: TEXT is nowhere in the output.
expect_no() {
    if grep -qF -- "$2" "$tmp/$1.out"; then bad "$1: unexpected \"$2\""; else ok; fi
}

# expect_err NAME TEXT: stderr holds TEXT.
expect_err() {
    if grep -qF -- "$2" "$tmp/$1.err"; then
        ok
    else
        bad "$1: stderr lacks \"$2\""
        cat "$tmp/$1.err"
    fi
}

# expect_rows NAME N: exactly N interval rows.
expect_rows() {
    local n
    n=$(grep -cE '^(busy|available) ' "$tmp/$1.out")
    if [ "$n" = "$2" ]; then ok; else bad "$1: $n intervals, expected $2"; fi
}

# Outlook Web App, Outlook display names without VTIMEZONE. MANIFEST: " TEST"
# ends on 2020-10-28 (15:00 Eastern before the DST end), " TEST 3" on
# 2020-11-02 (after it); " TEST Syd" is 13:30 in Sydney (AEDT).
run owa node-ical/Office-2012-owa.ics --from 2020-10-25 --to 2020-11-10 --tz America/New_York
expect_code owa 0
expect_interval owa busy 2020-10-28T17:30:00Z 2020-10-28T19:00:00Z "TEST [VEVENT]"
expect_interval owa busy 2020-11-02T18:30:00Z 2020-11-02T20:00:00Z "TEST 3"
expect_interval owa busy 2020-10-28T02:30:00Z 2020-10-28T04:00:00Z "TEST Syd"
expect_interval owa busy 2020-11-05T18:30:00Z 2020-11-05T20:00:00Z "RRULE:FREQ=WEEKLY"
expect_rows owa 5
if grep -q "2020-10-28T13:30:00-04:00" "$tmp/owa.out"; then ok; else bad "owa: no local time"; fi
if [ -s "$tmp/owa.err" ]; then bad "owa: warnings: $(cat "$tmp/owa.err")"; else ok; fi

# Exchange custom zone "(UTC+07:00) Bangkok, Hanoi, Jakarta" (escaped commas
# in its VTIMEZONE): Asia/Bangkok, 09:00-12:00 local.
run bangkok node-ical/exchange-custom-tz.ics --from 2019-04-29 --to 2019-05-02 --tz Asia/Bangkok
expect_code bangkok 0
expect_interval bangkok busy 2019-04-30T02:00:00Z 2019-04-30T05:00:00Z "Test event"
if grep -q "2019-04-30T09:00:00+07:00" "$tmp/bangkok.out"; then ok; else bad "bangkok: local"; fi

# "Customized Time Zone": start 2020-08-25T14:35:00Z, end 15:50:00Z, weekly TU,TH.
run custom node-ical/bad_ms_tz.ics --from 2020-08-24 --to 2020-08-31 --tz America/New_York
expect_code custom 0
expect_interval custom busy 2020-08-25T14:35:00Z 2020-08-25T15:50:00Z "[private]"
expect_interval custom busy 2020-08-27T14:35:00Z 2020-08-27T15:50:00Z "[private]"
expect_rows custom 2

# Windows TZIDs with VTIMEZONEs and a DTSTART whose value sits inside the
# TZID's quotes: "Log Yesterday's Jira time" starts in June 2020 at 07:00Z and
# ends at :30. It is TRANSP:TRANSPARENT: available time, not busy.
run mstz node-ical/ms_timezones.ics --from 2020-06-08 --to 2020-06-11 --tz Europe/Berlin \
    --meaning available
expect_code mstz 0
expect_interval mstz available 2020-06-09T07:00:00Z 2020-06-09T07:30:00Z "Jira"
expect_err mstz "ms_timezones.ics:152:"
run mstz_busy node-ical/ms_timezones.ics --from 2020-06-08 --to 2020-06-11 --tz Europe/Berlin
expect_rows mstz_busy 0

# An all-day weekly series with one instance moved by a RECURRENCE-ID given
# as a DATE-TIME: Thu 02-19, Tue 02-24 and the moved Fri 02-27; no 02-26.
run moved node-ical/exchange_whole_day_moved_recurrence.ics --from 2026-02-19 --to 2026-03-01 \
    --tz Europe/Berlin --meaning available
expect_code moved 0
expect_interval moved available 2026-02-18T23:00:00Z 2026-02-19T23:00:00Z
expect_interval moved available 2026-02-23T23:00:00Z 2026-02-24T23:00:00Z
expect_interval moved available 2026-02-26T23:00:00Z 2026-02-27T23:00:00Z "RECURRENCE-ID (moved)"
expect_no moved "2026-02-25T23:00:00Z"
expect_rows moved 3

# Same with RECURRENCE-ID;TZID=UTC+01 (no such zone): same days, and a warning
# naming the file and line on stderr.
run moved_tz node-ical/exchange_whole_day_moved_recurrence_offset_tz.ics --from 2026-02-19 \
    --to 2026-03-01 --tz Europe/Berlin --meaning available
expect_code moved_tz 0
expect_interval moved_tz available 2026-02-26T23:00:00Z 2026-02-27T23:00:00Z
expect_rows moved_tz 3
expect_err moved_tz "careday: warning: $corpus/node-ical/exchange_whole_day_moved_recurrence_offset_tz.ics:22: unknown time zone TZID=\"UTC+01\""

# eM Client: "W. Europe Standard Time" with rules from the year 0001:
# 2024-06-01T08:00:00Z (10:00 CEST).
run year1 node-ical/vtimezone-year-0001-dtstart.ics --from 2024-06-01 --to 2024-06-02
expect_interval year1 busy 2024-06-01T08:00:00Z 2024-06-01T09:00:00Z

# Exchange 2010 "Eastern Standard Time" and "Pacific Standard Time" with
# VTIMEZONEs (python icalendar issues 836 and 722).
run est icalendar/issue_836_do_not_quote_tzid.ics --from 2024-10-01 --to 2024-11-01
expect_interval est busy 2024-10-28T21:00:00Z 2024-10-28T22:00:00Z
run pst icalendar/timezone_same_start.ics --from 2017-02-01 --to 2017-03-01
expect_interval pst busy 2017-02-24T20:00:00Z 2017-02-24T20:30:00Z "Test 4"

# Exchange CDO zone "GMT +0100 (Standard) / GMT +0200 (Daylight)": the one
# event must be read (issue 165): 10:00 CEST = 08:00Z, daily on weekdays.
run cdo icalendar/issue_165_missing_event.ics --from 2015-07-01 --to 2015-07-08 --tz Europe/Berlin
expect_interval cdo busy 2015-07-03T08:00:00Z 2015-07-03T08:30:00Z "Sprint 25"
expect_rows cdo 3

# --json: the same intervals as one object, warnings inside too.
run json node-ical/exchange_whole_day_moved_recurrence_offset_tz.ics --from 2026-02-19 \
    --to 2026-03-01 --tz Europe/Berlin --meaning available --json
expect_code json 0
if /usr/bin/python3 - "$tmp/json.out" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
iv = d["intervals"]
ok = (d["zone"] == "Europe/Berlin" and len(iv) == 3
      and iv[2]["start"] == "2026-02-26T23:00:00Z" and iv[2]["all_day"] is True
      and "RECURRENCE-ID" in iv[2]["origin"] and iv[2]["kind"] == "available"
      and len(d["available"]) == 3 and d["busy"] == []
      and d["warnings"][0]["line"] == 22)
sys.exit(0 if ok else 1)
PY
    ok
else
    bad "json: unexpected document"
    cat "$tmp/json.out"
fi

# Bad input: exit 2 with the file and line; nothing on stdout.
run broken icalendar/small_bad_calendar.ics --from 2020-01-01 --to 2020-02-01
expect_code broken 2
expect_err broken "small_bad_calendar.ics:1: BEGIN:VCALENDAR is never closed"
if [ -s "$tmp/broken.out" ]; then bad "broken: wrote to stdout"; else ok; fi
run missing no-such-file.ics --from 2020-01-01 --to 2020-02-01
expect_code missing 2
expect_err missing "no-such-file.ics: cannot read"
run baddate node-ical/bad_ms_tz.ics --from 2020-02-30 --to 2020-03-01
expect_code baddate 2
expect_err baddate "--from"
run badzone node-ical/bad_ms_tz.ics --from 2020-02-01 --to 2020-03-01 --tz Mars/Base
expect_code badzone 2
expect_err badzone "Mars/Base"
run nohorizon node-ical/bad_ms_tz.ics
expect_code nohorizon 2

finish
