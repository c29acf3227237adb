//! Driver for lab 05 (MiniLM embeddings): answers case requests by calling
//! the linked lab crate. Owned by the grader; never edited by students.
//!
//! Calls (arguments -> `Ok` value):
//!
//! - `tokenize` `{model, seed?, texts}` -> `{input_ids, attention_mask}`
//!   (the model's tokenizer as the lab's `Embedder::load` configured it).
//! - `mean_pool` `{hidden: [b][t][h], mask: [b][t]}` -> `[b][h]`.
//! - `l2_normalize` `{x: [b][h]}` -> `[b][h]`.
//! - `embed` `{model, seed?, texts, batch_size?, device?}` -> `[n][dim]`:
//!   `Embedder::embed` (one batch) without `batch_size`, else
//!   `Embedder::embed_batched`. **Stable**: the packet scorer calls
//!   `embed` with `{"model": "real", "texts": [...]}` through the reference
//!   driver and reads a JSON array of 384-float arrays; keep that shape.
//! - `search` `{model, seed?, query, corpus, k, batch_size}` -> `[{index, score}]`.
//! - `throughput` `{model, workload: "short"|"long", count, batch_size, device?}`
//!   -> `{norms: [n], sample: [3][dim]}`: the texts are made here from the
//!   arguments, so a timed request is dominated by `embed_batched`, and the
//!   reply is a small digest (every norm, three whole embeddings).
//!
//! `model` is `"tiny"` (a tiny random BERT written from `seed` into this
//! process's temporary folder with the lab's `tiny` module, loaded, then
//! deleted) or `"real"` (all-MiniLM-L6-v2 from `$MINILM_MODEL_DIR`, which
//! the grader's prepare step provides). Loaded models are kept for the
//! process's life, so only the first case of a model pays for loading.
//! `device` is `"cpu"` (default) or `"cuda"` (GPU 0; an error reply when
//! this driver or machine has none).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use lab::{Device, EmbedError, Embedder, Tensor};
use lab_protocol::{float, floats, serve, unknown_call, ArgError, Args, GuardedAlloc, Reply};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: GuardedAlloc = GuardedAlloc;

/// Loaded models by `model/seed/device`.
static MODELS: Mutex<Vec<(String, Arc<Embedder>)>> = Mutex::new(Vec::new());

fn main() -> ExitCode {
    serve(dispatch)
}

fn dispatch(call: &str, args: &Args) -> Result<Reply, ArgError> {
    Ok(match call {
        "tokenize" => {
            let embedder = match embedder(args)? {
                Ok(e) => e,
                Err(reply) => return Ok(reply),
            };
            let texts = texts(args, "texts")?;
            match lab::tokenize_batch(embedder.tokenizer(), &refs(&texts)) {
                Ok(batch) => Reply::Ok(json!({
                    "input_ids": batch.input_ids,
                    "attention_mask": batch.attention_mask,
                })),
                Err(err) => embed_error(&err),
            }
        }
        "mean_pool" => {
            let hidden: Vec<Vec<Vec<f32>>> = args.parse("hidden")?;
            let mask: Vec<Vec<u32>> = args.parse("mask")?;
            let (b, t) = (hidden.len(), hidden.first().map_or(0, Vec::len));
            let h = hidden.first().and_then(|r| r.first()).map_or(0, Vec::len);
            let flat: Vec<f32> = hidden.into_iter().flatten().flatten().collect();
            let hidden = tensor(Tensor::from_vec(flat, (b, t, h), &Device::Cpu))?;
            let mask = tensor(Tensor::from_vec(mask.concat(), (b, t), &Device::Cpu))?;
            rows(lab::mean_pool(&hidden, &mask))
        }
        "l2_normalize" => {
            let x = args.f32_rows("x")?;
            let (b, h) = (x.len(), x.first().map_or(0, Vec::len));
            let x = tensor(Tensor::from_vec(x.concat(), (b, h), &Device::Cpu))?;
            rows(lab::l2_normalize(&x))
        }
        "embed" => {
            let embedder = match embedder(args)? {
                Ok(e) => e,
                Err(reply) => return Ok(reply),
            };
            let texts = texts(args, "texts")?;
            let result = match args.raw("batch_size") {
                Ok(_) => embedder.embed_batched(&refs(&texts), args.usize("batch_size")?),
                Err(_) => embedder.embed(&refs(&texts)),
            };
            match result {
                Ok(vectors) => Reply::Ok(Value::Array(vectors.iter().map(|v| floats(v)).collect())),
                Err(err) => embed_error(&err),
            }
        }
        "search" => {
            let embedder = match embedder(args)? {
                Ok(e) => e,
                Err(reply) => return Ok(reply),
            };
            let corpus = texts(args, "corpus")?;
            let hits = lab::search(
                &embedder,
                args.str("query")?,
                &refs(&corpus),
                args.usize("k")?,
                args.usize("batch_size")?,
            );
            match hits {
                Ok(hits) => Reply::Ok(Value::Array(
                    hits.iter()
                        .map(|h| json!({ "index": h.index, "score": float(f64::from(h.score)) }))
                        .collect(),
                )),
                Err(err) => embed_error(&err),
            }
        }
        "throughput" => throughput(args)?,
        other => return unknown_call(other),
    })
}

fn throughput(args: &Args) -> Result<Reply, ArgError> {
    let embedder = match embedder(args)? {
        Ok(e) => e,
        Err(reply) => return Ok(reply),
    };
    let count = args.usize("count")?;
    let texts = match args.str("workload")? {
        "short" => short_texts(count),
        "long" => long_texts(count),
        other => return Err(ArgError(format!("unknown workload `{other}`"))),
    };
    Ok(
        match embedder.embed_batched(&refs(&texts), args.usize("batch_size")?) {
            Ok(vectors) => {
                let norms: Vec<f32> = vectors
                    .iter()
                    .map(|v| v.iter().map(|x| x * x).sum::<f32>().sqrt())
                    .collect();
                let n = vectors.len();
                let sample: Vec<Value> = [0, n / 2, n.saturating_sub(1)]
                    .iter()
                    .filter_map(|&i| vectors.get(i))
                    .map(|v| floats(v))
                    .collect();
                Reply::Ok(json!({ "norms": floats(&norms), "sample": sample }))
            }
            Err(err) => embed_error(&err),
        },
    )
}

const SUBJECTS: [&str; 6] = [
    "The cat",
    "A tired engineer",
    "Our small team",
    "The river bank",
    "My neighbour",
    "A student",
];
const VERBS: [&str; 6] = [
    "quietly watched",
    "approved",
    "wrote about",
    "ran past",
    "enjoyed",
    "measured",
];
const OBJECTS: [&str; 6] = [
    "the morning train.",
    "a loan for the bakery.",
    "vectors and meaning.",
    "the kitten by the window.",
    "a bug in the parser.",
    "the price of coffee.",
];

fn sentence(k: usize) -> String {
    format!(
        "{} {} {}",
        SUBJECTS[k % 6],
        VERBS[(k / 6 + k) % 6],
        OBJECTS[(k / 36 + 5 * k) % 6]
    )
}

/// Short sentences (5 to 8 words).
fn short_texts(count: usize) -> Vec<String> {
    (0..count).map(sentence).collect()
}

/// Texts of about 200 words.
fn long_texts(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            (0..33)
                .map(|j| sentence(i * 13 + j * 7))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn texts(args: &Args, name: &str) -> Result<Vec<String>, ArgError> {
    args.parse(name)
}

fn refs(texts: &[String]) -> Vec<&str> {
    texts.iter().map(String::as_str).collect()
}

fn tensor<E: std::fmt::Display>(result: Result<Tensor, E>) -> Result<Tensor, ArgError> {
    result.map_err(|err| ArgError(format!("malformed tensor arguments: {err}")))
}

fn rows(result: Result<Tensor, EmbedError>) -> Reply {
    match result.and_then(|t| Ok(t.to_vec2::<f32>()?)) {
        Ok(rows) => Reply::Ok(Value::Array(rows.iter().map(|r| floats(r)).collect())),
        Err(err) => embed_error(&err),
    }
}

fn embed_error(err: &EmbedError) -> Reply {
    let kind = match err {
        EmbedError::Io { .. } => "io",
        EmbedError::Config { .. } => "config",
        EmbedError::Tokenizer(_) => "tokenizer",
        EmbedError::Candle(_) => "tensor",
        EmbedError::BadArgument(_) => "bad_argument",
    };
    Reply::Err(json!({ "kind": kind, "message": err.to_string() }))
}

/// The model the case names, loaded once per process; `Err(reply)` when
/// the student's loading failed.
fn embedder(args: &Args) -> Result<Result<Arc<Embedder>, Reply>, ArgError> {
    let model = args.str("model")?;
    let device_name = args.str("device").unwrap_or("cpu");
    let seed = if model == "tiny" {
        args.u64("seed")?
    } else {
        0
    };
    let key = format!("{model}/{seed}/{device_name}");
    let mut models = MODELS.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some((_, embedder)) = models.iter().find(|(k, _)| *k == key) {
        return Ok(Ok(Arc::clone(embedder)));
    }
    let device = match device_name {
        "cpu" => Device::Cpu,
        "cuda" => Device::new_cuda(0).map_err(|err| {
            ArgError(format!("this driver cannot use CUDA (build it with the `cuda` feature, on a machine with an NVIDIA GPU): {err}"))
        })?,
        other => return Err(ArgError(format!("unknown device `{other}`"))),
    };
    let loaded = match model {
        "tiny" => {
            let dir =
                std::env::temp_dir().join(format!("minilm-tiny-{}-{seed}", std::process::id()));
            let loaded = lab::tiny::write_tiny_model(&dir, seed)
                .and_then(|()| Embedder::load(&dir, &device));
            let _ = std::fs::remove_dir_all(&dir);
            loaded
        }
        "real" => {
            let dir = std::env::var_os("MINILM_MODEL_DIR").filter(|d| !d.is_empty()).ok_or_else(|| {
                ArgError("the real model is not available to this driver: MINILM_MODEL_DIR is unset (the grader's prepare step sets it)".into())
            })?;
            Embedder::load(&PathBuf::from(dir), &device)
        }
        other => return Err(ArgError(format!("unknown model `{other}`"))),
    };
    match loaded {
        Ok(embedder) => {
            let embedder = Arc::new(embedder);
            models.push((key, Arc::clone(&embedder)));
            Ok(Ok(embedder))
        }
        Err(err) => Ok(Err(embed_error(&err))),
    }
}
