"""Record PyTorch's answers for the lab 03 reference to be checked against.

Writes torch_attention.json beside this script: seeded random f32 inputs of
several shapes (seq 1, head_dim 1, more keys than queries, large magnitudes
where a naive softmax overflows), causal and not, with

- `sdpa`: torch.nn.functional.scaled_dot_product_attention(q, k, v,
  is_causal=...) in float32 on the CPU, the independent implementation;
- `weights`: softmax(q k^T / sqrt(d)) with the causal mask, computed by torch
  in float64 from the same f32 inputs, for attention_weights;
- multi-head cases: torch.nn.MultiheadAttention (batch_first, the lab's
  (in, out) weights transposed into PyTorch's (out, in) layout) with and
  without a causal attn_mask;
- positional cases: the sinusoidal table computed by torch in float64.

reference/03-attention/tests/torch_check.rs compares the reference with all
of them (1e-5 absolute). Run: python make_fixture.py (torch 2.x, numpy).
"""

import json
import math
import pathlib

import torch

torch.manual_seed(20261203)
OUT = pathlib.Path(__file__).with_name("torch_attention.json")


def f32_list(t):
    return [float(x) for x in t.detach().to(torch.float32).reshape(-1).tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "data": f32_list(t)}


def attention_case(name, shape_q, seq_k, causal, scale=1.0, dv=None):
    b, h, sq, d = shape_q
    dv = dv or d
    q = (torch.rand(b, h, sq, d) * 2 - 1) * scale
    k = (torch.rand(b, h, seq_k, d) * 2 - 1) * scale
    v = torch.rand(b, h, seq_k, dv) * 2 - 1
    sdpa = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
    scores = (q.double() @ k.double().transpose(-2, -1)) / math.sqrt(d)
    if causal:
        hidden = torch.ones(sq, seq_k, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(hidden, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return {
        "name": name,
        "causal": causal,
        "q": tensor_json(q),
        "k": tensor_json(k),
        "v": tensor_json(v),
        "sdpa": f32_list(sdpa),
        "weights": f32_list(weights),
    }


def mha_case(name, batch, seq, d_model, heads, causal):
    x = torch.rand(batch, seq, d_model) * 2 - 1
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=True, batch_first=True)
    with torch.no_grad():
        for p in mha.parameters():
            p.uniform_(-1 / math.sqrt(d_model), 1 / math.sqrt(d_model))
    mask = torch.ones(seq, seq, dtype=torch.bool).triu(1) if causal else None
    with torch.no_grad():
        out, _ = mha(x, x, x, attn_mask=mask, need_weights=False)
    w_in = mha.in_proj_weight.detach()  # (3 d_model, d_model), rows = outputs
    b_in = mha.in_proj_bias.detach()
    d = d_model
    weights = {
        "w_q": tensor_json(w_in[:d].T.contiguous()),
        "b_q": tensor_json(b_in[:d]),
        "w_k": tensor_json(w_in[d : 2 * d].T.contiguous()),
        "b_k": tensor_json(b_in[d : 2 * d]),
        "w_v": tensor_json(w_in[2 * d :].T.contiguous()),
        "b_v": tensor_json(b_in[2 * d :]),
        "w_o": tensor_json(mha.out_proj.weight.detach().T.contiguous()),
        "b_o": tensor_json(mha.out_proj.bias.detach()),
    }
    return {
        "name": name,
        "heads": heads,
        "causal": causal,
        "x": tensor_json(x),
        "weights": weights,
        "out": f32_list(out),
    }


def positional_case(seq_len, d_model):
    pos = torch.arange(seq_len, dtype=torch.float64)[:, None]
    j = torch.arange(d_model)
    angle = pos / torch.pow(torch.tensor(10000.0, dtype=torch.float64), (2 * (j // 2)).double() / d_model)
    table = torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))
    return {"seq_len": seq_len, "d_model": d_model, "table": f32_list(table)}


attention = [
    attention_case("one-token-head-dim-1", (1, 1, 1, 1), 1, False),
    attention_case("one-token-causal", (1, 2, 1, 4), 1, True),
    attention_case("head-dim-1", (1, 1, 4, 1), 4, True),
    attention_case("small", (2, 3, 5, 4), 5, False),
    attention_case("small-causal", (2, 3, 5, 4), 5, True),
    attention_case("more-keys-than-queries", (1, 2, 3, 8), 7, False),
    attention_case("value-width-differs", (1, 2, 6, 8), 6, True, dv=3),
    attention_case("longer-causal", (1, 1, 24, 16), 24, True),
    attention_case("longer", (1, 1, 24, 16), 24, False),
    attention_case("large-magnitude", (1, 2, 6, 16), 6, False, scale=30.0),
    attention_case("large-magnitude-causal", (1, 2, 6, 16), 6, True, scale=30.0),
]
mha = [
    mha_case("mha-two-heads", 2, 4, 8, 2, False),
    mha_case("mha-two-heads-causal", 2, 4, 8, 2, True),
    mha_case("mha-four-heads-causal", 1, 5, 12, 4, True),
]
positional = [positional_case(7, 6), positional_case(3, 5), positional_case(40, 4)]

fixture = {
    "generator": "make_fixture.py",
    "torch": torch.__version__,
    "tolerance_abs": 1e-5,
    "attention": attention,
    "multi_head": mha,
    "positional": positional,
}
OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes) with torch {torch.__version__}")
