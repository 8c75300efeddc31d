#!/usr/bin/env bash
# bench/check.py must accept a valid plan and reject each deliberately broken
# copy of it with the right rule name. The valid plans are hand-written under
# tests/data/checker/<fixture>/plan.json for the case of the same name under
# tests/data/cases/ (or tests/data/checker/<fixture>/case.json). Needs only
# /usr/bin/python3 with python3-icalendar, python3-recurring-ical-events and
# python3-dateutil; the careday binary is not used.
. "$(dirname "$0")/lib.sh"

CHECK="$SRC/bench/check.py"
DATA="$SRC/tests/data"

case_of() {
    if [ -f "$DATA/checker/$1/case.json" ]; then
        echo "$DATA/checker/$1/case.json"
    else
        echo "$DATA/cases/$1/case.json"
    fi
}

# The mutations: name -> edit of the plan (p) and, rarely, of the case (c).
cat >"$tmp/mutate.py" <<'PYEOF'
import json, sys

def appt(p, visit):
    return next(a for a in p["appointments"] if a["visit"] == visit)

def shift(a, start, end):
    a["start"], a["end"] = start, end

def m_overlap(p, c):
    shift(appt(p, "gi-fu"), "2026-12-08T08:30:00-05:00", "2026-12-08T09:00:00-05:00")

def m_outside_provider(p, c):
    shift(appt(p, "pulm-fu"), "2026-12-08T16:00:00-05:00", "2026-12-08T16:45:00-05:00")

def m_outside_provider_zone(p, c):
    # 08:40 New York time is 07:40 in Nashville, before the clinic opens
    shift(appt(p, "neph-fu"), "2026-12-09T08:40:00-05:00", "2026-12-09T09:40:00-05:00")

def m_broken_before(p, c):
    shift(appt(p, "cbc"), "2026-12-08T08:00:00-05:00", "2026-12-08T08:20:00-05:00")

def m_successor_without_predecessor(p, c):
    p["appointments"] = [a for a in p["appointments"] if a["visit"] != "cbc"]
    p["unscheduled"].append({"visit": "cbc", "reason": "left out on purpose"})

def m_travel_leg(p, c):
    shift(appt(p, "allergy-fu"), "2026-12-09T10:15:00-05:00", "2026-12-09T10:45:00-05:00")

def m_min_gap(p, c):
    shift(appt(p, "ent-fu"), "2026-12-09T09:35:00-05:00", "2026-12-09T10:05:00-05:00")

def m_lying_trips(p, c):
    p["metrics"]["trips"] += 1

def m_lying_travel(p, c):
    p["metrics"]["travel_minutes"] -= 1

def m_lying_unscheduled(p, c):
    p["metrics"]["unscheduled"] = 1

def m_wrong_depart(p, c):
    p["trips"][0]["depart"] = "2026-12-08T07:30:00-05:00"

def m_early_departure(p, c):
    shift(appt(p, "ent-fu"), "2026-12-07T11:00:00-05:00", "2026-12-07T12:00:00-05:00")

def m_telehealth_in_trip(p, c):
    shift(appt(p, "echo"), "2026-12-07T12:30:00-05:00", "2026-12-07T13:15:00-05:00")
    shift(appt(p, "neuro-fu"), "2026-12-07T13:30:00-05:00", "2026-12-07T14:00:00-05:00")

def m_no_nurse(p, c):
    a = appt(p, "a1c-draw")
    a["mode"], a["place"], a["trip"] = "home", None, None
    shift(a, "2026-12-09T08:00:00-05:00", "2026-12-09T08:20:00-05:00")
    p["trips"][0]["visits"] = ["endo-fu"]
    p["trips"][0]["return"] = "2026-12-08T10:24:00-05:00"
    p["metrics"]["in_person"], p["metrics"]["home"] = 1, 2

def m_family_busy(p, c):
    shift(appt(p, "diet"), "2026-10-28T08:15:00-04:00", "2026-10-28T09:00:00-04:00")

def m_trip_over_busy(p, c):
    shift(appt(p, "endo-fu"), "2026-11-03T08:30:00-05:00", "2026-11-03T09:00:00-05:00")
    p["trips"][0]["depart"] = "2026-11-03T07:36:00-05:00"

def m_missing_visit(p, c):
    p["appointments"] = [a for a in p["appointments"] if a["visit"] != "cardio-fu"]

def m_twice(p, c):
    p["appointments"].append(dict(appt(p, "cardio-fu"), start="2026-12-08T10:10:00-05:00",
                                  end="2026-12-08T10:40:00-05:00"))

def m_moved_booking(p, c):
    shift(appt(p, "ortho-cast"), "2026-12-09T11:00:00-05:00", "2026-12-09T11:30:00-05:00")

def m_outside_window(p, c):
    v = next(v for v in c["visits"] if v["id"] == "gi-fu")
    v["window"] = {"earliest": "2026-12-09", "latest": "2026-12-11"}

def m_max_visits(p, c):
    c["family"]["limits"]["max_visits_per_day"] = 3

def m_clinic_minutes(p, c):
    c["family"]["limits"]["max_clinic_minutes_per_day"] = 120

def m_overnight_not_allowed(p, c):
    c["family"]["overnight"]["allowed"] = False

def m_overnight_not_consecutive(p, c):
    b = appt(p, "uro-fu")
    shift(b, "2026-12-15T16:00:00Z", "2026-12-15T17:00:00Z")
    c["providers"][1]["in_person"]["hours"][0]["days"] = "TU"
    c["horizon"]["end"] = "2026-12-18"
    p["trips"][1]["date"] = "2026-12-15"

def m_telehealth_not_ready(p, c):
    c["family"]["telehealth"]["ready"] = False

def m_wrong_duration(p, c):
    appt(p, "heme-fu")["end"] = "2026-12-08T10:00:00-05:00"

def m_arrive_early(p, c):
    # allergy-fu starts 45 minutes after ent-fu ends: 17 driving + 10 parking
    # + 15 early fit, 30 early do not
    c["family"]["arrive_early_minutes"] = 30

def m_wrong_mode(p, c):
    a = appt(p, "echo")
    a["mode"], a["place"], a["trip"] = "telehealth", None, None
    p["trips"] = []

def m_pinned_elsewhere(p, c):
    v = next(v for v in c["visits"] if v["id"] == "neuro-fu")
    v["pin"] = {"date": "2026-12-10"}

def m_avoided_date(p, c):
    c["family"]["avoid_dates"] = ["2026-12-08"]

name, plan_in, case_in, plan_out, case_out = sys.argv[1:6]
p = json.load(open(plan_in))
c = json.load(open(case_in))
globals()["m_" + name.replace("-", "_")](p, c)
json.dump(p, open(plan_out, "w"), indent=1)
json.dump(c, open(case_out, "w"), indent=1)
PYEOF

# 1. Every hand-written plan is valid.
for dir in "$DATA"/checker/*/; do
    fx=$(basename "$dir")
    out=$("$PY" "$CHECK" "$(case_of "$fx")" "$dir/plan.json" --quiet 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && echo "$out" | grep -q '^check: OK'; then
        ok "valid $fx"
    else
        bad "valid $fx" "exit $rc: $out"
    fi
done

# 2. Each broken copy is rejected with the named rule.
while read -r mutation fixture rule; do
    [ -z "$mutation" ] && continue
    case_in=$(case_of "$fixture")
    # the edited case must sit where the original was, for its relative paths
    case_out="$(dirname "$case_in")/.check-$mutation.$$.json"
    plan_out="$tmp/$mutation.plan.json"
    if ! "$PY" "$tmp/mutate.py" "$mutation" "$DATA/checker/$fixture/plan.json" "$case_in" \
        "$plan_out" "$case_out"; then
        bad "$mutation" "mutation failed"
        rm -f "$case_out"
        continue
    fi
    out=$("$PY" "$CHECK" "$case_out" "$plan_out" --quiet 2>&1)
    rc=$?
    rm -f "$case_out"
    if [ $rc -ne 1 ]; then
        bad "$mutation" "expected exit 1, got $rc: $out"
    elif ! echo "$out" | grep -q "^VIOLATION $rule: "; then
        bad "$mutation" "expected VIOLATION $rule, got: $out"
    elif ! echo "$out" | tail -n 1 | grep -q '^check: [0-9]* violations$'; then
        bad "$mutation" "last line is not 'check: N violations': $out"
    else
        ok "$mutation -> $rule"
    fi
done <<'TABLE'
overlap                          four-visits-one-trip      overlap
outside-provider                 four-visits-one-trip      provider-availability
outside-provider-zone            out-of-state-zone         provider-availability
broken-before                    lab-before-specialist     before
successor-without-predecessor    lab-before-specialist     before
travel-leg                       two-clinics               travel
min-gap                          two-clinics               gap
arrive-early                     two-clinics               travel
lying-trips                      four-visits-one-trip      metrics
lying-travel                     overnight-beats-day-trips metrics
lying-unscheduled                lab-before-specialist     metrics
successor-without-predecessor    lab-before-specialist     metrics
wrong-depart                     four-visits-one-trip      trip
early-departure                  overnight-beats-day-trips family-day
telehealth-in-trip               telehealth-saves-trip     one-trip
no-nurse                         home-visit-no-nurse       nurse
family-busy                      dst-week                  family-busy
trip-over-busy                   dst-week                  family-busy
missing-visit                    four-visits-one-trip      coverage
twice                            four-visits-one-trip      coverage
moved-booking                    two-clinics               booked
outside-window                   four-visits-one-trip      window
max-visits                       four-visits-one-trip      max-visits
clinic-minutes                   four-visits-one-trip      max-clinic-minutes
overnight-not-allowed            overnight-beats-day-trips overnight
overnight-not-consecutive        overnight-beats-day-trips overnight
telehealth-not-ready             telehealth-saves-trip     telehealth-ready
wrong-duration                   lab-before-specialist     appointment
wrong-mode                       telehealth-saves-trip     appointment
pinned-elsewhere                 four-visits-one-trip      pin
avoided-date                     four-visits-one-trip      avoid_dates
TABLE

# Re-planning rules: nothing new before now + notice; what the previous plan
# had there may stay.
fx="$DATA/checker/four-visits-one-trip/plan.json"
out=$("$PY" "$CHECK" "$(case_of four-visits-one-trip)" "$fx" --quiet --now 2026-12-07T14:00:00Z 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q '^VIOLATION notice: ' && ok "new before now + notice -> notice" ||
    bad "notice" "expected VIOLATION notice, got exit $rc: $out"
out=$("$PY" "$CHECK" "$(case_of four-visits-one-trip)" "$fx" --quiet --now 2026-12-07T14:00:00Z \
    --previous "$fx" 2>&1)
rc=$?
[ $rc -eq 0 ] && ok "kept from the previous plan inside the notice -> OK" ||
    bad "notice with --previous" "expected OK, got exit $rc: $out"
out=$("$PY" "$CHECK" "$(case_of four-visits-one-trip)" "$fx" --quiet --now 2026-12-09T14:00:00Z \
    --previous "$fx" 2>&1)
rc=$?
[ $rc -eq 0 ] && ok "past appointments of the previous plan are history -> OK" ||
    bad "history" "expected OK, got exit $rc: $out"

# 3. Unreadable input: exit 2.
echo '{"careday": 1, "appointments": [' >"$tmp/truncated.json"
"$PY" "$CHECK" "$DATA/cases/four-visits-one-trip/case.json" "$tmp/truncated.json" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "truncated plan -> exit 2" || bad "truncated plan" "expected exit 2, got $rc"
"$PY" "$CHECK" "$tmp/no-such-case.json" "$DATA/checker/four-visits-one-trip/plan.json" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "missing case -> exit 2" || bad "missing case" "expected exit 2, got $rc"

finish
