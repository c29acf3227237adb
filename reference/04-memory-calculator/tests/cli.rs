//! The `memcalc` binary, driven as a user would: on the configs shipped with the lab.

use std::path::PathBuf;
use std::process::{Command, Output};

fn configs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../labs/04-memory-calculator/configs")
}

fn memcalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_memcalc"))
        .args(args)
        .output()
        .expect("memcalc runs")
}

fn json_for(config: &str, extra: &[&str]) -> serde_json::Value {
    let path = configs().join(config);
    let mut args = vec![path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let output = memcalc(&args);
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

#[test]
fn every_shipped_config_gets_the_count_transformers_reports() {
    // Counts from reference/04-memory-calculator/tools/hf_param_counts.out.
    for (config, params) in [
        ("all-minilm-l6-v2.json", 22_713_216u64),
        ("bert-base-uncased.json", 109_482_240),
        ("gpt2.json", 124_439_808),
        ("gpt2-large.json", 774_030_080),
        ("gpt3-175b-shape.json", 174_604_259_328),
        ("llama-2-7b.json", 6_738_415_616),
        ("llama-3-8b.json", 8_030_261_248),
        ("llama-3-70b.json", 70_553_706_496),
        ("llama-3.2-1b.json", 1_235_814_400),
    ] {
        assert_eq!(json_for(config, &[])["params"], params, "{config}");
    }
}

#[test]
fn no_pooler_drops_the_bert_pooler() {
    let json = json_for("bert-base-uncased.json", &["--no-pooler"]);
    assert_eq!(json["params"], 108_891_648u64);
}

#[test]
fn the_json_report_holds_every_figure_in_bytes() {
    let json = json_for(
        "llama-3-8b.json",
        &["--lora-targets", "q_proj,v_proj", "--activations", "16GB"],
    );
    assert_eq!(json["inference"][1]["precision"], "fp16");
    assert_eq!(json["inference"][1]["vram"], 19_272_626_996u64);
    assert_eq!(
        json["training"][0]["memory"]["total"],
        64_242_089_984u64 + 16_000_000_000
    );
    assert_eq!(json["lora"]["trainable_params"], 6_815_744);
    assert_eq!(json["kv_cache"]["bytes"], 1u64 << 30);
}

#[test]
fn the_table_shows_the_count_and_both_units() {
    let path = configs().join("gpt2.json");
    let output = memcalc(&[path.to_str().unwrap()]);
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(
        table.contains("Parameters   124,439,808 (124.44 million)"),
        "{table}"
    );
    assert!(table.contains("GiB"), "{table}");
    assert!(table.contains("KV cache: 2 (K, V) x 12 layers x 12 kv heads x 64 head_dim"));
}

#[test]
fn a_bad_config_is_named_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("memcalc-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, json, message) in [
        (
            "missing.json",
            r#"{"model_type": "llama", "vocab_size": 10}"#,
            "config has no `hidden_size`",
        ),
        (
            "negative.json",
            r#"{"model_type": "gpt2", "vocab_size": 10, "n_positions": -4}"#,
            "`n_positions` must be a non-negative integer, found -4",
        ),
        (
            "family.json",
            r#"{"model_type": "t5"}"#,
            "unknown model_type `t5`; known: gpt2, llama, bert",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, json).unwrap();
        let output = memcalc(&[path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_calculator_error_exits_1_and_a_usage_error_exits_2() {
    let path = configs().join("llama-3-8b.json");
    let path = path.to_str().unwrap();
    let output = memcalc(&[path, "--seq-len", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("`seq_len` must be at least 1"));
    assert_eq!(memcalc(&[path, "--seq-len", "-1"]).status.code(), Some(2));
    assert_eq!(memcalc(&[]).status.code(), Some(2));
    assert_eq!(memcalc(&["--help"]).status.code(), Some(0));
}

#[test]
fn serde_and_parse_config_read_every_shipped_config_alike() {
    use memory_calculator_reference::{parse_config, Architecture};
    for entry in std::fs::read_dir(configs()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let via_serde: Architecture = serde_json::from_str(&text).unwrap();
        assert_eq!(Ok(via_serde), parse_config(&text), "{}", path.display());
    }
}
