//! Summarising old turns: the `Summarizer` trait and a deterministic
//! extractive summariser that the lab ships.
//!
//! GIVEN: this file is identical in the starter (labs/01-context-window) and
//! the reference; a test in the reference checks that they stay equal.
//!
//! A production system would ask an LLM for the summary (one more request,
//! with its own cost and latency). This one only picks sentences, so every
//! run and every machine gets the same summary, which is what a graded lab
//! needs.

use crate::{ContextError, Message, TokenCounter};

/// How every summary message starts (the lesson's wording).
pub const SUMMARY_PREFIX: &str = "Summary of previous conversation: ";

/// At most this many characters of one turn go into a summary.
pub const MAX_PIECE_CHARS: usize = 120;

/// Turns old messages into the content of one summary message.
pub trait Summarizer {
    /// The content of a summary message for `turns` (oldest first), starting
    /// with [`SUMMARY_PREFIX`] and taking at most `max_tokens` tokens by
    /// `counter`; `None` when there is nothing to summarise or not even the
    /// shortest summary fits.
    fn summarize(
        &self,
        turns: &[Message],
        counter: &dyn TokenCounter,
        max_tokens: usize,
    ) -> Result<Option<String>, ContextError>;
}

/// Keeps the first sentence of each turn, oldest first, as
/// `"<role>: <sentence>"`, joined by spaces after [`SUMMARY_PREFIX`], for
/// as long as the summary stays within the budget.
///
/// A turn's first sentence ends after the first `.`, `!` or `?` that is
/// followed by whitespace or ends the text, after the first `。`, `！` or
/// `？`, or at the first line break. Runs of whitespace become one space, and
/// a sentence longer than [`MAX_PIECE_CHARS`] characters is cut there and
/// ends with `…`. Turns with no text are skipped. Pieces are added oldest
/// first; the first piece that would take the summary past `max_tokens`
/// ends it (later, shorter pieces are not tried, so the summary always
/// covers a contiguous stretch from the oldest turn on).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtractiveSummarizer;

impl Summarizer for ExtractiveSummarizer {
    fn summarize(
        &self,
        turns: &[Message],
        counter: &dyn TokenCounter,
        max_tokens: usize,
    ) -> Result<Option<String>, ContextError> {
        let mut summary: Option<String> = None;
        for piece in turns.iter().filter_map(piece_of) {
            let candidate = match &summary {
                None => format!("{SUMMARY_PREFIX}{piece}"),
                Some(text) => format!("{text} {piece}"),
            };
            if counter.count(&candidate)? > max_tokens {
                break;
            }
            summary = Some(candidate);
        }
        Ok(summary)
    }
}

/// `"<role>: <first sentence>"`, or `None` for a turn with no text.
fn piece_of(turn: &Message) -> Option<String> {
    let sentence = first_sentence(&turn.content);
    (!sentence.is_empty()).then(|| format!("{}: {sentence}", turn.role))
}

/// The first sentence of `text`, on one line, at most [`MAX_PIECE_CHARS`]
/// characters plus `…` (see [`ExtractiveSummarizer`]).
pub fn first_sentence(text: &str) -> String {
    let mut sentence = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            break;
        }
        sentence.push(c);
        let ends = match c {
            '.' | '!' | '?' => chars.peek().is_none_or(|next| next.is_whitespace()),
            '。' | '！' | '？' => true,
            _ => false,
        };
        if ends {
            break;
        }
    }
    let one_line = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_PIECE_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(MAX_PIECE_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One token per character, so budgets are easy to follow.
    struct Chars;

    impl TokenCounter for Chars {
        fn count(&self, text: &str) -> Result<usize, ContextError> {
            Ok(text.chars().count())
        }
    }

    #[test]
    fn first_sentence_stops_at_the_first_full_stop_followed_by_space() {
        assert_eq!(first_sentence("  Hi there. How are you?"), "Hi there.");
        assert_eq!(
            first_sentence("Version 2.5 is out! Yes."),
            "Version 2.5 is out!"
        );
        assert_eq!(first_sentence("no full stop at all"), "no full stop at all");
        assert_eq!(first_sentence("line one\nline two."), "line one");
        assert_eq!(first_sentence("今日は。明日は"), "今日は。");
        assert_eq!(first_sentence("a\t\t b   c."), "a b c.");
        assert_eq!(first_sentence(" \n "), "");
    }

    #[test]
    fn long_sentences_are_cut_at_the_character_limit() {
        let long = "é".repeat(MAX_PIECE_CHARS + 10);
        let cut = first_sentence(&long);
        assert_eq!(cut.chars().count(), MAX_PIECE_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn summary_keeps_first_sentences_oldest_first_within_the_budget() {
        let turns = [
            Message::user("Book a table. For two."),
            Message::assistant(""),
            Message::assistant("Done! Anything else?"),
            Message::user("No."),
        ];
        let all = ExtractiveSummarizer
            .summarize(&turns, &Chars, 1_000)
            .unwrap()
            .unwrap();
        assert_eq!(
            all,
            "Summary of previous conversation: user: Book a table. assistant: Done! user: No."
        );
        let two = all.chars().count() - " user: No.".chars().count();
        let short = ExtractiveSummarizer
            .summarize(&turns, &Chars, two)
            .unwrap()
            .unwrap();
        assert_eq!(
            short,
            "Summary of previous conversation: user: Book a table. assistant: Done!"
        );
    }

    #[test]
    fn no_summary_when_nothing_fits_or_nothing_to_say() {
        let turns = [Message::user("Hello.")];
        assert_eq!(ExtractiveSummarizer.summarize(&turns, &Chars, 10), Ok(None));
        assert_eq!(ExtractiveSummarizer.summarize(&[], &Chars, 1_000), Ok(None));
        let blank = [Message::user("  ")];
        assert_eq!(
            ExtractiveSummarizer.summarize(&blank, &Chars, 1_000),
            Ok(None)
        );
    }
}
