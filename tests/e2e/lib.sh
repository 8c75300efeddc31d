# The preamble of every end-to-end test (tests/e2e/test_*.sh), sourced
# first:   . "$(dirname "$0")/lib.sh"
#
# It sets
#   SRC        the source tree (CAREDAY_SOURCE_DIR, or the checkout this
#              file is in), as an absolute path;
#   CAREDAY    the careday binary (CAREDAY, or build/adapters/careday), as
#              an absolute path, so a test may change folder;
#   PY         the system's python3 (bench/check.py's modules are there);
#   tmp        a scratch folder, removed at exit unless KEEP is set;
#              servers started through tests/net/lib.sh are stopped at exit;
#   pass fail  the counts of checks;
# and defines
#   ok [WHAT]           a check passed (WHAT, when given, is printed);
#   bad WHAT [DETAIL]   a check failed: "FAIL: WHAT", DETAIL indented below;
#   expect WHAT CMD...  ok when CMD succeeds, bad WHAT otherwise;
#   need_careday        stop (one failure) when the binary is not built;
#   need_python         skip (exit 77, CTest says skipped) without PY;
#   finish              print "N passed, M failed"; exit 0 only when none failed.
set -u

SRC=${CAREDAY_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
CAREDAY=${CAREDAY:-$SRC/build/adapters/careday}
case $CAREDAY in /*) ;; *) CAREDAY=$PWD/$CAREDAY ;; esac
PY=/usr/bin/python3
tmp=$(mktemp -d)
pass=0
fail=0

e2e_at_exit() {
    if declare -F net_stop_all >/dev/null; then net_stop_all; fi
    if [ -n "${KEEP:-}" ]; then echo "scratch folder kept: $tmp"; else rm -rf "$tmp"; fi
}
trap e2e_at_exit EXIT

ok() {
    pass=$((pass + 1))
    if [ $# -gt 0 ]; then echo "ok   $*"; fi
}

bad() {
    fail=$((fail + 1))
    echo "FAIL: $1"
    if [ -n "${2:-}" ]; then echo "$2" | sed 's/^/    /'; fi
}

expect() {
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}

need_careday() {
    [ -x "$CAREDAY" ] && return 0
    echo "careday binary not found: $CAREDAY (set CAREDAY)"
    echo "0 passed, 1 failed"
    exit 1
}

need_python() {
    [ -x "$PY" ] && return 0
    echo "SKIP: $PY not found"
    exit 77
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}
