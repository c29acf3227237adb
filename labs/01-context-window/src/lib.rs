//! Lab 01, context windows: what fills a model's window, what to do when a
//! conversation no longer fits, where to put what matters in a long context,
//! and why long conversations get expensive.
//!
//! Fill in the `todo!()` bodies, each marked `TODO(lab01)`, in this order:
//!
//! | TODO(lab01) | file | lesson 04 |
//! |---|---|---|
//! | `ApproximateCounter::count`, `HfTokenCounter::from_bytes`, `HfTokenCounter::count` | src/tokens.rs | tokens are what fills the window |
//! | `budget_breakdown` | src/budget.rs | "What goes into the context window?" |
//! | `fit_reject`, `fit_drop_oldest`, `fit_summarize` | src/fit.rs | "When the context is full ..." and "Summarize old turns" |
//! | `order_for_long_context` | src/order.rs | "Lost in the middle" |
//! | `conversation_cost` | src/cost.rs | "You pay for every token in your context, every turn" |
//!
//! Given complete, do not change them: the error type (`error.rs`), messages
//! and conversations (`message.rs`), the summariser (`summarize.rs`) and the
//! lesson's table of context windows (`models.rs`). Read README.md first.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The TODO bodies do not use their arguments (nor the tokenizer field of
// HfTokenCounter) yet. Remove this line when you are done: the compiler will
// then point at anything you forgot to use.
#![allow(unused_variables, dead_code)]

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
