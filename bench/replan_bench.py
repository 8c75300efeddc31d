"""`bench/run --replan`: how little a re-plan changes (docs/benchmark.md).

    bench/run --replan [--seeds 1,...,24] [--time-limit 60] [--model days|time]
                       [--work DIR] [--results DIR]

For each benchmark case (careday gen --families 1 --seed K, the same 24 seeds
as bench/run): plan it; take its first proposed in-person appointment (by
start) and remove the clinic time under it (a provider `busy` calendar with
one event over that appointment: the clinic cancelled the session); re-plan
with --previous. From changes.json: did that visit move, how many *other*
visits moved to another day or mode (shifts within the same day and mode
are counted apart), trips before and after. bench/check.py (--previous,
--now) must accept every re-plan. When other visits moved, what their moves
buy: the same re-plan again with those visits pinned where they were (their
previous date, mode and start), its trip days and objective against the
re-plan's. `now` is pinned (CAREDAY_NOW, default
2026-11-22T09:00:00Z) so the figures do not drift with the calendar.

Writes replan.md and replan.json under --results. Exit 1 when a run fails,
the checker finds a violation, or the target visit did not move.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
CHECK = os.path.join(ROOT, "bench", "check.py")
SEEDS = list(range(1, 25))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, timeout):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def utc_stamp(s):
    t = datetime.datetime.fromisoformat(s).astimezone(datetime.timezone.utc)
    return t.strftime("%Y%m%dT%H%M%SZ")


def cancel_session(case_path, appt, out_path):
    """A copy of the case (beside it) whose provider is busy over appt."""
    with open(case_path, encoding="utf-8") as f:
        case = json.load(f)
    ics = os.path.join(os.path.dirname(case_path), "session-cancelled.ics")
    with open(ics, "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join([
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//careday bench//replan//EN",
            "BEGIN:VEVENT", "UID:session-cancelled@bench", "DTSTAMP:20261101T000000Z",
            "DTSTART:" + utc_stamp(appt["start"]), "DTEND:" + utc_stamp(appt["end"]),
            "SUMMARY:Clinic session cancelled", "END:VEVENT", "END:VCALENDAR"]) + "\r\n")
    for p in case["providers"]:
        if p["id"] == appt["provider"]:
            p.setdefault("busy", []).append({"ics": "session-cancelled.ics"})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(case, f, indent=1)


def if_kept(base, changed, prev_plan, others, out, limit):
    """Re-plan with the other moved visits pinned at their previous date,
    mode and start (in the case's zone): what moving them bought."""
    with open(changed, encoding="utf-8") as f:
        case = json.load(f)
    with open(prev_plan, encoding="utf-8") as f:
        prev = {a["visit"]: a for a in json.load(f)["appointments"]}
    tz = ZoneInfo(case["timezone"])
    for v in case["visits"]:
        if v["id"] in others:
            a = prev[v["id"]]
            t = datetime.datetime.fromisoformat(a["start"]).astimezone(tz)
            v["pin"] = {"date": t.strftime("%Y-%m-%d"), "mode": a["mode"],
                        "start": t.strftime("%H:%M")}
    kept = changed.replace(".json", "-kept.json")
    with open(kept, "w", encoding="utf-8") as f:
        json.dump(case, f, indent=1)
    code, _, err, _ = run(base + [kept, "-o", out, "--previous", prev_plan], limit * 3 + 60)
    if code not in (0, 3):
        return {"problem": "exit %s: %s" % (code, err.strip()[-300:])}
    with open(os.path.join(out, "plan.json"), encoding="utf-8") as f:
        p = json.load(f)
    return {"trips": p["metrics"]["trips"], "objective": p["objective"],
            "unscheduled": p["metrics"]["unscheduled"], "status": p["status"]}


def one(careday, seed, work, limit, model, now):
    d = os.path.join(work, "seed-%02d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    r = {"seed": seed, "problems": []}
    code, _, err, _ = run([careday, "gen", "--families", "1", "--seed", str(seed), "-o", d], 120)
    if code != 0:
        r["problems"].append("careday gen failed: %s" % err.strip()[-300:])
        return r
    case = os.path.join(d, "family-001.json")
    base = [careday, "plan", "--time-limit", str(limit), "--quiet", "--model", model,
            "--now", now]
    code, _, err, wall = run(base + [case, "-o", os.path.join(d, "a")], limit * 3 + 60)
    if code not in (0, 3):
        r["problems"].append("first plan: exit %s: %s" % (code, err.strip()[-300:]))
        return r
    with open(os.path.join(d, "a", "plan.json"), encoding="utf-8") as f:
        a = json.load(f)
    target = next((x for x in a["appointments"]
                   if x["mode"] == "in_person" and x.get("state") == "proposed"), None)
    if target is None:
        r["skipped"] = "no proposed in-person appointment"
        return r
    r["target"] = target["visit"]
    changed = os.path.join(d, "family-001-changed.json")
    cancel_session(case, target, changed)
    prev = os.path.join(d, "a", "plan.json")
    code, _, err, wall = run(base + [changed, "-o", os.path.join(d, "b"), "--previous", prev],
                             limit * 3 + 60)
    r["replan_s"] = round(wall, 2)
    if code not in (0, 3):
        r["problems"].append("re-plan: exit %s: %s" % (code, err.strip()[-300:]))
        return r
    with open(os.path.join(d, "b", "plan.json"), encoding="utf-8") as f:
        b = json.load(f)
    with open(os.path.join(d, "b", "changes.json"), encoding="utf-8") as f:
        ch = json.load(f)
    moved = {m["visit"]: m for m in ch["moved"]}
    r["target_moved"] = target["visit"] in moved
    if not r["target_moved"]:
        r["problems"].append("%s did not move" % target["visit"])
    other_day_mode, other_shift = [], []
    for v, m in moved.items():
        if v == target["visit"]:
            continue
        f, t = m["from"], m["to"]
        if f["start"][:10] != t["start"][:10] or f["mode"] != t["mode"]:
            other_day_mode.append(v)
        else:
            other_shift.append(v)
    r["others_day_or_mode"] = other_day_mode
    r["others_shifted"] = other_shift
    r["cancelled"] = [c["visit"] for c in ch["cancelled"]]
    r["added"] = [c["visit"] for c in ch["added"]]
    r["kept"] = ch["kept"]
    r["appointments"] = len(a["appointments"])
    r["trips"] = [a["metrics"]["trips"], b["metrics"]["trips"]]
    r["status"] = b.get("status")
    r["objective"] = b.get("objective")
    if other_day_mode:
        r["if_kept"] = if_kept(base, changed, prev, other_day_mode, os.path.join(d, "c"), limit)
    code, out, err, _ = run([PYTHON, CHECK, changed, os.path.join(d, "b", "plan.json"), "--quiet",
                             "--previous", prev, "--now", now], 600)
    if code != 0:
        r["problems"].append("check.py: %s" % (out + err).strip()[-400:])
    return r


def write_results(results, args, now, careday):
    os.makedirs(args.results, exist_ok=True)
    done = [r for r in results if "target" in r and not r["problems"]]
    others = sum(len(r["others_day_or_mode"]) for r in done)
    shifts = sum(len(r["others_shifted"]) for r in done)
    summary = {
        "cases": len(results), "replanned": len(done),
        "target_moved": sum(1 for r in done if r["target_moved"]),
        "others_day_or_mode": others, "others_shifted": shifts,
        "cancelled": sum(len(r["cancelled"]) for r in done),
        "trips_before": sum(r["trips"][0] for r in done),
        "trips_after": sum(r["trips"][1] for r in done),
        "model": args.model, "now": now, "time_limit": args.time_limit,
    }
    with open(os.path.join(args.results, "replan.json"), "w", encoding="utf-8") as f:
        json.dump({"summary": summary, "cases": results}, f, indent=1)
    lines = [
        "# Re-planning after a cancelled clinic session (bench/run --replan)",
        "",
        "careday %s, --model %s, now %s, time limit %g s; run %s." % (
            os.path.relpath(careday, ROOT), args.model, now, args.time_limit,
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        "",
        "| seed | target | target moved | others to another day or mode | others shifted "
        "within the day | kept | trips before → after | objective | if the others stay: "
        "trips, objective | re-plan s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "target" not in r or r["problems"]:
            lines.append("| %d | %s | | | | | | | | %s |" % (
                r["seed"], r.get("target", ""), "; ".join(r["problems"]) or r.get("skipped", "")))
            continue
        k = r.get("if_kept")
        stay = ""
        if k and "problem" in k:
            stay = k["problem"]
        elif k:
            stay = "%d trips, %.0f (%+.0f%s)" % (
                k["trips"], k["objective"], k["objective"] - r["objective"],
                ", %d unscheduled" % k["unscheduled"] if k["unscheduled"] else "")
        lines.append("| %d | %s | %s | %s | %s | %d of %d | %d → %d | %.0f | %s | %.2f |" % (
            r["seed"], r["target"], "yes" if r["target_moved"] else "**no**",
            ", ".join(r["others_day_or_mode"]) or "0", ", ".join(r["others_shifted"]) or "0",
            r["kept"], r["appointments"], r["trips"][0], r["trips"][1], r["objective"], stay,
            r["replan_s"]))
    lines += ["", "Summed over %d re-planned cases: target moved in %d; %d other visits moved "
              "to another day or mode; %d shifted within their day; trips %d → %d." % (
                  summary["replanned"], summary["target_moved"], others, shifts,
                  summary["trips_before"], summary["trips_after"]), "",
              "*If the others stay*: the same re-plan with the other visits that moved to "
              "another day or mode pinned at their previous date, mode and start; its trip "
              "days and objective, and the objective's difference from the re-plan's (what "
              "moving them saved, net of their moves' cost).", ""]
    with open(os.path.join(args.results, "replan.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return summary


def main(argv, careday):
    ap = argparse.ArgumentParser(prog="bench/run --replan")
    ap.add_argument("--replan", action="store_true")
    ap.add_argument("--seeds", help="comma-separated seeds (default 1..24)")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--model", default="days", choices=("days", "time"))
    ap.add_argument("--careday")
    ap.add_argument("--work")
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args(argv[1:])
    now = os.environ.get("CAREDAY_NOW") or "2026-11-22T09:00:00Z"
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else SEEDS
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="careday-replan-")
    results = []
    for seed in seeds:
        r = one(careday, seed, work, args.time_limit, args.model, now)
        log("seed %d: %s" % (seed, json.dumps({k: r.get(k) for k in (
            "target", "target_moved", "others_day_or_mode", "others_shifted", "trips",
            "problems")})))
        results.append(r)
    s = write_results(results, args, now, careday)
    log("bench/run --replan: %s" % json.dumps(s))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    bad = any(r["problems"] for r in results)
    return 1 if bad else 0
