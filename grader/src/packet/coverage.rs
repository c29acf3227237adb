//! Coverage: is each criterion's topic actually discussed? The best cosine
//! similarity (MiniLM sentence embeddings) between the criterion's
//! description and the packet's original paragraphs, against thresholds
//! calibrated on the sample packets (rubrics/calibration/).

use super::rubric::CoverageSpec;

/// Sentence embeddings (one vector per text).
pub trait Embedder {
    /// Embed `texts`; `Err` (why) when no model is available here.
    fn embed(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, String>;
}

/// An embedder that is never available, with the reason it gives.
pub struct Unavailable(pub String);

impl Embedder for Unavailable {
    fn embed(&mut self, _: &[String]) -> Result<Vec<Vec<f32>>, String> {
        Err(self.0.clone())
    }
}

/// Cosine similarity (0 when a vector is zero or the lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Share of a criterion's points for best similarity `similarity`, and
/// whether it is close enough to a threshold to need review.
pub fn share(similarity: f64, spec: &CoverageSpec) -> (f64, bool) {
    let near = (similarity - spec.full).abs() < spec.review_margin
        || (similarity - spec.zero).abs() < spec.review_margin;
    let share = if similarity >= spec.full {
        1.0
    } else if similarity < spec.zero {
        0.0
    } else {
        (similarity - spec.zero) / (spec.full - spec.zero)
    };
    (share, near || (share > 0.0 && share < 1.0))
}

/// For each query (criterion description), the best similarity over
/// `paragraphs` and that paragraph's index. Paragraphs are embedded once.
pub fn best_matches(
    embedder: &mut dyn Embedder,
    queries: &[String],
    paragraphs: &[String],
) -> Result<Vec<Option<(f64, usize)>>, String> {
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let mut texts = queries.to_vec();
    texts.extend(paragraphs.iter().cloned());
    let vectors = embedder.embed(&texts)?;
    if vectors.len() != texts.len() {
        return Err(format!(
            "the embedder returned {} vectors for {} texts",
            vectors.len(),
            texts.len()
        ));
    }
    let (query_vectors, paragraph_vectors) = vectors.split_at(queries.len());
    Ok(query_vectors
        .iter()
        .map(|q| {
            paragraph_vectors
                .iter()
                .enumerate()
                .map(|(i, p)| (cosine(q, p), i))
                .max_by(|a, b| a.0.total_cmp(&b.0))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CoverageSpec {
        CoverageSpec {
            full: 0.5,
            zero: 0.3,
            review_margin: 0.03,
            min_paragraph_words: 8,
        }
    }

    /// Bag-of-letters vectors: enough to test the plumbing.
    struct Letters;

    impl Embedder for Letters {
        fn embed(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = vec![0f32; 26];
                    for b in t
                        .to_ascii_lowercase()
                        .bytes()
                        .filter(u8::is_ascii_lowercase)
                    {
                        v[usize::from(b - b'a')] += 1.0;
                    }
                    v
                })
                .collect())
        }
    }

    #[test]
    fn shares_follow_the_thresholds_and_flag_the_margins() {
        assert_eq!(share(0.7, &spec()), (1.0, false));
        assert_eq!(share(0.51, &spec()), (1.0, true));
        assert_eq!(share(0.1, &spec()), (0.0, false));
        assert_eq!(share(0.29, &spec()), (0.0, true));
        let (s, review) = share(0.4, &spec());
        assert!((s - 0.5).abs() < 1e-9 && review);
    }

    #[test]
    fn the_best_paragraph_is_found() {
        let best = best_matches(
            &mut Letters,
            &["aaaa".into(), "zzzz".into()],
            &["bbbb".into(), "aaab".into()],
        )
        .unwrap();
        assert_eq!(best[0].unwrap().1, 1);
        assert_eq!(best[1].unwrap().0, 0.0);
        let none = best_matches(&mut Letters, &["a".into()], &[]).unwrap();
        assert_eq!(none, [None]);
    }

    #[test]
    fn an_unavailable_embedder_says_why() {
        let err =
            best_matches(&mut Unavailable("no model".into()), &["a".into()], &[]).unwrap_err();
        assert_eq!(err, "no model");
    }

    #[test]
    fn cosine_of_odd_vectors_is_zero() {
        assert_eq!(cosine(&[], &[]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 2.0]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 2.0]), 0.0);
    }
}
