//! A vocabulary of words with their embedding vectors, and the toy vocabulary
//! the lab's analogies run on.
//!
//! GIVEN: this file is identical in the starter (labs/02-cosine-similarity)
//! and the reference; a test in the reference checks that they stay equal.

use std::collections::HashMap;
use std::fmt;

/// Words and their embedding vectors, all of the same dimension, in the order
/// they were added.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    words: Vec<String>,
    vectors: Vec<Vec<f32>>,
    /// Position of each word in `words`, so `get` does not scan the list.
    positions: HashMap<String, usize>,
}

/// Why a [`Vocabulary`] could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum VocabularyError {
    /// No entries at all.
    Empty,
    /// A word's vector does not have the dimension of the first entry.
    LengthMismatch {
        /// The word with the wrong dimension.
        word: String,
        /// Dimension of the first entry.
        expected: usize,
        /// Dimension of this word's vector.
        found: usize,
    },
    /// The same word appears twice.
    DuplicateWord(String),
}

impl fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("vocabulary has no words"),
            Self::LengthMismatch {
                word,
                expected,
                found,
            } => write!(
                f,
                "word {word:?} has {found} dimensions, expected {expected}"
            ),
            Self::DuplicateWord(word) => write!(f, "word {word:?} appears more than once"),
        }
    }
}

impl std::error::Error for VocabularyError {}

impl Vocabulary {
    /// Builds a vocabulary from `(word, vector)` pairs, keeping their order.
    ///
    /// Entries are checked in order; for each one the dimension is checked
    /// before the word is checked for duplicates. Vectors are not checked for
    /// NaN or zero norm: that is the similarity functions' job.
    pub fn new(entries: Vec<(String, Vec<f32>)>) -> Result<Self, VocabularyError> {
        let dimension = match entries.first() {
            Some((_, vector)) => vector.len(),
            None => return Err(VocabularyError::Empty),
        };
        let mut vocabulary = Self {
            words: Vec::with_capacity(entries.len()),
            vectors: Vec::with_capacity(entries.len()),
            positions: HashMap::with_capacity(entries.len()),
        };
        for (word, vector) in entries {
            if vector.len() != dimension {
                return Err(VocabularyError::LengthMismatch {
                    word,
                    expected: dimension,
                    found: vector.len(),
                });
            }
            if vocabulary.positions.contains_key(&word) {
                return Err(VocabularyError::DuplicateWord(word));
            }
            vocabulary.push(word, vector);
        }
        Ok(vocabulary)
    }

    /// The words, in insertion order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// Each word with its vector, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[f32])> {
        self.words
            .iter()
            .map(String::as_str)
            .zip(self.vectors.iter().map(Vec::as_slice))
    }

    /// The vector of `word`, if the vocabulary has it.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        let position = *self.positions.get(word)?;
        Some(&self.vectors[position])
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when there are no words (never, for a vocabulary built by `new`).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn push(&mut self, word: String, vector: Vec<f32>) {
        self.positions.insert(word.clone(), self.words.len());
        self.words.push(word);
        self.vectors.push(vector);
    }
}

/// Number of axes of the toy vocabulary.
const TOY_DIMENSION: usize = 10;

/// The toy vocabulary, one row per word. Axes, in order:
///
/// | # | axis    | meaning                                   |
/// |---|---------|-------------------------------------------|
/// | 0 | royalty | kings, queens, crowns                     |
/// | 1 | gender  | +male, -female, 0 for neither             |
/// | 2 | youth   | young: child, puppy, kitten, foal         |
/// | 3 | person  | a human being                             |
/// | 4 | animal  | a non-human animal                        |
/// | 5 | feline  | +cat family, -dog family, 0 for neither   |
/// | 6 | vehicle | something you ride or drive               |
/// | 7 | city    | a city (not a country)                    |
/// | 8 | french  | belongs to France                         |
/// | 9 | italian | belongs to Italy                          |
///
/// The values are hand-made and a little uneven on purpose (woman's gender is
/// -0.7, man's +0.8), so analogies land *near* the answer, not exactly on it.
#[rustfmt::skip]
const TOY_WORDS: [(&str, [f32; TOY_DIMENSION]); 25] = [
    //             royal gender youth person animal feline vehicle city french italian
    ("king",     [0.9,  0.8,  0.0,  0.9,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("queen",    [0.9, -0.8,  0.0,  0.9,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("prince",   [0.8,  0.8,  0.7,  0.9,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("princess", [0.8, -0.8,  0.6,  0.9,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("man",      [0.0,  0.8,  0.0,  1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("woman",    [0.0, -0.7,  0.0,  1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("boy",      [0.0,  0.8,  0.8,  1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("girl",     [0.0, -0.8,  0.8,  1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("child",    [0.0,  0.0,  0.9,  1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("crown",    [1.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0]),
    ("dog",      [0.0,  0.0,  0.0,  0.0,  1.0, -0.8,  0.0,  0.0,  0.0,  0.0]),
    ("puppy",    [0.0,  0.0,  0.8,  0.0,  1.0, -0.8,  0.0,  0.0,  0.0,  0.0]),
    ("cat",      [0.0,  0.0,  0.0,  0.0,  1.0,  0.8,  0.0,  0.0,  0.0,  0.0]),
    ("kitten",   [0.0,  0.0,  0.7,  0.0,  0.9,  0.8,  0.0,  0.0,  0.0,  0.0]),
    ("lion",     [0.3,  0.0,  0.0,  0.0,  1.0,  0.9,  0.0,  0.0,  0.0,  0.0]),
    ("horse",    [0.0,  0.0,  0.0,  0.0,  1.0,  0.0,  0.3,  0.0,  0.0,  0.0]),
    ("foal",     [0.0,  0.0,  0.8,  0.0,  1.0,  0.0,  0.1,  0.0,  0.0,  0.0]),
    ("car",      [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,  0.0,  0.0,  0.0]),
    ("bus",      [0.0,  0.0,  0.0,  0.3,  0.0,  0.0,  1.0,  0.0,  0.0,  0.0]),
    ("bicycle",  [0.0,  0.0,  0.3,  0.0,  0.0,  0.0,  0.8,  0.0,  0.0,  0.0]),
    ("paris",    [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,  0.9,  0.0]),
    ("rome",     [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,  0.0,  0.9]),
    ("city",     [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,  0.0,  0.0]),
    ("france",   [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,  0.0]),
    ("italy",    [0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0]),
];

/// A small hand-made vocabulary (25 words, 10 interpretable axes) in which
/// `king - man + woman` lands nearest to `queen`, `paris - france + italy`
/// nearest to `rome` and `puppy - dog + cat` nearest to `kitten`.
///
/// The axes are listed in the lab's README.
pub fn toy_vocabulary() -> Vocabulary {
    let mut vocabulary = Vocabulary {
        words: Vec::with_capacity(TOY_WORDS.len()),
        vectors: Vec::with_capacity(TOY_WORDS.len()),
        positions: HashMap::with_capacity(TOY_WORDS.len()),
    };
    // Built directly instead of through `new`, which cannot fail here; the
    // tests below check that `new` accepts the same entries.
    for (word, vector) in TOY_WORDS {
        vocabulary.push(word.to_owned(), vector.to_vec());
    }
    vocabulary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(word: &str, vector: &[f32]) -> (String, Vec<f32>) {
        (word.to_owned(), vector.to_vec())
    }

    #[test]
    fn toy_vocabulary_passes_the_checks_of_new() {
        let entries = TOY_WORDS
            .iter()
            .map(|(word, vector)| entry(word, vector))
            .collect();
        assert_eq!(Vocabulary::new(entries), Ok(toy_vocabulary()));
    }

    #[test]
    fn toy_vocabulary_has_lowercase_words_and_no_zero_vectors() {
        let vocabulary = toy_vocabulary();
        assert_eq!(vocabulary.len(), 25);
        for (word, vector) in vocabulary.iter() {
            assert_eq!(word, word.to_lowercase());
            assert_eq!(vector.len(), TOY_DIMENSION);
            assert!(vector.iter().any(|&value| value != 0.0), "{word}");
        }
    }

    #[test]
    fn words_keep_insertion_order_and_get_finds_vectors() {
        let vocabulary =
            Vocabulary::new(vec![entry("b", &[1.0, 2.0]), entry("a", &[3.0, 4.0])]).unwrap();
        assert_eq!(vocabulary.words().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(vocabulary.get("a"), Some(&[3.0, 4.0][..]));
        assert_eq!(vocabulary.get("c"), None);
        assert_eq!(vocabulary.len(), 2);
        assert!(!vocabulary.is_empty());
    }

    #[test]
    fn empty_vocabulary_is_rejected() {
        assert_eq!(Vocabulary::new(vec![]), Err(VocabularyError::Empty));
    }

    #[test]
    fn vectors_must_have_the_first_entrys_dimension() {
        let entries = vec![entry("a", &[1.0, 2.0]), entry("b", &[1.0])];
        let expected = VocabularyError::LengthMismatch {
            word: "b".to_owned(),
            expected: 2,
            found: 1,
        };
        assert_eq!(Vocabulary::new(entries), Err(expected));
    }

    #[test]
    fn duplicate_words_are_rejected() {
        let entries = vec![entry("a", &[1.0]), entry("b", &[2.0]), entry("a", &[3.0])];
        let expected = VocabularyError::DuplicateWord("a".to_owned());
        assert_eq!(Vocabulary::new(entries), Err(expected));
    }

    #[test]
    fn dimension_is_checked_before_duplicates() {
        let entries = vec![entry("a", &[1.0]), entry("a", &[1.0, 2.0])];
        assert!(matches!(
            Vocabulary::new(entries),
            Err(VocabularyError::LengthMismatch { .. })
        ));
    }
}
