//! What fills a context window: tokens per part of a request, total used and
//! what remains, as in the lesson's box.

use std::fmt;

use crate::{ContextError, Conversation, TokenCounter};

/// Tokens per part of a request against a context window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetBreakdown {
    /// The window, in tokens.
    pub window: usize,
    /// Tokens of the system prompt (0 without one).
    pub system_prompt: usize,
    /// Tokens of the conversation history, all messages together.
    pub history: usize,
    /// Tokens of the newest user message.
    pub new_message: usize,
    /// Tokens of the retrieved documents, all together.
    pub documents: usize,
    /// The sum of the four parts.
    pub used: usize,
    /// `window - used`, or 0 when the parts do not fit.
    pub remaining: usize,
    /// `used - window`, or 0 when the parts fit.
    pub over_by: usize,
}

impl BudgetBreakdown {
    /// Whether the request fits the window.
    pub fn fits(&self) -> bool {
        self.over_by == 0
    }
}

/// The lesson's box, with thousands separators:
///
/// ```text
/// ┌──────────────────────────────────────────┐
/// │ System prompt                    500 tok │
/// │ Conversation history           2,000 tok │
/// │ Your new message                 200 tok │
/// │ Retrieved documents            3,000 tok │
/// │                                          │
/// │ Total used                     5,700 tok │
/// │ Remaining                    122,300 tok │
/// │ Window                       128,000 tok │
/// └──────────────────────────────────────────┘
/// ```
impl fmt::Display for BudgetBreakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("System prompt", self.system_prompt),
            ("Conversation history", self.history),
            ("Your new message", self.new_message),
            ("Retrieved documents", self.documents),
        ];
        let rule = "─".repeat(42);
        writeln!(f, "┌{rule}┐")?;
        for (name, tokens) in rows {
            writeln!(f, "│ {name:<24}{:>12} tok │", thousands(tokens))?;
        }
        writeln!(f, "│{:42}│", "")?;
        writeln!(
            f,
            "│ {:<24}{:>12} tok │",
            "Total used",
            thousands(self.used)
        )?;
        if self.fits() {
            writeln!(
                f,
                "│ {:<24}{:>12} tok │",
                "Remaining",
                thousands(self.remaining)
            )?;
        } else {
            writeln!(
                f,
                "│ {:<24}{:>12} tok │",
                "Over the window by",
                thousands(self.over_by)
            )?;
        }
        writeln!(f, "│ {:<24}{:>12} tok │", "Window", thousands(self.window))?;
        write!(f, "└{rule}┘")
    }
}

/// `5700` as `"5,700"`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Counts each part of a request with `counter` and compares the total with
/// `window`.
///
/// The history is the sum of its messages' counts, and the documents the sum
/// of each document's count; a missing system prompt counts 0. Errors only
/// when the counter fails.
pub fn budget_breakdown(
    conversation: &Conversation,
    documents: &[String],
    window: usize,
    counter: &dyn TokenCounter,
) -> Result<BudgetBreakdown, ContextError> {
    // TODO(lab01): the lesson's box. Count each part with `counter`:
    // - the system prompt (0 when there is none),
    // - the history: every message's content (`counter.count_messages`),
    // - the new message,
    // - the documents: each one counted on its own, then added up.
    // `used` is the sum of the four. `remaining` is what is left of the
    // window and `over_by` how far past it the request goes; one of the two
    // is always 0 (`usize::saturating_sub` never underflows). Pass counter
    // errors on with `?`.
    todo!("lab01: budget breakdown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(5_700), "5,700");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn the_box_shows_each_part_and_what_remains() {
        let breakdown = BudgetBreakdown {
            window: 128_000,
            system_prompt: 500,
            history: 2_000,
            new_message: 200,
            documents: 3_000,
            used: 5_700,
            remaining: 122_300,
            over_by: 0,
        };
        let text = breakdown.to_string();
        assert!(
            text.contains("│ System prompt                    500 tok │"),
            "{text}"
        );
        assert!(
            text.contains("│ Total used                     5,700 tok │"),
            "{text}"
        );
        assert!(
            text.contains("│ Remaining                    122,300 tok │"),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() == 44), "{text}");
    }
}
