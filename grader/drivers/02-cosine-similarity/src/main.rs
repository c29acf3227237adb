//! Driver for lab 02 (cosine similarity): answers case requests by calling
//! the linked lab crate. Owned by the grader; never edited by students.

use std::process::ExitCode;

use lab::{AnalogyError, SimilarityError, Vocabulary, VocabularyError};
use lab_protocol::{float, floats, serve, unknown_call, ArgError, Args, GuardedAlloc, Reply};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: GuardedAlloc = GuardedAlloc;

fn main() -> ExitCode {
    serve(dispatch)
}

fn dispatch(call: &str, args: &Args) -> Result<Reply, ArgError> {
    Ok(match call {
        "dot" => scalar(lab::dot(&args.f32_vec("a")?, &args.f32_vec("b")?)),
        "norm" => scalar(lab::norm(&args.f32_vec("v")?)),
        "cosine_similarity" => scalar(lab::cosine_similarity(
            &args.f32_vec("a")?,
            &args.f32_vec("b")?,
        )),
        "l2_normalize" => match lab::l2_normalize(&args.f32_vec("v")?) {
            Ok(v) => Reply::Ok(floats(&v)),
            Err(err) => Reply::Err(similarity_error(&err)),
        },
        "top_k" => {
            let corpus = args.f32_rows("corpus")?;
            match lab::top_k(&args.f32_vec("query")?, &corpus, args.usize("k")?) {
                Ok(neighbors) => Reply::Ok(Value::Array(
                    neighbors
                        .iter()
                        .map(|n| json!({ "index": n.index, "score": float(f64::from(n.score)) }))
                        .collect(),
                )),
                Err(err) => Reply::Err(similarity_error(&err)),
            }
        }
        "analogy" => analogy(args)?,
        other => return unknown_call(other),
    })
}

fn analogy(args: &Args) -> Result<Reply, ArgError> {
    let vocab = match args.raw("vocabulary")? {
        Value::String(name) if name == "toy" => lab::toy_vocabulary(),
        _ => {
            let entries: Vec<(String, Vec<f32>)> = args
                .parse::<Vec<(String, Vec<Value>)>>("vocabulary")?
                .into_iter()
                .map(|(word, xs)| {
                    let xs = xs
                        .iter()
                        .map(|x| lab_protocol::decode_float(x).unwrap_or(f64::NAN) as f32);
                    (word, xs.collect())
                })
                .collect();
            match Vocabulary::new(entries) {
                Ok(vocab) => vocab,
                Err(err) => return Ok(Reply::Err(vocabulary_error(&err))),
            }
        }
    };
    let (a, b, c) = (args.str("a")?, args.str("b")?, args.str("c")?);
    Ok(match lab::analogy(&vocab, a, b, c) {
        Ok(answer) => {
            Reply::Ok(json!({ "word": answer.word, "score": float(f64::from(answer.score)) }))
        }
        Err(AnalogyError::UnknownWord(word)) => {
            Reply::Err(json!({ "kind": "unknown_word", "word": word }))
        }
        Err(AnalogyError::NoCandidates) => Reply::Err(json!({ "kind": "no_candidates" })),
        Err(AnalogyError::Similarity(err)) => {
            Reply::Err(json!({ "kind": "similarity", "error": similarity_error(&err) }))
        }
    })
}

fn scalar(result: Result<f32, SimilarityError>) -> Reply {
    match result {
        Ok(x) => Reply::Ok(float(f64::from(x))),
        Err(err) => Reply::Err(similarity_error(&err)),
    }
}

fn similarity_error(err: &SimilarityError) -> Value {
    match err {
        SimilarityError::LengthMismatch { left, right } => {
            json!({ "kind": "length_mismatch", "left": left, "right": right })
        }
        SimilarityError::Empty => json!({ "kind": "empty" }),
        SimilarityError::ZeroNorm => json!({ "kind": "zero_norm" }),
        SimilarityError::NonFinite { index } => json!({ "kind": "non_finite", "index": index }),
    }
}

fn vocabulary_error(err: &VocabularyError) -> Value {
    match err {
        VocabularyError::Empty => json!({ "kind": "empty_vocabulary" }),
        VocabularyError::LengthMismatch {
            word,
            expected,
            found,
        } => {
            json!({ "kind": "vocabulary_length_mismatch", "word": word, "expected": expected, "found": found })
        }
        VocabularyError::DuplicateWord(word) => json!({ "kind": "duplicate_word", "word": word }),
    }
}
