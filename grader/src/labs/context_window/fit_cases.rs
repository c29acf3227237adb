//! Fit cases of lab 01: the lesson's recipe and "50 turns", the edge cases
//! of every policy, and random conversations with budgets that make the
//! policies work (and sometimes fit everything, or nothing).

use serde_json::{json, Value};

use super::text::{conversation, message, random_conversation, token_parts, Counter};
use super::{sized, turns};
use crate::cases::{Case, CaseRng};

fn fit_args(conversation: Value, budget: u64, counter: Counter) -> Value {
    json!({ "conversation": conversation, "budget": budget, "counter": counter.json() })
}

fn summarize_args(conversation: Value, budget: u64, counter: Counter, keep_recent: u64) -> Value {
    let mut args = fit_args(conversation, budget, counter);
    args["keep_recent"] = json!(keep_recent);
    args
}

/// Args for `call` (`keep_recent` only for summarise).
fn any_fit_args(
    call: &str,
    conversation: Value,
    budget: u64,
    counter: Counter,
    keep: u64,
) -> Value {
    if call == "fit_summarize" {
        summarize_args(conversation, budget, counter, keep)
    } else {
        fit_args(conversation, budget, counter)
    }
}

/// The lesson's "50 more turns" of 500-token questions and 800-token
/// answers (20 and 32 characters at 4 characters per token, times 100).
fn lesson_fifty_turns() -> (Value, Counter) {
    let history: Vec<Value> = (0..50)
        .map(|i| {
            if i % 2 == 0 {
                message("user", &sized(&format!("long message {}", i / 2 + 1), 20))
            } else {
                message(
                    "assistant",
                    &sized(&format!("long reply {}", i / 2 + 1), 32),
                )
            }
        })
        .collect();
    let counter = Counter::Chars {
        per_token: 4,
        scale: 100,
    };
    (
        conversation(Some("You are helpful."), history, "new question"),
        counter,
    )
}

pub(super) fn fit_reject() -> Vec<Case> {
    let g = "fit-reject";
    let r = "fit_reject";
    let (fifty, scaled) = lesson_fifty_turns();
    vec![
        Case::new(
            g,
            "fits-unchanged",
            r,
            fit_args(
                conversation(Some("sys"), turns(2, 10), "new"),
                26,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "one-token-over-says-how-many",
            r,
            fit_args(
                conversation(Some("sys"), turns(2, 10), "new"),
                25,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "empty-history",
            r,
            fit_args(conversation(Some("sys"), vec![], "new"), 6, Counter::CHARS),
        ),
        Case::new(
            g,
            "lesson-50-turns-do-not-fit-gpt-3.5",
            r,
            fit_args(fifty.clone(), 4_096, scaled),
        ),
        Case::new(
            g,
            "lesson-50-turns-fit-gpt-4-turbo",
            r,
            fit_args(fifty, 128_000, scaled),
        ),
    ]
}

pub(super) fn fit_drop_oldest() -> Vec<Case> {
    let g = "fit-drop-oldest";
    let d = "fit_drop_oldest";
    let (fifty, scaled) = lesson_fifty_turns();
    vec![
        Case::new(
            g,
            "drops-oldest-keeps-system-prompt",
            d,
            fit_args(
                conversation(Some("system"), turns(4, 10), "new"),
                30,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "fits-unchanged",
            d,
            fit_args(
                conversation(Some("system"), turns(4, 10), "new"),
                49,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "drops-the-whole-history",
            d,
            fit_args(conversation(None, turns(3, 10), "new"), 5, Counter::CHARS),
        ),
        Case::new(
            g,
            "system-prompt-and-new-message-alone-too-long",
            d,
            fit_args(
                conversation(Some(&sized("sys", 100)), turns(2, 10), &sized("new", 50)),
                149,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "window-zero-fits-an-empty-request",
            d,
            fit_args(conversation(None, vec![], ""), 0, Counter::CHARS),
        ),
        Case::new(
            g,
            "lesson-50-turns-into-gpt-3.5",
            d,
            fit_args(fifty, 4_096, scaled),
        ),
    ]
}

/// The lesson's recipe on a short trip-planning chat (the public test's).
fn rome_trip() -> Value {
    conversation(
        Some("Be brief."),
        vec![
            message(
                "user",
                "Plan a trip to Rome. Three days, with museums, food and a day by the sea.",
            ),
            message(
                "assistant",
                "Day one: the Colosseum. Day two: the Vatican museums and Saint Peter's. \
                 Day three: Ostia Antica, by train.",
            ),
            message("user", "And food?"),
            message("assistant", "Try cacio e pepe."),
        ],
        "Thanks!",
    )
}

pub(super) fn fit_summarize() -> Vec<Case> {
    let g = "fit-summarize";
    let s = "fit_summarize";
    let (fifty, scaled) = lesson_fifty_turns();
    let c = Counter::CHARS;
    vec![
        Case::new(
            g,
            "lesson-recipe-keeps-two-recent-turns",
            s,
            summarize_args(rome_trip(), 150, c, 2),
        ),
        Case::new(
            g,
            "fits-unchanged",
            s,
            summarize_args(rome_trip(), 221, c, 2),
        ),
        Case::new(
            g,
            "keep-zero-summary-only",
            s,
            summarize_args(rome_trip(), 150, c, 0),
        ),
        Case::new(
            g,
            "recent-turns-that-do-not-fit-are-summarised",
            s,
            summarize_args(rome_trip(), 120, c, 4),
        ),
        Case::new(
            g,
            "more-recent-turns-asked-than-exist",
            s,
            summarize_args(
                conversation(None, turns(2, 10), &sized("new", 5)),
                15,
                c,
                10,
            ),
        ),
        Case::new(
            g,
            "system-prompt-and-new-message-alone-too-long",
            s,
            summarize_args(
                conversation(Some(&sized("sys", 100)), turns(2, 10), &sized("new", 50)),
                149,
                c,
                2,
            ),
        ),
        Case::new(
            g,
            "lesson-50-turns-into-gpt-3.5-keeping-5",
            s,
            summarize_args(fifty, 4_096, scaled, 5),
        ),
    ]
}

/// Edge cases of every policy, for its hidden group.
pub(super) fn fit_edges(g: &str, call: &str) -> Vec<Case> {
    let c = Counter::CHARS;
    let million = Counter::Chars {
        per_token: 1,
        scale: 1_000,
    };
    let huge = sized("A pasted log file.", 2_000);
    let edges = [
        (
            "empty-history",
            conversation(Some("sys"), vec![], "new"),
            6,
            c,
            2,
        ),
        (
            "empty-history-over-budget",
            conversation(Some("sys"), vec![], "new"),
            5,
            c,
            2,
        ),
        (
            "window-zero-empty-request",
            conversation(None, vec![], ""),
            0,
            c,
            1,
        ),
        (
            "window-zero-one-character",
            conversation(None, turns(2, 4), "x"),
            0,
            c,
            1,
        ),
        (
            "system-prompt-alone-over-budget",
            conversation(Some(&sized("sys", 60)), turns(3, 8), ""),
            59,
            c,
            1,
        ),
        (
            "exactly-at-the-budget",
            conversation(Some("sys"), turns(4, 9), "new"),
            42,
            c,
            2,
        ),
        (
            "single-huge-message-in-history",
            conversation(
                Some("You read logs."),
                vec![
                    message("user", "Here is the log."),
                    message("user", &huge),
                    message("assistant", "I see two errors."),
                    message("user", "Which is worse?"),
                ],
                "Explain the first.",
            ),
            1_000_000,
            million,
            2,
        ),
        (
            "single-huge-new-message",
            conversation(Some("You read logs."), turns(3, 20), &huge),
            1_000_000,
            million,
            2,
        ),
        (
            "keep-recent-larger-than-history",
            conversation(Some("sys"), turns(3, 10), "new"),
            30,
            c,
            50,
        ),
        (
            "million-token-window-fits-everything",
            conversation(Some("sys"), turns(6, 100), "new"),
            1_000_000,
            million,
            3,
        ),
    ];
    edges
        .into_iter()
        .map(|(name, conversation, budget, counter, keep)| {
            Case::new(
                g,
                name,
                call,
                any_fit_args(call, conversation, budget, counter, keep),
            )
        })
        .collect()
}

/// A budget that usually forces the policy to work: between what the
/// system prompt, the newest message and the last two turns need and the
/// total; sometimes enough for everything or too little for anything.
fn random_budget(rng: &mut CaseRng, required: u64, history: &[u64]) -> u64 {
    let total = required + history.iter().sum::<u64>();
    let last_two: u64 = history.iter().rev().take(2).sum();
    match rng.int(0, 19) {
        0..=11 if history.len() >= 3 && required + last_two < total => {
            rng.int(required + last_two, total - 1)
        }
        0..=14 if required < total => rng.int(required, total - 1),
        15..=16 => rng.int(total, total * 2 + 1),
        17 => total.max(1_000_000),
        _ if required > 0 => rng.int(0, required - 1),
        _ => rng.int(required, total),
    }
}

/// A random conversation, counter and budget for `call`.
fn fit_case_of(call: &str, g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let hidden = g.starts_with("hidden-");
    let (max_turns, max_words) = if hidden { (60, 60) } else { (12, 30) };
    let turns = rng.int(0, max_turns) as usize;
    let conversation = random_conversation(rng, turns, max_words);
    let mut counter = Counter::random(rng, 1_000);
    // Keep windows within 0..about 2,000,000 tokens.
    let (required, history) = token_parts(&conversation, counter);
    if required + history.iter().sum::<u64>() > 2_000_000 {
        counter = Counter::APPROX;
    }
    let (required, history) = token_parts(&conversation, counter);
    let total = required + history.iter().sum::<u64>();
    // Reject has nothing to do below the total: fit half of its cases.
    let budget = if call == "fit_reject" && rng.chance(0.5) {
        rng.int(total, total + total / 4)
    } else {
        random_budget(rng, required, &history)
    };
    let keep = if rng.chance(0.7) {
        rng.int(2, 6)
    } else {
        rng.int(0, turns as u64 + 3)
    };
    Case::new(
        g,
        name,
        call,
        any_fit_args(call, conversation, budget, counter, keep),
    )
}

pub(super) fn reject_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    fit_case_of("fit_reject", g, name, rng)
}

pub(super) fn drop_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    fit_case_of("fit_drop_oldest", g, name, rng)
}

pub(super) fn summarize_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    fit_case_of("fit_summarize", g, name, rng)
}
