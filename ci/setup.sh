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
echo "setup: $(rustc --version), $(cargo --version), bwrap: $(command -v bwrap || echo none)"
