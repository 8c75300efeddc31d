#!/usr/bin/python3
"""Check a careday plan against its case, independently of the planner.

    check.py CASE.json PLAN.json [--quiet] [--previous OLD.json --now INSTANT]
    check.py --caseload CASELOAD.json OUT/ [--quiet]

Re-reads the case and every source it names, recomputes travel, trips and
metrics from the plan's appointments and checks every hard rule of
DESIGN.md §3-§4. Prints one line per violation,

    VIOLATION <rule>: <details>

and finally "check: OK (n appointments)" or "check: N violations".
With --caseload, OUT/ is what `careday batch` wrote: every family's plan is
checked against its case, and provider capacity across all families
(checklib/caseload.py); the last line is "check: OK (n families, 0
capacity conflicts)" or "check: N violations".
Exit status: 0 valid, 1 violations, 2 unreadable case or plan.
See docs/checker.md.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checklib import case as caselib  # noqa: E402
from checklib import rules  # noqa: E402
from checklib import timeset as ts  # noqa: E402

USAGE = ("usage: check.py CASE.json PLAN.json [--quiet] [--previous OLD.json --now INSTANT]"
         " | --caseload CASELOAD.json OUT/ [--quiet]")


def _option(argv, name):
    """Remove "name VALUE" or "name=VALUE" from argv; return VALUE or None."""
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            value = argv[i + 1]
            del argv[i:i + 2]
            return value
        if a.startswith(name + "="):
            del argv[i]
            return a[len(name) + 1:]
    return None


def main_caseload(args, quiet):
    from checklib import caseload  # noqa: E402

    try:
        violations, notes, totals, conflicts = caseload.check(args[0], args[1])
    except caseload.CaseloadError as exc:
        print("check: %s" % exc, file=sys.stderr)
        return 2
    for rule, text in violations:
        print("VIOLATION %s: %s" % (rule, text))
    if not quiet:
        for note in notes:
            print("note: %s" % note)
        print("note: totals %s" % " ".join("%s=%d" % (k, totals[k]) for k in rules.METRIC_KEYS))
    if violations:
        print("check: %d violations" % len(violations))
        return 1
    print("check: OK (%s)" % notes[-1])
    return 0


def main(argv):
    argv = list(argv)
    previous_path = _option(argv, "--previous")
    now_text = _option(argv, "--now")
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = [a for a in argv[1:] if a.startswith("--")]
    if len(args) != 2 or any(f not in ("--quiet", "--help", "--caseload") for f in flags):
        print(USAGE, file=sys.stderr)
        return 2
    if "--help" in flags:
        print(__doc__.strip())
        return 0
    quiet = "--quiet" in flags
    if "--caseload" in flags:
        return main_caseload(args, quiet)
    case_path, plan_path = args
    try:
        c = caselib.load(case_path)
    except caselib.CaseError as exc:
        print("check: cannot read case: %s" % exc, file=sys.stderr)
        return 2
    try:
        with open(plan_path, encoding="utf-8") as f:
            plan = json.load(f)
    except OSError as exc:
        print("check: cannot read plan: %s: %s" % (plan_path, exc.strerror or exc), file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print("check: cannot read plan: %s:%d: not JSON: %s" % (plan_path, exc.lineno, exc.msg),
              file=sys.stderr)
        return 2
    previous, now = None, None
    if now_text is not None:
        now = ts.parse_instant(now_text)
        if now is None:
            print("check: --now: expected an RFC 3339 instant", file=sys.stderr)
            return 2
    if previous_path is not None:
        try:
            with open(previous_path, encoding="utf-8") as f:
                previous = json.load(f)
        except (OSError, json.JSONDecodeError) as exc:
            print("check: cannot read the previous plan: %s: %s" % (previous_path, exc),
                  file=sys.stderr)
            return 2
    try:
        result = rules.check(c, plan, previous, now)
    except rules.PlanError as exc:
        print("check: cannot read plan: %s" % exc, file=sys.stderr)
        return 2
    for rule, text in result.violations:
        print("VIOLATION %s: %s" % (rule, text))
    if not quiet:
        for note in result.notes:
            print("note: %s" % note)
        print("note: metrics %s" % " ".join("%s=%d" % (k, result.metrics[k])
                                            for k in rules.METRIC_KEYS))
    if result.violations:
        print("check: %d violations" % len(result.violations))
        return 1
    print("check: OK (%d appointments)" % result.nappts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
