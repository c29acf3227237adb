//! End-to-end tests of the `grader` binary on lab 03 (attention): the
//! reference scores full marks (the timing group included), the untouched
//! starter 0 with a hint on every group, the GPU group is skipped with its
//! reason and not counted on a CPU-only machine, and each mutant (one classic
//! mistake each, see reference/03-attention/mutants/README.md) loses the
//! points of exactly the groups that go through that mistake.

mod support;

use std::sync::Mutex;

use serde_json::Value;

const LAB: &str = "03-attention";
/// Hidden seed of every run here (the groups are built so that the result
/// does not depend on it; this fixes it for reproducible failures).
const SEED: u64 = 7;

/// One grading at a time: the timing group races the student against the
/// reference, and other tests' graders running beside it on a 2-core
/// machine would be the noise the threshold then has to absorb.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn grade(name: &str) -> (i32, Value) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::submission(LAB, name);
    let (code, report, _) = support::check_json(LAB, dir.path(), SEED, &[]);
    (code, report)
}

/// Graded groups (skipped ones, such as the GPU group on a CPU machine, are
/// not counted) that scored less than their maximum.
fn graded_groups_losing_points(report: &Value) -> Vec<String> {
    support::lab(report, LAB)["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["graded"].as_bool().unwrap_or(true))
        .filter(|g| g["score"].as_f64().unwrap() < g["max_score"].as_f64().unwrap())
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Grade mutant `name` and assert that exactly `groups` lose points.
fn loses_exactly(name: &str, groups: &[&str]) -> Value {
    let (code, report) = grade(name);
    assert_eq!(code, 1, "{name}: a wrong submission exits 1");
    let lab = support::lab(&report, LAB);
    assert_eq!(lab["status"], "graded", "{name}: {lab:#}");
    assert_eq!(
        graded_groups_losing_points(&report),
        groups,
        "{name}: the groups that lose points"
    );
    report
}

#[test]
fn reference_copied_into_a_submission_scores_full_marks_timing_included() {
    let (code, report) = grade("reference");
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], report["max_score"]);
    assert_eq!(
        report["max_score"], 31.0,
        "the GPU group's 2 points are not counted"
    );
    let outcomes = support::outcomes(&report, LAB);
    assert!(outcomes.len() > 110, "{} cases", outcomes.len());
    assert!(outcomes.iter().all(|(_, o)| o == "pass"), "{outcomes:?}");
    let timing = support::case(&report, LAB, "timing/b2-h8-seq512-d128");
    assert!(
        timing["message"]
            .as_str()
            .unwrap()
            .starts_with("correct and fast enough"),
        "{timing}"
    );
}

#[test]
fn the_gpu_group_is_skipped_with_its_reason_on_a_cpu_run() {
    let (_, report) = grade("reference");
    let lab = support::lab(&report, LAB);
    let gpu = lab["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "cuda-attention")
        .expect("the GPU group is listed");
    assert_eq!(gpu["graded"], false, "{gpu}");
    assert!(
        gpu["skipped"]
            .as_str()
            .unwrap()
            .contains("needs a CUDA GPU"),
        "{gpu}"
    );
    assert!(support::cases_of(&report, LAB, "cuda-attention").is_empty());
}

#[test]
fn the_untouched_starter_scores_zero_with_a_hint_on_every_group() {
    let (code, report) = grade("starter");
    assert_eq!(code, 1);
    support::assert_starter_scores_zero(&report, LAB);
}

#[test]
fn forgetting_the_scale_loses_every_group_that_attends() {
    let report = loses_exactly(
        "no-scale",
        &[
            "attention-weights",
            "attention",
            "multi-head",
            "hidden-attention",
            "numerics",
            "hidden-multi-head",
            "timing",
        ],
    );
    // One query [2, 0, 0, 0] against keys [1, 0, 0, 0] and 0: scores 2 and 0
    // must become 1 and 0 after / sqrt(4); unscaled, softmax(2, 0) = 0.881.
    let scaled = support::case(&report, LAB, "attention-weights/scaled-by-one-over-sqrt-d");
    assert_eq!(
        scaled["message"]
            .as_str()
            .unwrap()
            .split(" (2 of")
            .next()
            .unwrap(),
        "at [0, 0, 0, 0] (batch, head, query, key): expected 0.7310586, got 0.880797"
    );
}

#[test]
fn masking_the_diagonal_loses_the_mask_and_multi_head_groups() {
    let report = loses_exactly(
        "masks-the-diagonal",
        &["causal-mask", "multi-head", "hidden-multi-head"],
    );
    // The first token sees nothing: multi-head reports the typed error.
    let one = support::case(&report, LAB, "multi-head/one-token");
    assert_eq!(
        one["message"],
        r#"expected a value, got the error {"kind":"empty_mask_row","row":0}"#
    );
}

#[test]
fn masking_the_wrong_triangle_loses_the_mask_and_multi_head_groups() {
    let report = loses_exactly(
        "masks-the-lower-triangle",
        &["causal-mask", "multi-head", "hidden-multi-head"],
    );
    let mask = support::case(&report, LAB, "causal-mask/two-tokens");
    assert!(
        mask["message"]
            .as_str()
            .unwrap()
            .starts_with("at [0, 1] (query, key): expected 0, got 1"),
        "{mask}"
    );
    let uncausal = support::case(&report, LAB, "multi-head/two-heads");
    assert_eq!(
        uncausal["outcome"], "pass",
        "without the mask nothing changes"
    );
}

#[test]
fn a_softmax_over_the_queries_loses_every_group_that_attends() {
    let report = loses_exactly(
        "softmax-over-queries",
        &[
            "attention-weights",
            "attention",
            "multi-head",
            "hidden-attention",
            "numerics",
            "hidden-multi-head",
            "timing",
        ],
    );
    let softmax = support::case(&report, LAB, "softmax/one-two-three");
    assert_eq!(softmax["outcome"], "pass", "softmax itself is right");
}

#[test]
fn a_naive_softmax_loses_only_the_overflow_groups() {
    let report = loses_exactly("naive-softmax", &["softmax", "numerics"]);
    let large = support::case(&report, LAB, "softmax/large-logits-do-not-overflow");
    assert!(
        large["message"]
            .as_str()
            .unwrap()
            .starts_with("at [0]: expected 0.09003057, got NaN"),
        "{large}"
    );
}

#[test]
fn zeroing_masked_scores_instead_of_minus_infinity_loses_the_masked_groups() {
    loses_exactly(
        "mask-zeroes-scores",
        &[
            "attention-weights",
            "attention",
            "multi-head",
            "hidden-attention",
            "numerics",
            "hidden-multi-head",
        ],
    );
}

#[test]
fn splitting_heads_by_a_bare_reshape_loses_the_heads_groups() {
    let report = loses_exactly(
        "split-heads-without-transpose",
        &["heads", "multi-head", "hidden-multi-head"],
    );
    let one_head = support::case(&report, LAB, "multi-head/one-head");
    assert_eq!(one_head["outcome"], "pass", "one head needs no transpose");
}

#[test]
fn a_wrong_positional_frequency_loses_only_the_positional_groups() {
    loses_exactly(
        "positional-wrong-frequency",
        &["positional-encoding", "hidden-positional"],
    );
}

#[test]
fn attention_by_loops_over_elements_is_right_but_fails_the_timing_group() {
    let report = loses_exactly("loop-per-element", &["timing"]);
    let timing = support::case(&report, LAB, "timing/b2-h8-seq512-d128");
    let outcome = timing["outcome"].as_str().unwrap();
    assert!(outcome == "too_slow" || outcome == "timeout", "{timing}");
}

#[test]
fn the_public_cases_pin_the_lesson_figures() {
    let path = support::course_root().join("labs/03-attention/cases/public.json");
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
    // The lesson's "Token 1 sees [1] ... Token 4 sees [1, 2, 3, 4]".
    assert_eq!(
        expected("causal-mask/four-tokens-as-in-the-lesson"),
        serde_json::json!({ "ok": {
            "dtype": "u8", "shape": [4, 4],
            "data": [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
        }})
    );
    // Stable softmax: logits 1000, 1001, 1002 give softmax(0, 1, 2).
    let large = expected("softmax/large-logits-do-not-overflow");
    let small = expected("softmax/one-two-three");
    assert_eq!(large["ok"]["data"], small["ok"]["data"]);
    // Under the causal mask the first token copies its own value, 10.
    let first = expected("attention/first-token-under-the-causal-mask-copies-its-value");
    assert_eq!(first["ok"]["data"][0], 10.0);
    assert_eq!(
        expected("errors/heads-do-not-divide-the-width"),
        serde_json::json!({ "err": { "kind": "heads_do_not_divide", "d_model": 10, "heads": 3 } })
    );
}
