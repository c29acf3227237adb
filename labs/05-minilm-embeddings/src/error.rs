//! Why an embedding could not be computed.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong between a model folder and an embedding.
#[derive(Debug)]
pub enum EmbedError {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// `config.json` or `sentence_bert_config.json` is not what BERT needs.
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The tokenizer failed (loading `tokenizer.json`, or encoding).
    Tokenizer(String),
    /// A tensor operation failed (shapes, devices, a missing weight).
    Candle(candle_core::Error),
    /// An argument makes no sense (a batch size of 0, ragged input).
    BadArgument(String),
}

impl fmt::Display for EmbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmbedError::Io { path, source } => {
                write!(f, "failed to use {}: {source}", path.display())
            }
            EmbedError::Config { path, message } => {
                write!(f, "invalid {}: {message}", path.display())
            }
            EmbedError::Tokenizer(message) => write!(f, "tokenizer error: {message}"),
            EmbedError::Candle(err) => write!(f, "tensor error: {err}"),
            EmbedError::BadArgument(message) => write!(f, "bad argument: {message}"),
        }
    }
}

impl std::error::Error for EmbedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmbedError::Io { source, .. } => Some(source),
            EmbedError::Candle(err) => Some(err),
            _ => None,
        }
    }
}

impl From<candle_core::Error> for EmbedError {
    fn from(err: candle_core::Error) -> Self {
        EmbedError::Candle(err)
    }
}

/// `map_err` helper: an I/O error at `path`.
pub fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> EmbedError + '_ {
    move |source| EmbedError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `map_err` helper for the tokenizers crate's boxed errors.
pub fn tokenizer_error<E: fmt::Display>(err: E) -> EmbedError {
    EmbedError::Tokenizer(err.to_string())
}
