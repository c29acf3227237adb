#!/usr/bin/env bash
# Assemble the Gradescope autograder zip: setup.sh and run_autograder at its
# root, this repository (tracked and untracked, not ignored files) under
# course/, a secret hidden seed, and optionally the labs the assignment
# grades.
#
#   ci/gradescope/build-zip.sh autograder.zip                        # every lab
#   ci/gradescope/build-zip.sh autograder-02.zip 02-cosine-similarity
#
# GRADER_SEED fixes the seed (default: random, printed). Keep the zip
# private: it holds the reference solutions and the seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: build-zip.sh OUT.zip [LAB...]}
shift
case $out in /*) ;; *) out=$PWD/$out ;; esac
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/course"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$stage/course"
cp ci/gradescope/setup.sh ci/gradescope/run_autograder "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
seed=${GRADER_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
echo "$seed" >"$stage/hidden-seed"
for lab in "$@"; do
    echo "$lab" >>"$stage/labs"
done
rm -f "$out"
(cd "$stage" && zip -qr "$out" .)
echo "wrote $out (hidden seed $seed${*:+, labs: $*})"
