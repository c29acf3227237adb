//! Lab 02, cosine similarity: hand-picked and seeded cases per group.

use lab_protocol::floats;
use serde_json::{json, Value};

use super::LabModule;
use crate::cases::{Case, CaseRng};

/// Lab `02-cosine-similarity`.
pub struct CosineSimilarity;

impl LabModule for CosineSimilarity {
    fn id(&self) -> &'static str {
        "02-cosine-similarity"
    }

    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>> {
        let mut cases = match group {
            "dot-and-norm" => dot_and_norm(),
            "cosine" => cosine_edges(group),
            "errors" => errors(),
            "normalize" => normalize(),
            "top-k" => top_k_edges(),
            "analogy" => analogy_edges(),
            "hidden-cosine" | "numerics" | "hidden-top-k" | "hidden-analogy" => Vec::new(),
            _ => return None,
        };
        for i in 0..generated {
            let name = format!("random-{i:02}");
            cases.push(match group {
                "dot-and-norm" if i % 2 == 0 => pair_case(group, &name, "dot", rng, 1, 32),
                "dot-and-norm" => {
                    let len = rng.int(1, 32) as usize;
                    Case::new(
                        group,
                        &name,
                        "norm",
                        json!({ "v": floats(&rng.vector(len)) }),
                    )
                }
                "cosine" => pair_case(group, &name, "cosine_similarity", rng, 2, 64),
                "hidden-cosine" => pair_case(group, &name, "cosine_similarity", rng, 1, 1024),
                "numerics" => numerics_case(group, &name, rng),
                "errors" => error_case(group, &name, rng),
                "normalize" => {
                    let len = rng.int(1, 48) as usize;
                    Case::new(
                        group,
                        &name,
                        "l2_normalize",
                        json!({ "v": floats(&rng.vector(len)) }),
                    )
                }
                "top-k" => top_k_case(group, &name, rng, 12, 16),
                "hidden-top-k" => top_k_case(group, &name, rng, 64, 96),
                _ => analogy_case(group, &name, rng),
            });
        }
        Some(cases)
    }
}

fn pair(a: &[f32], b: &[f32]) -> Value {
    json!({ "a": floats(a), "b": floats(b) })
}

fn pair_case(group: &str, name: &str, call: &str, rng: &mut CaseRng, min: u64, max: u64) -> Case {
    let len = rng.int(min, max) as usize;
    let a = rng.vector(len);
    // Half the time, make b correlated with a so scores spread over [-1, 1].
    let b: Vec<f32> = if rng.chance(0.5) {
        let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
        a.iter()
            .map(|x| sign * x + 0.3 * rng.range(-1.0, 1.0))
            .collect()
    } else {
        rng.vector(len)
    };
    Case::new(group, name, call, pair(&a, &b))
}

fn dot_and_norm() -> Vec<Case> {
    let g = "dot-and-norm";
    vec![
        Case::new(
            g,
            "dot-of-small-vectors",
            "dot",
            pair(&[1.0, 2.0, 3.0], &[4.0, -5.0, 6.0]),
        ),
        Case::new(g, "norm-of-3-4", "norm", json!({ "v": [3.0, 4.0] })),
        Case::new(
            g,
            "norm-of-zero-vector-is-zero",
            "norm",
            json!({ "v": [0.0, 0.0] }),
        ),
    ]
}

fn cosine_edges(g: &str) -> Vec<Case> {
    let c = "cosine_similarity";
    vec![
        Case::new(
            g,
            "identical",
            c,
            pair(&[0.23, -0.14, 0.87], &[0.23, -0.14, 0.87]),
        ),
        Case::new(g, "opposite", c, pair(&[1.0, 2.0], &[-1.0, -2.0])),
        Case::new(g, "orthogonal", c, pair(&[1.0, 0.0], &[0.0, 3.0])),
        Case::new(
            g,
            "scale-does-not-matter",
            c,
            pair(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]),
        ),
        Case::new(
            g,
            "cat-vs-kitten",
            c,
            pair(
                &[0.23, -0.14, 0.87, 0.03, -0.56],
                &[0.25, -0.12, 0.89, 0.01, -0.54],
            ),
        ),
        Case::new(
            g,
            "cat-vs-car",
            c,
            pair(
                &[0.23, -0.14, 0.87, 0.03, -0.56],
                &[0.71, 0.44, -0.23, 0.92, 0.11],
            ),
        ),
        Case::new(g, "one-dimension", c, pair(&[-2.0], &[5.0])),
    ]
}

fn errors() -> Vec<Case> {
    let g = "errors";
    let c = "cosine_similarity";
    vec![
        Case::new(g, "length-mismatch", c, pair(&[1.0, 2.0, 3.0], &[1.0, 2.0])),
        Case::new(g, "both-empty", c, pair(&[], &[])),
        Case::new(g, "zero-vector", c, pair(&[0.0, 0.0], &[1.0, 2.0])),
        Case::new(g, "nan-in-a", c, pair(&[1.0, f32::NAN], &[1.0, 2.0])),
        Case::new(
            g,
            "infinity-in-b",
            c,
            pair(&[1.0, 2.0], &[1.0, f32::INFINITY]),
        ),
        Case::new(
            g,
            "mismatch-is-reported-before-nan",
            c,
            pair(&[f32::NAN], &[1.0, 2.0]),
        ),
        Case::new(g, "dot-length-mismatch", "dot", pair(&[1.0], &[1.0, 2.0])),
        Case::new(g, "norm-of-empty", "norm", json!({ "v": [] })),
    ]
}

fn error_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let len = rng.int(2, 16) as usize;
    let mut a = rng.vector(len);
    let mut b = rng.vector(len);
    match rng.int(0, 3) {
        0 => b.truncate(len - 1),
        1 => a.iter_mut().for_each(|x| *x = 0.0),
        2 => {
            let i = rng.int(0, len as u64 - 1) as usize;
            b[i] = if rng.chance(0.5) {
                f32::NAN
            } else {
                f32::NEG_INFINITY
            };
        }
        _ => {
            let i = rng.int(0, len as u64 - 1) as usize;
            a[i] = f32::INFINITY;
            b[0] = f32::NAN;
        }
    }
    Case::new(g, name, "cosine_similarity", pair(&a, &b))
}

fn numerics_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let len = rng.int(2, 32) as usize;
    // 1e30 squared overflows f32; 1e-30 squared underflows to 0 in f32.
    let scale = match rng.int(0, 3) {
        0 => 1e30,
        1 => 1e-30,
        2 => 1e20,
        _ => 1e-22,
    };
    let a: Vec<f32> = rng.vector(len).iter().map(|x| x * scale).collect();
    let b: Vec<f32> = a.iter().map(|x| x * rng.range(0.5, 1.5)).collect();
    let call = if rng.chance(0.75) {
        "cosine_similarity"
    } else {
        "l2_normalize"
    };
    let args = if call == "l2_normalize" {
        json!({ "v": floats(&a) })
    } else {
        pair(&a, &b)
    };
    Case::new(g, name, call, args)
}

fn normalize() -> Vec<Case> {
    let g = "normalize";
    let n = "l2_normalize";
    vec![
        Case::new(g, "three-four", n, json!({ "v": [3.0, 4.0] })),
        Case::new(g, "already-unit", n, json!({ "v": [0.0, 1.0, 0.0] })),
        Case::new(g, "negative-values", n, json!({ "v": [-2.0, 0.0, 2.0] })),
        Case::new(
            g,
            "zero-vector-is-an-error",
            n,
            json!({ "v": [0.0, 0.0, 0.0] }),
        ),
        Case::new(g, "empty-is-an-error", n, json!({ "v": [] })),
    ]
}

fn top_k_args(query: &[f32], corpus: &[Vec<f32>], k: usize) -> Value {
    let rows: Vec<Value> = corpus.iter().map(|row| floats(row)).collect();
    json!({ "query": floats(query), "corpus": rows, "k": k })
}

fn top_k_edges() -> Vec<Case> {
    let g = "top-k";
    let t = "top_k";
    let corpus = vec![
        vec![1.0, 0.0],
        vec![0.0, 1.0],
        vec![1.0, 1.0],
        vec![-1.0, 0.0],
    ];
    let tied = vec![
        vec![0.0, 1.0],
        vec![1.0, 0.0],
        vec![0.0, 1.0],
        vec![1.0, 0.0],
    ];
    vec![
        Case::new(g, "best-two", t, top_k_args(&[1.0, 0.2], &corpus, 2)),
        Case::new(g, "k-zero-is-empty", t, top_k_args(&[1.0, 0.2], &corpus, 0)),
        Case::new(
            g,
            "k-larger-than-corpus",
            t,
            top_k_args(&[1.0, 0.2], &corpus, 9),
        ),
        Case::new(
            g,
            "ties-go-to-the-lower-index",
            t,
            top_k_args(&[1.0, 1.0], &tied, 3),
        ),
        Case::new(g, "empty-corpus", t, top_k_args(&[1.0, 1.0], &[], 3)),
        Case::new(
            g,
            "zero-row-is-an-error",
            t,
            top_k_args(&[1.0, 1.0], &[vec![1.0, 0.0], vec![0.0, 0.0]], 1),
        ),
        Case::new(
            g,
            "row-length-mismatch",
            t,
            top_k_args(&[1.0, 1.0], &[vec![1.0, 0.0, 2.0]], 1),
        ),
    ]
}

/// Cosine in f64, only to keep generated rankings free of near-ties.
fn cosine64(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

fn top_k_case(g: &str, name: &str, rng: &mut CaseRng, max_rows: u64, max_dim: u64) -> Case {
    let dim = rng.int(2, max_dim) as usize;
    let rows = rng.int(1, max_rows) as usize;
    let query = rng.vector(dim);
    let mut corpus: Vec<Vec<f32>> = Vec::with_capacity(rows);
    while corpus.len() < rows {
        // Exact duplicates make exact ties (tie-break by index); distinct
        // rows keep a clear gap so f32 and f64 sums rank them the same.
        if !corpus.is_empty() && rng.chance(0.2) {
            let i = rng.int(0, corpus.len() as u64 - 1) as usize;
            corpus.push(corpus[i].clone());
            continue;
        }
        let row = rng.vector(dim);
        let score = cosine64(&query, &row);
        let clear = corpus
            .iter()
            .all(|r| r == &row || (cosine64(&query, r) - score).abs() > 1e-3);
        if clear && row.iter().any(|x| *x != 0.0) {
            corpus.push(row);
        }
    }
    let k = rng.int(0, rows as u64 + 1) as usize;
    Case::new(g, name, "top_k", top_k_args(&query, &corpus, k))
}

fn analogy_args(vocab: &Value, a: &str, b: &str, c: &str) -> Value {
    json!({ "vocabulary": vocab, "a": a, "b": b, "c": c })
}

fn analogy_edges() -> Vec<Case> {
    let g = "analogy";
    let n = "analogy";
    let toy = json!("toy");
    let tiny = json!([["a", [1.0, 0.0]], ["b", [0.0, 1.0]], ["c", [1.0, 1.0]]]);
    vec![
        Case::new(
            g,
            "king-man-woman",
            n,
            analogy_args(&toy, "king", "man", "woman"),
        ),
        Case::new(
            g,
            "paris-france-italy",
            n,
            analogy_args(&toy, "paris", "france", "italy"),
        ),
        Case::new(
            g,
            "puppy-dog-cat",
            n,
            analogy_args(&toy, "puppy", "dog", "cat"),
        ),
        Case::new(
            g,
            "unknown-word",
            n,
            analogy_args(&toy, "king", "emperor", "woman"),
        ),
        Case::new(
            g,
            "no-candidates-left",
            n,
            analogy_args(&tiny, "a", "b", "c"),
        ),
    ]
}

fn analogy_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    loop {
        let dim = rng.int(3, 16) as usize;
        let size = rng.int(5, 24) as usize;
        let mut vectors: Vec<Vec<f32>> = (0..size).map(|_| rng.vector(dim)).collect();
        let (a, b, c, answer) = (0, 1, 2, rng.int(3, size as u64 - 1) as usize);
        let target: Vec<f32> = (0..dim)
            .map(|i| vectors[a][i] - vectors[b][i] + vectors[c][i])
            .collect();
        vectors[answer] = target
            .iter()
            .map(|x| x + 0.05 * rng.range(-1.0, 1.0))
            .collect();
        // Keep a clear winner so every correct implementation agrees.
        let mut scores: Vec<f64> = (3..size).map(|i| cosine64(&target, &vectors[i])).collect();
        scores.sort_by(|x, y| y.total_cmp(x));
        if scores.len() > 1 && scores[0] - scores[1] < 0.02 {
            continue;
        }
        // Shuffle the word order so the inputs are not always the first three.
        let mut order: Vec<usize> = (0..size).collect();
        for i in (1..size).rev() {
            order.swap(i, rng.int(0, i as u64) as usize);
        }
        let word = |i: usize| format!("w{:02}", order[i]);
        let mut entries: Vec<(String, Value)> =
            (0..size).map(|i| (word(i), floats(&vectors[i]))).collect();
        entries.sort_by_key(|(w, _)| w.clone());
        let vocab = Value::Array(entries.into_iter().map(|(w, v)| json!([w, v])).collect());
        let unknown = rng.chance(0.15);
        let b_word = if unknown { "zebra".to_owned() } else { word(b) };
        return Case::new(
            g,
            name,
            "analogy",
            analogy_args(&vocab, &word(a), &b_word, &word(c)),
        );
    }
}
