#!/usr/bin/env bash
# How far the timing group's threshold is from flaking, both ways:
# grades the reference against itself RUNS times (each run is the grader's
# own race: a warm-up, then 7 alternating timed rounds, medians compared)
# and prints every student/reference ratio, the largest last. A reference
# ratio near max_ratio in lab.toml would mean flaky grades.
#
#   reference/03-attention/tools/timing-margin.sh [RUNS] [RECIPE]
#
# RECIPE (optional) is a mutant of reference/03-attention/mutants, e.g.
# loop-per-element, graded the same way instead of the reference.
set -euo pipefail
runs=${1:-30}
recipe=${2:-}
root=$(cd "$(dirname "$0")/../../.." && pwd)
grader=${GRADER:-$root/target/release/grader}
[ -x "$grader" ] || { echo "build the grader first (cargo build --release -p grader) or set GRADER" >&2; exit 2; }
sub=$(mktemp -d)
trap 'rm -rf "$sub"' EXIT
mkdir -p "$sub/labs/03-attention"
cp -r "$root/reference/03-attention/src" "$sub/labs/03-attention/"
if [ -n "$recipe" ]; then
    python3 - "$root/reference/03-attention/mutants/$recipe.toml" "$sub/labs/03-attention/src" <<'PY'
import sys, tomllib, pathlib
recipe = tomllib.loads(pathlib.Path(sys.argv[1]).read_text())
for edit in recipe.get("edit", []):
    f = pathlib.Path(sys.argv[2]) / edit["file"]
    text = f.read_text()
    assert text.count(edit["find"]) == 1, edit["file"]
    f.write_text(text.replace(edit["find"], edit["replace"]))
PY
fi
ratios=()
for i in $(seq 1 "$runs"); do
    json=$("$grader" --course "$root" check "$sub" --lab 03-attention --seed "$i" --format json 2>/dev/null | tr -d '\n' | sed 's/": */":/g; s/,  */,/g; s/{  */{/g; s/  *}/}/g' || true)
    line=$(printf '%s' "$json" | grep -o '"id":"timing/[^}]*}[^}]*}' | head -1)
    ratio=$(printf '%s' "$line" | grep -o '"ratio":[0-9.]*' | cut -d: -f2)
    outcome=$(printf '%s' "$line" | grep -o '"outcome":"[a-z_]*"' | cut -d'"' -f4)
    student=$(printf '%s' "$line" | grep -o '"student_ms":[0-9.]*' | cut -d: -f2)
    reference=$(printf '%s' "$line" | grep -o '"reference_ms":[0-9.]*' | cut -d: -f2)
    echo "run $i: $outcome, student ${student:-?} ms, reference ${reference:-?} ms, ratio ${ratio:-n/a}"
    [ -n "$ratio" ] && ratios+=("$ratio")
done
if [ ${#ratios[@]} -gt 0 ]; then
    printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {printf "ratios over %d runs: min %s, median %s, max %s\n", NR, a[1], a[int((NR+1)/2)], a[NR]}'
fi
