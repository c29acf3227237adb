"""sentence-transformers (PyTorch, CPU) on the lab's benchmark workloads, for
ci/bench-minilm.sh --compare-python: prints one JSON line per workload with
sentences/second (median of ROUNDS, after one warm-up batch).

    python st_bench.py MODEL_DIR THREADS ROUNDS SHORT_TEXTS.json LONG_TEXTS.json
"""

import json
import statistics
import sys
import time

import torch
from sentence_transformers import SentenceTransformer


def main():
    model_dir, threads, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    model = SentenceTransformer(model_dir, device="cpu")
    for name, path, batch_size in (("short", sys.argv[4], 32), ("long", sys.argv[5], 16)):
        texts = json.load(open(path, encoding="utf-8"))
        model.encode(texts[:batch_size], batch_size=batch_size)
        seconds = []
        for _ in range(rounds):
            started = time.perf_counter()
            model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
            seconds.append(time.perf_counter() - started)
        rate = len(texts) / statistics.median(seconds)
        print(json.dumps({"workload": name, "texts": len(texts), "batch_size": batch_size,
                          "sentences_per_second": rate, "torch": torch.__version__,
                          "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
