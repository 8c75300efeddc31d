"""Check a whole caseload plan (careday batch OUT/) independently of careday.

Every family's plan.json is checked against its case like check.py does
alone; then what only a caseload can break: a provider id must mean one
provider (same capacity in every case), no provider sees more patients at
once than its capacity over all families and all modes, caseload-plan.json
lists the families in caseload order with the plan and metrics found in
their folders, and its totals add up.
"""

import datetime
import json
import os

from checklib import case as caselib
from checklib import rules
from checklib import timeset as ts


class CaseloadError(Exception):
    pass


def _load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise CaseloadError("cannot read %s: %s: %s" % (what, path, exc.strerror or exc))
    except json.JSONDecodeError as exc:
        raise CaseloadError("%s: %s:%d: not JSON: %s" % (what, path, exc.lineno, exc.msg))


def check(caseload_path, out_dir):
    """Returns (violations, notes, totals, conflicts); violations are (rule, text)."""
    cl = _load_json(caseload_path, "caseload")
    doc = _load_json(os.path.join(out_dir, "caseload-plan.json"), "caseload plan")
    if not isinstance(cl.get("cases"), list) or not isinstance(doc.get("families"), list):
        raise CaseloadError("caseload.cases or caseload-plan.families is not a list")
    base = os.path.dirname(os.path.abspath(caseload_path))
    violations, notes = [], []
    listed = cl["cases"]
    fams = doc["families"]
    # A component run plans some of the families; each must be in order.
    positions = []
    for f in fams:
        if f.get("case") not in listed:
            violations.append(("caseload", "family %r is not listed in the caseload" % f.get("case")))
            continue
        positions.append(listed.index(f["case"]))
    if positions != sorted(positions) or len(set(positions)) != len(positions):
        violations.append(("caseload", "families are not in caseload order, or repeated"))
    if len(fams) == len(listed) and [f.get("case") for f in fams] != listed:
        violations.append(("caseload", "families differ from the caseload's cases"))

    capacity = {}  # provider id -> (capacity, case file)
    by_provider = {}  # provider id -> [(start, end, family)]
    totals = {k: 0 for k in rules.METRIC_KEYS}
    base_totals = {k: 0 for k in rules.METRIC_KEYS}
    for f in fams:
        case_path = os.path.join(base, f["case"])
        try:
            c = caselib.load(case_path)
        except caselib.CaseError as exc:
            raise CaseloadError("cannot read case %s: %s" % (case_path, exc))
        plan_path = os.path.join(out_dir, f.get("plan", ""))
        plan = _load_json(plan_path, "plan")
        try:
            r = rules.check(c, plan)
        except rules.PlanError as exc:
            raise CaseloadError("%s: %s" % (plan_path, exc))
        for rule, text in r.violations:
            violations.append((rule, "%s: %s" % (f["case"], text)))
        if f.get("metrics") != plan.get("metrics"):
            violations.append(("caseload", "%s: metrics in caseload-plan.json differ from its "
                               "plan.json" % f["case"]))
        for k in rules.METRIC_KEYS:
            totals[k] += r.metrics.get(k, 0)
            base_totals[k] += (f.get("baseline") or {}).get(k, 0)
        for pid, p in c.providers.items():
            cap = p["capacity"]
            if pid in capacity and capacity[pid][0] != cap:
                violations.append(("provider", "provider %s has capacity %d in %s and %d in %s"
                                   % (pid, capacity[pid][0], capacity[pid][1], cap, f["case"])))
            capacity.setdefault(pid, (cap, f["case"]))
        for a in r.appts:
            by_provider.setdefault(a["visit"]["provider"], []).append(
                (a["start"], a["end"], f["case"]))
    conflicts = 0
    for pid, lst in sorted(by_provider.items()):
        cap = capacity[pid][0]
        events = sorted([(s, 1, who) for s, e, who in lst] + [(e, -1, who) for s, e, who in lst],
                        key=lambda x: (x[0], x[1]))
        cur = 0
        for t, delta, who in events:
            cur += delta
            if delta > 0 and cur > cap:
                conflicts += 1
                violations.append(("capacity", "provider %s sees %d patients at %s (capacity %d), "
                                   "the last from %s" % (pid, cur, ts.fmt(t, datetime.timezone.utc), cap, who)))
    for k in rules.METRIC_KEYS:
        if (doc.get("metrics") or {}).get(k) != totals[k]:
            violations.append(("caseload", "metrics.%s is %r, the families add up to %d"
                               % (k, (doc.get("metrics") or {}).get(k), totals[k])))
        if (doc.get("baseline") or {}).get(k) != base_totals[k]:
            violations.append(("caseload", "baseline.%s is %r, the families add up to %d"
                               % (k, (doc.get("baseline") or {}).get(k), base_totals[k])))
    obj, bound = doc.get("objective"), doc.get("bound")
    if isinstance(obj, (int, float)) and isinstance(bound, (int, float)) and bound > obj + 0.5:
        violations.append(("caseload", "bound %g is above the objective %g" % (bound, obj)))
    notes.append("%d families, %d provider capacity conflicts" % (len(fams), conflicts))
    return violations, notes, totals, conflicts
