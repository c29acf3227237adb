//! Lab 02, cosine similarity: comparing embeddings by the angle between them,
//! nearest-neighbour search over a corpus, and word analogies such as
//! `king - man + woman ≈ queen`.
//!
//! Fill in the six `todo!()` bodies below, in order; each has a
//! `TODO(lab02)` comment. The error types (`error.rs`), the vocabulary and
//! the toy vocabulary (`vocab.rs`) are given complete. Read README.md first.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The TODO bodies below do not use their arguments yet. Remove this line when
// you are done: the compiler will then point at any argument you forgot.
#![allow(unused_variables)]

mod error;
mod vocab;

pub use error::{AnalogyError, SimilarityError};
pub use vocab::{toy_vocabulary, Vocabulary, VocabularyError};

/// Dot product `sum(a[i] * b[i])`, accumulated in `f64`.
///
/// Checks, in order: lengths differ, vectors empty, a NaN or infinity (in `a`
/// first, then `b`). A finite result larger than `f32::MAX` rounds to
/// infinity when converted back to `f32`; that is the honest `f32` answer.
pub fn dot(a: &[f32], b: &[f32]) -> Result<f32, SimilarityError> {
    // TODO(lab02): the dot product is the core of every similarity in the
    // lesson ("similar meanings = similar numbers" is measured with it).
    // 1. Different lengths -> Err(LengthMismatch { left: a.len(), right: b.len() }).
    // 2. Empty -> Err(Empty).
    // 3. The first NaN or infinity in `a`, then in `b` -> Err(NonFinite { index }).
    // 4. Multiply pairs and add them up in f64 (`f64::from(x)`), start the sum at
    //    0.0, and convert the total to f32 at the very end.
    todo!("lab02: dot product")
}

/// L2 norm `sqrt(sum(v[i]^2))`, accumulated in `f64`.
///
/// Errors for an empty vector or a NaN or infinity; a zero vector has norm
/// 0.0, which is a valid answer here.
pub fn norm(v: &[f32]) -> Result<f32, SimilarityError> {
    // TODO(lab02): the norm is a vector's length, |v| in the lesson's formula.
    // Empty -> Err(Empty); first NaN or infinity -> Err(NonFinite { index }).
    // Square and add in f64: in f32, squares overflow above ~1.8e19 and
    // underflow to 0 below ~1e-23 (README, "Numerics").
    todo!("lab02: L2 norm")
}

/// Cosine similarity `dot(a, b) / (|a| |b|)`: the cosine of the angle between
/// `a` and `b`, from -1 (opposite) through 0 (orthogonal) to 1 (same
/// direction). Scaling either vector by a positive factor does not change it.
///
/// Checks, in order: lengths differ, vectors empty, a NaN or infinity (in `a`
/// first, then `b`), a zero norm. Computed in `f64` and clamped to `[-1, 1]`,
/// because rounding can push `dot / (|a| |b|)` a hair past 1.
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> Result<f32, SimilarityError> {
    // TODO(lab02): the lesson's `np.dot(a, b) / (norm(a) * norm(b))`.
    // Check as `dot` does, then Err(ZeroNorm) if either norm is 0 (a zero
    // vector has no direction, so no angle). Keep dot and both norms in f64
    // (write small private f64 helpers and share them with `dot` and `norm`),
    // divide, clamp to [-1.0, 1.0], and only then convert to f32.
    todo!("lab02: cosine similarity")
}

/// `v / |v|`: the unit vector with `v`'s direction. Each element is divided
/// by the norm in `f64`, so huge and tiny vectors normalise correctly.
///
/// Errors for an empty vector, a NaN or infinity, or a zero norm.
pub fn l2_normalize(v: &[f32]) -> Result<Vec<f32>, SimilarityError> {
    // TODO(lab02): after normalising, cosine similarity is just a dot product,
    // which is why vector databases store unit vectors (README).
    // Empty / NonFinite as in `norm`, then Err(ZeroNorm) for a zero vector.
    // Divide each element, as f64, by the f64 norm; convert each result to f32.
    todo!("lab02: L2 normalisation")
}

/// One search hit: the position of a corpus row and its cosine similarity to
/// the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbor {
    /// Position of the row in the corpus.
    pub index: usize,
    /// Cosine similarity of the row to the query.
    pub score: f32,
}

/// The `k` corpus rows most similar to `query` by cosine similarity, best
/// first; equal scores are ordered by lower index first.
///
/// The query is checked first (empty, NaN or infinity, zero norm), then every
/// row in index order as `cosine_similarity(query, row)` checks it; the first
/// error is returned as is. Rows are checked even when `k` is 0. An empty
/// corpus gives an empty result, and so does `k = 0`; `k` larger than the
/// corpus gives every row.
pub fn top_k(
    query: &[f32],
    corpus: &[Vec<f32>],
    k: usize,
) -> Result<Vec<Neighbor>, SimilarityError> {
    // TODO(lab02): nearest-neighbour search, the "semantic search" and "RAG
    // retrieval" of the lesson: rank documents by meaning, not keywords.
    // 1. Check the query on its own: Empty, NonFinite, ZeroNorm.
    // 2. Score every row with the cosine similarity (a row's error, e.g.
    //    LengthMismatch { left: query.len(), right: row.len() }, is returned
    //    as is; the first failing row wins).
    // 3. Sort by score, highest first; equal scores: lower index first.
    //    `f32::total_cmp` gives floats a total order for sorting.
    // 4. Keep at most k.
    todo!("lab02: top-k nearest neighbours")
}

/// The answer to an analogy: the chosen word and its cosine similarity to the
/// target vector `a - b + c`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalogyAnswer {
    /// The vocabulary word nearest to the target.
    pub word: String,
    /// Its cosine similarity to the target.
    pub score: f32,
}

/// a - b + c: the vocabulary word (excluding a, b and c) whose vector has the
/// highest cosine similarity to target where
/// `target[i] = (a[i] as f64 - b[i] as f64 + c[i] as f64) as f32`, scored as
/// `cosine_similarity(target, word)`; ties go to the earlier word in
/// vocabulary order.
///
/// The inputs are excluded because the target is usually nearest to `a`
/// itself. Errors are checked in this order: `UnknownWord` (the first
/// unknown of a, b, c), `NoCandidates` (every word is an input), then
/// `Similarity` for a bad target (empty, NaN or infinity, zero norm), then
/// `Similarity` for the first candidate with a NaN or infinity. Candidates
/// with zero norm are skipped; if every candidate is skipped the answer is
/// `NoCandidates`.
pub fn analogy(
    vocab: &Vocabulary,
    a: &str,
    b: &str,
    c: &str,
) -> Result<AnalogyAnswer, AnalogyError> {
    // TODO(lab02): the lesson's "king - man + woman ≈ queen".
    // 1. Look up a, b, c in that order (`vocab.get`); the first missing one
    //    -> Err(UnknownWord(word)).
    // 2. If every vocabulary word is one of a, b, c -> Err(NoCandidates).
    // 3. Build the target in f64 as the doc comment says; check it like a
    //    query (a zero target -> Err(Similarity(ZeroNorm)); `?` converts a
    //    SimilarityError into an AnalogyError for you).
    // 4. Walk `vocab.iter()` in order, skipping a, b and c (or the answer is
    //    usually a itself) and zero-norm words; keep the best cosine, replacing
    //    it only on a strictly higher score so ties go to the earlier word.
    todo!("lab02: word analogy")
}
