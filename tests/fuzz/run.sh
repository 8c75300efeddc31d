#!/usr/bin/env bash
# Build every tests/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan, UBSan)
# and run each for a bounded time, seeded with the shared corpus and the
# committed crash cases. Anything found fails the run and leaves the input in
# build-fuzz/findings/ to be committed as a test case.
set -uo pipefail
seconds=${1:-30}
src=$(cd "$(dirname "$0")/../.." && pwd)
shared=$src/../shared
out=$src/build-fuzz
mkdir -p "$out/findings"
if ! command -v clang >/dev/null; then
    echo "fuzz: clang is not installed (run .ci/deps)"; exit 1
fi
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cflags=(-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fno-sanitize-recover=all -I"$src"
        $(pkg-config --cflags libical icu-i18n jansson libcurl libxml-2.0))
libs=($(pkg-config --libs libical icu-i18n icu-uc jansson libcurl libxml-2.0) -lglpk -lm)
# The targets' scratch files (fuzz_case writes its input there) stay in here.
export TMPDIR=$out/tmp
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

# Every source file is compiled once, for all targets, in parallel, and
# again only when it or a header of the tree changed since (build-fuzz/obj).
objdir=$out/obj
mkdir -p "$objdir"
headers=$(find "$src/calendars" "$src/solver" "$src/scheduler" "$src/adapters" -name '*.h' \
    -printf '%T@\n' | sort -n | tail -1)
touch -d "@${headers%.*}" "$objdir/.headers"
obj_of() { local r=${1#"$src"/}; echo "$objdir/${r//\//_}.o"; }
objects() { # source files: compile those out of date, print every object
    local s o todo=()
    for s in "$@"; do
        o=$(obj_of "$s")
        if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ "$objdir/.headers" -nt "$o" ]; then todo+=("$s"); fi
    done
    if [ ${#todo[@]} -gt 0 ]; then
        printf '%s\n' "${todo[@]}" | xargs -P "$jobs" -I{} bash -c \
            'r=${1#"$2"/}; clang "${@:4}" -fsanitize=fuzzer-no-link,address,undefined -c "$1" -o "$3/${r//\//_}.o"' \
            _ {} "$src" "$objdir" "${cflags[@]}" >"$out/obj.log" 2>&1 || return 1
    fi
    for s in "$@"; do obj_of "$s"; done
}

fail=0 ran=0
for t in "$src"/tests/fuzz/fuzz_*.c; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .c)
    case $name in
    fuzz_ics) seeds=("$shared/corpus/ics" "$src/tests/data/ics"); extra=() ;;
    fuzz_fhir) seeds=("$shared/corpus/fhir" "$src/tests/data/fhir")
        extra=("$src"/adapters/input/fhir{,_appt,_avail,_doc}.c "$src/adapters/input/json_path.c") ;;
    fuzz_case) seeds=("$src/examples" "$src/tests/data/cases" "$src/tests/data/bad" "$src/tests/data/hostile" "$src/tests/data/fuzz/case")
        extra=("$src"/adapters/*.c "$src"/adapters/input/*.c "$src"/scheduler/*.c "$src"/solver/*.c) ;;
    *) seeds=(); extra=() ;;
    esac
    if ! objs=$(objects "$src"/calendars/*.c "${extra[@]}") ||
        ! clang "${cflags[@]}" -fsanitize=fuzzer,address,undefined "$t" $objs "${libs[@]}" -o "$out/$name" 2>"$out/$name.log"; then
        echo "fuzz: $name does not build:"; tail -20 "$out/obj.log" "$out/$name.log"; fail=1; continue
    fi
    corpus="$out/corpus-$name"
    mkdir -p "$corpus"
    # Seeds keep a name made from their path: many cases are all case.json.
    for s in "${seeds[@]}"; do
        [ -d "$s" ] || continue
        find "$s" -type f -size -200k | while IFS= read -r f; do
            cp "$f" "$corpus/$(printf '%s' "$f" | cksum | cut -d' ' -f1)-$(basename "$f")"
        done
    done
    if "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/findings/$name-" \
        "$corpus" >"$out/$name.run" 2>&1; then
        echo "fuzz: $name ran ${seconds}s: $(grep -o 'stat::number_of_executed_runs: *[0-9]*\|#[0-9]*.*DONE.*' "$out/$name.run" | tail -1)"
        ran=$((ran + 1))
    else
        echo "fuzz: $name FOUND A PROBLEM:"; grep -A20 'ERROR\|runtime error' "$out/$name.run" | head -40; fail=1
    fi
done
echo "fuzz: $ran passed, $fail failed"
[ $fail = 0 ]
