#!/usr/bin/env bash
# Gradescope image set-up (runs once, as root, when the autograder zip is
# uploaded): a C linker, bubblewrap, Rust, the grader in release mode, and
# its caches warmed by grading each lab's reference, so that a student's
# submission compiles only itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
course=${GRADER_COURSE:-$here/course}

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq build-essential curl ca-certificates bubblewrap >/dev/null

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
export PATH="$HOME/.cargo/bin:$PATH"

cd "$course"
cargo build --release --locked -p grader

# Warm the dependency cache and the reference drivers: grade a copy of each
# lab's reference once (its score does not matter here).
warm=$(mktemp -d)
for lab in $(sed -n 's/^labs *= *\[\(.*\)\]/\1/p' course.toml | tr -d '",'); do
    mkdir -p "$warm/labs/$lab"
    cp -r "reference/$lab/src" "$warm/labs/$lab/"
done
target/release/grader check "$warm" --seed 1 --format json >/dev/null || true
rm -rf "$warm"
target/release/grader doctor || true
