//! Reference solution of lab 02, cosine similarity: comparing embeddings by
//! the angle between them, nearest-neighbour search over a corpus, and word
//! analogies such as `king - man + woman ≈ queen`.
//!
//! The public API is fixed by `labs/02-cosine-similarity/API.md` and is the
//! same as the starter's. `error.rs` and `vocab.rs` are given to students
//! unchanged; `vector.rs`, `search.rs` and `analogy.rs` hold what they write.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod analogy;
mod error;
mod search;
mod vector;
mod vocab;

pub use analogy::{analogy, AnalogyAnswer};
pub use error::{AnalogyError, SimilarityError};
pub use search::{top_k, Neighbor};
pub use vector::{cosine_similarity, dot, l2_normalize, norm};
pub use vocab::{toy_vocabulary, Vocabulary, VocabularyError};
