//! End-to-end tests of the `grader` binary on lab 01 (context windows): the
//! reference scores full marks, the untouched starter 0 with a hint on every
//! group, and each mutant (one classic mistake each, see
//! reference/01-context-window/mutants/README.md) loses the points of
//! exactly the groups that test that mistake, no more, with a message that
//! names the broken invariant.

mod support;

use serde_json::Value;

const LAB: &str = "01-context-window";
/// Hidden seed of every run here (the groups are built so that the result
/// does not depend on it; this fixes it for reproducible failures).
const SEED: u64 = 7;

fn grade(name: &str) -> (i32, Value) {
    let dir = support::submission(LAB, name);
    let (code, report, _) = support::check_json(LAB, dir.path(), SEED, &[]);
    (code, report)
}

/// Grade mutant `name` and assert that exactly `groups` lose points, each
/// of them graded and losing by wrong answers (not crashes), while every
/// other group keeps full marks.
fn loses_exactly(name: &str, groups: &[&str]) -> Value {
    let (code, report) = grade(name);
    assert_eq!(code, 1, "{name}: a wrong submission exits 1");
    let lab = support::lab(&report, LAB);
    assert_eq!(lab["status"], "graded", "{name}: {lab:#}");
    assert_eq!(
        support::groups_losing_points(&report, LAB),
        groups,
        "{name}: the groups that lose points"
    );
    for group in groups {
        let cases = support::cases_of(&report, LAB, group);
        assert!(
            cases
                .iter()
                .all(|c| c["outcome"] == "pass" || c["outcome"] == "wrong_answer"),
            "{name}: a mistake gives wrong answers, not crashes, in {group}"
        );
    }
    report
}

fn message<'a>(report: &'a Value, id: &str) -> &'a str {
    let case = support::case(report, LAB, id);
    assert_eq!(case["outcome"], "wrong_answer", "{case}");
    case["message"].as_str().unwrap()
}

#[test]
fn reference_copied_into_a_submission_scores_full_marks() {
    let (code, report) = grade("reference");
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], report["max_score"]);
    assert_eq!(report["max_score"], 30.0);
    assert_eq!(report["hidden_seed"], SEED);
    let outcomes = support::outcomes(&report, LAB);
    assert!(outcomes.len() > 150, "{} cases", outcomes.len());
    assert!(outcomes.iter().all(|(_, o)| o == "pass"), "{outcomes:?}");
}

#[test]
fn the_untouched_starter_scores_zero_with_a_hint_on_every_group() {
    let (code, report) = grade("starter");
    assert_eq!(code, 1);
    let lab = support::lab(&report, LAB);
    assert_eq!(lab["max_score"], 30.0);
    support::assert_starter_scores_zero(&report, LAB);
}

#[test]
fn dropping_the_system_prompt_loses_only_the_drop_oldest_groups() {
    let report = loses_exactly(
        "drops-system-prompt",
        &["fit-drop-oldest", "hidden-drop-oldest"],
    );
    assert_eq!(
        message(&report, "fit-drop-oldest/drops-oldest-keeps-system-prompt"),
        "invariant `system prompt first` violated: [0] should be the system prompt, \
         got a user message \"turn 2. an\""
    );
    let no_prompt = support::case(&report, LAB, "fit-drop-oldest/drops-the-whole-history");
    assert_eq!(
        no_prompt["outcome"], "pass",
        "no system prompt, nothing to lose"
    );
}

#[test]
fn keeping_recent_turns_out_of_order_loses_only_the_summarize_groups() {
    let report = loses_exactly(
        "keeps-turns-out-of-order",
        &["fit-summarize", "hidden-summarize"],
    );
    assert_eq!(
        message(
            &report,
            "fit-summarize/lesson-recipe-keeps-two-recent-turns"
        ),
        "invariant `order kept` violated: [3] is history message 2, which comes before \
         the message kept just above it (history message 3)"
    );
    let one = support::case(
        &report,
        LAB,
        "fit-summarize/more-recent-turns-asked-than-exist",
    );
    assert_eq!(
        one["outcome"], "pass",
        "one recent turn has no order to lose"
    );
}

#[test]
fn counting_with_padding_on_loses_only_the_tokenizer_groups() {
    let report = loses_exactly(
        "counts-with-padding",
        &["count-tokenizer", "hidden-tokenizer"],
    );
    assert_eq!(
        message(&report, "count-tokenizer/short-texts-are-not-padded"),
        "text [0] \"\": expected 0 tokens, got 16"
    );
    let long = support::case(&report, LAB, "count-tokenizer/long-texts-are-not-truncated");
    assert_eq!(long["outcome"], "pass", "padding never shortens a text");
}

#[test]
fn counting_with_truncation_on_loses_only_the_tokenizer_groups() {
    let report = loses_exactly(
        "counts-with-truncation",
        &["count-tokenizer", "hidden-tokenizer"],
    );
    let long = message(&report, "count-tokenizer/long-texts-are-not-truncated");
    assert!(
        long.starts_with("text [0] \"When the context is full,")
            && long.ends_with(": expected 157 tokens, got 16"),
        "{long}"
    );
}

#[test]
fn counting_special_tokens_loses_only_the_tokenizer_groups() {
    let report = loses_exactly(
        "counts-special-tokens",
        &["count-tokenizer", "hidden-tokenizer"],
    );
    assert_eq!(
        message(&report, "count-tokenizer/short-texts-are-not-padded"),
        "text [0] \"\": expected 0 tokens, got 2"
    );
}

#[test]
fn counting_bytes_instead_of_characters_loses_only_the_approximation_groups() {
    let report = loses_exactly("counts-bytes-not-chars", &["count-approx", "hidden-approx"]);
    assert_eq!(
        message(&report, "count-approx/characters-not-bytes"),
        "text [0] \"日本語のテキスト\": expected 2 tokens, got 6"
    );
    let ascii = support::case(&report, LAB, "count-approx/empty-and-english");
    assert_eq!(ascii["outcome"], "pass", "ASCII has one byte per character");
}

#[test]
fn leaving_documents_out_of_the_total_loses_only_the_budget_groups() {
    let report = loses_exactly("budget-forgets-documents", &["budget", "hidden-budget"]);
    assert_eq!(
        message(&report, "budget/lesson-box-in-128k"),
        "at .remaining: expected 122300, got 125300"
    );
}

#[test]
fn a_back_half_in_rank_order_loses_only_the_ordering_groups() {
    let report = loses_exactly(
        "order-back-half-not-reversed",
        &["long-context-order", "hidden-order"],
    );
    assert_eq!(
        message(&report, "long-context-order/5-documents"),
        "invariant `second most relevant last` violated: the last document should be the one \
         ranked 2"
    );
}

#[test]
fn a_free_summary_loses_only_the_cost_groups() {
    let report = loses_exactly("summary-cost-is-free", &["cost", "hidden-cost"]);
    let full = support::case(&report, LAB, "cost/lesson-50-turns-full-history");
    assert_eq!(full["outcome"], "pass");
}

#[test]
fn the_public_cases_pin_the_lessons_figures() {
    let path = support::course_root().join("labs/01-context-window/cases/public.json");
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let expected = |id: &str| -> Value {
        stored["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("public case {id}"))["expected"]
            .clone()
    };
    // The lesson's box: 500 + 2,000 + 200 + 3,000 = 5,700 used, 122,300 left.
    let lesson = expected("budget/lesson-box-in-128k");
    assert_eq!(
        lesson,
        serde_json::json!({ "ok": {
            "window": 128_000, "system_prompt": 500, "history": 2_000, "new_message": 200,
            "documents": 3_000, "used": 5_700, "remaining": 122_300, "over_by": 0,
        }})
    );
    assert_eq!(
        expected("budget/lesson-request-overflows-gpt-3.5-4096")["ok"]["over_by"],
        1_604
    );
    // "50 more turns" of 500 + 800 tokens: 32,500 of history plus the rest.
    assert_eq!(
        expected("fit-reject/lesson-50-turns-do-not-fit-gpt-3.5"),
        serde_json::json!({ "err": { "kind": "does_not_fit", "needed": 33_200, "budget": 4_096 } })
    );
    // Re-sending everything: 1,617,500 input tokens; summarising: 352,500.
    assert_eq!(
        expected("cost/lesson-50-turns-full-history")["ok"]["input_tokens"],
        1_617_500
    );
    assert_eq!(
        expected("cost/lesson-50-turns-summarised-keeping-5")["ok"]["input_tokens"],
        352_500
    );
    assert_eq!(
        expected("long-context-order/5-documents"),
        serde_json::json!({ "ok": ["r1", "r3", "r5", "r4", "r2"] })
    );
}
