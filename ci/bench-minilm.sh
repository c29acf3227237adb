#!/usr/bin/env bash
# Lab 05 benchmark: sentences/second of the reference embedding path
# (all-MiniLM-L6-v2 on the CPU) on the lesson-sized workloads: 256 short
# sentences in batches of 32, and 64 texts of ~200 words in batches of 16.
#
#   ci/bench-minilm.sh [--threads N] [--rounds N] [--model-dir DIR] [--compare-python VENV]
#
# --compare-python VENV also runs sentence-transformers (PyTorch, CPU) from
# that virtual environment on the same texts, in the same run, at the same
# thread count, and prints the ratio (reference / PyTorch; > 1 is faster).
# Create one with: python3 -m venv VENV && VENV/bin/pip install sentence-transformers
set -euo pipefail
cd "$(dirname "$0")/.."

threads=$(nproc)
rounds=3
model_dir=""
venv=""
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --model-dir) model_dir=$2; shift 2 ;;
        --compare-python) venv=$2; shift 2 ;;
        *) echo "bench-minilm: unknown argument $1" >&2; exit 2 ;;
    esac
done

cargo build --quiet --release -p minilm-embeddings-reference --bin minilm-reference -p model-store --bin fetch-model
bin="${CARGO_TARGET_DIR:-target}/release"
if [ -z "$model_dir" ]; then
    model_dir=$("$bin/fetch-model")
fi

echo "== reference (candle, $threads threads)"
rust_out=$("$bin/minilm-reference" bench --model-dir "$model_dir" --threads "$threads" --rounds "$rounds")
echo "$rust_out"

if [ -n "$venv" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$bin/minilm-reference" texts short --short 256 > "$tmp/short.json"
    "$bin/minilm-reference" texts long --long 64 > "$tmp/long.json"
    echo "== sentence-transformers (PyTorch, $threads threads)"
    py_out=$(OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads "$venv/bin/python" \
        reference/05-minilm-embeddings/tools/st_bench.py "$model_dir" "$threads" "$rounds" "$tmp/short.json" "$tmp/long.json" 2>/dev/null)
    echo "$py_out"
    echo "== ratio (reference / PyTorch sentences per second; > 1: the reference is faster)"
    for workload in short long; do
        rust=$(echo "$rust_out" | sed -n "s/^$workload: .*: \([0-9.]*\) sentences\/s.*/\1/p")
        py=$(echo "$py_out" | "$venv/bin/python" -c "import json,sys; print(next(json.loads(l)['sentences_per_second'] for l in sys.stdin if json.loads(l)['workload']=='$workload'))")
        "$venv/bin/python" -c "print('$workload: %.2f x (reference %.1f/s, PyTorch %.1f/s)' % ($rust / $py, $rust, $py))"
    done
fi
