//! The ways budgeting and fitting a context window can fail.
//!
//! GIVEN: this file is identical in the starter (labs/01-context-window) and
//! the reference; a test in the reference checks that they stay equal.

use std::fmt;

/// Why a request could not be counted or fitted into its token budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextError {
    /// The whole conversation needs `needed` tokens, more than `budget`, and
    /// the policy (reject) does not shorten it.
    DoesNotFit {
        /// Tokens of every message together.
        needed: usize,
        /// Tokens the prompt may use.
        budget: usize,
    },
    /// The messages that are never dropped, the system prompt and the newest
    /// user message, need `needed` tokens on their own: no policy can help.
    RequiredExceedsBudget {
        /// Tokens of the system prompt plus the newest message.
        needed: usize,
        /// Tokens the prompt may use.
        budget: usize,
    },
    /// A summariser broke its contract: its summary takes `tokens` tokens
    /// although it was given `max_tokens`.
    SummaryTooLong {
        /// Tokens of the summary message it returned.
        tokens: usize,
        /// Tokens it was allowed.
        max_tokens: usize,
    },
    /// The tokenizer file could not be loaded, or the tokenizer failed on a
    /// text; the tokenizer library's message.
    Tokenizer(String),
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DoesNotFit { needed, budget } => write!(
                f,
                "the conversation needs {needed} tokens but the budget is {budget}: {} too many",
                needed - budget
            ),
            Self::RequiredExceedsBudget { needed, budget } => write!(
                f,
                "the system prompt and the newest message alone need {needed} tokens, \
                 more than the budget of {budget}"
            ),
            Self::SummaryTooLong { tokens, max_tokens } => write!(
                f,
                "the summary takes {tokens} tokens but only {max_tokens} were left for it"
            ),
            Self::Tokenizer(message) => write!(f, "tokenizer error: {message}"),
        }
    }
}

impl std::error::Error for ContextError {}
