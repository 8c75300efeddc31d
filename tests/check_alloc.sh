#!/usr/bin/env bash
# Every allocation of product code goes through the one wrapper
# (calendars/util.h: cal_malloc, cal_calloc, cal_realloc, cal_strdup; in
# solver/, which includes no other folder, solver_malloc and friends, which
# the program points at the same wrapper). A direct malloc, calloc, realloc,
# strdup, strndup, asprintf or open_memstream in calendars/, solver/,
# scheduler/ or adapters/ is reported; only the wrappers themselves may call
# the C library.
# usage: check_alloc.sh SOURCE-DIR    prints each call; exit 1 if any.
set -uo pipefail
src=${1:?usage: check_alloc.sh SOURCE-DIR}
cd "$src" || exit 2
hits=$(grep -nE '(^|[^A-Za-z0-9_>.])(malloc|calloc|realloc|strdup|strndup|v?asprintf|open_memstream)[[:space:]]*\(' \
    calendars/*.c calendars/*.h solver/*.c solver/*.h scheduler/*.c scheduler/*.h \
    adapters/*.c adapters/*.h adapters/*/*.c adapters/*/*.h 2>/dev/null |
    grep -vE '^(calendars/error\.c|solver/alloc\.c):' |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
if [ -n "$hits" ]; then
    echo "allocation outside the wrapper (use cal_malloc/cal_calloc/cal_realloc/cal_strdup):"
    echo "$hits"
    exit 1
fi
echo "every allocation goes through the wrapper"
