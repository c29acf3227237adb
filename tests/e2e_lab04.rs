//! End-to-end tests of the `grader` binary on lab 04 (the memory
//! calculator): the reference scores full marks, the untouched starter 0
//! with a hint on every group, and each fixture submission (one classic
//! mistake each, see reference/04-memory-calculator/mutants/README.md) loses
//! the points of exactly the groups that test that mistake, no more.

mod support;

use serde_json::Value;

const LAB: &str = "04-memory-calculator";
/// Hidden seed of every run here (the groups are built so that the result
/// does not depend on it; this fixes it for reproducible failures).
const SEED: u64 = 7;

fn grade(name: &str) -> (i32, Value) {
    let dir = support::submission(LAB, name);
    let (code, report, _) = support::check_json(LAB, dir.path(), SEED, &[]);
    (code, report)
}

/// Grade fixture `name` and assert that exactly `groups` lose points, each
/// of them graded, while every other group keeps full marks.
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

#[test]
fn reference_copied_into_a_submission_scores_full_marks() {
    let (code, report) = grade("reference");
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], report["max_score"]);
    assert_eq!(report["max_score"], 40.0);
    assert_eq!(report["hidden_seed"], SEED);
    let outcomes = support::outcomes(&report, LAB);
    assert!(outcomes.len() > 250, "{} cases", outcomes.len());
    assert!(outcomes.iter().all(|(_, o)| o == "pass"), "{outcomes:?}");
    assert!(support::groups_losing_points(&report, LAB).is_empty());
}

#[test]
fn the_untouched_starter_scores_zero_with_a_hint_on_every_group() {
    let (code, report) = grade("starter");
    assert_eq!(code, 1);
    let lab = support::lab(&report, LAB);
    assert_eq!(lab["max_score"], 40.0);
    support::assert_starter_scores_zero(&report, LAB);
    let output = support::grader(
        &[
            "check",
            support::submission(LAB, "starter").path().to_str().unwrap(),
            "--lab",
            LAB,
            "--seed",
            "7",
            "--color",
            "never",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("04-memory-calculator · The memory calculator  0.00 / 40.00"),
        "{text}"
    );
    assert!(
        text.contains("hint: KV cache = 2 x layers x kv_heads x head_dim"),
        "{text}"
    );
}

#[test]
fn counting_a_tied_gpt2_head_twice_loses_only_the_gpt2_groups() {
    let report = loses_exactly(
        "untied-gpt2-counts-twice-or-forgets-tied",
        &["params-gpt2", "hidden-gpt2"],
    );
    let small = support::case(&report, LAB, "params-gpt2/gpt2-small");
    assert_eq!(small["outcome"], "wrong_answer");
    assert_eq!(
        small["message"],
        "the value: expected 124439808, got 163037184"
    );
    let untied = support::case(&report, LAB, "params-gpt2/gpt2-small-untied");
    assert_eq!(untied["outcome"], "pass", "an untied head is counted");
}

#[test]
fn forgetting_an_untied_gpt2_head_loses_only_the_gpt2_groups() {
    let report = loses_exactly("gpt2-forgets-untied-head", &["params-gpt2", "hidden-gpt2"]);
    let untied = support::case(&report, LAB, "params-gpt2/gpt2-small-untied");
    assert_eq!(
        untied["message"],
        "the value: expected 163037184, got 124439808"
    );
}

#[test]
fn counting_query_heads_for_k_and_v_loses_only_the_llama_groups() {
    let report = loses_exactly("llama-count-ignores-gqa", &["params-llama", "hidden-llama"]);
    let llama = support::case(&report, LAB, "params-llama/llama-3-8b");
    assert_eq!(
        llama["message"],
        "the value: expected 8030261248, got 8835567616"
    );
    let no_gqa = support::case(&report, LAB, "params-llama/llama-2-7b");
    assert_eq!(no_gqa["outcome"], "pass", "LLaMA 2 7B has no GQA");
}

#[test]
fn caching_query_heads_loses_only_the_kv_cache_groups() {
    let report = loses_exactly("kv-uses-query-heads", &["kv-cache", "hidden-kv-cache"]);
    let one_gib = support::case(&report, LAB, "kv-cache/llama-3-8b-8k-tokens-fp16-is-1-gib");
    assert_eq!(
        one_gib["message"],
        "the value: expected 1073741824, got 4294967296"
    );
}

#[test]
fn query_sized_k_and_v_projections_lose_only_the_lora_groups() {
    let report = loses_exactly(
        "lora-kv-projections-use-query-heads",
        &["lora", "hidden-lora"],
    );
    let qv = support::case(&report, LAB, "lora/llama-3-8b-r16-q-v");
    assert_eq!(qv["message"], "the value: expected 6815744, got 8388608");
}

#[test]
fn forgetting_the_bert_pooler_loses_only_the_bert_groups() {
    let report = loses_exactly("bert-forgets-pooler", &["params-bert", "hidden-bert"]);
    let without = support::case(&report, LAB, "params-bert/bert-base-uncased-without-pooler");
    assert_eq!(without["outcome"], "pass");
}

#[test]
fn dropping_the_1_2_overhead_loses_only_the_inference_groups() {
    let report = loses_exactly("drops-overhead", &["inference-vram", "hidden-inference"]);
    let lesson = support::case(&report, LAB, "inference-vram/lesson-8e9-fp16");
    assert_eq!(
        lesson["message"],
        "the value: expected 19200000000, got 16000000000"
    );
}

#[test]
fn forgetting_the_master_weights_loses_only_the_training_groups() {
    loses_exactly(
        "training-forgets-master-weights",
        &["training", "hidden-training"],
    );
}

#[test]
fn confusing_gb_and_gib_loses_only_the_units_groups() {
    let report = loses_exactly("gb-gib-confusion", &["units", "hidden-units"]);
    // "16GB" read as 16 GiB: the 16.06 GB of LLaMA 3 8B weights would "fit".
    let budget = support::case(&report, LAB, "units/llama-3-8b-fp16-does-not-fit-16-gb");
    assert_eq!(
        budget["message"],
        "at .budget: expected 16000000000, got 17179869184"
    );
    // Without a budget, the GB figure itself is 7.4% off: far past 1e-9.
    let figure = support::case(&report, LAB, "units/below-1000-bytes");
    let message = figure["message"].as_str().unwrap();
    assert!(
        message.starts_with("at .gb: expected") && message.contains("tolerance 0 + 0.000000001"),
        "{figure}"
    );
}

#[test]
fn the_public_cases_pin_the_published_and_lesson_figures() {
    let path = support::course_root().join("labs/04-memory-calculator/cases/public.json");
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
    let ok = |v: Value| serde_json::json!({ "ok": v });
    for (id, value) in [
        ("params-gpt2/gpt2-small", 124_439_808u64),
        ("params-gpt2/gpt3-175b-shape", 174_604_259_328),
        ("params-llama/llama-3-8b", 8_030_261_248),
        ("params-llama/llama-3-70b", 70_553_706_496),
        ("params-llama/llama-2-7b", 6_738_415_616),
        ("params-llama/llama-3.2-1b-tied", 1_235_814_400),
        ("params-bert/bert-base-uncased", 109_482_240),
        ("params-bert/bert-base-uncased-without-pooler", 108_891_648),
        ("params-bert/all-minilm-l6-v2", 22_713_216),
        ("inference-vram/lesson-8e9-fp16", 19_200_000_000),
        ("inference-vram/lesson-8e9-int4", 4_800_000_000),
        ("precision/7b-weights-int4", 3_500_000_000),
        ("kv-cache/llama-3-8b-8k-tokens-fp16-is-1-gib", 1 << 30),
        ("kv-cache/llama-2-7b-4k-tokens-has-no-gqa", 2 << 30),
        ("lora/llama-3-8b-r16-q-v", 6_815_744),
        ("lora/llama-3-8b-r16-all-seven", 41_943_040),
        ("lora/llama-3-8b-r64-all-seven", 167_772_160),
    ] {
        assert_eq!(expected(id), ok(value.into()), "{id}");
    }
    assert_eq!(
        expected("training/llama-3-8b-mixed-precision-adam")["ok"]["total"],
        128_484_179_968u64
    );
    assert_eq!(
        expected("kv-cache/bert-is-an-encoder-without-kv-cache"),
        serde_json::json!({ "err": { "kind": "no_kv_cache", "family": "bert" } })
    );
}
