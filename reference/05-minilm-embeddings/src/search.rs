//! Semantic search: rank a corpus by meaning, not keywords.

use crate::embedder::Embedder;
use crate::error::EmbedError;

/// One search result: a corpus line and its cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Position of the line in the corpus.
    pub index: usize,
    /// Cosine similarity to the query (a dot product of unit vectors).
    pub score: f32,
}

/// Dot product of two equally long vectors, accumulated in f64; for unit
/// vectors it is their cosine similarity.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum::<f64>() as f32
}

/// The `k` corpus texts most similar to `query`, best first; equal scores
/// go to the lower index first. The corpus is embedded with
/// [`Embedder::embed_batched`] in batches of `batch_size`.
pub fn search(
    embedder: &Embedder,
    query: &str,
    corpus: &[&str],
    k: usize,
    batch_size: usize,
) -> Result<Vec<Hit>, EmbedError> {
    let query = embedder.embed(&[query])?.remove(0);
    let rows = embedder.embed_batched(corpus, batch_size)?;
    let mut hits: Vec<Hit> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| Hit {
            index,
            score: dot(&query, row),
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
    hits.truncate(k);
    Ok(hits)
}
