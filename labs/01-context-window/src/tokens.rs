//! Counting tokens: the `TokenCounter` trait, a real Hugging Face tokenizer
//! and a documented approximation for when no tokenizer file is at hand.

use std::path::Path;

use tokenizers::Tokenizer;

use crate::{ContextError, Message};

/// Anything that can say how many tokens a text takes.
///
/// Counts are per text: the tokens of a message are the tokens of its
/// content. (Chat formats add a few tokens per message for the role markers;
/// this lab leaves them out, see the README.)
pub trait TokenCounter {
    /// Tokens `text` takes.
    fn count(&self, text: &str) -> Result<usize, ContextError>;

    /// Tokens of all `messages` together: the sum of their contents' counts.
    fn count_messages(&self, messages: &[Message]) -> Result<usize, ContextError> {
        messages.iter().try_fold(
            0,
            |total, message| Ok(total + self.count(&message.content)?),
        )
    }
}

/// Characters per token of [`ApproximateCounter`].
pub const CHARS_PER_TOKEN: usize = 4;

/// The rule of thumb "one token is about four characters of English text":
/// `ceil(characters / 4)`, where characters are Unicode scalar values
/// (`str::chars`), not bytes. `""` takes 0 tokens, `"a"` 1, `"hello"` 2.
///
/// Good to a few tens of per cent for English prose; code, numbers and
/// most other languages take more tokens per character. Use a real
/// tokenizer when the count matters.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApproximateCounter;

impl TokenCounter for ApproximateCounter {
    fn count(&self, text: &str) -> Result<usize, ContextError> {
        // TODO(lab01): ceil(characters / CHARS_PER_TOKEN). A character is a
        // `char` (`text.chars()`), not a byte: `text.len()` counts UTF-8
        // bytes, and "日本語" is 3 characters but 9 bytes. Round UP
        // (`usize::div_ceil`): one character is already a whole token.
        todo!("lab01: approximate token count")
    }
}

/// Exact counts from a Hugging Face tokenizer (`tokenizer.json`).
///
/// Counts the tokens of the text itself: no special tokens (`<s>`, `[CLS]`
/// ...), no padding, no truncation. A `tokenizer.json` made for training or
/// batch inference often switches padding to a fixed length and truncation
/// on; left on, every short text would count as the padded length and every
/// long one as the truncated length.
#[derive(Debug, Clone)]
pub struct HfTokenCounter {
    tokenizer: Tokenizer,
}

impl HfTokenCounter {
    /// Loads a tokenizer from the contents of a `tokenizer.json` and switches
    /// its padding and truncation off.
    pub fn from_bytes(json: &[u8]) -> Result<Self, ContextError> {
        // TODO(lab01): load with `Tokenizer::from_bytes(json)`; turn its error
        // into `ContextError::Tokenizer(err.to_string())` (never unwrap: a
        // broken file is the caller's problem to report, not a panic).
        // Then switch padding off (`with_padding(None)`) and truncation off
        // (`with_truncation(None)`, which returns a Result too). Read the
        // padding section of tests/tiny-tokenizer.json to see why.
        todo!("lab01: load a Hugging Face tokenizer")
    }

    /// Loads a tokenizer from a `tokenizer.json` file (see [`Self::from_bytes`]).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ContextError> {
        let path = path.as_ref();
        let json = std::fs::read(path).map_err(|err| {
            ContextError::Tokenizer(format!("failed to read {}: {err}", path.display()))
        })?;
        Self::from_bytes(&json)
    }
}

impl TokenCounter for HfTokenCounter {
    fn count(&self, text: &str) -> Result<usize, ContextError> {
        // TODO(lab01): `self.tokenizer.encode(text, false)`: `false` leaves
        // out the special tokens a template would add around the text. The
        // count is the length of the encoding (`Encoding::len`). Map an
        // error to `ContextError::Tokenizer` as above.
        todo!("lab01: count tokens with the tokenizer")
    }
}
