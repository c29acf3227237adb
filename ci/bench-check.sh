#!/usr/bin/env bash
# Benchmark: `grader check` of lab 02 with a warm dependency cache, against
# a bare `cargo build --release` of the same lab crate after touching its
# source. Both are measured in this run, 5 times each, medians compared.
#
# The submission is the reference copied into a submission layout; before
# each check its source gets a new comment, so nothing is served from a
# cache that a real edit would miss.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
lab=02-cosine-similarity

cargo build --release -q -p grader
grader=target/release/grader
sub=$(mktemp -d)
trap 'rm -rf "$sub"' EXIT
mkdir -p "$sub/labs/$lab"
cp -r "reference/$lab/src" "$sub/labs/$lab/"
"$grader" check "$sub" --lab "$lab" --seed 1 --format json >/dev/null 2>&1 || true   # warm the cache

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

check_ms=()
for i in $(seq "$runs"); do
    echo "// edit $i" >> "$sub/labs/$lab/src/lib.rs"
    t0=$(now)
    "$grader" check "$sub" --lab "$lab" --seed "$i" --format json >/dev/null 2>&1
    t1=$(now)
    check_ms+=($(( (t1 - t0) / 1000000 )))
done

cargo build --release -q -p cosine-similarity
build_ms=()
for i in $(seq "$runs"); do
    touch "labs/$lab/src/lib.rs"
    t0=$(now)
    cargo build --release -q -p cosine-similarity
    t1=$(now)
    build_ms+=($(( (t1 - t0) / 1000000 )))
done

check_median=$(printf '%s\n' "${check_ms[@]}" | median)
build_median=$(printf '%s\n' "${build_ms[@]}" | median)
echo "grader check (compile lab + driver, run 87 cases, reference cached): ${check_ms[*]} ms, median ${check_median} ms"
echo "bare cargo build --release of the lab crate after touch:            ${build_ms[*]} ms, median ${build_median} ms"
awk -v c="$check_median" -v b="$build_median" 'BEGIN { printf "ratio check / bare build: %.2f\n", c / b }'
