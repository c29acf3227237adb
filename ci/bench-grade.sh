#!/usr/bin/env bash
# Benchmark of `grader grade` on a generated class (CLASS_SIZE, default 40)
# mixing correct, wrong, non-compiling and timing-out work on lab 02 and
# lab 04, some of it handed in as .zip or .tar.gz. Each submission is built
# from the reference plus text edits, as tests/fixtures/*/*.toml describe,
# and gets a comment of its own so no two are identical.
#
# Prints submissions per minute at --jobs 1, 2 (and the core count when
# higher), the marginal cost of one more submission ((T(class) - T(empty
# class)) / size), the speed-up of --jobs 2 over --jobs 1, and whether the
# gradebooks of all runs are identical (they must be: same seed, same
# scores). KEEP=1 keeps the class, the batch folders and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${CLASS_SIZE:-40}
seed=${SEED:-20261204}
command -v python3 >/dev/null || { echo "bench-grade: python3 is needed to generate the class" >&2; exit 2; }

cargo build --release -q -p grader
grader=${CARGO_TARGET_DIR:-target}/release/grader
work=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then
    echo "bench-grade: keeping $work (class, batch folders, logs)"
else
    trap 'rm -rf "$work"' EXIT
fi

python3 - "$work/class" "$size" <<'PY'
import pathlib, shutil, sys, tarfile, tomllib, zipfile

out, size = pathlib.Path(sys.argv[1]), int(sys.argv[2])
out.mkdir(parents=True)

def recipe(lab, name):
    """A fixture recipe (tests/fixtures/<lab>/) or a mutant (reference/<lab>/mutants/)."""
    fixture = pathlib.Path(f"tests/fixtures/{lab}/{name}.toml")
    path = fixture if fixture.is_file() else pathlib.Path(f"reference/{lab}/mutants/{name}.toml")
    return tomllib.loads(path.read_text())

L02, L04 = "02-cosine-similarity", "04-memory-calculator"
# Kinds of work per lab: recipes (base + exact edits).
kinds = {
    L02: {
        "correct": {"base": "reference", "edit": []},
        "wrong": recipe(L02, "no-norm-division"),
        "non-compiling": recipe(L02, "compile-error"),
        "timing-out": recipe(L02, "loops"),
    },
    L04: {
        "correct": {"base": "reference", "edit": []},
        "wrong": recipe(L04, "drops-overhead"),
        "non-compiling": {"base": "reference", "edit": [{
            "file": "inference.rs",
            "find": 'fit_u64(bits.div_ceil(8), "weight memory").map(Bytes)',
            "replace": 'fit_u64(bits.div_ceil(8), "weight memory").map(Bytes) + 1',
        }]},
        "timing-out": {"base": "reference", "edit": [{
            "file": "inference.rs",
            "find": "pub fn weight_bytes(params: u64, precision: Precision) -> Result<Bytes, CalcError> {\n",
            "replace": "pub fn weight_bytes(params: u64, precision: Precision) -> Result<Bytes, CalcError> {\n    while std::hint::black_box(params) > 0 {}\n",
        }]},
    },
}
# Out of every 10 students: 5 correct, 2 wrong, 2 non-compiling, 1 timing
# out; lab 04's pattern is shifted so the two labs vary independently.
pattern = ["correct"] * 5 + ["wrong"] * 2 + ["non-compiling"] * 2 + ["timing-out"]
counts = {L02: {}, L04: {}}

def build(lab, kind, dest, student):
    r = kinds[lab][kind]
    base = pathlib.Path("reference" if r["base"] == "reference" else "labs") / lab / "src"
    src = dest / "labs" / lab / "src"
    shutil.copytree(base, src)
    for edit in r.get("edit", []):
        path = src / edit["file"]
        text = path.read_text()
        assert text.count(edit["find"]) == 1, (lab, kind, edit["file"])
        path.write_text(text.replace(edit["find"], edit["replace"]))
    with open(src / "lib.rs", "a") as f:
        f.write(f"\n// {student}\n")
    counts[lab][kind] = counts[lab].get(kind, 0) + 1

archives = {"zip": 0, "tar.gz": 0}
kinds_file = open(out.parent / "kinds.tsv", "w")
for i in range(size):
    student = f"student{i:03d}"
    dest = out.parent / "staging" / student
    build(L02, pattern[i % 10], dest, student)
    build(L04, pattern[(i + 3) % 10], dest, student)
    kinds_file.write(f"{student}\t{pattern[i % 10]}\t{pattern[(i + 3) % 10]}\n")
    if i % 8 == 3:
        with zipfile.ZipFile(out / f"{student}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(dest.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(dest.parent))
        archives["zip"] += 1
    elif i % 8 == 7:
        with tarfile.open(out / f"{student}.tar.gz", "w:gz") as t:
            t.add(dest / "labs", arcname="labs")
        archives["tar.gz"] += 1
    else:
        shutil.move(str(dest), out / student)

def show(lab):
    return ", ".join(f"{n} {k}" for k, n in counts[lab].items())
print(f"class: {size} submissions; lab 02: {show(L02)}; lab 04: {show(L04)}; "
      f"{archives['zip']} as .zip, {archives['tar.gz']} as .tar.gz")
PY

trusted=()
"$grader" doctor >/dev/null 2>&1 || trusted=(--trusted)
labs=(--lab 02-cosine-similarity --lab 04-memory-calculator)
now() { date +%s%N; }

# Grade class $2 with --jobs $3 into out-$1; prints the wall time in ms.
timed() {
    local out=$work/out-$1
    local t0 t1
    t0=$(now)
    "$grader" grade "$2" --out "$out" "${labs[@]}" --seed "$seed" --jobs "$3" "${trusted[@]}" \
        >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; exit 2; }
    t1=$(now)
    echo $(((t1 - t0) / 1000000))
}

# Warm-up: dependency caches and reference drivers (not timed).
mkdir -p "$work/one"
cp -r "$work/class/student000" "$work/one/"
timed warm "$work/one" 1 >/dev/null
mkdir -p "$work/empty"
empty_ms=$(timed empty "$work/empty" 1)

cores=$(nproc)
jobs_list=(1 2)
[ "$cores" -gt 2 ] && jobs_list+=("$cores")
declare -A ms
for jobs in "${jobs_list[@]}"; do
    ms[$jobs]=$(timed "jobs$jobs" "$work/class" "$jobs")
done

echo "host: $cores cores; isolation: $("$grader" doctor 2>/dev/null | head -n 1 | cut -c 12-80)..."
grep -m1 '^[0-9]* students:' "$work/jobs1.log" | sed 's/^/gradebook: /'
echo "fixed cost of a batch (empty class, --jobs 1): ${empty_ms} ms"
for jobs in "${jobs_list[@]}"; do
    awk -v n="$size" -v t="${ms[$jobs]}" -v e="$empty_ms" -v j="$jobs" 'BEGIN {
        printf "--jobs %-2d %7.1f s   %6.1f submissions/minute   marginal cost of one more submission: %5.0f ms\n",
            j, t / 1000, n * 60000 / t, (t - e) / n
    }'
done
awk -v a="${ms[1]}" -v b="${ms[2]}" 'BEGIN { printf "speed-up of --jobs 2 over --jobs 1: %.2fx\n", a / b }'
# Per-student times of the --jobs 1 run ("[i/n] id: ... in 3.1s"), by kind.
awk -F'\t' 'NR == FNR {
        kind[$1] = ($2 == "timing-out" || $3 == "timing-out") ? "with a lab timing out" \
            : ($2 == "correct" && $3 == "correct") ? "both labs correct" : "wrong or non-compiling, no timeout"
        next
    }
    /^\[[0-9]+\/[0-9]+\] .* in [0-9.]+s$/ {
        split($0, f, " "); id = f[2]; sub(/:$/, "", id); secs = f[length(f)]; sub(/s$/, "", secs)
        n[kind[id]]++; t[kind[id]] += secs
    }
    END { for (k in n) printf "  one submission, %-36s %5.1f s on average (%d of them, --jobs 1)\n", k ":", t[k] / n[k], n[k] }' \
    "$work/kinds.tsv" "$work/jobs1.log" | sort
same=yes
for jobs in "${jobs_list[@]}"; do
    cmp -s "$work/out-jobs1/gradebook.csv" "$work/out-jobs$jobs/gradebook.csv" || same=no
done
echo "gradebooks identical across --jobs: $same"
[ "$same" = yes ]
