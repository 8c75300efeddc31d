#!/usr/bin/env bash
# Allocation-failure injection over a whole `careday plan` run: the N-th
# allocation of the run (and every later one, as when memory runs out) fails,
# for N from 1 to the run's count. Each run must stop cleanly: exit 1, a
# message that says "out of memory" and nothing but careday's one-line
# messages on stderr, no sanitizer report (crash, leak, undefined
# behaviour), and OUT exactly as it was (same names, sizes, modes,
# contents; no staging folder left beside it). With N past the count, the
# run succeeds.
#
# Needs a build with CAREDAY_ALLOC_INJECTION (on in Debug builds, as the
# ASan build of .ci/test), best under ASan so that leaks and crashes show.
#
# Then the same into an OUT that does not exist yet: the run must leave
# neither OUT nor a staging folder, and no message may name the staging
# folder (the user knows OUT, not it).
#
# usage: alloc_fail.sh [--full | --sample K S]
#   --full      every N (a nightly run: about 2 x 11 000 runs of 0.3 s under ASan)
#   --sample K S  (default, CI) every N up to K, every N in the K before the
#               end, and every S-th N in between, from a start that moves
#               with S so that strides of different runs do not line up
#               (default K=15, S=250: about 80 runs, 30-60 s under ASan);
#               into a new OUT, every N in the K before the end.
# Environment: CAREDAY (the built binary), CAREDAY_SOURCE_DIR (the tree),
# ALLOC_FAIL_CASE (a case file; default examples/rivera-winter.json).
set -u
careday=${CAREDAY:?set CAREDAY to the careday binary}
src=${CAREDAY_SOURCE_DIR:?set CAREDAY_SOURCE_DIR}
case_file=${ALLOC_FAIL_CASE:-$src/examples/rivera-winter.json}
mode=sample K=15 S=250
case ${1:-} in
--full) mode=full ;;
--sample) K=${2:?K} S=${3:?S} ;;
"") ;;
*) echo "usage: alloc_fail.sh [--full | --sample K S]"; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
# Sanitizers keep their own exit code so that a leak is not taken for exit 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1
plan() { # N
    CAREDAY_FAIL_ALLOC=$1 timeout 60 "$careday" plan "$case_file" -o "$out" \
        --now 2026-11-22T09:00:00Z --quiet >"$tmp/stdout" 2>"$tmp/stderr"
}
# Everything of OUT and beside it that a failed run must leave as it was.
snapshot() {
    (cd "$tmp" && find . -path ./stdout -prune -o -path ./stderr -prune -o -path ./snap -prune \
        -o -printf '%p %y %s %m\n' | LC_ALL=C sort &&
        find out -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# A first plan in OUT (the previous plan every failing run must leave alone),
# then the length of a run that plans over it.
if ! CAREDAY_FAIL_ALLOC= timeout 60 "$careday" plan "$case_file" -o "$out" \
    --now 2026-11-22T09:00:00Z --quiet >/dev/null 2>"$tmp/stderr"; then
    echo "alloc_fail: the case does not plan without injection:"; cat "$tmp/stderr"; exit 1
fi
CAREDAY_FAIL_ALLOC=count timeout 60 "$careday" plan "$case_file" -o "$out" \
    --now 2026-11-22T09:00:00Z --quiet >/dev/null 2>"$tmp/stderr"
total=$(sed -n 's/^careday: \([0-9][0-9]*\) allocations$/\1/p' "$tmp/stderr")
if [ -z "$total" ]; then
    echo "alloc_fail: $careday does not count allocations (build it with CAREDAY_ALLOC_INJECTION)"
    cat "$tmp/stderr"; exit 1
fi
before=$(snapshot)

if [ $mode = full ]; then
    ns=$(seq 1 "$total")
else
    ns=$( (seq 1 "$K"; seq $((K + 1 + S % 97)) "$S" "$total"; seq $((total - K + 1)) "$total") |
        awk -v t="$total" '$1 >= 1 && $1 <= t' | sort -n | uniq)
fi
runs=0 fail=0
bad() { # N what
    fail=$((fail + 1))
    echo "FAIL: CAREDAY_FAIL_ALLOC=$1: $2"
    sed 's/^/    /' "$tmp/stderr" | head -30
}
for n in $ns; do
    runs=$((runs + 1))
    plan "$n"
    rc=$?
    if grep -qE 'Sanitizer|runtime error' "$tmp/stderr"; then
        bad "$n" "sanitizer report (exit $rc)"
    elif [ $rc != 1 ]; then
        bad "$n" "exit $rc, expected 1"
    elif ! grep -q 'out of memory' "$tmp/stderr"; then
        bad "$n" "no \"out of memory\" in the message"
    elif grep -qv '^careday: ' "$tmp/stderr"; then
        bad "$n" "a line on stderr that is not one of careday's messages"
    elif grep -q '\.careday-' "$tmp/stderr"; then
        bad "$n" "a message names the staging folder, not OUT"
    elif [ "$(snapshot)" != "$before" ]; then
        bad "$n" "OUT changed"
        diff <(echo "$before") <(snapshot) | head -10
    fi
    if [ "$(snapshot)" != "$before" ]; then
        rm -rf "$out" "$tmp"/.out.* # start again from the previous plan
        CAREDAY_FAIL_ALLOC= "$careday" plan "$case_file" -o "$out" --now 2026-11-22T09:00:00Z \
            --quiet >/dev/null 2>&1
        before=$(snapshot)
    fi
done
# Past the count, nothing fails and the plan is written.
plan $((total + 1))
rc=$?
runs=$((runs + 1))
[ $rc = 0 ] || bad $((total + 1)) "exit $rc past the last allocation, expected 0"
echo "alloc_fail: over an earlier plan: $runs runs of $total allocations, $((runs - fail)) passed, $fail failed"

# A first plan into an OUT that does not exist yet (the staging folder is
# renamed into place): the last allocations (writing plan.json, the very
# last) fail with a message naming OUT, and neither OUT nor a staging
# folder beside it is left.
rm -rf "$out"
CAREDAY_FAIL_ALLOC=count timeout 60 "$careday" plan "$case_file" -o "$out" \
    --now 2026-11-22T09:00:00Z --quiet >/dev/null 2>"$tmp/stderr"
fresh=$(sed -n 's/^careday: \([0-9][0-9]*\) allocations$/\1/p' "$tmp/stderr")
[ -n "$fresh" ] || { echo "alloc_fail: no count for a new OUT"; cat "$tmp/stderr"; exit 1; }
if [ $mode = full ]; then
    ns=$(seq 1 "$fresh")
else
    ns=$(seq $((fresh - K + 1)) "$fresh" | awk '$1 >= 1')
fi
for n in $ns; do
    runs=$((runs + 1))
    rm -rf "$out"
    plan "$n"
    rc=$?
    if grep -qE 'Sanitizer|runtime error' "$tmp/stderr"; then
        bad "$n" "new OUT: sanitizer report (exit $rc)"
    elif [ $rc != 1 ] || ! grep -q 'out of memory' "$tmp/stderr"; then
        bad "$n" "new OUT: exit $rc, expected 1 with \"out of memory\""
    elif grep -qv '^careday: ' "$tmp/stderr"; then
        bad "$n" "new OUT: a line on stderr that is not one of careday's messages"
    elif grep -q '\.careday-' "$tmp/stderr"; then
        bad "$n" "new OUT: a message names the staging folder, not OUT"
    elif [ -n "$(cd "$tmp" && find . -name 'out' -o -name '.out.*')" ]; then
        bad "$n" "new OUT: OUT or a staging folder was left: $(cd "$tmp" && find . -name 'out' -o -name '.out.*')"
    fi
done
echo "alloc_fail: $runs runs ($mode; $total allocations over an earlier plan, $fresh into a new OUT), $((runs - fail)) passed, $fail failed"
[ $fail = 0 ]
