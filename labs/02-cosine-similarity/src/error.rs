//! The ways a similarity or an analogy can fail.
//!
//! GIVEN: this file is identical in the starter (labs/02-cosine-similarity)
//! and the reference; a test in the reference checks that they stay equal.

use std::fmt;

/// Why a similarity could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum SimilarityError {
    /// The two vectors have different lengths.
    LengthMismatch {
        /// Length of the first (left) vector.
        left: usize,
        /// Length of the second (right) vector.
        right: usize,
    },
    /// A vector has no elements.
    Empty,
    /// A vector has zero L2 norm (all zeros, or so small its norm is 0 even in f64).
    ZeroNorm,
    /// A vector holds NaN or +-inf at `index`.
    NonFinite {
        /// Position of the first NaN or infinity in the vector where it was found.
        index: usize,
    },
}

impl fmt::Display for SimilarityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthMismatch { left, right } => {
                write!(f, "vectors have different lengths ({left} and {right})")
            }
            Self::Empty => f.write_str("vector is empty"),
            Self::ZeroNorm => f.write_str("vector has zero length, so it has no direction"),
            Self::NonFinite { index } => {
                write!(f, "vector holds nan or infinity at index {index}")
            }
        }
    }
}

impl std::error::Error for SimilarityError {}

/// Why an analogy `a - b + c` could not be answered.
#[derive(Debug, Clone, PartialEq)]
pub enum AnalogyError {
    /// The word is not in the vocabulary.
    UnknownWord(String),
    /// Fewer than 4 words: nothing left after excluding the three inputs.
    NoCandidates,
    /// Scoring failed, e.g. the target vector `a - b + c` is all zeros.
    Similarity(SimilarityError),
}

// The inner error is part of the message rather than a `source()`, so that a
// report that prints the whole error chain does not print it twice.
impl fmt::Display for AnalogyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownWord(word) => write!(f, "unknown word {word:?}"),
            Self::NoCandidates => {
                f.write_str("no candidate words left after excluding the three inputs")
            }
            Self::Similarity(error) => write!(f, "could not score the analogy: {error}"),
        }
    }
}

impl std::error::Error for AnalogyError {}

impl From<SimilarityError> for AnalogyError {
    fn from(error: SimilarityError) -> Self {
        Self::Similarity(error)
    }
}
