#!/usr/bin/env bash
# careday batch on small caseloads whose optimum is known (tests/data/batch,
# see the README.md there): totals against expected.json, the batch baseline,
# every output file, the independent checker over the whole caseload
# (capacity across families), determinism, components and merge, and bad
# input (a caseload given to `plan`, disagreeing providers, a missing family).
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"

DATA=$SRC/tests/data/batch
export CAREDAY_MESSAGES=${CAREDAY_MESSAGES:-$SRC/adapters/output/messages}
export CAREDAY_NOW=2026-11-22T09:00:00Z

need_careday

have_checker=1
$PY -c 'import icalendar, dateutil' 2>/dev/null || have_checker=0

# Compare caseload-plan.json with expected.json; one line per mismatch.
cat >"$tmp/compare.py" <<'PYEOF'
import json, os, sys

expected = json.load(open(sys.argv[1]))
out = sys.argv[2]
rc = int(sys.argv[3])
doc = json.load(open(os.path.join(out, "caseload-plan.json")))
problems = []
want_rc = 3 if expected.get("unscheduled", 0) > 0 else 0
if rc != want_rc:
    problems.append("exit code %d, expected %d" % (rc, want_rc))
for key in ("careday", "caseload", "status", "objective", "bound", "gap", "solve_ms", "metrics",
            "baseline", "families"):
    if key not in doc:
        problems.append("caseload-plan.json has no %s" % key)
search = doc.get("search", {})
master = search.get("master")
if "parts" not in search and not (isinstance(master, dict) and master.get("solves", 0) >= 1 and
                                  all(k in master for k in ("improved", "gain", "ms"))):
    problems.append("search.master (solves, improved, gain, ms) missing: %r" % (master,))
repair = search.get("repair")
if "parts" not in search and not (isinstance(repair, dict) and
                                  all(k in repair for k in ("moves", "accepted", "gain", "ms"))):
    problems.append("search.repair (moves, accepted, gain, ms) missing: %r" % (repair,))
if isinstance(repair, dict) and repair.get("accepted", 0) < expected.get("repairs_min", 0):
    problems.append("repair.accepted %r, expected at least %r" % (repair.get("accepted"),
                                                                 expected["repairs_min"]))
if "parts" not in search and not all(k in search for k in ("drop_solves", "drop_ms")):
    problems.append("search.drop_solves / drop_ms missing")
if search.get("drop_solves", 0) < expected.get("drop_solves_min", 0):
    problems.append("drop_solves %r, expected at least %r" % (search.get("drop_solves"),
                                                             expected["drop_solves_min"]))
if doc.get("status") != expected.get("status", "optimal"):
    problems.append("status %r, expected %r" % (doc.get("status"), expected.get("status")))
for key in ("unscheduled", "trips", "in_person", "telehealth", "home"):
    if key in expected and doc["metrics"].get(key) != expected[key]:
        problems.append("%s = %r, expected %r" % (key, doc["metrics"].get(key), expected[key]))
for key, want in expected.get("baseline", {}).items():
    if doc["baseline"].get(key) != want:
        problems.append("baseline %s = %r, expected %r" % (key, doc["baseline"].get(key), want))
if not doc["bound"] <= doc["objective"] + 1e-6:
    problems.append("bound %r above objective %r" % (doc["bound"], doc["objective"]))
caseload = json.load(open(sys.argv[4]))
if [f["case"] for f in doc["families"]] != caseload["cases"]:
    problems.append("families not in caseload order")
for f in doc["families"]:
    for key in ("case", "plan", "status", "metrics", "baseline"):
        if key not in f:
            problems.append("family entry without %s" % key)
    folder = os.path.join(out, os.path.dirname(f["plan"]))
    for name in ("plan.json", "family.ics", "itinerary.html"):
        if not os.path.isfile(os.path.join(folder, name)):
            problems.append("%s missing in %s" % (name, folder))
    if os.path.exists(os.path.join(folder, "providers")):
        problems.append("%s has its own providers/ (they belong in OUT/providers)" % folder)
    plan = json.load(open(os.path.join(out, f["plan"])))
    if plan["metrics"] != f["metrics"]:
        problems.append("%s: metrics differ from its plan.json" % f["case"])
html = open(os.path.join(out, "report.html")).read()
for needle in ("<svg", "Trip days", "Provider load per week", "Families most affected"):
    if needle not in html:
        problems.append("report.html lacks %r" % needle)
if "<script" in html or "http://" in html.replace("http://www.w3.org/2000/svg", ""):
    problems.append("report.html is not self-contained")
for p in problems:
    print(p)
PYEOF

# ---- the caseloads with known optima ---------------------------------------
for name in one-slot lab-capacity-2 telehealth-pivot lose-and-drive shift-chain; do
    out="$tmp/out-$name"
    "$CAREDAY" batch "$DATA/$name/caseload.json" -o "$out" --jobs 2 --seed 3 --quiet \
        >"$tmp/$name.log" 2>&1
    rc=$?
    if [ ! -f "$out/caseload-plan.json" ]; then
        bad "$name: no caseload-plan.json (exit $rc)"
        sed 's/^/    /' "$tmp/$name.log"
        continue
    fi
    problems=$($PY "$tmp/compare.py" "$DATA/$name/expected.json" "$out" "$rc" \
        "$DATA/$name/caseload.json")
    if [ -z "$problems" ]; then ok "$name: totals, baseline, outputs"; else
        bad "$name"
        echo "$problems" | sed 's/^/    /'
    fi
    if [ "$have_checker" = 1 ]; then
        if $PY "$SRC/bench/check.py" --caseload "$DATA/$name/caseload.json" "$out" --quiet \
            >"$tmp/$name.check" 2>&1; then
            ok "$name: checker finds every family valid and no capacity conflict"
        else
            bad "$name: checker"
            sed 's/^/    /' "$tmp/$name.check"
        fi
    fi
done

# The lab with capacity 2 takes two children at once, never three.
if [ -f "$tmp/out-lab-capacity-2/providers/lab.ics" ]; then
    starts=$(grep '^DTSTART' "$tmp/out-lab-capacity-2/providers/lab.ics" | sort | uniq -c |
        awk '{print $1}' | sort -n | tr '\n' ' ')
    if [ "$starts" = "1 2 " ]; then ok "lab.ics: two children at 08:00 on one day, one on another"; else
        bad "lab.ics start counts: $starts"
    fi
    if grep -q 'Dr\. Ada Park\|Pediatrics' "$tmp/out-lab-capacity-2/providers/lab.ics"; then
        bad "lab.ics names another provider"
    else
        ok "lab.ics names no other provider"
    fi
fi

# ---- determinism -----------------------------------------------------------
for name in one-slot lab-capacity-2; do
    for run in 1 2; do
        "$CAREDAY" batch "$DATA/$name/caseload.json" -o "$tmp/det-$name-$run" --jobs 2 --seed 7 \
            --quiet >/dev/null 2>&1
    done
    same=1
    for f in $(cd "$tmp/det-$name-1" && find . -name plan.json -o -name family.ics | sort); do
        cmp -s "$tmp/det-$name-1/$f" "$tmp/det-$name-2/$f" || same=0
    done
    n=$(cd "$tmp/det-$name-1" && find . -name plan.json | wc -l)
    if [ "$same" = 1 ] && [ "$n" -gt 0 ]; then ok "$name: two runs, same seed and jobs: $n plan.json byte-identical"; else
        bad "$name: runs with the same seed and jobs differ"
    fi
    # Re-planned into the same OUT (its UID key kept): every calendar repeats too.
    cp -r "$tmp/det-$name-1" "$tmp/det-$name-3"
    "$CAREDAY" batch "$DATA/$name/caseload.json" -o "$tmp/det-$name-3" --jobs 2 --seed 7 \
        --quiet >/dev/null 2>&1
    same=1
    for f in $(cd "$tmp/det-$name-1" && find . -name plan.json -o -name '*.ics' | sort); do
        cmp -s "$tmp/det-$name-1/$f" "$tmp/det-$name-3/$f" || same=0
    done
    if [ "$same" = 1 ]; then ok "$name: re-planned into the same OUT: plan.json and calendars byte-identical"; else
        bad "$name: re-planning into the same OUT changed a file"
    fi
done

# ---- provider calendar UIDs: keyed, kept by re-planning, the key stays home ----
uid_of() { grep -h '^UID:' "$1"/providers/*.ics | tr -d '\r' | sort; }
key=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get("uid_key", ""))' \
    "$tmp/det-one-slot-1/caseload-plan.json" 2>/dev/null)
if echo "$key" | grep -Eq '^[0-9a-f]{32}$'; then ok "caseload-plan.json keeps a 128-bit uid_key"; else
    bad "caseload-plan.json has no uid_key: '$key'"
fi
# FNV-1a 64 of the case id "ben": what anyone could compute from a guessed name.
fnv=$($PY -c '
h = 14695981039346656037
for c in b"ben":
    h = ((h ^ c) * 1099511628211) % (1 << 64)
print("%016x" % h)')
if [ -n "$(uid_of "$tmp/det-one-slot-1")" ] && ! uid_of "$tmp/det-one-slot-1" | grep -q "$fnv"; then
    ok "batch provider UIDs are not the unkeyed digest of the case id"
else
    bad "batch provider UIDs carry the unkeyed digest $fnv"
fi
if [ "$(uid_of "$tmp/det-one-slot-1")" != "$(uid_of "$tmp/det-one-slot-2")" ]; then
    ok "two fresh batch plans do not share provider UIDs"
else
    bad "two fresh batch plans share provider UIDs"
fi
if [ "$(uid_of "$tmp/det-one-slot-1")" = "$(uid_of "$tmp/det-one-slot-3")" ]; then
    ok "re-planning into the same OUT keeps every provider UID"
else
    bad "re-planning into the same OUT changed provider UIDs"
fi
if [ -n "$key" ] && grep -rlq "$key" "$tmp/det-one-slot-1/providers" "$tmp/det-one-slot-1/families" \
    "$tmp/det-one-slot-1/report.html"; then
    bad "the UID key appears in a file sent to others"
else
    ok "the UID key is only in caseload-plan.json"
fi

# Publishing again into the same OUT replaces the earlier batch plan.
if "$CAREDAY" batch "$DATA/one-slot/caseload.json" -o "$tmp/out-one-slot" --jobs 1 --quiet \
    >/dev/null 2>&1 && [ -f "$tmp/out-one-slot/caseload-plan.json" ] &&
    ! ls -d "$tmp"/out-one-slot.careday-* >/dev/null 2>&1; then
    ok "a second run replaces OUT whole and leaves no staging folder"
else
    bad "second run into the same OUT"
fi

# ---- components and merge ----------------------------------------------------
$PY - "$DATA" "$tmp/two-groups.json" <<'PYEOF'
import json, sys
data, path = sys.argv[1], sys.argv[2]
cases = [data + "/one-slot/ben.json", data + "/lab-capacity-2/fam-a.json",
         data + "/one-slot/ana.json", data + "/lab-capacity-2/fam-b.json",
         data + "/lab-capacity-2/fam-c.json"]
json.dump({"careday": 1, "name": "two groups", "cases": cases}, open(path, "w"))
PYEOF
"$CAREDAY" batch "$tmp/two-groups.json" --components --json >"$tmp/comp.json" 2>"$tmp/comp.err"
ncomp=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["components"])' \
    "$tmp/comp.json" 2>/dev/null)
if [ "$ncomp" = 2 ]; then ok "--components: two groups that share no provider"; else
    bad "--components gave '$ncomp'"
    sed 's/^/    /' "$tmp/comp.err"
fi
"$CAREDAY" batch "$tmp/two-groups.json" -o "$tmp/whole" --jobs 2 --quiet >/dev/null 2>&1
"$CAREDAY" batch "$tmp/two-groups.json" --component 0 -o "$tmp/part0" --jobs 2 --quiet \
    >/dev/null 2>&1
"$CAREDAY" batch "$tmp/two-groups.json" --component 1 -o "$tmp/part1" --jobs 2 --quiet \
    >/dev/null 2>&1
"$CAREDAY" batch --merge "$tmp/part0" "$tmp/part1" -o "$tmp/merged" --quiet >/dev/null 2>&1
problems=$($PY - "$tmp/whole" "$tmp/merged" <<'PYEOF'
import json, os, sys
a = json.load(open(os.path.join(sys.argv[1], "caseload-plan.json")))
b = json.load(open(os.path.join(sys.argv[2], "caseload-plan.json")))
if a["metrics"] != b["metrics"] or a["baseline"] != b["baseline"]:
    print("merged totals %r differ from the whole run %r" % (b["metrics"], a["metrics"]))
if [f["case"] for f in a["families"]] != [f["case"] for f in b["families"]]:
    print("merged families are not in caseload order")
for f in b["families"]:
    if not os.path.isfile(os.path.join(sys.argv[2], f["plan"])):
        print("merged OUT lacks %s" % f["plan"])
if sorted(os.listdir(os.path.join(sys.argv[1], "providers"))) != \
        sorted(os.listdir(os.path.join(sys.argv[2], "providers"))):
    print("merged providers/ differ")
PYEOF
)
if [ -z "$problems" ] && [ -f "$tmp/merged/report.html" ]; then
    ok "--component 0, --component 1, --merge: same totals as the whole caseload"
else
    bad "components and merge"
    echo "$problems" | sed 's/^/    /'
fi
if [ "$have_checker" = 1 ]; then
    if $PY "$SRC/bench/check.py" --caseload "$tmp/two-groups.json" "$tmp/merged" --quiet \
        >"$tmp/merged.check" 2>&1; then ok "checker: merged caseload valid"; else
        bad "checker on the merged caseload"
        sed 's/^/    /' "$tmp/merged.check"
    fi
fi

# ---- the checker sees conflicts that families planned one at a time make ----
if [ "$have_checker" = 1 ]; then
    mkdir -p "$tmp/alone/families/ben" "$tmp/alone/families/ana"
    "$CAREDAY" plan "$DATA/one-slot/ben.json" -o "$tmp/alone-ben" --quiet >/dev/null 2>&1
    "$CAREDAY" plan "$DATA/one-slot/ana.json" -o "$tmp/alone-ana" --quiet >/dev/null 2>&1
    $PY - "$tmp" <<'PYEOF'
import json, os, sys, shutil
t = sys.argv[1]
fams, tot = [], {}
for fid in ("ben", "ana"):
    shutil.copy(os.path.join(t, "alone-" + fid, "plan.json"),
                os.path.join(t, "alone", "families", fid, "plan.json"))
    p = json.load(open(os.path.join(t, "alone-" + fid, "plan.json")))
    fams.append({"case": fid + ".json", "plan": "families/%s/plan.json" % fid,
                 "status": p["status"], "metrics": p["metrics"], "baseline": p["baseline"]})
    for k, v in p["metrics"].items():
        tot[k] = tot.get(k, 0) + v
doc = {"careday": 1, "caseload": "caseload.json", "status": "optimal", "objective": 0,
       "bound": 0, "gap": 0, "solve_ms": 0, "metrics": tot, "baseline": tot, "families": fams}
json.dump(doc, open(os.path.join(t, "alone", "caseload-plan.json"), "w"))
PYEOF
    $PY "$SRC/bench/check.py" --caseload "$DATA/one-slot/caseload.json" "$tmp/alone" --quiet \
        >"$tmp/alone.check" 2>&1
    rc=$?
    if [ "$rc" = 1 ] && grep -q 'VIOLATION capacity: provider neuro sees 2 patients' "$tmp/alone.check"; then
        ok "checker: two families planned alone on one slot is a capacity conflict"
    else
        bad "checker missed the conflict (exit $rc)"
        sed 's/^/    /' "$tmp/alone.check"
    fi
fi

# ---- bad input ---------------------------------------------------------------
"$CAREDAY" plan "$DATA/one-slot/caseload.json" -o "$tmp/plan-caseload" >"$tmp/pc.out" 2>"$tmp/pc.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'careday batch' "$tmp/pc.err" && grep -q caseload "$tmp/pc.err" &&
    [ ! -e "$tmp/plan-caseload" ]; then
    ok "plan on a caseload: exit 2, says to use careday batch"
else
    bad "plan on a caseload: exit $rc"
    sed 's/^/    /' "$tmp/pc.err"
fi

disagree() { # $1: field label, $2: python edit of ben.json's provider neuro
    mkdir -p "$tmp/dis-$1"
    cp "$DATA/one-slot/"*.json "$tmp/dis-$1/"
    $PY - "$tmp/dis-$1/ben.json" "$2" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
p = c["providers"][0]
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
PYEOF
    "$CAREDAY" batch "$tmp/dis-$1/caseload.json" -o "$tmp/dis-$1-out" >/dev/null 2>"$tmp/dis.err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q 'ana\.json' "$tmp/dis.err" && grep -q 'ben\.json' "$tmp/dis.err" &&
        grep -q "$1" "$tmp/dis.err" && [ ! -e "$tmp/dis-$1-out" ]; then
        ok "disagreeing provider ($1): exit 2 naming both files and the field"
    else
        bad "disagreeing provider ($1): exit $rc"
        sed 's/^/    /' "$tmp/dis.err"
    fi
}
disagree capacity 'p["capacity"] = 2'
disagree in_person.available 'p["in_person"]["hours"][0]["to"] = "09:45"'

# Two families' fixed bookings hold one provider at once: bad input, before planning.
mkdir -p "$tmp/dbl"
cp "$DATA/one-slot/"*.json "$tmp/dbl/"
$PY - "$tmp/dbl" <<'PYEOF'
import json, sys
for name in ("ben.json", "ana.json"):
    path = sys.argv[1] + "/" + name
    c = json.load(open(path))
    c["booked"] = [{"id": name[:3] + "-neuro-old", "provider": "neuro",
                    "start": "2026-12-08T08:00:00-05:00", "minutes": 40}]
    json.dump(c, open(path, "w"))
PYEOF
"$CAREDAY" batch "$tmp/dbl/caseload.json" -o "$tmp/dbl-out" >/dev/null 2>"$tmp/dbl.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'ana\.json: booked\[0\]' "$tmp/dbl.err" && grep -q 'ben\.json' "$tmp/dbl.err" &&
    grep -q 'ana-neuro-old' "$tmp/dbl.err" && grep -q 'ben-neuro-old' "$tmp/dbl.err" &&
    grep -q '2026-12-08T08:00' "$tmp/dbl.err" && [ ! -e "$tmp/dbl-out" ]; then
    ok "two families' fixed bookings over capacity: exit 2 naming both files and bookings"
else
    bad "fixed bookings over capacity: exit $rc"
    sed 's/^/    /' "$tmp/dbl.err"
fi

mkdir -p "$tmp/missing"
cp "$DATA/one-slot/"*.json "$tmp/missing/"
echo '{"careday": 1, "name": "m", "cases": ["ben.json", "nobody.json"]}' >"$tmp/missing/caseload.json"
"$CAREDAY" batch "$tmp/missing/caseload.json" -o "$tmp/missing-out" >/dev/null 2>"$tmp/miss.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'nobody\.json' "$tmp/miss.err" && [ ! -e "$tmp/missing-out" ]; then
    ok "missing family file: exit 2 naming it, nothing written"
else
    bad "missing family file: exit $rc"
    sed 's/^/    /' "$tmp/miss.err"
fi

# A generated caseload of 20 families (seed 11) with a short limit: the
# construction that follows the reservations of contested providers must keep
# capacity too (it once checked new plans against holds out of provider order
# and booked a provider twice: exit 1, nothing written).
"$CAREDAY" gen --families 20 --seed 11 -o "$tmp/gen20" >/dev/null 2>&1
"$CAREDAY" batch "$tmp/gen20/caseload.json" -o "$tmp/gen20-out" --time-limit 6 --jobs 2 --seed 1 \
    --quiet >/dev/null 2>"$tmp/gen20.err"
rc=$?
if { [ "$rc" = 0 ] || [ "$rc" = 3 ]; } && [ -f "$tmp/gen20-out/caseload-plan.json" ]; then
    ok "generated 20-family caseload: planned within capacity (exit $rc)"
else
    bad "generated 20-family caseload: exit $rc"
    grep -v warning "$tmp/gen20.err" | sed 's/^/    /'
fi

mkfifo "$tmp/pipe.json"
timeout 20 "$CAREDAY" batch "$tmp/pipe.json" -o "$tmp/pipe-out" >/dev/null 2>"$tmp/pipe.err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'named pipe' "$tmp/pipe.err" && [ ! -e "$tmp/pipe-out" ]; then
    ok "a named pipe as the caseload is refused at once"
else
    bad "named pipe as the caseload: exit $rc"
fi

mkdir -p "$tmp/foreign"
echo keep >"$tmp/foreign/notes.txt"
"$CAREDAY" batch "$DATA/one-slot/caseload.json" -o "$tmp/foreign" >/dev/null 2>"$tmp/for.err"
rc=$?
if [ "$rc" = 2 ] && [ -f "$tmp/foreign/notes.txt" ]; then
    ok "a folder that is not a batch plan is never replaced"
else
    bad "foreign OUT folder: exit $rc"
fi

finish
