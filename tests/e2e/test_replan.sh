#!/usr/bin/env bash
# Re-planning as a coordinator runs it (docs/model.md, "Re-planning"):
# 1. Every bundled example and every hand-solved case, planned and then
#    re-planned unchanged with --previous, reports 0 moved, 0 cancelled,
#    0 added, with the default model and with --model time.
# 2. An example re-planned with --now after its first two trip days: nothing
#    new starts before now + notice, and the past appointments are unchanged
#    in plan.json, family.ics and the provider calendars; bench/check.py
#    --previous --now accepts the plan.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"

NOW=2026-11-22T09:00:00Z

need_careday
need_python

# --- 1. unchanged cases move nothing -------------------------------------
cases=()
for f in "$SRC"/examples/*.json; do cases+=("$f|$NOW"); done
for d in "$SRC"/tests/data/cases/*/; do
    now=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("now", ""))' \
        "$d/expected.json")
    cases+=("$d/case.json|${now:-$NOW}")
done
for entry in "${cases[@]}"; do
    file=${entry%|*}
    now=${entry#*|}
    name=$(basename "$(dirname "$file")")/$(basename "$file" .json)
    for model in days time; do
        out="$tmp/u/$model/${name//\//_}"
        "$CAREDAY" plan "$file" -o "$out/a" --now "$now" --model "$model" -q
        rc1=$?
        "$CAREDAY" plan "$file" -o "$out/b" --now "$now" --model "$model" -q \
            --previous "$out/a/plan.json"
        rc2=$?
        if [ ! -f "$out/b/changes.json" ]; then
            bad "$name ($model): unchanged re-plan" "exit $rc1 then $rc2, no changes.json"
            continue
        fi
        verdict=$("$PY" - "$out/a/plan.json" "$out/b/plan.json" "$out/b/changes.json" <<'PYEOF'
import json, sys
a, b, ch = (json.load(open(p)) for p in sys.argv[1:4])
problems = []
for key in ("moved", "cancelled", "added"):
    if ch[key]:
        problems.append("%d %s: %s" % (len(ch[key]), key, ", ".join(e["visit"] for e in ch[key])))
if ch["kept"] != len(a["appointments"]):
    problems.append("kept %d of %d" % (ch["kept"], len(a["appointments"])))
if a["metrics"] != b["metrics"]:
    problems.append("metrics changed: %r -> %r" % (a["metrics"], b["metrics"]))
print("\n".join(problems))
PYEOF
)
        if [ -z "$verdict" ] && [ $rc1 = $rc2 ]; then
            ok "$name ($model): re-planned unchanged, 0 moved"
        else
            bad "$name ($model): unchanged re-plan" "$verdict"
        fi
    done
done

# --- 2. now after the first two trip days -----------------------------------
ex="$SRC/examples/rivera-winter.json"
for model in days time; do
    out="$tmp/now/$model"
    "$CAREDAY" plan "$ex" -o "$out/a" --now "$NOW" --model "$model" -q
    later=$("$PY" - "$out/a/plan.json" <<'PYEOF'
import datetime, json, sys
plan = json.load(open(sys.argv[1]))
ret = datetime.datetime.fromisoformat(plan["trips"][1]["return"])
print((ret + datetime.timedelta(hours=1)).astimezone(datetime.timezone.utc)
      .strftime("%Y-%m-%dT%H:%M:%SZ"))
PYEOF
)
    "$CAREDAY" plan "$ex" -o "$out/b" --now "$later" --model "$model" -q \
        --previous "$out/a/plan.json"
    rc=$?
    verdict=$("$PY" - "$out/a" "$out/b" "$later" <<'PYEOF'
import datetime, glob, json, os, sys
a_dir, b_dir, now_s = sys.argv[1:4]
now = datetime.datetime.fromisoformat(now_s.replace("Z", "+00:00"))
a = json.load(open(os.path.join(a_dir, "plan.json")))
b = json.load(open(os.path.join(b_dir, "plan.json")))
t = lambda s: datetime.datetime.fromisoformat(s)
problems = []
old = {x["visit"]: x for x in a["appointments"]}
new = {x["visit"]: x for x in b["appointments"]}
past = [v for v, x in old.items() if t(x["start"]) < now]
if len(past) < 3:
    problems.append("only %d appointments before now: the test needs the first two trips" % len(past))
for v in past:
    if new.get(v) != old[v]:
        problems.append("past %s changed in plan.json: %r -> %r" % (v, old[v], new.get(v)))
for v, x in new.items():
    same = v in old and old[v]["start"] == x["start"] and old[v]["mode"] == x["mode"]
    if not same and t(x["start"]) < now + datetime.timedelta(hours=48):
        problems.append("%s is new at %s, before now + 48 h" % (v, x["start"]))

def events(path):
    """UID -> {property: value} of every VEVENT (unfolded, no parameters)."""
    text = open(path, encoding="utf-8", newline="").read().replace("\r\n ", "").replace("\r\n\t", "")
    out, cur = {}, None
    for line in text.split("\r\n"):
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            out[cur.get("UID")] = cur
            cur = None
        elif cur is not None and ":" in line:
            k, v = line.split(":", 1)
            k = k.split(";")[0]
            if k in ("UID", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY", "LOCATION"):
                cur.setdefault(k, v)
    return out

def past_uid(uid):
    return any(uid.startswith(v.replace(".", "%2E") + ".") for v in past)

files = ["family.ics"] + sorted(os.path.relpath(p, a_dir)
                                for p in glob.glob(os.path.join(a_dir, "providers", "*.ics")))
checked = 0
for f in files:
    ea = events(os.path.join(a_dir, f))
    pb = os.path.join(b_dir, f)
    eb = events(pb) if os.path.exists(pb) else {}
    for uid, e in ea.items():
        if past_uid(uid):
            checked += 1
            if eb.get(uid) != e:
                problems.append("%s: past event %s changed: %r -> %r" % (f, uid, e, eb.get(uid)))
if checked < 2 * len(past):  # in family.ics and in the provider's file
    problems.append("only %d calendar events of past appointments found" % checked)
print("\n".join(problems))
PYEOF
)
    checked=$("$PY" "$SRC/bench/check.py" "$ex" "$out/b/plan.json" --quiet \
        --previous "$out/a/plan.json" --now "$later" 2>&1)
    crc=$?
    if [ -z "$verdict" ] && [ $crc = 0 ] && [ $rc = 0 ]; then
        ok "rivera-winter ($model): --now $later keeps the past, nothing new before now + notice"
    else
        bad "rivera-winter ($model): --now $later" "exit $rc
$verdict
$checked"
    fi
done

finish
