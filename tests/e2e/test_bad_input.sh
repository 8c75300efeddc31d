#!/usr/bin/env bash
# Bad input: `careday plan` on every case under tests/data/bad/ must exit 2
# (or the code in the case's `exit` file: 4 for a source that cannot be
# fetched), name the case file, print every line of the case's `expect` file
# (the JSON path or line, and what was expected) on stderr, and write nothing:
# the output folder must not exist afterwards.
#
# Environment: CAREDAY (the built binary), CAREDAY_SOURCE_DIR (the source tree).
. "$(dirname "$0")/lib.sh"
need_careday

check() { # name condition-description command...
    local name=$1 what=$2
    shift 2
    if "$@"; then
        return 0
    fi
    echo "FAIL: $name: $what"
    return 1
}

for dir in "$SRC"/tests/data/bad/*/; do
    name=$(basename "$dir")
    case_file="$dir/case.json"
    case_file=${case_file//\/\//\/}
    want_exit=2
    [ -f "$dir/exit" ] && want_exit=$(tr -d '[:space:]' <"$dir/exit")
    out="$tmp/$name/out"
    mkdir -p "$tmp/$name"

    "$CAREDAY" plan "$case_file" -o "$out" --quiet >"$tmp/$name/stdout" 2>"$tmp/$name/stderr"
    code=$?

    ok=1
    check "$name" "exit code $code, expected $want_exit" [ "$code" = "$want_exit" ] || ok=0
    check "$name" "stderr does not name the case file $case_file" \
        grep -qF -- "$case_file" "$tmp/$name/stderr" || ok=0
    while IFS= read -r want || [ -n "$want" ]; do
        [ -z "$want" ] && continue
        check "$name" "stderr lacks \"$want\"" grep -qF -- "$want" "$tmp/$name/stderr" || ok=0
    done <"$dir/expect"
    check "$name" "stderr does not start with \"careday: error:\"" \
        grep -q '^careday: error: ' "$tmp/$name/stderr" || ok=0
    check "$name" "the output folder was created" [ ! -e "$out" ] || ok=0
    check "$name" "something was printed on stdout" [ ! -s "$tmp/$name/stdout" ] || ok=0

    # `careday check` agrees on the exit code and the message.
    "$CAREDAY" check "$case_file" >"$tmp/$name/check.out" 2>"$tmp/$name/check.err"
    ccode=$?
    check "$name" "check: exit code $ccode, expected $want_exit" [ "$ccode" = "$want_exit" ] || ok=0
    head -n 1 "$dir/expect" | {
        IFS= read -r first
        check "$name" "check: stderr lacks \"$first\"" grep -qF -- "$first" "$tmp/$name/check.err"
    } || ok=0

    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "--- stderr of $name:"
        cat "$tmp/$name/stderr"
    fi
done

# An output folder that already exists is left as it was.
name=existing-out
out="$tmp/$name/out"
mkdir -p "$out"
echo keep >"$out/note.txt"
"$CAREDAY" plan "$SRC/tests/data/bad/unknown-provider/case.json" -o "$out" \
    >/dev/null 2>&1
code=$?
if [ "$code" = 2 ] && [ "$(ls -A "$out")" = "note.txt" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: $name: exit $code, folder holds: $(ls -A "$out" | tr '\n' ' ')"
    fail=$((fail + 1))
fi

# An output "folder" that is a file is bad input, and the file is left alone.
echo keep >"$tmp/a-file"
"$CAREDAY" plan "$SRC/tests/data/bad/unknown-provider/case.json" -o "$tmp/a-file" \
    >/dev/null 2>"$tmp/a-file.err"
code=$?
if [ "$code" = 2 ] && [ "$(cat "$tmp/a-file")" = keep ] && grep -q "not a folder" "$tmp/a-file.err"; then
    pass=$((pass + 1))
else
    echo "FAIL: -o naming a file: exit $code"
    fail=$((fail + 1))
fi

# Usage errors are bad input too.
for args in "plan" "plan a.json b.json" "plan --lang fr x.json" "plan --time-limit -3 x.json" \
    "plan --bogus x.json" "frobnicate"; do
    # shellcheck disable=SC2086
    "$CAREDAY" $args >/dev/null 2>"$tmp/usage.err"
    code=$?
    if [ "$code" = 2 ] && [ -s "$tmp/usage.err" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: usage \"careday $args\": exit $code"
        fail=$((fail + 1))
    fi
done

# CAREDAY_NOW must be an RFC 3339 instant.
CAREDAY_NOW=yesterday "$CAREDAY" plan "$SRC/tests/data/bad/unknown-provider/case.json" \
    -o "$tmp/now-out" >/dev/null 2>"$tmp/now.err"
code=$?
if [ "$code" = 2 ] && grep -q CAREDAY_NOW "$tmp/now.err" && [ ! -e "$tmp/now-out" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: CAREDAY_NOW=yesterday: exit $code"
    fail=$((fail + 1))
fi

finish
