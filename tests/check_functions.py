#!/usr/bin/env python3
"""Functions longer than ~100 lines in the product code, and whether each
says why.

A function of calendars/, solver/, scheduler/ or adapters/ longer than
LIMIT lines (from its opening brace to its closing one) must say why in the
comment just above it, with the words "Long on purpose" (and the reason).
The files are formatted by clang-format, so a definition's braces stand
alone at the start of a line.

usage: check_functions.py SOURCE-DIR [--list]
    prints each long function without a reason (exit 1 if any);
    --list prints every long function, with or without one (exit 0).
usage: check_functions.py --self-test
    checks the checker on functions written for it.
"""
import os
import re
import sys

FOLDERS = ["calendars", "solver", "scheduler", "adapters"]
LIMIT = 100
REASON = re.compile(r"[Ll]ong on purpose")
NAME = re.compile(r"(\w+)\s*\(")


def long_functions(root):
    """(path, line, name, length, reason) of every function over LIMIT."""
    for folder in FOLDERS:
        for dirpath, _, files in sorted(os.walk(os.path.join(root, folder))):
            for f in sorted(files):
                if not f.endswith(".c"):
                    continue
                path = os.path.join(dirpath, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().split("\n")
                yield from scan(os.path.relpath(path, root), lines)


def scan(rel, lines):
    i = 0
    while i < len(lines):
        if lines[i] != "{":
            i += 1
            continue
        # The signature: the lines above the brace back to a blank line, a
        # comment, a preprocessor line or the end of a declaration.
        start = i
        while start > 0:
            above = lines[start - 1]
            if (not above.strip() or above.startswith(("/*", " *", "#", "}"))
                    or above.rstrip().endswith(";")):
                break
            start -= 1
        end = i + 1
        while end < len(lines) and lines[end] != "}":
            end += 1
        length = end - i + 1
        if length > LIMIT:
            signature = " ".join(lines[start:i])
            m = NAME.search(signature)
            comment = []
            c = start - 1
            while c >= 0 and lines[c].startswith(("/*", " *")):
                comment.append(lines[c])
                c -= 1
            reason = any(REASON.search(x) for x in comment)
            yield rel, start + 1, m.group(1) if m else "?", length, reason
        i = end + 1


def self_test():
    body = ["    x++;"] * LIMIT
    short = ["static void s(void)", "{", "    x++;", "}"]
    plain = ["static int", "plain(int a,", "      int b)", "{"] + body + ["}"]
    said = ["/* Long on purpose: one loop. */", "static void said(void)", "{"] + body + ["}"]
    got = [(n, r) for _, _, n, _, r in scan("x.c", short + [""] + plain + [""] + said)]
    want = [("plain", False), ("said", True)]
    if got != want:
        print("self-test failed: found %r, expected %r" % (got, want))
        return 1
    print("self-test passed")
    return 0


def main(argv):
    if argv[1:2] == ["--self-test"]:
        return self_test()
    if len(argv) < 2:
        print(__doc__.strip())
        return 2
    listing = "--list" in argv[2:]
    bad = 0
    for rel, line, name, length, reason in long_functions(argv[1]):
        if listing:
            print("%s:%d: %s: %d lines%s" % (rel, line, name, length,
                                            "" if reason else " (no reason given)"))
        elif not reason:
            bad += 1
            print("%s:%d: %s is %d lines long (over %d): split it, or say why in the comment "
                  "above it (\"Long on purpose: ...\")" % (rel, line, name, length, LIMIT))
    return 1 if bad and not listing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
