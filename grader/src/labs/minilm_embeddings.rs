//! Lab 05, MiniLM embeddings: cases on the tiny random BERT (every machine)
//! and on the real all-MiniLM-L6-v2 (where [`LabModule::prepare`] finds or
//! fetches it), and a comparator that judges embeddings by cosine
//! similarity and norm rather than number by number.

use lab_protocol::{decode_float, floats, Reply};
use serde_json::{json, Value};

use super::{LabModule, PrepareContext, Prepared};
use crate::cases::{Case, CaseRng};
use crate::compare::{compare_replies, Verdict};
use crate::course::Tolerance;

/// Lab `05-minilm-embeddings`.
pub struct MinilmEmbeddings;

/// Groups that need the real model; skipped when it cannot be provided.
const REAL_GROUPS: [&str; 5] = [
    "real-short",
    "real-long",
    "real-batched",
    "real-throughput",
    "cuda-real",
];

/// An embedding must have at least this cosine similarity to the reference's.
pub const MIN_COSINE: f64 = 0.9999;
/// Its L2 norm may differ from the reference's by at most this much.
pub const NORM_TOLERANCE: f64 = 1e-3;

/// Seed of the tiny model in every case (the model is part of the input).
const TINY_SEED: u64 = 5;

impl LabModule for MinilmEmbeddings {
    fn id(&self) -> &'static str {
        "05-minilm-embeddings"
    }

    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>> {
        let mut cases = match group {
            "tokenize" => tokenize_edges(),
            "pooling" => pooling_edges(),
            "normalize" => normalize_edges(),
            "tiny-embed" => tiny_embed_edges(),
            "tiny-batching" => tiny_batching_edges(),
            "search" => search_edges(),
            "hidden-pooling" | "hidden-tiny-batching" | "hidden-tiny-long" => Vec::new(),
            "real-short" => real_short_edges(),
            "real-long" => real_long_edges(),
            "real-batched" => real_batched_edges(),
            "real-throughput" => throughput_cases(),
            "cuda-real" => cuda_cases(),
            _ => return None,
        };
        for i in 0..generated {
            let name = format!("random-{i:02}");
            let case = match group {
                "tokenize" => {
                    let texts = tiny_texts(rng, 1, 5, 1, 40);
                    tiny_case(group, &name, "tokenize", json!({ "texts": texts }))
                }
                "pooling" => pooling_case(group, &name, rng),
                "hidden-pooling" if i % 4 != 3 => pooling_case(group, &name, rng),
                "normalize" | "hidden-pooling" => normalize_case(group, &name, rng),
                "tiny-embed" => {
                    let texts = tiny_texts(rng, 1, 1, 1, 30);
                    tiny_case(group, &name, "embed", json!({ "texts": texts }))
                }
                "tiny-batching" | "hidden-tiny-batching" => tiny_batch_case(group, &name, rng),
                "search" => {
                    let corpus = tiny_texts(rng, 4, 12, 1, 12);
                    let query = tiny_texts(rng, 1, 1, 1, 8).remove(0);
                    let k = rng.int(1, 6);
                    tiny_case(
                        group,
                        &name,
                        "search",
                        json!({ "query": query, "corpus": corpus, "k": k, "batch_size": 3 }),
                    )
                }
                "hidden-tiny-long" => {
                    let words = [rng.int(100, 140), rng.int(200, 300)][(i % 2) as usize];
                    let text = tiny_words(rng, words as usize);
                    tiny_case(group, &name, "embed", json!({ "texts": [text] }))
                }
                "real-short" => {
                    let text = sentence(rng);
                    real_case(group, &name, json!({ "texts": [text] }))
                }
                "real-long" => {
                    let words = [140, 230, 400][(i % 3) as usize];
                    real_case(
                        group,
                        &name,
                        json!({ "texts": [english_words(rng, words)] }),
                    )
                }
                "real-batched" => {
                    let mut texts: Vec<String> =
                        (0..rng.int(3, 8)).map(|_| sentence(rng)).collect();
                    texts.push(english_words(rng, 180));
                    let mut args = json!({ "texts": texts });
                    if i % 2 == 0 {
                        args["batch_size"] = json!(rng.int(2, 4));
                    }
                    real_case(group, &name, args)
                }
                // The throughput and GPU groups are hand-written only.
                _ => break,
            };
            cases.push(case);
        }
        Some(cases)
    }

    fn prepare(&self, context: &mut PrepareContext) -> Prepared {
        match model_store::find_or_fetch(context.model_dir, context.progress) {
            Ok(found) => {
                let mut read_only = vec![found.dir.clone()];
                // A Hugging Face snapshot holds links into ../../blobs: bind
                // what they point at too, at the same paths.
                for file in model_store::REQUIRED_FILES {
                    if let Ok(real) = std::fs::canonicalize(found.dir.join(file)) {
                        if !real.starts_with(&found.dir) {
                            read_only.push(real);
                        }
                    }
                }
                Prepared {
                    read_only,
                    env: vec![(model_store::ENV_VAR.to_owned(), found.dir.into_os_string())],
                    skipped: Vec::new(),
                }
            }
            Err(err) => Prepared {
                skipped: REAL_GROUPS
                    .iter()
                    .map(|g| {
                        let reason = format!("the all-MiniLM-L6-v2 model is not available: {err}");
                        ((*g).to_owned(), reason)
                    })
                    .collect(),
                ..Prepared::default()
            },
        }
    }

    fn compare(
        &self,
        case: &Case,
        expected: &Reply,
        actual: &Reply,
        tolerance: Tolerance,
    ) -> Verdict {
        match (case.call.as_str(), expected, actual) {
            ("embed", Reply::Ok(e), Reply::Ok(a)) => compare_embeddings(e, a),
            ("throughput", Reply::Ok(e), Reply::Ok(a)) => {
                let norms = Tolerance {
                    abs: NORM_TOLERANCE,
                    rel: 0.0,
                };
                match compare_replies(
                    &Reply::Ok(e["norms"].clone()),
                    &Reply::Ok(a["norms"].clone()),
                    norms,
                ) {
                    Verdict::Same => compare_embeddings(&e["sample"], &a["sample"]),
                    Verdict::Differs(diff) => Verdict::Differs(format!("the norms: {diff}")),
                }
            }
            _ => compare_replies(expected, actual, tolerance),
        }
    }
}

fn rows_of(value: &Value) -> Option<Vec<Vec<f64>>> {
    value
        .as_array()?
        .iter()
        .map(|row| row.as_array()?.iter().map(decode_float).collect())
        .collect()
}

/// Same number of embeddings, each with the reference's dimension, finite,
/// of the reference's norm (within [`NORM_TOLERANCE`]) and direction
/// (cosine >= [`MIN_COSINE`]). Messages name the text by position only.
pub fn compare_embeddings(expected: &Value, actual: &Value) -> Verdict {
    let Some(expected) = rows_of(expected) else {
        return Verdict::Differs("the reference's answer is not a list of embeddings".into());
    };
    let Some(actual) = rows_of(actual) else {
        return Verdict::Differs(
            "the answer is not a list of embeddings (lists of numbers)".into(),
        );
    };
    if expected.len() != actual.len() {
        return Verdict::Differs(format!(
            "expected {} embeddings (one per text), got {}",
            expected.len(),
            actual.len()
        ));
    }
    for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
        if e.len() != a.len() {
            return Verdict::Differs(format!(
                "embedding {i} has {} numbers, expected {} (the model's hidden size)",
                a.len(),
                e.len()
            ));
        }
        if a.iter().any(|x| !x.is_finite()) {
            return Verdict::Differs(format!("embedding {i} holds NaN or infinity"));
        }
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let (ne, na) = (norm(e), norm(a));
        if (ne - na).abs() > NORM_TOLERANCE {
            return Verdict::Differs(format!(
                "embedding {i} has L2 norm {na:.4}, expected {ne:.4}: every embedding is L2-normalised to length 1"
            ));
        }
        let dot: f64 = e.iter().zip(a).map(|(x, y)| x * y).sum();
        let cosine = if ne > 0.0 && na > 0.0 {
            dot / (ne * na)
        } else if ne == na {
            1.0
        } else {
            0.0
        };
        if cosine < MIN_COSINE {
            return Verdict::Differs(format!(
                "embedding {i} points elsewhere than the reference's: cosine similarity {cosine:.6}, needs >= {MIN_COSINE}"
            ));
        }
    }
    Verdict::Same
}

fn tiny_case(group: &str, name: &str, call: &str, mut args: Value) -> Case {
    args["model"] = json!("tiny");
    args["seed"] = json!(TINY_SEED);
    Case::new(group, name, call, args)
}

fn real_case(group: &str, name: &str, mut args: Value) -> Case {
    args["model"] = json!("real");
    Case::new(group, name, "embed", args)
}

/// Words the tiny vocabulary knows whole, plus letters it spells out.
const TINY_WORDS: [&str; 16] = [
    "the", "cat", "kitten", "dog", "car", "bank", "river", "loan", "money", "love", "coding",
    "king", "queen", "weather", "nice", "today",
];

fn tiny_word(rng: &mut CaseRng) -> String {
    if rng.chance(0.6) {
        TINY_WORDS[rng.int(0, TINY_WORDS.len() as u64 - 1) as usize].to_owned()
    } else {
        (0..rng.int(2, 7))
            .map(|_| (b'a' + rng.int(0, 25) as u8) as char)
            .collect()
    }
}

fn tiny_words(rng: &mut CaseRng, count: usize) -> String {
    (0..count)
        .map(|_| tiny_word(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Between `min_texts` and `max_texts` texts of `min_words..=max_words` words.
fn tiny_texts(
    rng: &mut CaseRng,
    min_texts: u64,
    max_texts: u64,
    min_words: u64,
    max_words: u64,
) -> Vec<String> {
    (0..rng.int(min_texts, max_texts))
        .map(|_| {
            let n = rng.int(min_words, max_words) as usize;
            tiny_words(rng, n)
        })
        .collect()
}

fn tokenize_edges() -> Vec<Case> {
    let g = "tokenize";
    let long = |n: usize| vec!["cat"; n].join(" ");
    vec![
        tiny_case(
            g,
            "one-text-no-padding",
            "tokenize",
            json!({ "texts": ["I love the cat"] }),
        ),
        tiny_case(
            g,
            "pads-to-the-longest-text",
            "tokenize",
            json!({ "texts": ["cat", "the dog ran fast", "I love coding today"] }),
        ),
        tiny_case(
            g,
            "empty-text-is-cls-sep",
            "tokenize",
            json!({ "texts": ["", "cat"] }),
        ),
        tiny_case(
            g,
            "unknown-characters-become-unk",
            "tokenize",
            json!({ "texts": ["café 日本 😀", "Hello, World!"] }),
        ),
        tiny_case(
            g,
            "200-pieces-are-kept",
            "tokenize",
            json!({ "texts": [long(200), "cat"] }),
        ),
        tiny_case(
            g,
            "truncated-at-256-tokens",
            "tokenize",
            json!({ "texts": [long(300)] }),
        ),
    ]
}

fn pooling_edges() -> Vec<Case> {
    let g = "pooling";
    vec![
        Case::new(
            g,
            "no-padding-is-the-plain-mean",
            "mean_pool",
            json!({ "hidden": [[[1.0, 2.0], [3.0, 4.0], [5.0, 9.0]]], "mask": [[1, 1, 1]] }),
        ),
        Case::new(
            g,
            "padding-is-left-out",
            "mean_pool",
            json!({ "hidden": [[[1.0, 2.0], [3.0, 4.0], [100.0, -100.0]]], "mask": [[1, 1, 0]] }),
        ),
        Case::new(
            g,
            "each-row-has-its-own-count",
            "mean_pool",
            json!({
                "hidden": [[[2.0, 0.0], [4.0, 2.0], [6.0, 4.0], [8.0, 6.0]],
                           [[1.0, 1.0], [9.0, 9.0], [9.0, 9.0], [9.0, 9.0]]],
                "mask": [[1, 1, 1, 1], [1, 0, 0, 0]]
            }),
        ),
    ]
}

fn normalize_edges() -> Vec<Case> {
    let g = "normalize";
    vec![
        Case::new(
            g,
            "three-four-five",
            "l2_normalize",
            json!({ "x": [[3.0, 4.0]] }),
        ),
        Case::new(
            g,
            "each-row-by-its-own-norm",
            "l2_normalize",
            json!({ "x": [[1.0, 1.0, 1.0, 1.0], [0.0, -2.0, 0.0, 0.0]] }),
        ),
        Case::new(
            g,
            "zero-row-stays-zero",
            "l2_normalize",
            json!({ "x": [[0.0, 0.0, 0.0]] }),
        ),
    ]
}

fn pooling_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let (b, t, h) = (rng.int(1, 4), rng.int(2, 9), rng.int(2, 12));
    let hidden: Vec<Vec<Value>> = (0..b)
        .map(|_| (0..t).map(|_| floats(&rng.vector(h as usize))).collect())
        .collect();
    let mask: Vec<Vec<u32>> = (0..b)
        .map(|_| {
            let real = rng.int(1, t);
            (0..t).map(|i| u32::from(i < real)).collect()
        })
        .collect();
    Case::new(
        g,
        name,
        "mean_pool",
        json!({ "hidden": hidden, "mask": mask }),
    )
}

fn normalize_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let (b, h) = (rng.int(1, 5), rng.int(2, 40));
    let x: Vec<Value> = (0..b)
        .map(|_| {
            let scale = [0.01f32, 1.0, 30.0][rng.int(0, 2) as usize];
            let row: Vec<f32> = rng.vector(h as usize).iter().map(|v| v * scale).collect();
            floats(&row)
        })
        .collect();
    Case::new(g, name, "l2_normalize", json!({ "x": x }))
}

fn tiny_embed_edges() -> Vec<Case> {
    let g = "tiny-embed";
    ["cat", "I love coding", "", "café 日本 😀"]
        .iter()
        .enumerate()
        .map(|(i, text)| {
            tiny_case(
                g,
                &format!("single-{i}"),
                "embed",
                json!({ "texts": [text] }),
            )
        })
        .collect()
}

fn tiny_batching_edges() -> Vec<Case> {
    let g = "tiny-batching";
    let texts = json!([
        "cat",
        "the river bank approved my loan today",
        "",
        "kitten dog"
    ]);
    vec![
        tiny_case(g, "one-padded-batch", "embed", json!({ "texts": texts })),
        tiny_case(
            g,
            "batches-of-two-in-input-order",
            "embed",
            json!({ "texts": texts, "batch_size": 2 }),
        ),
        tiny_case(
            g,
            "batch-size-larger-than-the-input",
            "embed",
            json!({ "texts": ["nice weather", "cat"], "batch_size": 32 }),
        ),
        tiny_case(
            g,
            "no-texts",
            "embed",
            json!({ "texts": [], "batch_size": 4 }),
        ),
    ]
}

fn tiny_batch_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let mut texts = tiny_texts(rng, 2, 9, 1, 30);
    if rng.chance(0.3) {
        texts.push(String::new());
    }
    let mut args = json!({ "texts": texts });
    if rng.chance(0.6) {
        args["batch_size"] = json!(rng.int(1, 4));
    }
    tiny_case(g, name, "embed", args)
}

fn search_edges() -> Vec<Case> {
    let corpus = json!([
        "the cat",
        "a kitten",
        "my car",
        "the river bank",
        "a loan from the bank"
    ]);
    vec![
        tiny_case(
            "search",
            "top-3",
            "search",
            json!({ "query": "cat", "corpus": corpus, "k": 3, "batch_size": 2 }),
        ),
        tiny_case(
            "search",
            "k-larger-than-the-corpus",
            "search",
            json!({ "query": "bank loan", "corpus": corpus, "k": 10, "batch_size": 4 }),
        ),
        tiny_case(
            "search",
            "k-zero",
            "search",
            json!({ "query": "dog", "corpus": corpus, "k": 0, "batch_size": 4 }),
        ),
    ]
}

const ENGLISH: &[&str] = &[
    "the",
    "model",
    "reads",
    "every",
    "token",
    "in",
    "context",
    "and",
    "turns",
    "text",
    "into",
    "numbers",
    "that",
    "capture",
    "meaning",
    "a",
    "cat",
    "sat",
    "by",
    "river",
    "bank",
    "while",
    "engineers",
    "measured",
    "latency",
    "of",
    "search",
    "over",
    "documents",
    "with",
    "care",
    "embedding",
    "vectors",
    "point",
    "similar",
    "directions",
    "for",
    "sentences",
    "about",
    "programming",
    "weather",
    "loans",
    "kittens",
    "automobiles",
    "today",
    "quickly",
];

fn english_words(rng: &mut CaseRng, count: usize) -> String {
    (0..count)
        .map(|_| ENGLISH[rng.int(0, ENGLISH.len() as u64 - 1) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

fn sentence(rng: &mut CaseRng) -> String {
    let n = rng.int(2, 12) as usize;
    let mut text = english_words(rng, n);
    if rng.chance(0.3) {
        text.push_str([".", "!", "?", " 😀", " — déjà vu"][rng.int(0, 4) as usize]);
    }
    text
}

fn real_short_edges() -> Vec<Case> {
    let texts = [
        "I love programming",
        "I enjoy coding",
        "The weather is nice today",
        "cat",
        "kitten",
        "automobile",
        "The bank approved my loan",
        "I sat by the river bank",
        "",
        "Ünïcödé café, naïve façade",
        "日本語のテキスト",
        "emoji 😀🚀 ∑ ≈ ∞",
    ];
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            real_case(
                "real-short",
                &format!("text-{i:02}"),
                json!({ "texts": [t] }),
            )
        })
        .collect()
}

fn long_english(words: usize, shift: usize) -> String {
    (0..words)
        .map(|i| ENGLISH[(i * 7 + shift) % ENGLISH.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn real_long_edges() -> Vec<Case> {
    let g = "real-long";
    vec![
        real_case(
            g,
            "about-150-pieces",
            json!({ "texts": [long_english(140, 1)] }),
        ),
        real_case(
            g,
            "about-250-pieces",
            json!({ "texts": [long_english(230, 2)] }),
        ),
        real_case(
            g,
            "far-past-256-pieces",
            json!({ "texts": [long_english(500, 3)] }),
        ),
    ]
}

fn real_batched_edges() -> Vec<Case> {
    let texts = json!([
        "cat",
        "I love programming",
        "",
        long_english(300, 4),
        "The bank approved my loan",
        "日本語のテキスト"
    ]);
    vec![
        real_case(
            "real-batched",
            "one-padded-batch",
            json!({ "texts": texts }),
        ),
        real_case(
            "real-batched",
            "batches-of-two",
            json!({ "texts": texts, "batch_size": 2 }),
        ),
    ]
}

fn throughput_cases() -> Vec<Case> {
    let g = "real-throughput";
    vec![
        Case::new(
            g,
            "64-short-sentences-batches-of-32",
            "throughput",
            json!({ "model": "real", "workload": "short", "count": 64, "batch_size": 32 }),
        ),
        Case::new(
            g,
            "16-texts-of-200-words-batches-of-16",
            "throughput",
            json!({ "model": "real", "workload": "long", "count": 16, "batch_size": 16 }),
        ),
    ]
}

fn cuda_cases() -> Vec<Case> {
    let g = "cuda-real";
    let mut cases: Vec<Case> = real_short_edges()
        .into_iter()
        .take(4)
        .chain(real_long_edges())
        .chain(real_batched_edges())
        .enumerate()
        .map(|(i, case)| {
            let mut args = case.args;
            args["device"] = json!("cuda");
            Case::new(g, &format!("case-{i:02}"), "embed", args)
        })
        .collect();
    cases.truncate(10);
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(e: Value, a: Value) -> Verdict {
        compare_embeddings(&e, &a)
    }

    #[test]
    fn a_rescaled_embedding_fails_on_its_norm() {
        let v = verdict(json!([[0.6, 0.8]]), json!([[1.2, 1.6]]));
        let Verdict::Differs(message) = v else {
            panic!("{v:?}")
        };
        assert!(
            message.contains("L2 norm 2.0000, expected 1.0000"),
            "{message}"
        );
    }

    #[test]
    fn a_slightly_rotated_embedding_fails_on_its_cosine() {
        let v = verdict(json!([[1.0, 0.0]]), json!([[0.999, 0.0447]]));
        assert!(
            matches!(&v, Verdict::Differs(m) if m.contains("cosine similarity 0.99")),
            "{v:?}"
        );
        assert_eq!(
            verdict(json!([[1.0, 0.0]]), json!([[0.99999, 0.004]])),
            Verdict::Same
        );
    }

    #[test]
    fn count_and_dimension_are_checked_first() {
        let v = verdict(json!([[1.0], [1.0]]), json!([[1.0]]));
        assert!(matches!(&v, Verdict::Differs(m) if m.contains("expected 2 embeddings")));
        let v = verdict(json!([[1.0, 0.0]]), json!([[1.0]]));
        assert!(matches!(&v, Verdict::Differs(m) if m.contains("has 1 numbers, expected 2")));
        let v = verdict(json!([[1.0]]), json!(["x"]));
        assert!(matches!(&v, Verdict::Differs(m) if m.contains("not a list of embeddings")));
    }

    #[test]
    fn every_group_of_the_manifest_has_cases() {
        let groups = [
            "tokenize",
            "pooling",
            "normalize",
            "tiny-embed",
            "tiny-batching",
            "search",
            "hidden-pooling",
            "hidden-tiny-batching",
            "hidden-tiny-long",
            "real-short",
            "real-long",
            "real-batched",
            "real-throughput",
            "cuda-real",
        ];
        for group in groups {
            let mut rng = CaseRng::new(1, "05-minilm-embeddings", group);
            let cases = MinilmEmbeddings.cases(group, &mut rng, 3).unwrap();
            assert!(!cases.is_empty(), "{group}");
        }
        let cuda = MinilmEmbeddings
            .cases("cuda-real", &mut CaseRng::new(1, "x", "y"), 0)
            .unwrap();
        assert!(cuda.iter().all(|c| c.args["device"] == "cuda"));
    }
}
