#!/usr/bin/env python3
"""Include direction and cycles between the folders and rooms of careday.

The five folders depend one way (README.md, "Source layout"):

    calendars, solver  <-  scheduler  <-  adapters

and adapters/ is split in rooms that depend one way too:

    cli  ->  input, output, gen  ->  adapters.h (the layer's public header)

with output never reaching into input, input never into output, and
nothing but cli including cli/ (gen may use cli/commands.h: `careday gen`
is a command). A file may include headers of its own folder or room and of
those it may depend on; anything else is an upward (or sideways) include.
Between files, no include cycle: a module (x.c with its header x.h, and
the x_<part> files split from it; a *_internal.h header is a node of its
own) that includes another module's header
must not be included back by it, directly or through others.

usage: check_includes.py SOURCE-DIR    prints each problem; exit 1 if any.
"""
import os
import re
import sys

FOLDERS = ["calendars", "solver", "scheduler", "adapters"]
# What each folder or room may include besides itself.
ALLOWED = {
    "calendars": set(),
    "solver": set(),
    "scheduler": {"calendars", "solver"},
    "adapters": {"calendars", "solver", "scheduler"},
    "adapters/input": {"calendars", "solver", "scheduler", "adapters"},
    "adapters/output": {"calendars", "solver", "scheduler", "adapters"},
    "adapters/gen": {"calendars", "solver", "scheduler", "adapters", "adapters/cli"},
    "adapters/cli": {"calendars", "solver", "scheduler", "adapters", "adapters/input",
                     "adapters/output", "adapters/gen"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def place(path):
    """The folder or room a file belongs to: 'scheduler', 'adapters/cli', ..."""
    parts = path.split("/")
    if parts[0] == "adapters" and len(parts) > 2:
        return "adapters/" + parts[1]
    return parts[0]


def module(path, files):
    """The module a file is part of: x.c and x.h, and x_<part>.c/.h split
    from it (fhir_doc.c, case_fields.c), when x.c or x.h is a file of the
    same folder. A *_internal.h header holds what the files of a folder or
    room share (CONVENTIONS.md) and is a node of its own."""
    d, f = os.path.split(path)
    stem = os.path.splitext(f)[0]
    if stem.endswith("_internal"):
        return path  # a folder's or room's private header: a node of its own
    while "_" in stem:
        head = stem.rsplit("_", 1)[0]
        if d + "/" + head + ".c" in files or d + "/" + head + ".h" in files:
            stem = head
        else:
            break
    return d + "/" + stem


def self_test():
    """The check finds an upward include, a sideways one between rooms and
    a cycle between modules, in small trees written for the purpose."""
    import subprocess
    import tempfile

    cases = {
        "upward": {"calendars/time.c": '#include "scheduler/scheduler.h"\n',
                   "scheduler/scheduler.h": ""},
        "sideways": {"adapters/input/case.c": '#include "adapters/output/outputs.h"\n',
                     "adapters/output/outputs.h": ""},
        "cycle": {"scheduler/a.c": '#include "scheduler/b.h"\n', "scheduler/a.h": "",
                  "scheduler/b.c": '#include "scheduler/a.h"\n', "scheduler/b.h": ""},
        "clean": {"scheduler/a.c": '#include "scheduler/b.h"\n#include "calendars/c.h"\n',
                  "scheduler/b.h": "", "calendars/c.h": "",
                  "scheduler/a_internal.h": '#include "scheduler/a.h"\n', "scheduler/a.h": ""},
    }
    bad = 0
    for name, tree in cases.items():
        with tempfile.TemporaryDirectory() as d:
            for path, text in tree.items():
                os.makedirs(os.path.join(d, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(d, path), "w") as fh:
                    fh.write(text)
            rc = subprocess.run([sys.executable, __file__, d], capture_output=True).returncode
        if (rc == 0) != (name == "clean"):
            print(f"FAIL: self-test {name}: exit {rc}")
            bad += 1
    print(f"includes self-test: {len(cases) - bad} passed, {bad} failed")
    return 1 if bad else 0


def main():
    if sys.argv[1:2] == ["--self-test"]:
        return self_test()
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    files = []
    for folder in FOLDERS:
        for root, _, names in os.walk(os.path.join(src, folder)):
            for n in names:
                if n.endswith((".c", ".h")):
                    files.append(os.path.relpath(os.path.join(root, n), src))
    fileset = set(files)
    problems = []
    edges = {}
    for f in sorted(files):
        with open(os.path.join(src, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        here = place(f)
        for inc in INCLUDE.findall(text):
            if not os.path.exists(os.path.join(src, inc)):
                problems.append(f"{f}: includes \"{inc}\", which is not a file of the tree "
                                "(includes are written from the project root)")
                continue
            there = place(inc)
            if there != here and there not in ALLOWED.get(here, set()):
                problems.append(f"{f}: includes \"{inc}\": {here} may not depend on {there}")
            a, b = module(f, fileset), module(inc, fileset)
            # x_internal.h builds on x.h, the public header it completes.
            if a.endswith("_internal.h") and a[: -len("_internal.h")] == b:
                continue
            if a != b:
                edges.setdefault(a, set()).add(b)
    # Cycles between modules (Tarjan's strongly connected components).
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sccs:
        problems.append("include cycle between " + ", ".join(comp))
    for p in problems:
        print("FAIL:", p)
    print(f"includes: {len(files)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
