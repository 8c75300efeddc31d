"""`bench/run --caseload`: careday batch on generated caseloads (docs/benchmark.md).

    bench/run --caseload [--families 30,150,1000] [--seed 11] [--time-limit 60]
                         [--jobs 2] [--check-max 150] [--work DIR] [--results DIR]

For each size: `careday gen --families N --seed S`, then one `careday batch
--time-limit T --jobs J` run under /usr/bin/time (peak RSS: the largest of
careday and its workers). From its progress lines on stderr (one every 5 s
when stderr is not a terminal): objective, bound and gap at 10, 30 and 60 s
of search; from caseload-plan.json: load time, time to the first complete
plan (the batch baseline) and to the end of construction (every family
planned once), totals against the batch baseline; then bench/check.py
--caseload (every family's plan valid, 0 capacity conflicts) for caseloads
up to --check-max families. Writes caseload.md and caseload.json under
--results. Exit 1 when a run fails or the checker finds a violation.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
PROGRESS = re.compile(r"careday: batch: ([0-9.]+) s, (\d+) of (\d+) families planned, objective "
                      r"([0-9.]+), bound ([0-9.]+), gap ([0-9.]+)%")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def at(progress, t):
    """The last progress line at or before t seconds of search."""
    best = None
    for p in progress:
        if p["t"] <= t + 0.5:
            best = p
    return best


def one(careday, n, seed, args, work):
    d = os.path.join(work, "caseload-%d" % n)
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.monotonic()
    subprocess.run([careday, "gen", "--families", str(n), "--seed", str(seed), "-o", d],
                   check=True, capture_output=True)
    gen_s = time.monotonic() - t0
    out = os.path.join(d, "out")
    cmd = ["/usr/bin/time", "-f", "RSS_KB %M WALL_S %e", careday, "batch",
           os.path.join(d, "caseload.json"), "-o", out, "--time-limit", str(args.time_limit),
           "--jobs", str(args.jobs), "--seed", str(seed)]
    log("bench/run --caseload: %d families: %s" % (n, " ".join(cmd[3:])))
    p = subprocess.run(cmd, capture_output=True, text=True)
    r = {"families": n, "seed": seed, "exit": p.returncode, "gen_s": round(gen_s, 1)}
    m = re.search(r"RSS_KB (\d+) WALL_S ([0-9.]+)", p.stderr)
    if m:
        r["peak_rss_mb"] = round(int(m.group(1)) / 1024.0, 1)
        r["wall_s"] = float(m.group(2))
    progress = [{"t": float(g[0]), "solved": int(g[1]), "objective": float(g[3]),
                 "bound": float(g[4]), "gap": float(g[5]) / 100.0}
                for g in PROGRESS.findall(p.stderr)]
    doc_path = os.path.join(out, "caseload-plan.json")
    if p.returncode not in (0, 3) or not os.path.exists(doc_path):
        r["error"] = p.stderr[-2000:]
        return r
    doc = json.load(open(doc_path))
    s = doc.get("search", {})
    r.update({"status": doc["status"], "objective": doc["objective"], "bound": doc["bound"],
              "gap": doc["gap"], "solve_ms": doc["solve_ms"], "load_ms": s.get("load_ms"),
              "first_plan_ms": s.get("first_plan_ms"), "construct_ms": s.get("construct_ms"),
              "rounds": s.get("rounds"), "moves": s.get("moves"), "accepted": s.get("accepted"),
              "master": s.get("master"),
              "stopped_by_time": s.get("stopped_by_time"), "metrics": doc["metrics"],
              "baseline": doc["baseline"], "conflicts_reported": doc.get("conflicts")})
    r["at"] = {}
    for t in (10, 30, 60):
        if t > args.time_limit + 0.5:
            continue
        q = at(progress, t)
        if r["solve_ms"] / 1000.0 <= t + 0.5:
            # the search ended by then: its final figures hold from then on
            q = {"t": r["solve_ms"] / 1000.0, "objective": doc["objective"],
                 "bound": doc["bound"], "gap": doc["gap"], "solved": n}
        r["at"]["%ds" % t] = q
    if n <= args.check_max:
        t0 = time.monotonic()
        c = subprocess.run([PYTHON, os.path.join(ROOT, "bench", "check.py"), "--caseload",
                            os.path.join(d, "caseload.json"), out, "--quiet"],
                           capture_output=True, text=True)
        r["check"] = {"exit": c.returncode, "last": (c.stdout.strip().splitlines() or [""])[-1],
                      "violations": sum(1 for ln in c.stdout.splitlines()
                                        if ln.startswith("VIOLATION")),
                      "capacity": sum(1 for ln in c.stdout.splitlines()
                                      if ln.startswith("VIOLATION capacity")),
                      "seconds": round(time.monotonic() - t0, 1)}
    return r


def fmt_at(q):
    if not q:
        return "–"
    return "%.0f / %.0f (%.2f %%)" % (q["objective"], q["bound"], 100 * q["gap"])


def report(rows, args, info):
    out = ["# careday batch on generated caseloads", "",
           "Machine: %s. Settings: `--time-limit %g --jobs %d`, seed %d (`careday gen "
           "--families N --seed %d`)." % (info, args.time_limit, args.jobs, args.seed, args.seed),
           "", "| families | load | first plan | construction | objective / bound (gap) at 10 s "
           "| at 30 s | at 60 s | peak RSS | wall | exit |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            out.append("| %d | run failed (exit %s) | | | | | | | | |" % (r["families"], r["exit"]))
            continue
        cons = ("%.1f s" % (r["construct_ms"] / 1000.0)) if r["construct_ms"] >= 0 else "not reached"
        out.append("| %d | %.1f s | %.2f s | %s | %s | %s | %s | %s MB | %s s | %d |"
                   % (r["families"], r["load_ms"] / 1000.0, r["first_plan_ms"] / 1000.0, cons,
                      fmt_at(r["at"].get("10s")), fmt_at(r["at"].get("30s")),
                      fmt_at(r["at"].get("60s")), r.get("peak_rss_mb"), r.get("wall_s"),
                      r["exit"]))
    out += ["", "Times of the search count from the end of loading. Totals, plan against the "
            "batch baseline (families in caseload order, one visit at a time):", "",
            "| families | status | unscheduled | trip days | in person | telehealth | home | "
            "travel minutes | checker |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            continue
        m, b = r["metrics"], r["baseline"]
        ck = r.get("check")
        cks = ck["last"] if ck else "not run"
        out.append("| %d | %s | %d (%d) | %d (%d) | %d (%d) | %d (%d) | %d (%d) | %d (%d) | %s |"
                   % (r["families"], r["status"], m["unscheduled"], b["unscheduled"], m["trips"],
                      b["trips"], m["in_person"], b["in_person"], m["telehealth"],
                      b["telehealth"], m["home"], b["home"], m["travel_minutes"],
                      b["travel_minutes"], cks))
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/run --caseload")
    ap.add_argument("--caseload", action="store_true")
    ap.add_argument("--careday")
    ap.add_argument("--families", default="30,150,1000")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--check-max", type=int, default=150,
                    help="run the checker on caseloads up to this many families")
    ap.add_argument("--work")
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args(argv[1:])
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    careday = args.careday or os.environ.get("CAREDAY") or os.path.join(ROOT, "build", "adapters",
                                                                       "careday")
    keep = bool(args.work)
    work = os.path.abspath(args.work) if keep else tempfile.mkdtemp(prefix="careday-caseload-")
    os.makedirs(work, exist_ok=True)
    rows = []
    for n in [int(x) for x in args.families.split(",")]:
        rows.append(one(careday, n, args.seed, args, work))
        log(json.dumps(rows[-1]))
    info = "%s, %d cores" % (os.uname().machine, os.cpu_count())
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "caseload.md"), "w", encoding="utf-8") as f:
        f.write(report(rows, args, info))
    with open(os.path.join(args.results, "caseload.json"), "w", encoding="utf-8") as f:
        json.dump({"settings": vars(args), "machine": info, "runs": rows}, f, indent=2)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in rows if "error" in r or (r.get("check") and r["check"]["exit"] != 0)]
    log("bench/run --caseload: wrote %s" % os.path.join(args.results, "caseload.md"))
    return 1 if bad else 0
