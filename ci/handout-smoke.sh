#!/usr/bin/env bash
# Build the student handout and prove the README's main command works in it:
# `grader check` runs on the untouched handout (exit 1: the starters score 0)
# and grades only public groups (the handout has no reference).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)/handout}
cargo run -q --release -p grader -- handout --out "$out"
# Reuse this checkout's compiled dependencies (not its grader cache): the
# handout is another workspace, so only its own crates are rebuilt.
export CARGO_TARGET_DIR="$PWD/target"
# The course's dependency cache too: the handout pins the same crates, so
# cargo finds candle and tokenizers built instead of building them again.
export GRADER_CACHE_DIR="${GRADER_CACHE_DIR:-$PWD/target/grader-cache}"
cd "$out"
set +e
ci/setup.sh >/dev/null && cargo run -q --release -p grader -- check --format json --output report.json
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "handout-smoke: grader check in the handout exited $status (expected 1: starters score 0)" >&2
    exit 1
fi
python3 - <<'PY'
import json
report = json.load(open("report.json"))
assert report["score"] == 0, report["score"]
for lab in report["labs"]:
    assert lab["status"] == "graded", (lab["id"], lab["status"])
    hidden = [g for g in lab["groups"] if g["visibility"] != "visible"]
    assert all(not g["graded"] for g in hidden), lab["id"]
print(f"handout-smoke: {len(report['labs'])} labs graded in the handout, hidden groups left to the instructor")
PY
