//! Lab 05, MiniLM embeddings: the Foundations module's final exercise, a
//! text-similarity app on the real all-MiniLM-L6-v2 model, in Rust.
//!
//! Texts become token ids (`tokenize`), BERT turns each token into a vector
//! in context (candle-transformers), mean pooling over the real tokens turns
//! those into one vector per text, and L2 normalisation makes it a unit
//! vector, so cosine similarity is a dot product (`pooling`). `embedder`
//! ties it together; `search` ranks a corpus by meaning.
//!
//! Fill in the TODO bodies (each has a `TODO(lab05)` comment) in
//! `tokenize.rs`, `pooling.rs`, `embedder.rs` and `search.rs`. Given
//! complete: the errors, the model-folder files, the tiny test model
//! (`tiny`), and the app (`app`, `map`). Read README.md first.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The TODO bodies below do not use their arguments, imports or fields yet.
// Remove these lines when you are done: the compiler will then point at
// anything you forgot.
#![allow(unused_variables, unused_imports, dead_code)]

pub mod app;
mod embedder;
mod error;
mod files;
pub mod map;
mod pooling;
mod search;
pub mod tiny;
mod tokenize;

pub use embedder::Embedder;
pub use error::EmbedError;
pub use files::{read_bert_config, read_max_seq_length};
pub use pooling::{l2_normalize, mean_pool};
pub use search::{dot, search, Hit};
pub use tokenize::{configure_tokenizer, tokenize_batch, Batch};

/// Re-exported so the driver and the app use the lab's own candle.
pub use candle_core::{Device, Tensor};
