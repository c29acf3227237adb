//! Lab 01, context windows: hand-picked cases (the lesson's box, its
//! "50 turns" conversation, the edge cases of every policy) and seeded
//! random conversations, tokenizers and cost scenarios per group, plus a
//! comparator that checks the invariants of fit and order answers before
//! comparing them with the reference's (see [`invariants`]). The fit cases
//! live in [`fit_cases`].
//!
//! Budget and fit cases count with the driver's own counter (see
//! [`text::Counter`]), so only the counting groups depend on the student's
//! counters; the tokenizer cases carry a generated `tokenizer.json` (see
//! [`tokenizer_json`]) with padding and truncation switched on.

mod fit_cases;
mod invariants;
mod text;
mod tokenizer_json;

use lab_protocol::Reply;
use serde_json::{json, Value};

use super::LabModule;
use crate::cases::{Case, CaseRng};
use crate::compare::{compare_replies, Verdict};
use crate::course::Tolerance;
use fit_cases::{
    drop_case, fit_drop_oldest, fit_edges, fit_reject, fit_summarize, reject_case, summarize_case,
};
use text::{conversation, message, random_conversation, text_between, token_parts, Counter};
use tokenizer_json::TokenizerSpec;

/// Lab `01-context-window`.
pub struct ContextWindow;

/// Makes one seeded case: `(group, name, rng)`.
type CaseMaker = fn(&str, &str, &mut CaseRng) -> Case;

impl LabModule for ContextWindow {
    fn id(&self) -> &'static str {
        "01-context-window"
    }

    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>> {
        let (mut cases, make): (Vec<Case>, CaseMaker) = match group {
            "count-approx" => (count_approx(), approx_case),
            "hidden-approx" => (Vec::new(), approx_case),
            "count-tokenizer" => (count_tokenizer(), tokenizer_case),
            "hidden-tokenizer" => (Vec::new(), tokenizer_case),
            "budget" => (budget(), budget_case),
            "hidden-budget" => (hidden_budget(), budget_case),
            "fit-reject" => (fit_reject(), reject_case),
            "hidden-reject" => (fit_edges(group, "fit_reject"), reject_case),
            "fit-drop-oldest" => (fit_drop_oldest(), drop_case),
            "hidden-drop-oldest" => (fit_edges(group, "fit_drop_oldest"), drop_case),
            "fit-summarize" => (fit_summarize(), summarize_case),
            "hidden-summarize" => (fit_edges(group, "fit_summarize"), summarize_case),
            "long-context-order" => (long_context_order(), order_case),
            "hidden-order" => (Vec::new(), order_case),
            "cost" => (cost(), cost_case),
            "hidden-cost" => (hidden_cost(), cost_case),
            _ => return None,
        };
        for i in 0..generated {
            cases.push(make(group, &format!("random-{i:02}"), rng));
        }
        Some(cases)
    }

    fn compare(
        &self,
        case: &Case,
        expected: &Reply,
        actual: &Reply,
        tolerance: Tolerance,
    ) -> Verdict {
        if let Reply::Ok(answer) = actual {
            let violation = match case.call.as_str() {
                "fit_reject" | "fit_drop_oldest" | "fit_summarize" => {
                    invariants::fit_violation(&case.call, &case.args, answer)
                }
                "order" => invariants::order_violation(&case.args, answer),
                _ => None,
            };
            if let Some(violation) = violation {
                return Verdict::Differs(violation);
            }
        }
        if let (Reply::Ok(e), Reply::Ok(a)) = (expected, actual) {
            if case.call.starts_with("count_") {
                if let Some(difference) = invariants::count_difference(&case.args, e, a) {
                    return Verdict::Differs(difference);
                }
            }
        }
        compare_replies(expected, actual, tolerance)
    }
}

/// Exactly `n` characters: `label` followed by filler words, cut to size.
fn sized(label: &str, n: usize) -> String {
    let mut out = String::from(label);
    while out.chars().count() < n {
        out.push_str(" and more words");
    }
    out.chars().take(n).collect()
}

/// `n` history messages of `len` characters, user and assistant in turn,
/// each starting with its number.
fn turns(n: usize, len: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            message(role, &sized(&format!("turn {i}."), len))
        })
        .collect()
}

// ----------------------------------------------------------- counting

fn texts_args(texts: &[String]) -> Value {
    json!({ "texts": texts })
}

fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

fn count_approx() -> Vec<Case> {
    let g = "count-approx";
    let c = "count_approx";
    vec![
        Case::new(
            g,
            "empty-and-english",
            c,
            texts_args(&owned(&[
                "",
                "a",
                "four",
                "hello",
                "Every language model has a maximum number of tokens.",
            ])),
        ),
        Case::new(
            g,
            "lesson-2000-characters-are-500-tokens",
            c,
            texts_args(&[sized("You are a helpful assistant.", 2_000)]),
        ),
        Case::new(
            g,
            "characters-not-bytes",
            c,
            texts_args(&owned(&[
                "日本語のテキスト",
                "naïve café",
                "👋🏽",
                "e\u{301}",
                "Ελληνικά",
                "🤖",
            ])),
        ),
    ]
}

fn approx_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let n = rng.int(3, 8);
    let mut texts: Vec<String> = (0..n).map(|_| text_between(rng, 0, 200, 0.5)).collect();
    // At least one text with more bytes than characters.
    texts.push(text::text(rng, 6, 1.0));
    Case::new(g, name, "count_approx", texts_args(&texts))
}

fn tokenizer_args(tokenizer: &str, texts: &[String]) -> Value {
    json!({ "tokenizer": tokenizer, "texts": texts })
}

fn count_tokenizer() -> Vec<Case> {
    let g = "count-tokenizer";
    let c = "count_tokenizer";
    let fixed = TokenizerSpec::fixed().to_json();
    let lowercase = TokenizerSpec {
        lowercase: true,
        add_prefix_space: true,
        ..TokenizerSpec::fixed()
    }
    .to_json();
    let long = "When the context is full, older messages get dropped, usually from the \
                beginning, or you hit an error. Longer context means more cost and slower \
                responses: you pay for every token in your context, every turn. Put the most \
                important information at the start or the end of the prompt.";
    let broken_merge = r#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
        "normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null,
        "model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[["a","c"]]}}"#;
    vec![
        Case::new(
            g,
            "short-texts-are-not-padded",
            c,
            tokenizer_args(&fixed, &owned(&["", "a", "the", "the context window"])),
        ),
        Case::new(
            g,
            "long-texts-are-not-truncated",
            c,
            tokenizer_args(&fixed, &owned(&[long])),
        ),
        Case::new(
            g,
            "non-latin-text-and-emoji",
            c,
            tokenizer_args(
                &fixed,
                &owned(&[
                    "naïve café, Grüße aus Köln",
                    "日本語のテキスト",
                    "emoji 👋🏽 and 🤖",
                ]),
            ),
        ),
        Case::new(
            g,
            "special-tokens-in-the-text",
            c,
            tokenizer_args(&fixed, &owned(&["<s> the end </s>", "a"])),
        ),
        Case::new(
            g,
            "lowercasing-tokenizer-with-prefix-space",
            c,
            tokenizer_args(&lowercase, &owned(&["The Context Window", "THE", long])),
        ),
        Case::new(
            g,
            "broken-file-is-an-error",
            c,
            tokenizer_args("{ not json", &owned(&["a"])),
        ),
        Case::new(
            g,
            "merge-of-an-unknown-token-is-an-error",
            c,
            tokenizer_args(broken_merge, &owned(&["a"])),
        ),
    ]
}

fn tokenizer_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let spec = TokenizerSpec::random(rng);
    // Always a text shorter than the padding and one longer than the
    // truncation, so neither setting can be left on unnoticed.
    let mut texts = vec![String::new(), text::word(rng, 0.3).to_owned()];
    for _ in 0..rng.int(2, 5) {
        let words = rng.int(0, 120);
        texts.push(text_between(rng, words / 2, words, 0.4));
    }
    texts.push(text_between(rng, 40, 80, 0.2));
    // Shuffle so the short ones are not always first.
    for i in (1..texts.len()).rev() {
        texts.swap(i, rng.int(0, i as u64) as usize);
    }
    Case::new(
        g,
        name,
        "count_tokenizer",
        tokenizer_args(&spec.to_json(), &texts),
    )
}

// ------------------------------------------------------------- budget

fn budget_args(conversation: Value, documents: &[String], window: u64, counter: Counter) -> Value {
    json!({
        "conversation": conversation,
        "documents": documents,
        "window": window,
        "counter": counter.json(),
    })
}

/// The lesson's request: 500 + 2,000 + 200 + 3,000 tokens at 4 characters
/// per token.
fn lesson_request() -> (Value, Vec<String>) {
    let conversation = conversation(
        Some(&sized("You are a helpful assistant.", 2_000)),
        vec![
            message("user", &sized("Here is my long question.", 4_000)),
            message("assistant", &sized("Here is my long answer.", 4_000)),
        ],
        &sized("And one more thing.", 800),
    );
    let documents = vec![sized("Document 1.", 4_000), sized("Document 2.", 8_000)];
    (conversation, documents)
}

fn budget() -> Vec<Case> {
    let g = "budget";
    let b = "budget";
    let (lesson, documents) = lesson_request();
    vec![
        Case::new(
            g,
            "lesson-box-in-128k",
            b,
            budget_args(lesson.clone(), &documents, 128_000, Counter::APPROX),
        ),
        Case::new(
            g,
            "lesson-request-overflows-gpt-3.5-4096",
            b,
            budget_args(lesson, &documents, 4_096, Counter::APPROX),
        ),
        Case::new(
            g,
            "no-system-prompt-history-or-documents",
            b,
            budget_args(
                conversation(None, vec![], "Hello?"),
                &[],
                8_192,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "window-zero",
            b,
            budget_args(
                conversation(Some("sys"), turns(2, 5), "new"),
                &[String::from("doc")],
                0,
                Counter::CHARS,
            ),
        ),
        Case::new(
            g,
            "exactly-full",
            b,
            budget_args(
                conversation(Some("sys"), turns(2, 5), "new"),
                &[String::from("doc")],
                19,
                Counter::CHARS,
            ),
        ),
    ]
}

fn hidden_budget() -> Vec<Case> {
    let g = "hidden-budget";
    let (lesson, documents) = lesson_request();
    let million = Counter::Chars {
        per_token: 1,
        scale: 1_000,
    };
    vec![
        Case::new(
            g,
            "lesson-request-in-gemini-1m",
            "budget",
            budget_args(lesson, &documents, 1_000_000, Counter::APPROX),
        ),
        Case::new(
            g,
            "a-million-tokens-of-documents",
            "budget",
            budget_args(
                conversation(None, vec![], "Summarise these."),
                &[sized("Long report.", 600), sized("Appendix.", 400)],
                1_000_000,
                million,
            ),
        ),
    ]
}

fn budget_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let turns = rng.int(0, 20) as usize;
    let conversation = random_conversation(rng, turns, 40);
    let documents: Vec<String> = (0..rng.int(0, 6))
        .map(|_| text_between(rng, 10, 200, 0.2))
        .collect();
    let counter = Counter::random(rng, 1_000);
    let (required, history) = token_parts(&conversation, counter);
    let docs: u64 = documents.iter().map(|d| counter.count(d)).sum();
    let used = required + history.iter().sum::<u64>() + docs;
    let window = match rng.int(0, 5) {
        0 => rng.int(0, 200),
        1 => used,
        2 => rng.int(used / 2, used + used / 2 + 1),
        _ => [4_096, 8_192, 128_000, 200_000, 1_000_000][rng.int(0, 4) as usize],
    };
    Case::new(
        g,
        name,
        "budget",
        budget_args(conversation, &documents, window, counter),
    )
}

// -------------------------------------------------------------- order

fn documents(n: usize) -> Vec<String> {
    (1..=n).map(|rank| format!("r{rank}")).collect()
}

fn long_context_order() -> Vec<Case> {
    let g = "long-context-order";
    [0, 1, 2, 5, 6]
        .into_iter()
        .map(|n| {
            Case::new(
                g,
                &format!("{n}-documents"),
                "order",
                json!({ "documents": documents(n) }),
            )
        })
        .collect()
}

fn order_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let n = if g.starts_with("hidden-") {
        rng.int(0, 60)
    } else {
        rng.int(3, 12)
    };
    let docs: Vec<String> = (1..=n)
        .map(|rank| format!("doc {rank:02}: {}", text_between(rng, 3, 12, 0.2)))
        .collect();
    Case::new(g, name, "order", json!({ "documents": docs }))
}

// --------------------------------------------------------------- cost

fn cost_args(turns: u64, sizes: (u64, u64, u64), policy: Value, prices: (f64, f64)) -> Value {
    let (system, user, assistant) = sizes;
    json!({
        "shape": {
            "turns": turns, "system_tokens": system,
            "user_tokens": user, "assistant_tokens": assistant,
        },
        "policy": policy,
        "prices": { "input_per_million": prices.0, "output_per_million": prices.1 },
    })
}

fn full_history() -> Value {
    json!({ "kind": "full_history" })
}

fn summarize_policy(keep_recent_turns: u64, summary_tokens: u64) -> Value {
    json!({
        "kind": "summarize",
        "keep_recent_turns": keep_recent_turns,
        "summary_tokens": summary_tokens,
    })
}

/// GPT-4 Turbo's launch prices (2023-11-06): $10 and $30 per million
/// input and output tokens.
const GPT4_TURBO_PRICES: (f64, f64) = (10.0, 30.0);

fn cost() -> Vec<Case> {
    let g = "cost";
    let lesson = (0, 500, 800);
    vec![
        Case::new(
            g,
            "lesson-50-turns-full-history",
            "cost",
            cost_args(50, lesson, full_history(), GPT4_TURBO_PRICES),
        ),
        Case::new(
            g,
            "lesson-50-turns-summarised-keeping-5",
            "cost",
            cost_args(50, lesson, summarize_policy(5, 500), GPT4_TURBO_PRICES),
        ),
        Case::new(
            g,
            "zero-turns-cost-nothing",
            "cost",
            cost_args(0, (200, 500, 800), full_history(), GPT4_TURBO_PRICES),
        ),
        Case::new(
            g,
            "one-turn-with-a-system-prompt",
            "cost",
            cost_args(
                1,
                (200, 500, 800),
                summarize_policy(0, 300),
                GPT4_TURBO_PRICES,
            ),
        ),
    ]
}

fn hidden_cost() -> Vec<Case> {
    let g = "hidden-cost";
    vec![
        Case::new(
            g,
            "10000-turns-full-history",
            "cost",
            cost_args(10_000, (1_000, 500, 800), full_history(), GPT4_TURBO_PRICES),
        ),
        Case::new(
            g,
            "10000-turns-summarised",
            "cost",
            cost_args(
                10_000,
                (1_000, 500, 800),
                summarize_policy(5, 500),
                GPT4_TURBO_PRICES,
            ),
        ),
    ]
}

fn cost_case(g: &str, name: &str, rng: &mut CaseRng) -> Case {
    let max_turns = if g.starts_with("hidden-") {
        100_000
    } else {
        200
    };
    let turns = rng.int(0, max_turns);
    let sizes = (rng.int(0, 2_000), rng.int(1, 2_000), rng.int(1, 4_000));
    let policy = if rng.chance(0.5) {
        full_history()
    } else {
        summarize_policy(rng.int(0, 20), rng.int(0, 2_000))
    };
    let price = |rng: &mut CaseRng| rng.int(5, 10_000) as f64 / 100.0;
    let prices = (price(rng), price(rng));
    Case::new(g, name, "cost", cost_args(turns, sizes, policy, prices))
}
