#!/usr/bin/env bash
# Build and run the FHIR fuzz target.
#
#   tests/fuzz/build_fhir.sh [SECONDS]
#
# Builds build-fuzz/fuzz_fhir with clang -fsanitize=fuzzer,address,undefined
# from calendars/*.c and adapters/input/fhir.c, then runs it for SECONDS (default
# 60) on a scratch corpus seeded with ../shared/corpus/fhir and the inputs
# committed in tests/fuzz/fhir-crashes/ (each a former crash, kept as a
# regression case). New crashes land in build-fuzz/fhir-artifacts/.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
out=$here/build-fuzz
if ! command -v clang >/dev/null; then
    apt-get install -y clang
fi
mkdir -p "$out/fhir-corpus" "$out/fhir-artifacts"
deps=$(pkg-config --cflags --libs jansson libical icu-i18n icu-uc)
# shellcheck disable=SC2086
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
    -I"$here" "$here"/tests/fuzz/fuzz_fhir.c "$here"/adapters/input/fhir*.c "$here"/calendars/*.c \
    $deps -lm -o "$out/fuzz_fhir"
seeds=("$here/../shared/corpus/fhir")
[ -d "$here/tests/fuzz/fhir-crashes" ] && seeds+=("$here/tests/fuzz/fhir-crashes")
# Replay the committed crash inputs first: each must pass.
if [ -d "$here/tests/fuzz/fhir-crashes" ] && ls "$here"/tests/fuzz/fhir-crashes/* >/dev/null 2>&1; then
    "$out/fuzz_fhir" "$here"/tests/fuzz/fhir-crashes/*
fi
"$out/fuzz_fhir" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -artifact_prefix="$out/fhir-artifacts/" "$out/fhir-corpus" "${seeds[@]}"
