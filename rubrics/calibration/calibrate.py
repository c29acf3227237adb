"""Calibrate the packet rubric's coverage thresholds with all-MiniLM-L6-v2.

Input: rubrics/calibration/texts.json, exactly the paragraphs the grader's
coverage check embeds for each sample packet, and each coverage criterion's
description (written by
`cargo test -p grader packet::tests::dump_calibration_texts -- --ignored`).

Output: rubrics/calibration/table.md and table.json (per sample, per
criterion: the best cosine similarity), and with --fixture PATH the vectors
themselves, so a Rust test reproduces the table without Python.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install sentence-transformers
    /tmp/venv/bin/python rubrics/calibration/calibrate.py MODEL_DIR [--fixture tests/fixtures/packet/embeddings.json]
"""

import json
import pathlib
import sys

import numpy as np
from sentence_transformers import SentenceTransformer

HERE = pathlib.Path(__file__).parent


def main():
    model_dir = sys.argv[1]
    fixture = sys.argv[sys.argv.index("--fixture") + 1] if "--fixture" in sys.argv else None
    data = json.loads((HERE / "texts.json").read_text())
    model = SentenceTransformer(model_dir, device="cpu")
    queries = [c["description"] for c in data["criteria"]]
    q = model.encode(queries, normalize_embeddings=False)
    vectors = {t: v for t, v in zip(queries, q)}
    table = {}
    for name, sample in data["samples"].items():
        paras = sample["paragraphs"]
        p = model.encode(paras, normalize_embeddings=False) if paras else np.zeros((0, q.shape[1]))
        vectors.update({t: v for t, v in zip(paras, p)})
        row = {}
        for c, qv in zip(data["criteria"], q):
            if len(paras) == 0:
                row[c["id"]] = None
                continue
            sims = p @ qv / (np.linalg.norm(p, axis=1) * np.linalg.norm(qv))
            row[c["id"]] = round(float(sims.max()), 4)
        table[name] = {"gamed": sample["gamed"], "best": row}
    (HERE / "table.json").write_text(json.dumps({"rubric_version": data["rubric_version"], "model": "sentence-transformers/all-MiniLM-L6-v2", "table": table}, indent=2) + "\n")
    ids = [c["id"] for c in data["criteria"]]
    lines = ["| sample | " + " | ".join(i.removeprefix("coverage-") for i in ids) + " |", "|---|" + "---|" * len(ids)]
    for name, row in table.items():
        cells = ["-" if row["best"][i] is None else f"{row['best'][i]:.3f}" for i in ids]
        lines.append(f"| {name}{' (gamed: not credited)' if row['gamed'] else ''} | " + " | ".join(cells) + " |")
    (HERE / "table.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if fixture:
        pathlib.Path(fixture).write_text(json.dumps({t: [round(float(x), 6) for x in v] for t, v in vectors.items()}) + "\n")


if __name__ == "__main__":
    main()
