"""The scale study of `bench/run --scale`: how the cost of a proven optimum
grows with the size of one family's case.

A ladder of generated cases (careday gen --visits V --weeks W --places P),
from 10 visits over 6 weeks at 2 clinics to 40 visits over 26 weeks at 5,
each planned by

  * careday --model days   (the day-level decomposition, the default),
  * careday --model time   (the time-indexed model),
  * CBC on the time-indexed model exported with --export-model,

one process at a time, each with a wall-clock limit, recording status, time
to the proven optimum (careday's solve_ms; CBC's process wall time), the
bound and gap when stopped, and the peak resident memory of the process
(os.wait4's ru_maxrss). Writes bench/results/scale.json and scale.md, the
log-log plot docs/scale.svg (plain SVG written here, no plotting library),
and the section between the scale markers of docs/benchmark.md.

Only the Python standard library; the same helpers as bench/run.
"""

import datetime
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

# (visits, weeks, places): the ladder from the everyday case to the largest
LADDER = [(10, 6, 2), (15, 8, 3), (20, 12, 3), (25, 16, 4), (30, 20, 4), (40, 26, 5)]
MEMORY_LIMIT_MB = 200
BEGIN = "<!-- scale:begin (written by bench/run --scale) -->"
END = "<!-- scale:end -->"


def log(msg):
    import sys
    print(msg, file=sys.stderr, flush=True)


def measured(cmd, limit_s, cwd=None):
    """Run cmd with a wall-clock limit; return exit code (or "timeout"),
    stdout, stderr, wall seconds and the process's peak resident memory in
    MB (ru_maxrss of its own wait4, so one process, not the whole tree)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        status, ru, code = None, None, None
        while True:
            pid, st, r = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                status, ru = st, r
                break
            if time.monotonic() - t0 > limit_s:
                os.killpg(p.pid, signal.SIGKILL)
                _, status, ru = os.wait4(p.pid, 0)
                code = "timeout"
                break
            time.sleep(0.01)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        if code is None:
            code = p.returncode
        out.seek(0)
        err.seek(0)
        return (code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                wall, ru.ru_maxrss / 1024.0)


def careday_run(careday, case, out, model, limit):
    cmd = [careday, "plan", case, "-o", out, "--model", model, "--time-limit", str(limit),
           "--quiet"]
    code, _, err, wall, mb = measured(cmd, limit * 2 + 60)
    res = {"exit": code, "wall_s": round(wall, 3), "peak_mb": round(mb, 1)}
    if code not in (0, 3):
        res["status"] = "killed" if code == "timeout" else "error"
        res["error"] = err.strip()[-400:]
        return res
    with open(os.path.join(out, "plan.json"), encoding="utf-8") as f:
        plan = json.load(f)
    for k in ("status", "objective", "bound", "gap", "solve_ms"):
        res[k] = plan.get(k)
    res["metrics"] = plan.get("metrics")
    b = plan.get("baseline") or {}
    res["baseline"] = b.get("metrics", b)
    res["plan"] = os.path.join(out, "plan.json")
    return res


def cbc_run(mps, limit):
    cmd = ["cbc", mps, "sec", str(limit), "ratio", "0", "threads", "1", "solve"]
    code, out, _, wall, mb = measured(cmd, limit * 2 + 60)
    res = {"wall_s": round(wall, 3), "peak_mb": round(mb, 1), "status": "error",
           "objective": None}
    if code == "timeout":
        res["status"] = "killed"
        return res
    import re
    if re.search(r"Result - Optimal solution found", out):
        res["status"] = "optimal"
    elif re.search(r"Result - Stopped on time", out):
        res["status"] = "time limit"
    m = re.search(r"^Objective value:\s*([-0-9.e+]+)", out, re.M)
    if m:
        res["objective"] = float(m.group(1))
    m = re.search(r"^Lower bound:\s*([-0-9.e+]+)", out, re.M)
    if m:
        res["bound"] = float(m.group(1))
    m = re.search(r"^Gap:\s*([-0-9.e+]+)", out, re.M)
    if m:
        res["gap"] = float(m.group(1))
    return res


def case_facts(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    provs = {p["id"]: p for p in doc.get("providers", [])}
    clinics = {provs[v["provider"]]["in_person"]["place"] for v in doc.get("visits", [])
               if "in_person" in provs.get(v["provider"], {})}
    h = doc["horizon"]
    days = (datetime.date.fromisoformat(h["end"]) - datetime.date.fromisoformat(h["start"])).days
    return {"visits": len(doc.get("visits", [])), "clinics": len(clinics),
            "weeks": (days + 1) / 7.0}


def one_case(careday, work, size, seed, limit, peers, check):
    visits, weeks, places = size
    d = os.path.join(work, "v%02d-w%02d-p%d-s%d" % (visits, weeks, places, seed))
    shutil.rmtree(d, ignore_errors=True)
    r = {"size": {"visits": visits, "weeks": weeks, "places": places}, "seed": seed,
         "problems": []}
    code, _, err, _, _ = measured([careday, "gen", "--seed", str(seed), "--visits", str(visits),
                                   "--weeks", str(weeks), "--places", str(places), "-o", d], 120)
    if code != 0:
        r["problems"].append("careday gen failed: %s" % err.strip()[-300:])
        return r
    case = os.path.join(d, "family-001.json")
    r["case"] = case_facts(case)
    for model in ("days", "time"):
        r[model] = careday_run(careday, case, os.path.join(d, "out-" + model), model, limit)
        if "error" in r[model]:
            r["problems"].append("careday --model %s: exit %s: %s"
                                 % (model, r[model]["exit"], r[model]["error"]))
    if check and "plan" in r["days"]:
        code, out, err, _, _ = measured([check[0], check[1], case, r["days"]["plan"], "--quiet"],
                                        600)
        r["days"]["checked"] = code == 0
        if code != 0:
            r["problems"].append("check.py on the days plan: %s" % (out or err).strip()[-300:])
    if peers:
        mps = os.path.join(d, "model.mps")
        code, _, err, _, mb = measured([careday, "plan", case, "-o", os.path.join(d, "out-export"),
                                        "--export-model", mps, "--time-limit", "0.01",
                                        "--quiet"], 600)
        r["export_peak_mb"] = round(mb, 1)
        if os.path.exists(mps):
            r["mps_mb"] = round(os.path.getsize(mps) / 1048576.0, 1)
            r["cbc"] = cbc_run(mps, limit)
            os.remove(mps)  # tens of MB each; the numbers are kept
        else:
            r["problems"].append("--export-model wrote nothing: %s" % err.strip()[-300:])
    # Objectives where both proved optimality.
    me = [r[m] for m in ("days", "time") if r.get(m, {}).get("status") == "optimal"]
    if len(me) == 2 and abs(me[0]["objective"] - me[1]["objective"]) > 1e-6:
        r["problems"].append("days and time both optimal with objectives %s and %s"
                             % (me[0]["objective"], me[1]["objective"]))
    cb = r.get("cbc") or {}
    if me and cb.get("status") == "optimal" and cb.get("objective") is not None:
        tol = 0.01 * max(1, r["case"]["visits"]) + 1e-6
        if not -1e-6 <= cb["objective"] - me[0]["objective"] <= tol:
            r["problems"].append("CBC optimum %s differs from careday's %s"
                                 % (cb["objective"], me[0]["objective"]))
    for who in ("days", "time"):  # the limit is careday's; CBC's peak is only reported
        mb = (r.get(who) or {}).get("peak_mb")
        if mb is not None and mb > MEMORY_LIMIT_MB:
            r["problems"].append("careday --model %s used %.0f MB (limit %d)"
                                 % (who, mb, MEMORY_LIMIT_MB))
    return r


def seconds(res, who):
    """Time to the proven optimum, or None when not proven."""
    if not res:
        return None
    if who == "cbc":
        return res.get("wall_s") if res.get("status") == "optimal" else None
    if res.get("status") != "optimal" or res.get("solve_ms") is None:
        return None
    return res["solve_ms"] / 1000.0


def status_cell(res, who):
    if not res:
        return "–"
    st = res.get("status")
    if who == "cbc":
        if st == "optimal":
            return "%.2f" % res["wall_s"]
        gap = res.get("gap")
        return "TL%s" % ("" if gap is None else " gap %.1f %%" % (100 * gap))
    if st == "optimal":
        return "%.3f" % (res["solve_ms"] / 1000.0)
    if st in ("feasible", "partial"):
        return "%s gap %.2f %%" % ("TL" if st == "feasible" else "partial",
                                   100 * (res.get("gap") or 0))
    return st or "–"


def svg_plot(results, limit, path):
    """A log-log plot of time to the proven optimum against visits, one
    series per solver; runs stopped at the limit are hollow marks at the
    limit."""
    W, H, L, R, T, B = 720, 420, 70, 200, 30, 50
    series = [("days", "careday --model days", "#1b6ca8"),
              ("time", "careday --model time", "#d1495b"),
              ("cbc", "CBC on the time model", "#66a182")]
    xs = [r["case"]["visits"] for r in results if "case" in r]
    if not xs:
        return
    x0, x1 = math.log10(8), math.log10(50)
    y0, y1 = math.log10(0.001), math.log10(max(limit * 2, 10))

    def px(v):
        return L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)

    def py(v):
        v = min(max(v, 10 ** y0), 10 ** y1)
        return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">Time to a proven optimum, one family '
           '(log-log)</text>' % L]
    for e in range(int(math.floor(y0)), int(math.ceil(y1)) + 1):
        v = 10.0 ** e
        if not 10 ** y0 <= v <= 10 ** y1:
            continue
        y = py(v)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                   % (L, y, W - R, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s s</text>'
                   % (L - 6, y + 4, ("%g" % v)))
    for v in (10, 15, 20, 25, 30, 40):
        x = px(v)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                   % (x, T, x, H - B))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (x, H - B + 16, v))
    out.append('<text x="%d" y="%d" text-anchor="middle">visits (with the horizon 6 to 26 '
               'weeks, 2 to 5 clinics)</text>' % ((L + W - R) // 2, H - 12))
    yl = py(limit)
    out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#999" stroke-dasharray="4 3"/>'
               % (L, yl, W - R, yl))
    out.append('<text x="%d" y="%.1f" fill="#666">limit %g s</text>' % (L + 4, yl - 4, limit))
    for k, (who, label, colour) in enumerate(series):
        med = {}
        for r in results:
            if "case" not in r or who not in r:
                continue
            v = r["size"]["visits"]  # the ladder's size (the table has the exact count)
            t = seconds(r[who], who)
            x = px(v) + (k - 1) * 4
            if t is None:
                out.append('<circle cx="%.1f" cy="%.1f" r="4" fill="none" stroke="%s"/>'
                           % (x, yl, colour))
                med.setdefault(r["size"]["visits"], []).append(float(limit))
            else:
                out.append('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>' % (x, py(t), colour))
                med.setdefault(r["size"]["visits"], []).append(max(t, 10 ** y0))
        pts = sorted((v, statistics.median(ts)) for v, ts in med.items())
        if len(pts) > 1:
            out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>'
                       % (colour, " ".join("%.1f,%.1f" % (px(v) + (k - 1) * 4, py(t))
                                           for v, t in pts)))
        ly = T + 20 + 18 * k
        out.append('<circle cx="%d" cy="%d" r="4" fill="%s"/>' % (W - R + 10, ly, colour))
        out.append('<text x="%d" y="%d">%s</text>' % (W - R + 18, ly + 4, label))
    ly = T + 20 + 18 * len(series)
    out.append('<circle cx="%d" cy="%d" r="4" fill="none" stroke="#333"/>' % (W - R + 10, ly))
    out.append('<text x="%d" y="%d">not proven in time</text>' % (W - R + 18, ly + 4))
    out.append('<text x="%d" y="%d" fill="#666">lines: median per size</text>'
               % (W - R + 4, ly + 22))
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def markdown(results, info, limit, wall, problems):
    L = [BEGIN, ""]
    L.append("Measured %s on %s (%s CPUs, %s), commit %s; one process at a time, each run "
             "limited to %g s of solving; total wall %.0f s."
             % (info.get("date"), info.get("cpu"), info.get("nproc"), info.get("memory"),
                info.get("commit"), limit, wall))
    L.append("")
    L.append("![time to a proven optimum against visits, log-log](scale.svg)")
    L.append("")
    L.append("| visits | weeks | clinics | seed | days, s | time, s | CBC, s | days / time "
             "| days / CBC | peak MB days / time / CBC | model MPS MB | unsched plan/base "
             "| trips plan/base |")
    L.append("|" + "---|" * 13)
    for r in results:
        if "case" not in r:
            continue
        c, d, t, cb = r["case"], r.get("days") or {}, r.get("time") or {}, r.get("cbc") or {}
        sd, st, sc = seconds(d, "days"), seconds(t, "time"), seconds(cb, "cbc")
        m, b = d.get("metrics") or {}, d.get("baseline") or {}
        ratio = lambda a, z: "%.3f" % (a / z) if a is not None and z else "–"  # noqa: E731
        L.append("| %d | %.0f | %d | %d | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s/%s "
                 "| %s/%s |" % (
                     c["visits"], c["weeks"], c["clinics"], r["seed"], status_cell(d, "days"),
                     status_cell(t, "time"), status_cell(cb, "cbc"), ratio(sd, st),
                     ratio(sd, sc), d.get("peak_mb", "–"), t.get("peak_mb", "–"),
                     cb.get("peak_mb", "–"),
                     r.get("mps_mb", "–"),
                     m.get("unscheduled", "–"), b.get("unscheduled", "–"),
                     m.get("trips", "–"), b.get("trips", "–")))
    L.append("")
    L.append("Times are to the proven optimum: careday's `solve_ms` (candidates, baseline, model "
             "and search), CBC's process wall time on the exported time-indexed model (reading "
             "the file included). `TL gap g` means stopped at the limit with the plan's gap to "
             "the proven bound. Peak MB is the largest resident size of each process.")
    L.append("")
    if problems:
        L.append("Problems in this run:")
        L.append("")
        for p in problems:
            L.append("- %s" % p)
    else:
        L.append("No problems: every days plan passed bench/check.py, where two solvers proved "
                 "an optimum they agree, and no careday process went above %d MB."
                 % MEMORY_LIMIT_MB)
    L.append("")
    L.append(END)
    return "\n".join(L)


def update_doc(doc_path, section):
    with open(doc_path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN in text and END in text:
        a = text.index(BEGIN)
        b = text.index(END) + len(END)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n## Scale study (`bench/run --scale`)\n\n" + section + "\n"
    with open(doc_path, "w", encoding="utf-8") as f:
        f.write(text)


def run_scale(args, careday, root, python, check_py, machine_info):
    """The whole study; returns the exit status for bench/run."""
    limit = args.time_limit if args.time_limit_given else 60.0
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else [1, 2]
    peers = not args.no_peers and shutil.which("cbc") is not None
    keep = bool(args.work)
    work = os.path.abspath(args.work) if keep else tempfile.mkdtemp(prefix="careday-scale-")
    os.makedirs(work, exist_ok=True)
    log("bench/run --scale: %s, sizes %s, seeds %s, limit %g s, work in %s"
        % (careday, LADDER, seeds, limit, work))
    t0 = time.monotonic()
    results, problems = [], []
    # Each seed climbs the whole ladder before the next starts, so the budget
    # never starves the largest size; no new case starts once it is spent.
    for seed in seeds:
        for size in LADDER:
            if time.monotonic() - t0 > args.scale_budget:
                problems.append("v%d w%d p%d seed %d: skipped, the study passed its %g s budget"
                                % (size + (seed, args.scale_budget)))
                continue
            r = one_case(careday, work, size, seed, limit, peers, (python, check_py))
            results.append(r)
            d, t, cb = r.get("days") or {}, r.get("time") or {}, r.get("cbc") or {}
            log("v%2d w%2d p%d s%d: days %-14s time %-14s cbc %-14s  MB %s/%s/%s%s" % (
                size[0], size[1], size[2], seed, status_cell(d, "days"), status_cell(t, "time"),
                status_cell(cb, "cbc"), d.get("peak_mb"), t.get("peak_mb"), cb.get("peak_mb"),
                "" if not r["problems"] else "  PROBLEMS: %d" % len(r["problems"])))
            for p in r["problems"]:
                log("    !!! %s" % p)
                problems.append("v%d w%d p%d seed %d: %s" % (size + (seed, p)))
    wall = time.monotonic() - t0
    for r in results:  # work paths mean nothing afterwards
        for k in ("days", "time"):
            (r.get(k) or {}).pop("plan", None)
    info = machine_info(careday)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "scale.json"), "w", encoding="utf-8") as f:
        json.dump({"machine": info, "limit_s": limit, "seeds": seeds, "ladder": LADDER,
                   "wall_s": round(wall, 1), "problems": problems, "cases": results}, f,
                  indent=1)
        f.write("\n")
    section = markdown(results, info, limit, wall, problems)
    with open(os.path.join(args.results, "scale.md"), "w", encoding="utf-8") as f:
        f.write(section + "\n")
    docs = os.path.join(root, "docs")
    svg_plot(results, limit, os.path.join(docs, "scale.svg"))
    update_doc(os.path.join(docs, "benchmark.md"), section)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print(section)
    hard = [p for p in problems if "skipped" not in p]
    log("bench/run --scale: done in %.0f s, %d problem(s)" % (wall, len(hard)))
    return 1 if hard else 0
