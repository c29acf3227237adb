//! Fitting a conversation into a token budget: reject it, drop the oldest
//! turns, or summarise the older turns and keep the recent ones verbatim.
//!
//! Every policy keeps the system prompt first and the newest user message
//! last, never drops either, keeps the order of the messages it keeps, and
//! returns messages that fit the budget, or an error.

use crate::{ContextError, Conversation, Message, Summarizer, TokenCounter};

/// The whole conversation if it fits `budget`; otherwise
/// `DoesNotFit { needed, budget }` with `needed` the tokens of every message.
pub fn fit_reject(
    conversation: &Conversation,
    budget: usize,
    counter: &dyn TokenCounter,
) -> Result<Vec<Message>, ContextError> {
    // TODO(lab01): the lesson's "or you hit an error". Count every message
    // of `conversation.messages()` (`counter.count_messages`); if they need
    // more than `budget`, return Err(DoesNotFit { needed, budget }) so the
    // caller can say by how much; otherwise return the messages unchanged.
    todo!("lab01: reject a conversation that does not fit")
}

/// Drops the oldest history messages, one at a time, until the rest fits
/// `budget`: the result is the system prompt, the longest suffix of the
/// history that fits, and the newest message.
///
/// `RequiredExceedsBudget` when the system prompt and the newest message
/// alone need more than `budget`.
pub fn fit_drop_oldest(
    conversation: &Conversation,
    budget: usize,
    counter: &dyn TokenCounter,
) -> Result<Vec<Message>, ContextError> {
    // TODO(lab01): the lesson's "older messages get dropped (usually from the
    // beginning)", done right.
    // 1. The system prompt (if any) plus the newest message are never
    //    dropped: if they alone need more than `budget`, return
    //    Err(RequiredExceedsBudget { needed, budget }).
    // 2. Start from `conversation.messages()` and its total. While the total
    //    is over budget, remove the oldest HISTORY message. The oldest
    //    message of the list is the system prompt when there is one: it is
    //    not a turn and must stay first.
    // 3. Step 1 guarantees you stop before reaching the newest message.
    //    Keep the remaining messages in their order.
    todo!("lab01: drop the oldest turns")
}

/// Keeps up to `keep_recent` of the most recent history messages verbatim
/// and replaces the older ones by one summary message, a system message
/// right after the system prompt, written by `summarizer`.
///
/// 1. If the whole conversation fits `budget`, it is returned unchanged
///    (nothing is summarised).
/// 2. `RequiredExceedsBudget` when the system prompt and the newest message
///    alone need more than `budget`.
/// 3. Recent messages are taken newest first while they fit next to the
///    required ones, at most `keep_recent` of them; the first that does not
///    fit ends the run (it and everything older is summarised).
/// 4. The older messages are summarised in the tokens left over; a summary
///    of `None` leaves the summary message out. A summary longer than the
///    tokens left is `SummaryTooLong`.
///
/// The result: system prompt, summary, recent messages (oldest first),
/// newest message.
pub fn fit_summarize(
    conversation: &Conversation,
    budget: usize,
    counter: &dyn TokenCounter,
    keep_recent: usize,
    summarizer: &dyn Summarizer,
) -> Result<Vec<Message>, ContextError> {
    // TODO(lab01): the lesson's "Better: summarize old turns".
    // Follow the four numbered steps of the doc comment exactly: the grader
    // compares your messages with the reference's, and checks that they fit,
    // that the system prompt is first, and that the recent turns are the
    // last ones of the history, verbatim and in their order.
    // - Walk `conversation.history.iter().rev()` to pick the recent turns
    //   (newest first, at most `keep_recent`, stop at the first that does
    //   not fit). You collected them newest first: put them back in order.
    // - `older` is the part of the history before them. Ask
    //   `summarizer.summarize(older, counter, left)` with `left` the tokens
    //   still free (skip the call when `older` is empty); check the summary
    //   it returns really takes at most `left` tokens.
    // - Build the result: `Message::system(prompt)` if there is a prompt,
    //   `Message::system(summary)` if there is a summary, the recent turns,
    //   `Message::user(new_message)`.
    todo!("lab01: summarise old turns, keep recent ones")
}
