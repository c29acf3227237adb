//! Reference solution of lab 01, context windows: counting tokens, budgeting
//! a request, fitting a conversation into a window (reject, drop the oldest
//! turns, or summarise them), ordering documents for a long context, and
//! what a conversation costs.
//!
//! The public API is fixed by `labs/01-context-window/API.md` and is the same
//! as the starter's. `error.rs`, `message.rs`, `summarize.rs` and `models.rs`
//! are given to students unchanged; `tokens.rs`, `budget.rs`, `fit.rs`,
//! `order.rs` and `cost.rs` hold what they write (plus some given code).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod budget;
mod cost;
mod error;
mod fit;
mod message;
mod models;
mod order;
mod summarize;
mod tokens;

pub use budget::{budget_breakdown, thousands, BudgetBreakdown};
pub use cost::{conversation_cost, ChatShape, ConversationCost, HistoryPolicy, Prices};
pub use error::ContextError;
pub use fit::{fit_drop_oldest, fit_reject, fit_summarize};
pub use message::{Conversation, Message, Role};
pub use models::{model_window, ModelWindow, MODEL_WINDOWS, WORDS_PER_TOKEN};
pub use order::order_for_long_context;
pub use summarize::{
    first_sentence, ExtractiveSummarizer, Summarizer, MAX_PIECE_CHARS, SUMMARY_PREFIX,
};
pub use tokens::{ApproximateCounter, HfTokenCounter, TokenCounter, CHARS_PER_TOKEN};
