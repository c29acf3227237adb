//! Lab 03, attention: hand-picked and seeded cases per group, and a
//! comparator that names the element (batch, head, query, key) where a
//! tensor answer first goes wrong.
//!
//! Tensors travel as `{"shape", "data", "dtype"?}` (see the driver). The
//! large-magnitude cases use small integers for q and k and a head_dim
//! that is a power of 4: every score `q.k / sqrt(d)` is then exact in f32
//! whatever the summation order, so a stable softmax gives the same weights
//! in every correct implementation, while a naive one overflows.

use lab_protocol::{decode_float, floats, Reply};
use serde_json::{json, Value};

use super::LabModule;
use crate::cases::{Case, CaseRng};
use crate::compare::{compare_replies, show_float, Verdict};
use crate::course::Tolerance;

/// Lab `03-attention`.
pub struct Attention;

/// Shape of the timing case: a realistic size (LLaMA's head_dim of 128).
/// No mask: a loop that skips masked scores would do half the work of the
/// reference's full matmul, and the case is there to catch loops.
const TIMING_SHAPE: [usize; 4] = [2, 8, 512, 128];

impl LabModule for Attention {
    fn id(&self) -> &'static str {
        "03-attention"
    }

    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>> {
        let mut cases = match group {
            "causal-mask" => mask_edges(),
            "softmax" => softmax_edges(),
            "attention-weights" => weights_edges(),
            "attention" => attention_edges(),
            "errors" => error_edges(),
            "heads" => heads_edges(),
            "multi-head" => mha_edges(),
            "positional-encoding" => positional_edges(),
            "timing" => timing_cases(),
            "hidden-attention" | "numerics" | "hidden-multi-head" | "hidden-positional"
            | "cuda-attention" | "hidden-errors" => Vec::new(),
            _ => return None,
        };
        for i in 0..generated {
            let name = format!("random-{i:02}");
            let case = match group {
                "causal-mask" => {
                    let n = rng.int(1, 24);
                    Case::new(group, &name, "causal_mask", json!({ "seq_len": n }))
                }
                "softmax" => softmax_case(group, &name, rng, 1.0),
                "attention-weights" => {
                    attention_case(group, &name, rng, "attention_weights", SMALL)
                }
                "attention" => attention_case(group, &name, rng, "attention", SMALL),
                "errors" | "hidden-errors" => error_case(group, &name, rng),
                "heads" => heads_case(group, &name, rng),
                "multi-head" => mha_case(group, &name, rng, 12, 16),
                "positional-encoding" => positional_case(group, &name, rng, 24, 12),
                "hidden-attention" => {
                    let call = if i % 3 == 2 {
                        "attention_weights"
                    } else {
                        "attention"
                    };
                    // Every third case is long: up to 256 positions.
                    let size = if i % 3 == 0 { LONG } else { WIDE };
                    attention_case(group, &name, rng, call, size)
                }
                "numerics" if i % 4 == 3 => softmax_case(group, &name, rng, 1e4),
                "numerics" => large_magnitude_case(group, &name, rng),
                "hidden-multi-head" => mha_case(group, &name, rng, 48, 64),
                "hidden-positional" => positional_case(group, &name, rng, 1024, 16),
                "cuda-attention" => {
                    let size = if i % 2 == 0 { LONG } else { WIDE };
                    let mut case = attention_case(group, &name, rng, "attention", size);
                    case.args["device"] = json!("cuda");
                    case
                }
                _ => return None,
            };
            cases.push(case);
        }
        Some(cases)
    }

    fn compare(
        &self,
        case: &Case,
        expected: &Reply,
        actual: &Reply,
        tolerance: Tolerance,
    ) -> Verdict {
        match (expected, actual) {
            (Reply::Ok(e), Reply::Ok(a)) if e.get("data").is_some() => {
                compare_tensors(&case.call, e, a, tolerance)
            }
            _ => compare_replies(expected, actual, tolerance),
        }
    }
}

// ------------------------------------------------------------------ tensors

/// `{"shape", "data"}` of an f32 tensor.
fn tensor(shape: &[usize], data: &[f32]) -> Value {
    debug_assert_eq!(shape.iter().product::<usize>(), data.len());
    json!({ "shape": shape, "data": floats(data) })
}

/// The same tensor with another dtype (the driver converts).
fn typed(shape: &[usize], data: &[f32], dtype: &str) -> Value {
    let mut t = tensor(shape, data);
    t["dtype"] = json!(dtype);
    t
}

fn random(rng: &mut CaseRng, shape: &[usize]) -> Value {
    tensor(shape, &rng.vector(shape.iter().product()))
}

fn mask_tensor(rows: &[Vec<u8>]) -> Value {
    let cols = rows.first().map_or(0, Vec::len);
    let data: Vec<f32> = rows.iter().flatten().map(|&m| f32::from(m)).collect();
    typed(&[rows.len(), cols], &data, "u8")
}

fn causal_rows(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| (0..n).map(|j| u8::from(j <= i)).collect())
        .collect()
}

/// Keys at `len` and after are padding, hidden from every query.
fn padding_rows(seq_q: usize, seq_k: usize, len: usize) -> Vec<Vec<u8>> {
    (0..seq_q)
        .map(|_| (0..seq_k).map(|j| u8::from(j < len)).collect())
        .collect()
}

/// A random mask with at least one visible key per row.
fn random_rows(rng: &mut CaseRng, seq_q: usize, seq_k: usize) -> Vec<Vec<u8>> {
    (0..seq_q)
        .map(|_| {
            let mut row: Vec<u8> = (0..seq_k).map(|_| u8::from(rng.chance(0.6))).collect();
            row[rng.int(0, seq_k as u64 - 1) as usize] = 1;
            row
        })
        .collect()
}

fn qkv_args(q: Value, k: Value, v: Option<Value>, mask: Option<Value>) -> Value {
    let mut args = json!({ "q": q, "k": k });
    if let Some(v) = v {
        args["v"] = v;
    }
    if let Some(mask) = mask {
        args["mask"] = mask;
    }
    args
}

// ------------------------------------------------------------- causal mask

fn mask_edges() -> Vec<Case> {
    let g = "causal-mask";
    let c = "causal_mask";
    vec![
        Case::new(g, "one-token-sees-itself", c, json!({ "seq_len": 1 })),
        Case::new(g, "two-tokens", c, json!({ "seq_len": 2 })),
        Case::new(
            g,
            "four-tokens-as-in-the-lesson",
            c,
            json!({ "seq_len": 4 }),
        ),
        Case::new(g, "ten-tokens", c, json!({ "seq_len": 10 })),
        Case::new(g, "zero-length-is-an-error", c, json!({ "seq_len": 0 })),
    ]
}

// ------------------------------------------------------------------ softmax

fn softmax_edges() -> Vec<Case> {
    let g = "softmax";
    let s = "softmax";
    let inf = f32::NEG_INFINITY;
    vec![
        Case::new(
            g,
            "one-two-three",
            s,
            json!({ "x": tensor(&[3], &[1.0, 2.0, 3.0]) }),
        ),
        Case::new(
            g,
            "equal-logits-are-uniform",
            s,
            json!({ "x": tensor(&[2, 4], &[0.5; 8]) }),
        ),
        Case::new(
            g,
            "rows-are-independent",
            s,
            json!({ "x": tensor(&[2, 3], &[1.0, 0.0, -1.0, 5.0, 5.0, 0.0]) }),
        ),
        Case::new(
            g,
            "minus-infinity-gets-zero-weight",
            s,
            json!({ "x": tensor(&[2, 3], &[0.3, inf, 0.1, inf, inf, 2.0]) }),
        ),
        Case::new(
            g,
            "large-logits-do-not-overflow",
            s,
            json!({ "x": tensor(&[3], &[1000.0, 1001.0, 1002.0]) }),
        ),
        Case::new(
            g,
            "very-negative-logits-do-not-underflow",
            s,
            json!({ "x": tensor(&[3], &[-1000.0, -1001.0, -1002.0]) }),
        ),
        Case::new(
            g,
            "over-the-last-axis-of-4-d",
            s,
            json!({ "x": tensor(&[1, 2, 2, 2], &[0.0, 1.0, 2.0, 0.0, 1.0, 1.0, -3.0, 3.0]) }),
        ),
        Case::new(
            g,
            "f64-stays-f64",
            s,
            json!({ "x": typed(&[2], &[0.25, -0.5], "f64") }),
        ),
        Case::new(
            g,
            "integers-are-an-error",
            s,
            json!({ "x": typed(&[2], &[1.0, 2.0], "u32") }),
        ),
        Case::new(
            g,
            "empty-row-is-an-error",
            s,
            json!({ "x": tensor(&[2, 0], &[]) }),
        ),
    ]
}

/// Random rows; `scale` 1 for ordinary logits, large for the numerics group.
fn softmax_case(g: &str, name: &str, rng: &mut CaseRng, scale: f32) -> Case {
    let rank = rng.int(1, 4) as usize;
    let shape: Vec<usize> = (0..rank).map(|_| rng.int(1, 6) as usize).collect();
    let len: usize = shape.iter().product();
    let data: Vec<f32> = if scale > 1.0 {
        // Integers keep every implementation's max subtraction exact.
        let offset = (rng.int(0, 20) as f32 - 10.0) * scale;
        (0..len)
            .map(|_| offset + rng.int(0, 40) as f32 - 20.0)
            .collect()
    } else {
        (0..len).map(|_| rng.range(-4.0, 4.0)).collect()
    };
    Case::new(g, name, "softmax", json!({ "x": tensor(&shape, &data) }))
}

// ---------------------------------------------------------------- attention

fn weights_edges() -> Vec<Case> {
    let g = "attention-weights";
    let c = "attention_weights";
    // One query, two keys: scores 1 and 0 before scaling by 1/sqrt(2).
    let q = tensor(&[1, 1, 1, 2], &[1.0, 1.0]);
    let k = tensor(&[1, 1, 2, 2], &[1.0, 0.0, 0.0, 0.0]);
    let q3 = tensor(&[1, 1, 3, 4], &lesson_numbers(12, 0.25));
    let k3 = tensor(&[1, 1, 3, 4], &lesson_numbers(12, -0.5));
    vec![
        Case::new(
            g,
            "one-query-two-keys",
            c,
            qkv_args(q.clone(), k, None, None),
        ),
        Case::new(
            g,
            "scaled-by-one-over-sqrt-d",
            c,
            qkv_args(
                tensor(&[1, 1, 1, 4], &[2.0, 0.0, 0.0, 0.0]),
                tensor(&[1, 1, 2, 4], &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
                None,
                None,
            ),
        ),
        Case::new(
            g,
            "three-tokens-no-mask",
            c,
            qkv_args(q3.clone(), k3.clone(), None, None),
        ),
        Case::new(
            g,
            "three-tokens-causal",
            c,
            qkv_args(
                q3.clone(),
                k3.clone(),
                None,
                Some(mask_tensor(&causal_rows(3))),
            ),
        ),
        Case::new(
            g,
            "padding-mask",
            c,
            qkv_args(q3, k3, None, Some(mask_tensor(&padding_rows(3, 3, 2)))),
        ),
        Case::new(
            g,
            "more-keys-than-queries",
            c,
            qkv_args(
                tensor(&[1, 2, 2, 3], &lesson_numbers(12, 0.1)),
                tensor(&[1, 2, 5, 3], &lesson_numbers(30, 0.7)),
                None,
                None,
            ),
        ),
        Case::new(
            g,
            "one-key-gets-everything",
            c,
            qkv_args(
                tensor(&[2, 1, 3, 2], &lesson_numbers(12, 0.3)),
                tensor(&[2, 1, 1, 2], &[0.5, -0.5, 1.0, 2.0]),
                None,
                None,
            ),
        ),
    ]
}

/// Deterministic small numbers for the hand-made cases.
fn lesson_numbers(n: usize, shift: f32) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0 + shift)
        .collect()
}

fn attention_edges() -> Vec<Case> {
    let g = "attention";
    let c = "attention";
    let v2 = tensor(&[1, 1, 2, 3], &[1.0, 2.0, 3.0, -1.0, 0.0, 1.0]);
    let q4 = tensor(&[1, 2, 4, 2], &lesson_numbers(16, 0.0));
    let k4 = tensor(&[1, 2, 4, 2], &lesson_numbers(16, 0.4));
    let v4 = tensor(&[1, 2, 4, 2], &lesson_numbers(16, -0.2));
    vec![
        Case::new(
            g,
            "mix-of-two-values",
            c,
            qkv_args(
                tensor(&[1, 1, 1, 2], &[1.0, 1.0]),
                tensor(&[1, 1, 2, 2], &[1.0, 0.0, 0.0, 0.0]),
                Some(v2),
                None,
            ),
        ),
        Case::new(
            g,
            "two-heads",
            c,
            qkv_args(q4.clone(), k4.clone(), Some(v4.clone()), None),
        ),
        Case::new(
            g,
            "two-heads-causal",
            c,
            qkv_args(q4, k4, Some(v4), Some(mask_tensor(&causal_rows(4)))),
        ),
        Case::new(
            g,
            "first-token-under-the-causal-mask-copies-its-value",
            c,
            qkv_args(
                tensor(&[1, 1, 3, 2], &lesson_numbers(6, 0.0)),
                tensor(&[1, 1, 3, 2], &lesson_numbers(6, 1.0)),
                Some(tensor(&[1, 1, 3, 1], &[10.0, 20.0, 30.0])),
                Some(mask_tensor(&causal_rows(3))),
            ),
        ),
        Case::new(
            g,
            "value-width-differs-from-head-dim",
            c,
            qkv_args(
                tensor(&[1, 1, 2, 3], &lesson_numbers(6, 0.0)),
                tensor(&[1, 1, 4, 3], &lesson_numbers(12, 0.5)),
                Some(tensor(&[1, 1, 4, 5], &lesson_numbers(20, -0.1))),
                None,
            ),
        ),
        Case::new(
            g,
            "sequence-of-one",
            c,
            qkv_args(
                tensor(&[2, 2, 1, 3], &lesson_numbers(12, 0.0)),
                tensor(&[2, 2, 1, 3], &lesson_numbers(12, 0.2)),
                Some(tensor(&[2, 2, 1, 3], &lesson_numbers(12, 0.9))),
                Some(mask_tensor(&causal_rows(1))),
            ),
        ),
        Case::new(
            g,
            "head-dim-of-one",
            c,
            qkv_args(
                tensor(&[1, 3, 4, 1], &lesson_numbers(12, 0.0)),
                tensor(&[1, 3, 4, 1], &lesson_numbers(12, 0.3)),
                Some(tensor(&[1, 3, 4, 1], &lesson_numbers(12, 0.6))),
                None,
            ),
        ),
    ]
}

/// How big a random attention case may be (replies carry every value).
#[derive(Clone, Copy)]
struct Size {
    batch: u64,
    heads: u64,
    head_dims: &'static [usize],
    seq: u64,
}

/// Visible cases stay small: they are stored in the handout.
const SMALL: Size = Size {
    batch: 2,
    heads: 2,
    head_dims: &[1, 2, 3, 4, 8],
    seq: 12,
};
/// Many shapes, up to head_dim 64.
const WIDE: Size = Size {
    batch: 2,
    heads: 4,
    head_dims: &[1, 2, 3, 4, 8, 16, 32, 64],
    seq: 24,
};
/// Long sequences, narrow heads.
const LONG: Size = Size {
    batch: 1,
    heads: 2,
    head_dims: &[1, 4, 8, 16],
    seq: 256,
};

/// Random q, k (and v for `attention`) with a random mask (none, causal,
/// padding or random) and shapes from seq 1 and head_dim 1 up to `size`.
fn attention_case(g: &str, name: &str, rng: &mut CaseRng, call: &str, size: Size) -> Case {
    let max_seq = size.seq;
    let batch = rng.int(1, size.batch) as usize;
    let heads = rng.int(1, size.heads) as usize;
    let head_dim = size.head_dims[rng.int(0, size.head_dims.len() as u64 - 1) as usize];
    let seq_q = rng.int(1, max_seq) as usize;
    let seq_k = if rng.chance(0.6) {
        seq_q
    } else {
        rng.int(1, max_seq) as usize
    };
    let q = random(rng, &[batch, heads, seq_q, head_dim]);
    let k = random(rng, &[batch, heads, seq_k, head_dim]);
    let v = (call == "attention").then(|| {
        let dv = if rng.chance(0.7) {
            head_dim
        } else {
            rng.int(1, 8) as usize
        };
        random(rng, &[batch, heads, seq_k, dv])
    });
    let mask = match rng.int(0, 3) {
        0 => None,
        1 if seq_q == seq_k => Some(mask_tensor(&causal_rows(seq_q))),
        2 => {
            let len = rng.int(1, seq_k as u64) as usize;
            Some(mask_tensor(&padding_rows(seq_q, seq_k, len)))
        }
        _ => Some(mask_tensor(&random_rows(rng, seq_q, seq_k))),
    };
    Case::new(g, name, call, qkv_args(q, k, v, mask))
}

/// Small integers for q and k, large enough that scores reach thousands
/// (a naive softmax overflows past 88), exact in f32 (see the module doc).
fn large_magnitude_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let head_dim = [1, 4, 16, 64][rng.int(0, 3) as usize];
    let (batch, heads) = (rng.int(1, 2) as usize, rng.int(1, 3) as usize);
    let seq = rng.int(1, 24) as usize;
    let big = rng.int(10, 40) as f32;
    let mut ints = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| (rng.int(0, 2 * big as u64) as f32 - big).round())
            .collect()
    };
    let n = batch * heads * seq * head_dim;
    let q = tensor(&[batch, heads, seq, head_dim], &ints(n));
    let k = tensor(&[batch, heads, seq, head_dim], &ints(n));
    let v = random(rng, &[batch, heads, seq, head_dim]);
    let mask = rng.chance(0.5).then(|| mask_tensor(&causal_rows(seq)));
    Case::new(g, name, "attention", qkv_args(q, k, Some(v), mask))
}

fn timing_cases() -> Vec<Case> {
    let [batch, heads, seq, head_dim] = TIMING_SHAPE;
    vec![Case::new(
        "timing",
        &format!("b{batch}-h{heads}-seq{seq}-d{head_dim}"),
        "attention_digest",
        json!({
            "seed": 20261203, "batch": batch, "heads": heads,
            "seq": seq, "head_dim": head_dim, "causal": false,
        }),
    )]
}

// ------------------------------------------------------------------- errors

fn error_edges() -> Vec<Case> {
    let g = "errors";
    let a = "attention";
    let t = |shape: &[usize]| tensor(shape, &vec![0.5; shape.iter().product()]);
    let ok = || t(&[1, 2, 3, 4]);
    vec![
        Case::new(
            g,
            "q-of-rank-3",
            a,
            qkv_args(t(&[2, 3, 4]), ok(), Some(ok()), None),
        ),
        Case::new(
            g,
            "k-of-rank-5",
            a,
            qkv_args(ok(), t(&[1, 1, 2, 3, 4]), Some(ok()), None),
        ),
        Case::new(
            g,
            "integer-q",
            a,
            qkv_args(typed(&[1, 1, 1, 1], &[1.0], "u32"), ok(), Some(ok()), None),
        ),
        Case::new(
            g,
            "k-in-f64-with-q-in-f32",
            a,
            qkv_args(
                ok(),
                typed(&[1, 2, 3, 4], &[0.5; 24], "f64"),
                Some(ok()),
                None,
            ),
        ),
        Case::new(
            g,
            "empty-k",
            a,
            qkv_args(ok(), t(&[1, 2, 0, 4]), Some(ok()), None),
        ),
        Case::new(
            g,
            "head-dim-mismatch",
            a,
            qkv_args(ok(), t(&[1, 2, 3, 5]), Some(ok()), None),
        ),
        Case::new(
            g,
            "head-count-mismatch",
            a,
            qkv_args(ok(), t(&[1, 1, 3, 4]), Some(ok()), None),
        ),
        Case::new(
            g,
            "v-with-the-wrong-sequence-length",
            a,
            qkv_args(ok(), ok(), Some(t(&[1, 2, 2, 4])), None),
        ),
        Case::new(
            g,
            "mask-of-the-wrong-size",
            a,
            qkv_args(ok(), ok(), Some(ok()), Some(mask_tensor(&causal_rows(2)))),
        ),
        Case::new(
            g,
            "float-mask",
            "attention_weights",
            qkv_args(ok(), ok(), None, Some(t(&[3, 3]))),
        ),
        Case::new(
            g,
            "mask-row-that-sees-nothing",
            "attention_weights",
            qkv_args(
                ok(),
                ok(),
                None,
                Some(mask_tensor(&[vec![1, 0, 0], vec![0, 0, 0], vec![1, 1, 1]])),
            ),
        ),
        Case::new(
            g,
            "heads-do-not-divide-the-width",
            "split_heads",
            json!({ "x": t(&[1, 2, 10]), "heads": 3 }),
        ),
        Case::new(
            g,
            "zero-heads",
            "multi_head_attention",
            mha_args(&[1, 2, 4], &[0.1; 8], &mha_weights_filled(4, 0.1), 0, false),
        ),
        Case::new(g, "weight-of-the-wrong-size", "multi_head_attention", {
            let mut weights = mha_weights_filled(4, 0.1);
            weights["w_v"] = t(&[4, 3]);
            mha_args(&[1, 2, 4], &[0.1; 8], &weights, 2, true)
        }),
    ]
}

/// One random mistake of shape or dtype.
fn error_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let shape = [
        rng.int(1, 2) as usize,
        rng.int(1, 3) as usize,
        rng.int(1, 5) as usize,
        rng.int(1, 6) as usize,
    ];
    let mut q = random(rng, &shape);
    let mut k = random(rng, &shape);
    let mut v = random(rng, &shape);
    let mut mask = None;
    let mut call = "attention";
    let bump = |t: &mut Value, axis: usize, rng: &mut CaseRng| {
        let mut dims: Vec<usize> = serde_json::from_value(t["shape"].clone()).unwrap_or_default();
        dims[axis] += rng.int(1, 3) as usize;
        *t = tensor(&dims, &rng.vector(dims.iter().product()));
    };
    match rng.int(0, 6) {
        0 => bump(&mut k, [0, 1, 3][rng.int(0, 2) as usize], rng),
        1 => bump(&mut v, rng.int(0, 2) as usize, rng),
        2 => {
            let which = if rng.chance(0.5) { &mut k } else { &mut v };
            *which = typed(&shape, &vec![0.25; shape.iter().product()], "f64");
        }
        3 => {
            let dims = [shape[0] * shape[1], shape[2], shape[3]];
            q = random(rng, &dims);
        }
        4 => {
            let (rows, cols) = (shape[2] + rng.int(1, 2) as usize, shape[2]);
            mask = Some(mask_tensor(&padding_rows(rows, cols, cols)));
        }
        5 => {
            let mut rows = random_rows(rng, shape[2], shape[2]);
            let row = rng.int(0, shape[2] as u64 - 1) as usize;
            rows[row].iter_mut().for_each(|m| *m = 0);
            mask = Some(mask_tensor(&rows));
            call = "attention_weights";
        }
        _ => {
            let heads = rng.int(2, 5) as usize;
            let d_model = heads * rng.int(1, 4) as usize + rng.int(1, heads as u64 - 1) as usize;
            return Case::new(
                g,
                name,
                "split_heads",
                json!({ "x": random(rng, &[1, 2, d_model]), "heads": heads }),
            );
        }
    }
    let v = (call == "attention").then_some(v);
    Case::new(g, name, call, qkv_args(q, k, v, mask))
}

// -------------------------------------------------------------------- heads

fn heads_edges() -> Vec<Case> {
    let g = "heads";
    let x: Vec<f32> = (0..12).map(|i| i as f32).collect();
    vec![
        Case::new(
            g,
            "split-six-columns-into-two-heads",
            "split_heads",
            json!({ "x": tensor(&[1, 2, 6], &x), "heads": 2 }),
        ),
        Case::new(
            g,
            "split-into-one-head",
            "split_heads",
            json!({ "x": tensor(&[1, 2, 6], &x), "heads": 1 }),
        ),
        Case::new(
            g,
            "split-into-one-column-per-head",
            "split_heads",
            json!({ "x": tensor(&[2, 1, 6], &x), "heads": 6 }),
        ),
        Case::new(
            g,
            "merge-two-heads",
            "merge_heads",
            json!({ "x": tensor(&[1, 2, 3, 2], &x) }),
        ),
        Case::new(
            g,
            "zero-heads-is-an-error",
            "split_heads",
            json!({ "x": tensor(&[1, 2, 6], &x), "heads": 0 }),
        ),
        Case::new(
            g,
            "merge-needs-rank-4",
            "merge_heads",
            json!({ "x": tensor(&[2, 6], &x) }),
        ),
    ]
}

fn heads_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let heads = rng.int(2, 6) as usize;
    let head_dim = rng.int(1, 5) as usize;
    let (batch, seq) = (rng.int(1, 3) as usize, rng.int(2, 6) as usize);
    if rng.chance(0.5) {
        let x = random(rng, &[batch, seq, heads * head_dim]);
        Case::new(g, name, "split_heads", json!({ "x": x, "heads": heads }))
    } else {
        let x = random(rng, &[batch, heads, seq, head_dim]);
        Case::new(g, name, "merge_heads", json!({ "x": x }))
    }
}

// --------------------------------------------------------------- multi-head

const WEIGHT_NAMES: [&str; 8] = ["w_q", "b_q", "w_k", "b_k", "w_v", "b_v", "w_o", "b_o"];

fn mha_weights_filled(d_model: usize, value: f32) -> Value {
    let mut weights = json!({});
    for name in WEIGHT_NAMES {
        weights[name] = if name.starts_with('w') {
            tensor(&[d_model, d_model], &vec![value; d_model * d_model])
        } else {
            tensor(&[d_model], &vec![value; d_model])
        };
    }
    weights
}

/// Xavier-scaled random weights, so outputs stay near 1.
fn mha_weights_random(rng: &mut CaseRng, d_model: usize) -> Value {
    let scale = 1.0 / (d_model as f32).sqrt();
    let mut weights = json!({});
    for name in WEIGHT_NAMES {
        let len = if name.starts_with('w') {
            d_model * d_model
        } else {
            d_model
        };
        let data: Vec<f32> = rng.vector(len).iter().map(|x| x * scale).collect();
        weights[name] = if name.starts_with('w') {
            tensor(&[d_model, d_model], &data)
        } else {
            tensor(&[d_model], &data)
        };
    }
    weights
}

fn mha_args(shape: &[usize], x: &[f32], weights: &Value, heads: usize, causal: bool) -> Value {
    json!({ "x": tensor(shape, x), "weights": weights, "heads": heads, "causal": causal })
}

fn mha_edges() -> Vec<Case> {
    let g = "multi-head";
    let c = "multi_head_attention";
    let mut rng = CaseRng::new(3, "03-attention", "multi-head-edges");
    let weights = mha_weights_random(&mut rng, 8);
    let x = rng.vector(2 * 5 * 8);
    let one = rng.vector(8);
    vec![
        Case::new(
            g,
            "two-heads",
            c,
            mha_args(&[2, 5, 8], &x, &weights, 2, false),
        ),
        Case::new(
            g,
            "two-heads-causal",
            c,
            mha_args(&[2, 5, 8], &x, &weights, 2, true),
        ),
        Case::new(
            g,
            "four-heads-causal",
            c,
            mha_args(&[2, 5, 8], &x, &weights, 4, true),
        ),
        Case::new(
            g,
            "one-head",
            c,
            mha_args(&[2, 5, 8], &x, &weights, 1, false),
        ),
        Case::new(
            g,
            "one-token",
            c,
            mha_args(&[1, 1, 8], &one, &weights, 4, true),
        ),
        Case::new(
            g,
            "width-not-divisible-by-heads",
            c,
            mha_args(&[2, 5, 8], &x, &weights, 3, false),
        ),
    ]
}

fn mha_case(g: &str, name: &str, rng: &mut CaseRng, max_seq: u64, max_width: u64) -> Case {
    let heads = rng.int(1, 8) as usize;
    let head_dim = rng.int(1, (max_width / heads as u64).max(1)) as usize;
    let d_model = heads * head_dim;
    let (batch, seq) = (rng.int(1, 2) as usize, rng.int(1, max_seq) as usize);
    let weights = mha_weights_random(rng, d_model);
    let x = rng.vector(batch * seq * d_model);
    let causal = rng.chance(0.5);
    Case::new(
        g,
        name,
        "multi_head_attention",
        mha_args(&[batch, seq, d_model], &x, &weights, heads, causal),
    )
}

// --------------------------------------------------------------- positional

fn positional_edges() -> Vec<Case> {
    let g = "positional-encoding";
    let p = "positional_encoding";
    vec![
        Case::new(g, "four-by-four", p, json!({ "seq_len": 4, "d_model": 4 })),
        Case::new(g, "one-by-one", p, json!({ "seq_len": 1, "d_model": 1 })),
        Case::new(g, "odd-width", p, json!({ "seq_len": 6, "d_model": 5 })),
        Case::new(
            g,
            "fifty-positions",
            p,
            json!({ "seq_len": 50, "d_model": 16 }),
        ),
        Case::new(g, "zero-length", p, json!({ "seq_len": 0, "d_model": 4 })),
        Case::new(g, "zero-width", p, json!({ "seq_len": 3, "d_model": 0 })),
    ]
}

fn positional_case(g: &str, name: &str, rng: &mut CaseRng, max_seq: u64, max_d: u64) -> Case {
    let seq_len = rng.int(1, max_seq);
    let d_model = rng.int(1, max_d);
    Case::new(
        g,
        name,
        "positional_encoding",
        json!({ "seq_len": seq_len, "d_model": d_model }),
    )
}

// ------------------------------------------------------------------ compare

/// What the axes of a result are, for messages.
fn axis_names(call: &str, rank: usize) -> &'static str {
    match (call, rank) {
        ("attention_weights", 4) => "batch, head, query, key",
        ("attention" | "merge_heads" | "split_heads", 4) => "batch, head, position, column",
        ("multi_head_attention" | "merge_heads", 3) => "batch, position, column",
        ("causal_mask", 2) => "query, key",
        ("positional_encoding", 2) => "position, column",
        _ => "",
    }
}

fn compare_tensors(call: &str, expected: &Value, actual: &Value, tol: Tolerance) -> Verdict {
    for field in ["dtype", "shape"] {
        if expected.get(field) != actual.get(field) {
            return Verdict::Differs(format!(
                "{field}: expected {}, got {}",
                expected.get(field).unwrap_or(&Value::Null),
                actual.get(field).unwrap_or(&Value::Null)
            ));
        }
    }
    let shape: Vec<usize> = serde_json::from_value(expected["shape"].clone()).unwrap_or_default();
    let (Some(e), Some(a)) = (expected["data"].as_array(), actual["data"].as_array()) else {
        return compare_replies(
            &Reply::Ok(expected.clone()),
            &Reply::Ok(actual.clone()),
            tol,
        );
    };
    if e.len() != a.len() {
        return Verdict::Differs(format!("expected {} values, got {}", e.len(), a.len()));
    }
    let mut first_bad = None;
    let mut bad = 0usize;
    let mut worst = 0f64;
    for (i, (ev, av)) in e.iter().zip(a).enumerate() {
        let (Some(x), Some(y)) = (decode_float(ev), decode_float(av)) else {
            return Verdict::Differs(format!("value {i} is not a number"));
        };
        let same = if x.is_nan() || y.is_nan() {
            x.is_nan() && y.is_nan()
        } else if x.is_infinite() || y.is_infinite() {
            x == y
        } else {
            (x - y).abs() <= tol.abs + tol.rel * x.abs()
        };
        if !same {
            bad += 1;
            let diff = (x - y).abs();
            worst = if diff.is_nan() {
                f64::INFINITY
            } else {
                worst.max(diff)
            };
            first_bad.get_or_insert((i, x, y));
        }
    }
    match first_bad {
        None => Verdict::Same,
        Some((i, x, y)) => {
            let names = axis_names(call, shape.len());
            let names = if names.is_empty() {
                String::new()
            } else {
                format!(" ({names})")
            };
            Verdict::Differs(format!(
                "at {:?}{names}: expected {}, got {} ({bad} of {} values differ, the largest by {}; tolerance {} + {}·|expected|)",
                unravel(i, &shape),
                show_float(x),
                show_float(y),
                e.len(),
                show_float(worst),
                tol.abs,
                tol.rel
            ))
        }
    }
}

/// The multi-index of flat position `i` in a row-major `shape`.
fn unravel(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for (axis, &size) in shape.iter().enumerate().rev() {
        if size > 0 {
            index[axis] = i % size;
            i /= size;
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: Tolerance = Tolerance {
        abs: 1e-5,
        rel: 1e-5,
    };

    fn ok_tensor(shape: &[usize], data: &[f32]) -> Reply {
        let mut t = tensor(shape, data);
        t["dtype"] = json!("f32");
        Reply::Ok(t)
    }

    #[test]
    fn a_wrong_element_is_named_by_its_axes() {
        let case = Case::new("g", "c", "attention_weights", json!({}));
        let expected = ok_tensor(&[1, 1, 2, 2], &[1.0, 0.0, 0.5, 0.5]);
        let actual = ok_tensor(&[1, 1, 2, 2], &[0.5, 0.5, 0.5, 0.5]);
        let Verdict::Differs(message) = Attention.compare(&case, &expected, &actual, TOL) else {
            panic!("differs");
        };
        assert!(
            message.starts_with(
                "at [0, 0, 0, 0] (batch, head, query, key): expected 1, got 0.5 (2 of 4 values differ, the largest by 0.5"
            ),
            "{message}"
        );
    }

    #[test]
    fn shapes_and_dtypes_must_match_exactly() {
        let case = Case::new("g", "c", "attention", json!({}));
        let expected = ok_tensor(&[1, 2], &[1.0, 2.0]);
        let actual = ok_tensor(&[2, 1], &[1.0, 2.0]);
        assert_eq!(
            Attention.compare(&case, &expected, &actual, TOL),
            Verdict::Differs("shape: expected [1,2], got [2,1]".into())
        );
        assert_eq!(
            Attention.compare(&case, &expected, &expected.clone(), TOL),
            Verdict::Same
        );
    }

    #[test]
    fn nan_where_a_number_was_expected_differs() {
        let case = Case::new("g", "c", "softmax", json!({}));
        let expected = ok_tensor(&[2], &[0.5, 0.5]);
        let actual = ok_tensor(&[2], &[f32::NAN, f32::NAN]);
        assert!(matches!(
            Attention.compare(&case, &expected, &actual, TOL),
            Verdict::Differs(m) if m.contains("expected 0.5, got NaN")
        ));
    }

    #[test]
    fn large_magnitude_scores_are_exact_in_f32() {
        let mut rng = CaseRng::new(1, "03-attention", "numerics");
        for i in 0..20 {
            let case = large_magnitude_case("numerics", &format!("{i}"), &mut rng);
            let d = case.args["q"]["shape"][3].as_u64().unwrap() as f64;
            assert_eq!(
                (1.0 / d.sqrt()).log2().fract(),
                0.0,
                "1/sqrt({d}) is a power of two"
            );
            let q = case.args["q"]["data"].as_array().unwrap();
            assert!(q.iter().all(|x| x.as_f64().unwrap().fract() == 0.0));
            // |q.k| <= d * 40^2 stays below 2^24: integer sums are exact.
            assert!(d * 1600.0 < f64::from(1u32 << 24));
        }
    }

    #[test]
    fn generated_masks_leave_every_row_a_key() {
        let mut rng = CaseRng::new(9, "03-attention", "hidden-attention");
        for _ in 0..50 {
            let rows = random_rows(&mut rng, 5, 7);
            assert!(rows.iter().all(|r| r.contains(&1)));
        }
    }
}
