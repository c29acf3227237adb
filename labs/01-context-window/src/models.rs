//! The lesson's table of context windows, as data with dates.
//!
//! GIVEN: this file is identical in the starter (labs/01-context-window) and
//! the reference; a test in the reference checks that they stay equal.
//!
//! Vendor figures change with every model release, so each row says when it
//! was true: treat the names as dated illustrations, not as facts about
//! "GPT-4" today.

/// One row of the lesson's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelWindow {
    /// The model as the lesson names it.
    pub model: &'static str,
    /// Its context window in tokens, as published on `as_of`.
    pub context_tokens: u64,
    /// The lesson's "~words" figure: about 0.75 words per token for English
    /// text (see [`WORDS_PER_TOKEN`]), rounded.
    pub lesson_words: u64,
    /// The date the window was announced (ISO 8601).
    pub as_of: &'static str,
    /// What changed later, or a caveat.
    pub note: &'static str,
}

/// The rule of thumb behind the lesson's word counts: one token is about
/// three quarters of an English word (OpenAI's "100 tokens ≈ 75 words").
/// Other languages, code and numbers take more tokens per word.
pub const WORDS_PER_TOKEN: f64 = 0.75;

/// The lesson's five models, smallest window first.
pub const MODEL_WINDOWS: [ModelWindow; 5] = [
    ModelWindow {
        model: "GPT-3.5",
        context_tokens: 4_096,
        lesson_words: 3_000,
        as_of: "2023-03-01",
        note: "gpt-3.5-turbo at its API launch; 16,385-token versions followed in 2023 and 2024",
    },
    ModelWindow {
        model: "LLaMA 3 8B",
        context_tokens: 8_192,
        lesson_words: 6_000,
        as_of: "2024-04-18",
        note: "Llama 3.1 8B (2024-07-23) raised the window to 128K tokens",
    },
    ModelWindow {
        model: "GPT-4 Turbo",
        context_tokens: 128_000,
        lesson_words: 96_000,
        as_of: "2023-11-06",
        note: "announced at OpenAI DevDay; output is capped far lower, at 4,096 tokens",
    },
    ModelWindow {
        model: "Claude 3 Opus",
        context_tokens: 200_000,
        lesson_words: 150_000,
        as_of: "2024-03-04",
        note: "Anthropic's Claude 3 launch",
    },
    ModelWindow {
        model: "Gemini 1.5 Pro",
        context_tokens: 1_000_000,
        lesson_words: 750_000,
        as_of: "2024-02-15",
        note: "announced as a preview; a 2,000,000-token window followed in 2024",
    },
];

/// The row of `model`, matched without regard to ASCII case.
pub fn model_window(model: &str) -> Option<&'static ModelWindow> {
    MODEL_WINDOWS
        .iter()
        .find(|row| row.model.eq_ignore_ascii_case(model.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_words_are_three_quarters_of_the_tokens_rounded() {
        for row in MODEL_WINDOWS {
            let words = row.context_tokens as f64 * WORDS_PER_TOKEN;
            let error = (words - row.lesson_words as f64).abs() / words;
            assert!(
                error < 0.03,
                "{}: {words} vs {}",
                row.model,
                row.lesson_words
            );
        }
    }

    #[test]
    fn rows_are_sorted_by_window_and_dated() {
        let windows: Vec<u64> = MODEL_WINDOWS.iter().map(|r| r.context_tokens).collect();
        assert!(windows.windows(2).all(|w| w[0] < w[1]));
        for row in MODEL_WINDOWS {
            let parts: Vec<&str> = row.as_of.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [4, 2, 2]);
            assert!(parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())));
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(model_window("gpt-4 turbo").unwrap().context_tokens, 128_000);
        assert!(model_window("gpt-5").is_none());
    }
}
