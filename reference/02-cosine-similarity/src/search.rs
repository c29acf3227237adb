//! Nearest-neighbour search: the rows of a corpus most similar to a query.

use std::cmp::Ordering;

use crate::vector::{checked_norm, cosine_with_checked_query};
use crate::SimilarityError;

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
    let query_norm = checked_norm(query)?;
    let mut neighbors = corpus
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let score = cosine_with_checked_query(query, query_norm, row)?;
            Ok(Neighbor { index, score })
        })
        .collect::<Result<Vec<_>, SimilarityError>>()?;
    // Partition the best k to the front in O(n), then sort only those.
    if k < neighbors.len() {
        neighbors.select_nth_unstable_by(k, best_first);
        neighbors.truncate(k);
    }
    neighbors.sort_unstable_by(best_first);
    Ok(neighbors)
}

/// Score descending, then index ascending: a total order, since indices are
/// distinct and scores are never NaN (inputs are checked) nor -0.0 (a zero dot
/// product is +0.0), so `total_cmp` agrees with `==` on them.
fn best_first(x: &Neighbor, y: &Neighbor) -> Ordering {
    y.score
        .total_cmp(&x.score)
        .then_with(|| x.index.cmp(&y.index))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neighbors(pairs: &[(usize, f32)]) -> Vec<Neighbor> {
        pairs
            .iter()
            .map(|&(index, score)| Neighbor { index, score })
            .collect()
    }

    #[test]
    fn equal_scores_keep_index_order_whatever_k_is() {
        // Rows 1, 3 and 4 point the same way as the query (scaled); 0 and 2 do not.
        let corpus = vec![
            vec![0.0, 1.0],
            vec![2.0, 0.0],
            vec![1.0, 1.0],
            vec![0.5, 0.0],
            vec![7.0, 0.0],
        ];
        let all = top_k(&[1.0, 0.0], &corpus, 10).unwrap();
        let expected = [(1, 1.0), (3, 1.0), (4, 1.0), (2, 0.70710677), (0, 0.0)];
        assert_eq!(all, neighbors(&expected));
        for k in 0..=corpus.len() {
            assert_eq!(top_k(&[1.0, 0.0], &corpus, k).unwrap(), all[..k]);
        }
    }

    #[test]
    fn query_is_checked_before_rows_and_rows_in_index_order() {
        use SimilarityError::*;
        let corpus = vec![vec![1.0, 0.0], vec![1.0], vec![0.0, 0.0]];
        assert_eq!(top_k(&[0.0, 0.0], &corpus, 1), Err(ZeroNorm));
        assert_eq!(top_k(&[], &corpus, 1), Err(Empty));
        let mismatch = LengthMismatch { left: 2, right: 1 };
        assert_eq!(top_k(&[1.0, 1.0], &corpus, 0), Err(mismatch));
        let corpus = vec![vec![1.0, 0.0], vec![0.0, 0.0], vec![f32::NAN, 1.0]];
        assert_eq!(top_k(&[1.0, 1.0], &corpus, 3), Err(ZeroNorm));
    }

    #[test]
    fn empty_corpus_gives_no_neighbors_but_a_bad_query_is_still_an_error() {
        assert_eq!(top_k(&[1.0], &[], 3), Ok(vec![]));
        assert_eq!(top_k(&[0.0], &[], 3), Err(SimilarityError::ZeroNorm));
    }
}
