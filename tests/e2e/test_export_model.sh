#!/usr/bin/env bash
# --export-model writes the time-indexed model as free MPS, named after
# docs/model.md. Checks, on cases the suite already plans:
#   * every row and column of the exported file has a name, none is the
#     writer's fallback (R<i>, C<i>) or a made-unique "~" copy;
#   * every row name matches a pattern listed under "## Rows" in
#     docs/model.md, every column name one listed under "## Variables"
#     (<date> is YYYY-MM-DD, <hhmm> four digits, <mode> a mode, <n> a count);
#   * rivera-winter uses every row family 1-12 of the doc;
#   * glpsol reads the file back and finds careday's optimum (plus at most
#     the 0.001-per-visit tie-breaks) on a small case;
#   * an export path that cannot be written is bad input (exit 2), and GLPK
#     prints nothing on the terminal.
#
# Environment: CAREDAY (the binary), CAREDAY_SOURCE_DIR (repo root).
. "$(dirname "$0")/lib.sh"

export CAREDAY_MESSAGES=${CAREDAY_MESSAGES:-$SRC/adapters/output/messages}
export CAREDAY_NOW=${CAREDAY_NOW:-2026-11-22T09:00:00Z}

need_careday

cat >"$tmp/names.py" <<'PYEOF'
"""Check an exported MPS file's names against docs/model.md."""
import re, sys

doc, mps, need_all = sys.argv[1], sys.argv[2], sys.argv[3] == "all"
text = open(doc, encoding="utf-8").read()

def section(title):
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    body = text[start:end if end >= 0 else len(text)]
    cut = body.find("\n### ")
    return body if cut < 0 else body[:cut]

PARTS = {"date": r"\d{4}-\d{2}-\d{2}", "hhmm": r"\d{4}", "mode": "(in_person|telehealth|home)",
         "n": r"\d+"}

def pattern(tok):
    tok = tok.replace("<candidate>", "<visit>_<mode>_<date>_<hhmm>")
    out, pos = "", 0
    for m in re.finditer(r"<([a-z]+)>", tok):
        out += re.escape(tok[pos:m.start()]) + PARTS.get(m.group(1), ".+")
        pos = m.end()
    return re.compile("^" + out + re.escape(tok[pos:]) + "$")

def tokens(body):
    return [t for t in re.findall(r"`([^`]+)`", body) if "<" in t and " " not in t]

cols = [pattern(t) for t in tokens(section("## Variables"))]
rows_body = section("## Rows")
families = {}  # family number -> its row patterns
for m in re.finditer(r"^(\d+)\. \*\*(.*?)(?=^\d+\. \*\*|\Z)", rows_body, re.M | re.S):
    families[int(m.group(1))] = [pattern(t) for t in tokens(m.group(0))]
rows = [p for ps in families.values() for p in ps]
problems = []
if len(families) != 12 or not cols or not all(families.values()):
    problems.append("docs/model.md: expected 12 row families with names and named columns, "
                    "found %d families, %d column patterns" % (len(families), len(cols)))

row_names, col_names, sec = [], [], None
for line in open(mps, encoding="utf-8"):
    if not line[:1].isspace():
        sec = line.split()[0]
        continue
    f = line.split()
    if sec == "ROWS" and f[0] != "N":
        row_names.append(f[1])
    elif sec == "COLUMNS" and f[1] != "'MARKER'" and (not col_names or col_names[-1] != f[0]):
        col_names.append(f[0])
if not row_names or not col_names:
    problems.append("no rows or no columns in the file")
used = set()
for kind, names, pats in (("row", row_names, rows), ("column", col_names, cols)):
    for name in names:
        if re.match(r"^[RC]\d+$", name) or "~" in name:
            problems.append("%s %s has no name of its own" % (kind, name))
            continue
        hit = [p for p in pats if p.match(name)]
        if not hit:
            problems.append("%s %s matches no name in docs/model.md" % (kind, name))
        if kind == "row":
            used.update(n for n, ps in families.items() if any(p in ps for p in hit))
if need_all:
    missing = sorted(set(families) - used)
    if missing:
        problems.append("row families never used: %s" % missing)
for p in problems[:20]:
    print(p)
print("%d rows, %d columns, families %s" % (len(row_names), len(col_names), sorted(used)),
      file=sys.stderr)
sys.exit(1 if problems else 0)
PYEOF

# Every name of a rich example (all twelve families) and a small case.
for spec in "examples/rivera-winter.json:all" "tests/data/cases/lab-before-specialist/case.json:some" \
    "tests/data/cases/impossible-visit/case.json:some"; do
    file=${spec%%:*}
    need=${spec##*:}
    name=$(basename "$(dirname "$file")")_$(basename "$file" .json)
    "$CAREDAY" plan "$SRC/$file" -o "$tmp/$name" --quiet --time-limit 60 \
        --export-model "$tmp/$name.mps" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    rc=$?
    # Exit 3: a visit left out (impossible-visit), still a complete export.
    if { [ $rc -ne 0 ] && [ $rc -ne 3 ]; } || [ ! -s "$tmp/$name.mps" ]; then
        bad "export $file" "exit $rc; $(tail -n 3 "$tmp/$name.stderr")"
        continue
    fi
    if [ -s "$tmp/$name.stdout" ] || grep -qiv '^careday: warning' "$tmp/$name.stderr"; then
        bad "export $file prints nothing but warnings" "$(head -n 5 "$tmp/$name.stdout" "$tmp/$name.stderr")"
    else
        ok "export $file prints nothing but warnings"
    fi
    if out=$("$PY" "$tmp/names.py" "$SRC/docs/model.md" "$tmp/$name.mps" "$need" 2>"$tmp/$name.names"); then
        ok "names of $file follow docs/model.md ($(cat "$tmp/$name.names"))"
    else
        bad "names of $file follow docs/model.md" "$out"
    fi
done

# glpsol reads the file back and agrees with careday's optimum, also where
# visits are unscheduled by construction (their penalty is in the file).
if command -v glpsol >/dev/null 2>&1; then
  for name in lab-before-specialist_case impossible-visit_case; do
    glpsol --freemps "$tmp/$name.mps" --tmlim 60 -o "$tmp/$name.sol" >"$tmp/glpsol.log" 2>&1
    got=$(sed -n 's/^Objective: *cost = \([-0-9.e+]*\).*/\1/p' "$tmp/$name.sol")
    want=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["objective"])' \
        "$tmp/$name/plan.json")
    if [ -n "$got" ] && "$PY" -c 'import sys; g,w=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if w-1e-6 <= g <= w+0.01 else 1)' "$got" "$want"; then
        ok "glpsol solves the exported model of $name to careday's optimum ($got vs $want)"
    else
        bad "glpsol solves the exported model to careday's optimum" "$name: glpsol: '$got', careday: $want; $(tail -n 3 "$tmp/glpsol.log")"
    fi
  done
else
    echo "skip glpsol read-back: glpsol not installed"
fi

# A path that cannot be written: exit 2, named in the message, no GLPK chatter.
"$CAREDAY" plan "$SRC/tests/data/cases/dst-week/case.json" -o "$tmp/x" --quiet \
    --export-model "$tmp/no-such-dir/model.mps" >"$tmp/x.stdout" 2>"$tmp/x.stderr"
rc=$?
if [ $rc -eq 2 ] && grep -q "no-such-dir/model.mps" "$tmp/x.stderr" && [ ! -s "$tmp/x.stdout" ] &&
    [ ! -e "$tmp/x/plan.json" ]; then
    ok "unwritable --export-model path is bad input"
else
    bad "unwritable --export-model path is bad input" "exit $rc; $(cat "$tmp/x.stdout" "$tmp/x.stderr")"
fi

finish
