//! Word analogies `a - b + c` by vector arithmetic and nearest-neighbour search.

use crate::vector::{checked_norm, cosine_with_checked_query};
use crate::{AnalogyError, SimilarityError, Vocabulary};

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
    let (va, vb, vc) = (lookup(vocab, a)?, lookup(vocab, b)?, lookup(vocab, c)?);
    let is_input = |word: &str| word == a || word == b || word == c;
    if vocab.words().all(is_input) {
        return Err(AnalogyError::NoCandidates);
    }
    let target: Vec<f32> = va
        .iter()
        .zip(vb)
        .zip(vc)
        .map(|((&x, &y), &z)| (f64::from(x) - f64::from(y) + f64::from(z)) as f32)
        .collect();
    let target_norm = checked_norm(&target)?;
    let mut best: Option<(&str, f32)> = None;
    for (word, vector) in vocab.iter().filter(|(word, _)| !is_input(word)) {
        let score = match cosine_with_checked_query(&target, target_norm, vector) {
            Ok(score) => score,
            // The target is checked above, so a zero norm is the candidate's.
            Err(SimilarityError::ZeroNorm) => continue,
            Err(error) => return Err(error.into()),
        };
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((word, score));
        }
    }
    let (word, score) = best.ok_or(AnalogyError::NoCandidates)?;
    Ok(AnalogyAnswer {
        word: word.to_owned(),
        score,
    })
}

fn lookup<'v>(vocab: &'v Vocabulary, word: &str) -> Result<&'v [f32], AnalogyError> {
    vocab
        .get(word)
        .ok_or_else(|| AnalogyError::UnknownWord(word.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy_vocabulary;

    fn vocabulary(entries: &[(&str, &[f32])]) -> Vocabulary {
        let entries = entries
            .iter()
            .map(|(word, vector)| (word.to_string(), vector.to_vec()))
            .collect();
        Vocabulary::new(entries).unwrap()
    }

    #[test]
    fn toy_analogies_win_by_a_clear_margin() {
        let cases = [
            ("king", "man", "woman", "queen"),
            ("paris", "france", "italy", "rome"),
            ("puppy", "dog", "cat", "kitten"),
            ("prince", "boy", "girl", "princess"),
            ("boy", "man", "woman", "girl"),
            ("foal", "horse", "dog", "puppy"),
        ];
        let vocab = toy_vocabulary();
        for (a, b, c, expected) in cases {
            let answer = analogy(&vocab, a, b, c).unwrap();
            assert_eq!(answer.word, expected, "{a} - {b} + {c}");
            // Without `expected` in the vocabulary, the runner-up must be clearly worse.
            let rest: Vec<_> = vocab
                .iter()
                .filter(|(word, _)| *word != expected)
                .map(|(word, vector)| (word.to_owned(), vector.to_vec()))
                .collect();
            let runner_up = analogy(&Vocabulary::new(rest).unwrap(), a, b, c).unwrap();
            assert!(answer.score - runner_up.score >= 0.02, "{runner_up:?}");
        }
    }

    #[test]
    fn errors_come_in_the_documented_order() {
        let nan = f32::NAN;
        let vocab = vocabulary(&[("a", &[1.0, 0.0]), ("b", &[1.0, 0.0]), ("c", &[0.0, 0.0])]);
        let unknown = AnalogyError::UnknownWord("x".to_owned());
        assert_eq!(analogy(&vocab, "a", "x", "y"), Err(unknown));
        // No candidates wins over a zero target.
        assert_eq!(
            analogy(&vocab, "a", "b", "c"),
            Err(AnalogyError::NoCandidates)
        );
        let vocab = vocabulary(&[
            ("a", &[1.0, 0.0]),
            ("b", &[1.0, 0.0]),
            ("c", &[0.0, 0.0]),
            ("d", &[nan, 0.0]),
        ]);
        let zero = AnalogyError::Similarity(SimilarityError::ZeroNorm);
        assert_eq!(analogy(&vocab, "a", "b", "c"), Err(zero));
        let non_finite = AnalogyError::Similarity(SimilarityError::NonFinite { index: 0 });
        assert_eq!(analogy(&vocab, "a", "c", "c"), Err(non_finite));
    }

    #[test]
    fn zero_norm_candidates_are_skipped() {
        let vocab = vocabulary(&[
            ("a", &[1.0, 0.0]),
            ("b", &[0.0, 1.0]),
            ("zero", &[0.0, 0.0]),
            ("d", &[0.0, -1.0]),
        ]);
        let answer = analogy(&vocab, "a", "b", "b").unwrap();
        assert_eq!(answer.word, "d");
        assert_eq!(answer.score, 0.0);
        let vocab = vocabulary(&[("a", &[1.0]), ("b", &[2.0]), ("zero", &[0.0])]);
        assert_eq!(
            analogy(&vocab, "a", "b", "b"),
            Err(AnalogyError::NoCandidates)
        );
    }

    #[test]
    fn repeated_inputs_exclude_fewer_words() {
        let vocab = vocabulary(&[("a", &[1.0, 0.0]), ("b", &[0.0, 1.0])]);
        let answer = analogy(&vocab, "a", "a", "a").unwrap();
        assert_eq!(answer.word, "b");
        assert_eq!(answer.score, 0.0);
    }

    #[test]
    fn target_is_summed_in_f64_before_rounding_to_f32() {
        // In f32, 3e38 + 3e38 is infinity; in f64 the sum -3e38 + 3e38 + 3e38 is fine.
        let vocab = vocabulary(&[
            ("a", &[3e38, 1.0]),
            ("b", &[-3e38, 1.0]),
            ("c", &[-3e38, 1.0]),
            ("d", &[1.0, 0.0]),
        ]);
        let answer = analogy(&vocab, "a", "c", "b").unwrap();
        assert_eq!(
            answer,
            AnalogyAnswer {
                word: "d".to_owned(),
                score: 1.0
            }
        );
    }
}
