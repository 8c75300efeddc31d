#!/usr/bin/env bash
# Each public header compiles alone, and no dependency's type (GLPK, libical,
# jansson, curl) appears in a header outside its own folder.
set -u
src=$1
cc=${2:-cc}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in calendars/calendars.h calendars/careday_error.h solver/solver.h scheduler/scheduler.h adapters/*.h; do
    [ -f "$src/$h" ] || continue
    case "$h" in *_internal.h) continue ;; esac
    printf '#include "%s"\n#include "%s"\nint main(void){return 0;}\n' "$h" "$h" >"$tmp/t.c"
    if ! "$cc" -std=c11 -Wall -Wextra -Werror -I"$src" -c "$tmp/t.c" -o "$tmp/t.o" 2>"$tmp/err"; then
        echo "FAIL: $h does not compile alone:"; cat "$tmp/err"; fail=1
    fi
done
check() { # folder-that-may pattern description
    local allowed=$1 pat=$2 what=$3
    while IFS= read -r f; do
        case "$f" in "$allowed"/*) continue ;; esac
        if grep -nE "$pat" "$src/$f" >/dev/null; then
            echo "FAIL: $what appears in $f:"; grep -nE "$pat" "$src/$f"; fail=1
        fi
    done < <(cd "$src" && ls calendars/*.h solver/*.h scheduler/*.h adapters/*.h 2>/dev/null)
}
check solver '\bglp_[a-z]+|glpk\.h' "a GLPK type"
check calendars '\bical[a-z_]+|libical/' "a libical type"
check adapters '\bjson_t\b|jansson\.h|\bCURL\b|curl/|libxml/|\bxml[A-Z][A-Za-z]+' "a jansson, curl or libxml2 type"
# And in public headers of every folder, no dependency header at all.
for h in calendars/calendars.h calendars/careday_error.h solver/solver.h scheduler/scheduler.h adapters/adapters.h; do
    if grep -nE '#include *[<"](glpk\.h|libical/|jansson\.h|curl/|libxml/)' "$src/$h"; then
        echo "FAIL: $h includes a dependency header"; fail=1
    fi
done
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
