//! Fitting a conversation into a token budget: reject it, drop the oldest
//! turns, or summarise the older turns and keep the recent ones verbatim.
//!
//! Every policy keeps the system prompt first and the newest user message
//! last, never drops either, keeps the order of the messages it keeps, and
//! returns messages that fit the budget, or an error.

use crate::{ContextError, Conversation, Message, Summarizer, TokenCounter};

/// Tokens of the messages no policy may drop: the system prompt (if any)
/// and the newest message.
fn required_tokens(
    conversation: &Conversation,
    counter: &dyn TokenCounter,
) -> Result<usize, ContextError> {
    let system = match &conversation.system_prompt {
        Some(prompt) => counter.count(prompt)?,
        None => 0,
    };
    Ok(system + counter.count(&conversation.new_message)?)
}

/// The whole conversation if it fits `budget`; otherwise
/// `DoesNotFit { needed, budget }` with `needed` the tokens of every message.
pub fn fit_reject(
    conversation: &Conversation,
    budget: usize,
    counter: &dyn TokenCounter,
) -> Result<Vec<Message>, ContextError> {
    let messages = conversation.messages();
    let needed = counter.count_messages(&messages)?;
    if needed > budget {
        return Err(ContextError::DoesNotFit { needed, budget });
    }
    Ok(messages)
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
    let needed = required_tokens(conversation, counter)?;
    if needed > budget {
        return Err(ContextError::RequiredExceedsBudget { needed, budget });
    }
    let mut messages = conversation.messages();
    let mut total = counter.count_messages(&messages)?;
    // The system prompt is not the oldest turn: it is never dropped.
    let first_droppable = usize::from(conversation.system_prompt.is_some());
    while total > budget {
        // The check above means the loop stops before the newest message.
        let dropped = messages.remove(first_droppable);
        total -= counter.count(&dropped.content)?;
    }
    Ok(messages)
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
    let messages = conversation.messages();
    if counter.count_messages(&messages)? <= budget {
        return Ok(messages);
    }
    let mut used = required_tokens(conversation, counter)?;
    if used > budget {
        return Err(ContextError::RequiredExceedsBudget {
            needed: used,
            budget,
        });
    }
    let mut recent: Vec<Message> = Vec::new();
    for message in conversation.history.iter().rev().take(keep_recent) {
        let tokens = counter.count(&message.content)?;
        if used + tokens > budget {
            break;
        }
        used += tokens;
        recent.push(message.clone());
    }
    // Collected newest first; the request needs them oldest first.
    recent.reverse();
    let older = &conversation.history[..conversation.history.len() - recent.len()];
    let left = budget - used;
    let summary = if older.is_empty() {
        None
    } else {
        summarizer.summarize(older, counter, left)?
    };
    let mut fitted = Vec::with_capacity(recent.len() + 3);
    if let Some(prompt) = &conversation.system_prompt {
        fitted.push(Message::system(prompt.clone()));
    }
    if let Some(summary) = summary {
        let tokens = counter.count(&summary)?;
        if tokens > left {
            return Err(ContextError::SummaryTooLong {
                tokens,
                max_tokens: left,
            });
        }
        fitted.push(Message::system(summary));
    }
    fitted.extend(recent);
    fitted.push(Message::user(conversation.new_message.clone()));
    Ok(fitted)
}
