//! The invariants of lab 01's answers, checked before the exact comparison
//! so that a wrong answer names the rule it breaks ("system prompt first")
//! rather than only the first differing field.

use serde_json::Value;

use super::text::Counter;
use crate::compare::compact;

/// How every summary message starts (the lab's `SUMMARY_PREFIX`).
pub const SUMMARY_PREFIX: &str = "Summary of previous conversation: ";

/// A message as the driver writes it.
#[derive(Debug, Clone, PartialEq)]
struct Msg<'a> {
    role: &'a str,
    content: &'a str,
}

fn msg(value: &Value) -> Option<Msg<'_>> {
    let role = value["role"].as_str()?;
    matches!(role, "system" | "user" | "assistant").then_some(())?;
    Some(Msg {
        role,
        content: value["content"].as_str()?,
    })
}

fn describe(m: &Msg<'_>) -> String {
    let article = if m.role == "assistant" { "an" } else { "a" };
    format!(
        "{article} {} message {}",
        m.role,
        compact(&Value::from(m.content))
    )
}

/// The first invariant a fit answer breaks, as a message; `None` when it
/// keeps them all. `call` is `fit_reject`, `fit_drop_oldest` or
/// `fit_summarize`; `args` are the case's arguments.
pub fn fit_violation(call: &str, args: &Value, answer: &Value) -> Option<String> {
    let conversation = &args["conversation"];
    let budget = args["budget"].as_u64()?;
    let counter = Counter::parse(&args["counter"])?;
    let history: Vec<Msg<'_>> = conversation["history"]
        .as_array()?
        .iter()
        .map(msg)
        .collect::<Option<_>>()?;
    let system = conversation["system_prompt"].as_str();
    let new_message = conversation["new_message"].as_str()?;

    let violated = |name: &str, why: String| Some(format!("invariant `{name}` violated: {why}"));
    let Some(messages) = answer
        .as_array()
        .and_then(|a| a.iter().map(msg).collect::<Option<Vec<_>>>())
    else {
        return violated(
            "a list of messages",
            "every item needs a role (system, user or assistant) and a content".into(),
        );
    };
    let mut rest: &[Msg<'_>] = &messages;
    // Position of rest[0] in the answer.
    let mut start = 0;
    if let Some(prompt) = system {
        let expected = Msg {
            role: "system",
            content: prompt,
        };
        match rest.first() {
            Some(first) if *first == expected => {
                rest = &rest[1..];
                start = 1;
            }
            Some(first) => {
                return violated(
                    "system prompt first",
                    format!("[0] should be the system prompt, got {}", describe(first)),
                )
            }
            None => return violated("system prompt first", "no messages at all".into()),
        }
    }
    let newest = Msg {
        role: "user",
        content: new_message,
    };
    match rest.last() {
        Some(last) if *last == newest => rest = &rest[..rest.len() - 1],
        Some(last) => {
            return violated(
                "newest message last",
                format!(
                    "[{}] should be the newest user message, got {}",
                    messages.len() - 1,
                    describe(last)
                ),
            )
        }
        None => return violated("newest message last", "it is missing".into()),
    }
    let used: u64 = messages.iter().map(|m| counter.count(m.content)).sum();
    if used > budget {
        return violated(
            "fits the budget",
            format!("the messages take {used} tokens, the budget is {budget}"),
        );
    }
    if call == "fit_summarize" {
        if let Some(first) = rest.first() {
            if first.role == "system"
                && first.content.starts_with(SUMMARY_PREFIX)
                && !history.contains(first)
            {
                rest = &rest[1..];
                start += 1;
            }
        }
    }
    if call == "fit_reject" && rest != history.as_slice() {
        return violated(
            "nothing dropped",
            "reject returns the whole conversation or an error, never part of it".into(),
        );
    }
    kept_history_violation(&history, rest, start).and_then(|(name, why)| violated(name, why))
}

/// Checks that `kept` (the messages between the system prompt or summary
/// and the newest message; `first_index` is the position of `kept[0]` in
/// the answer) are the most recent history messages, verbatim and in order.
fn kept_history_violation(
    history: &[Msg<'_>],
    kept: &[Msg<'_>],
    first_index: usize,
) -> Option<(&'static str, String)> {
    let mut previous: Option<usize> = None;
    for (i, m) in kept.iter().enumerate() {
        let at = first_index + i;
        let after = previous.map_or(0, |p| p + 1);
        match history[after..].iter().position(|h| h == m) {
            Some(j) => previous = Some(after + j),
            None => {
                return Some(match history.iter().position(|h| h == m) {
                    Some(j) => (
                        "order kept",
                        format!(
                            "[{at}] is history message {j}, which comes before the message \
                             kept just above it (history message {})",
                            previous.unwrap_or(0)
                        ),
                    ),
                    None => (
                        "only messages of the conversation",
                        format!(
                            "[{at}] is {}, which is not in the history (a summary must come \
                             right after the system prompt and start with {SUMMARY_PREFIX:?})",
                            describe(m)
                        ),
                    ),
                })
            }
        }
    }
    let start = history.len() - kept.len();
    if kept != &history[start..] {
        return Some((
            "recent turns verbatim",
            format!(
                "the history kept should be its last {} messages, without gaps",
                kept.len()
            ),
        ));
    }
    None
}

/// Where two lists of token counts first differ, naming the text; `None`
/// when they are not two lists of the same length or do not differ.
pub fn count_difference(args: &Value, expected: &Value, actual: &Value) -> Option<String> {
    let (expected, actual) = (expected.as_array()?, actual.as_array()?);
    if expected.len() != actual.len() {
        return None;
    }
    let i = expected.iter().zip(actual).position(|(e, a)| e != a)?;
    let text = args["texts"].get(i)?;
    Some(format!(
        "text [{i}] {}: expected {} tokens, got {}",
        compact(text),
        expected[i],
        actual[i]
    ))
}

/// The first invariant an answer of `order` breaks.
pub fn order_violation(args: &Value, answer: &Value) -> Option<String> {
    let ranked: Vec<&str> = args["documents"]
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    let violated = |name: &str, why: String| Some(format!("invariant `{name}` violated: {why}"));
    let Some(ordered) = answer
        .as_array()
        .and_then(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
    else {
        return violated("a list of documents", "every item must be a string".into());
    };
    let mut sorted_ranked = ranked.clone();
    let mut sorted_ordered = ordered.clone();
    sorted_ranked.sort_unstable();
    sorted_ordered.sort_unstable();
    if sorted_ranked != sorted_ordered {
        return violated(
            "every document exactly once",
            format!(
                "{} documents in, {} out, or some repeated or missing",
                ranked.len(),
                ordered.len()
            ),
        );
    }
    if ranked.first() != ordered.first() {
        return violated(
            "most relevant first",
            "[0] should be the document ranked 1".into(),
        );
    }
    if ranked.len() >= 2 && ordered.last() != ranked.get(1) {
        return violated(
            "second most relevant last",
            "the last document should be the one ranked 2".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(system: Option<&str>, history: &[(&str, &str)], new: &str, budget: u64) -> Value {
        let history: Vec<Value> = history
            .iter()
            .map(|(role, content)| json!({ "role": role, "content": content }))
            .collect();
        json!({
            "conversation": { "system_prompt": system, "history": history, "new_message": new },
            "budget": budget,
            "counter": Counter::CHARS.json(),
        })
    }

    fn answer(messages: &[(&str, &str)]) -> Value {
        Value::Array(
            messages
                .iter()
                .map(|(role, content)| json!({ "role": role, "content": content }))
                .collect(),
        )
    }

    const HISTORY: [(&str, &str); 3] = [("user", "aa"), ("assistant", "bb"), ("user", "cc")];

    #[test]
    fn a_correct_answer_keeps_every_invariant() {
        let a = args(Some("sys"), &HISTORY, "new", 10);
        let ok = answer(&[("system", "sys"), ("user", "cc"), ("user", "new")]);
        assert_eq!(fit_violation("fit_drop_oldest", &a, &ok), None);
        let summary = answer(&[
            ("system", "sys"),
            ("system", "Summary of previous conversation: x"),
            ("user", "new"),
        ]);
        let a = args(Some("sys"), &HISTORY, "new", 100);
        assert_eq!(fit_violation("fit_summarize", &a, &summary), None);
        assert!(fit_violation("fit_drop_oldest", &a, &summary)
            .unwrap()
            .contains("`only messages of the conversation`"));
    }

    #[test]
    fn each_broken_invariant_is_named() {
        let a = args(Some("sys"), &HISTORY, "new", 9);
        let cases = [
            (
                answer(&[("user", "cc"), ("user", "new")]),
                "system prompt first",
            ),
            (
                answer(&[("system", "sys"), ("user", "cc")]),
                "newest message last",
            ),
            (
                answer(&[
                    ("system", "sys"),
                    ("assistant", "bb"),
                    ("user", "cc"),
                    ("user", "new"),
                ]),
                "fits the budget",
            ),
            (
                json!([{ "role": "robot", "content": "x" }]),
                "a list of messages",
            ),
        ];
        for (answer, name) in cases {
            let violation = fit_violation("fit_drop_oldest", &a, &answer).unwrap();
            assert!(violation.contains(&format!("`{name}`")), "{violation}");
        }
        let a = args(Some("sys"), &HISTORY, "new", 100);
        let swapped = answer(&[
            ("system", "sys"),
            ("user", "cc"),
            ("assistant", "bb"),
            ("user", "new"),
        ]);
        let violation = fit_violation("fit_summarize", &a, &swapped).unwrap();
        assert_eq!(
            violation,
            "invariant `order kept` violated: [2] is history message 1, which comes before \
             the message kept just above it (history message 2)"
        );
        let gap = answer(&[
            ("system", "sys"),
            ("user", "aa"),
            ("user", "cc"),
            ("user", "new"),
        ]);
        let violation = fit_violation("fit_drop_oldest", &a, &gap).unwrap();
        assert!(violation.contains("`recent turns verbatim`"), "{violation}");
    }

    #[test]
    fn a_wrong_count_names_its_text() {
        let a = json!({ "texts": ["", "héllo"] });
        assert_eq!(
            count_difference(&a, &json!([0, 3]), &json!([0, 4])),
            Some(r#"text [1] "héllo": expected 3 tokens, got 4"#.into())
        );
        assert_eq!(count_difference(&a, &json!([0, 3]), &json!([0, 3])), None);
        assert_eq!(count_difference(&a, &json!([0, 3]), &json!([0])), None);
    }

    #[test]
    fn order_answers_must_be_a_permutation_with_the_best_at_the_edges() {
        let a = json!({ "documents": ["r1", "r2", "r3"] });
        assert_eq!(order_violation(&a, &json!(["r1", "r3", "r2"])), None);
        let cases = [
            (json!(["r1", "r3"]), "every document exactly once"),
            (json!(["r3", "r1", "r2"]), "most relevant first"),
            (json!(["r1", "r2", "r3"]), "second most relevant last"),
        ];
        for (answer, name) in cases {
            let violation = order_violation(&a, &answer).unwrap();
            assert!(violation.contains(&format!("`{name}`")), "{violation}");
        }
    }
}
