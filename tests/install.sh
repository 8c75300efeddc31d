#!/usr/bin/env bash
# `cmake --install` and the installed program on its own: builds a copy of
# the source tree, installs it into a temporary prefix, deletes the copy,
# then plans a bundled example with the installed program from another
# folder (and again after moving the whole prefix). The program must find
# its message catalogues in its own prefix and nowhere else.
#
# usage: tests/install.sh [CMAKE-ARGUMENT...]   e.g. -DCMAKE_BUILD_TYPE=Release
# Environment: JOBS (parallel build jobs, default 2). Prints
# "install: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy=$tmp/careday-src
prefix=$tmp/prefix
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
finish() {
    echo "install: $pass passed, $fail failed"
    [ $fail = 0 ]
    exit
}

# The tree as a user has it: no build folders, no outputs, no git.
mkdir -p "$copy"
tar -C "$src" --exclude=./.git --exclude='./build*' --exclude='./out*' -cf - . | tar -C "$copy" -xf -
if cmake -S "$copy" -B "$copy/build" "$@" >"$tmp/configure.log" 2>&1 &&
    cmake --build "$copy/build" -j"$jobs" >"$tmp/build.log" 2>&1; then
    ok
else
    bad "the copy does not build"; cat "$tmp/configure.log"; grep -E 'warning|error' "$tmp/build.log" | head -20; tail -5 "$tmp/build.log"
    finish
fi
if cmake --install "$copy/build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then ok; else bad "cmake --install failed"; cat "$tmp/install.log"; finish; fi
had_man=$(cd "$copy/docs" && ls ./*.[1-9].scd ./*.[1-9] 2>/dev/null | head -1)
rm -rf "$copy"

for f in bin/careday share/doc/careday/README.md share/doc/careday/cli.md \
    share/doc/careday/examples/rivera-winter.json; do
    if [ -e "$prefix/$f" ]; then ok; else bad "$f is not installed"; fi
done
if [ -e "$prefix/share/locale/en/LC_MESSAGES/careday.mo" ] &&
    [ -e "$prefix/share/locale/es/LC_MESSAGES/careday.mo" ]; then
    ok
else
    bad "no message catalogue is installed"
fi
if [ -n "$had_man" ]; then
    if ls "$prefix"/share/man/man1/careday.1 >/dev/null 2>&1; then ok; else bad "the manual page is not installed"; fi
fi
# No path of the tree it was built from in the program's data (a path
# compiled in would be looked into).
if readelf -p .rodata "$prefix/bin/careday" 2>/dev/null | grep -qF "$copy"; then
    bad "the installed program holds a path of the source tree:"
    readelf -p .rodata "$prefix/bin/careday" | grep -F "$copy" | head -5
else
    ok
fi

# plan PREFIX: plan the Spanish example from another folder, with nothing in
# the environment pointing at catalogues.
plan() {
    local p=$1 run=$tmp/elsewhere-$RANDOM
    mkdir -p "$run"
    (cd "$run" && env -u CAREDAY_MESSAGES -u CAREDAY_LOCALEDIR "$p/bin/careday" plan \
        "$p/share/doc/careday/examples/rivera-winter.json" -o out --now 2026-11-22T09:00:00Z --quiet >"$run/log" 2>&1)
    local rc=$?
    if [ $rc = 0 ]; then ok; else bad "installed careday plan exited $rc"; cat "$run/log"; return; fi
    for f in plan.json family.ics itinerary.html; do
        if [ -s "$run/out/$f" ]; then ok; else bad "out/$f missing"; fi
    done
    if grep -q 'Plan de cuidados' "$run/out/itinerary.html"; then ok; else bad "the itinerary is not in Spanish (catalogues not found)"; fi
}
plan "$prefix"
mv "$prefix" "$tmp/moved"
plan "$tmp/moved"
finish
