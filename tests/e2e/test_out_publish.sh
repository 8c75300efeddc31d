#!/usr/bin/env bash
# A plan is published whole or not at all: every file is written into a
# staging folder beside OUT and moved in only when all are written. A run
# that fails after planning leaves OUT exactly as it was (or absent), with no
# staging folder behind; provider calendars of an earlier plan whose provider
# has no appointment now are removed, other files are left alone.
. "$(dirname "$0")/lib.sh"
need_careday
export CAREDAY_NOW=2026-11-22T09:00:00Z
case_file=$SRC/examples/okafor-january.json
mkdir "$tmp/nomessages"
leftovers() { ls -d "$tmp"/.*careday-* "$tmp"/*/.*careday-* "$tmp"/*/*/.careday-* 2>/dev/null; }

# 1. A failed run into a missing OUT creates nothing.
CAREDAY_LOCALEDIR=$tmp/nomessages "$CAREDAY" plan "$case_file" -o "$tmp/new/out" --quiet 2>/dev/null
rc=$?
[ $rc != 0 ] && ok || bad "a run without a message catalogue exited 0"
[ ! -e "$tmp/new/out" ] && ok || bad "the failed run created OUT"
[ -z "$(leftovers)" ] && ok || bad "staging left behind: $(leftovers)"

# 2. A good run publishes every file, into a folder whose parent is new too.
"$CAREDAY" plan "$case_file" -o "$tmp/new/out" --quiet
rc=$?
[ $rc = 0 ] && ok || bad "plan exited $rc"
for f in plan.json family.ics itinerary.html providers/pulm.ics providers/endo.ics; do
    [ -s "$tmp/new/out/$f" ] && ok || bad "missing $f"
done
[ -z "$(leftovers)" ] && ok || bad "staging left behind: $(leftovers)"

# 3. A failed run over an existing plan changes nothing in it.
out=$tmp/new/out
before=$(cd "$out" && find . -type f | sort | xargs sha256sum)
CAREDAY_LOCALEDIR=$tmp/nomessages "$CAREDAY" plan "$case_file" -o "$out" --quiet 2>/dev/null
[ $? != 0 ] && ok || bad "second failing run exited 0"
after=$(cd "$out" && find . -type f | sort | xargs sha256sum)
[ "$before" = "$after" ] && ok || bad "a failed run changed OUT"
[ -z "$(leftovers)" ] && ok || bad "staging left behind: $(leftovers)"

# 4. Stale provider calendars go; other files stay.
printf 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' >"$out/providers/moved-away.ics"
echo "coordinator's notes" >"$out/notes.txt"
"$CAREDAY" plan "$case_file" -o "$out/" --quiet
[ $? = 0 ] && ok || bad "re-plan failed"
[ ! -e "$out/providers/moved-away.ics" ] && ok || bad "stale provider calendar kept"
[ -f "$out/notes.txt" ] && ok || bad "a file careday did not write was removed"
[ -s "$out/providers/pulm.ics" ] && ok || bad "current provider calendar missing"

finish
