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
        Ok(text.chars().count().div_ceil(CHARS_PER_TOKEN))
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
        let mut tokenizer = Tokenizer::from_bytes(json).map_err(tokenizer_error)?;
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(tokenizer_error)?;
        Ok(Self { tokenizer })
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
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(tokenizer_error)?;
        Ok(encoding.len())
    }
}

fn tokenizer_error(err: tokenizers::Error) -> ContextError {
    ContextError::Tokenizer(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approximation_rounds_characters_up_to_whole_tokens() {
        let count = |text: &str| ApproximateCounter.count(text).unwrap();
        assert_eq!(count(""), 0);
        assert_eq!(count("a"), 1);
        assert_eq!(count("abcd"), 1);
        assert_eq!(count("hello"), 2);
        // 5 characters, 13 bytes.
        assert_eq!(count("日本語です"), 2);
    }

    #[test]
    fn messages_count_as_the_sum_of_their_contents() {
        let messages = [Message::user("abcde"), Message::assistant("")];
        assert_eq!(ApproximateCounter.count_messages(&messages), Ok(2));
    }

    #[test]
    fn a_broken_tokenizer_file_is_a_typed_error() {
        assert!(matches!(
            HfTokenCounter::from_bytes(b"{ not json"),
            Err(ContextError::Tokenizer(_))
        ));
        assert!(matches!(
            HfTokenCounter::from_file("/nonexistent/tokenizer.json"),
            Err(ContextError::Tokenizer(_))
        ));
    }
}
