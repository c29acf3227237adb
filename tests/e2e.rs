//! End-to-end tests of the `grader` binary on lab 02: the untouched starter,
//! the reference as a submission, and one fixture submission per outcome
//! (see tests/fixtures/02-cosine-similarity/README.md).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::grader;

const LAB: &str = "02-cosine-similarity";

/// `grader check PATH --lab 02 --seed 7 --format json`, parsed.
fn check_json(path: &Path, envs: &[(&str, &str)]) -> (i32, Value, String) {
    support::check_json(LAB, path, 7, envs)
}

/// A submission folder holding lab 02 built from fixture `name`'s recipe
/// (or `reference`/`starter` untouched).
fn submission(name: &str) -> tempfile::TempDir {
    support::submission(LAB, name)
}

fn lab(report: &Value) -> &Value {
    support::lab(report, LAB)
}

fn cases_of<'a>(report: &'a Value, group: &str) -> Vec<&'a Value> {
    support::cases_of(report, LAB, group)
}

fn group_score(report: &Value, group: &str) -> (f64, f64) {
    support::group_score(report, LAB, group)
}

fn outcomes(report: &Value) -> Vec<(String, String)> {
    support::outcomes(report, LAB)
}

#[test]
fn reference_copied_into_a_submission_scores_full_marks_and_exits_0() {
    let dir = submission("reference");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], report["max_score"]);
    assert!(report["max_score"].as_f64().unwrap() > 20.0);
    assert_eq!(report["hidden_seed"], 7);
    assert!(outcomes(&report).iter().all(|(_, o)| o == "pass"));
}

#[test]
fn the_untouched_checkout_scores_zero_with_hints_and_exits_1() {
    let root = support::course_root();
    let output = grader(
        &[
            "check",
            root.to_str().unwrap(),
            "--seed",
            "7",
            "--color",
            "never",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "02-cosine-similarity · Cosine similarity and nearest neighbours  0.00 / 22.00"
        ),
        "{text}"
    );
    assert!(
        text.contains("hint: cosine(a, b) = dot(a, b) / (|a| * |b|)"),
        "{text}"
    );
    assert!(text.contains("this function is still a TODO"), "{text}");
    // Every lab of the course, not only lab 02: the whole checkout is graded.
    let (code, report, _) = support::check_all_json(&root, 7, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["score"], 0.0);
    let course: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("course.toml")).unwrap()).unwrap();
    assert_eq!(
        course["labs"].as_array().unwrap().len(),
        report["labs"].as_array().unwrap().len(),
        "every lab is reported"
    );
}

#[test]
fn forgetting_the_norm_division_loses_the_cosine_groups_and_names_the_case() {
    let dir = submission("no-norm-division");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    for group in ["cosine", "hidden-cosine", "numerics"] {
        let (score, max) = group_score(&report, group);
        assert!(
            score < max,
            "group {group} should lose points: {score}/{max}"
        );
    }
    assert_eq!(group_score(&report, "dot-and-norm"), (2.0, 2.0));
    assert_eq!(group_score(&report, "errors"), (2.0, 2.0));
    let opposite = cases_of(&report, "cosine")
        .into_iter()
        .find(|c| c["id"] == "cosine/opposite")
        .unwrap();
    assert_eq!(opposite["outcome"], "wrong_answer");
    assert!(
        opposite["message"]
            .as_str()
            .unwrap()
            .starts_with("the value: expected -1"),
        "{opposite}"
    );
    assert_eq!(opposite["details"]["expected"]["ok"], -1.0);
    let hidden = cases_of(&report, "hidden-cosine");
    assert!(hidden.iter().any(|c| c["outcome"] == "wrong_answer"));
    assert!(
        hidden.iter().all(|c| c["details"].is_null()),
        "hidden cases never carry inputs or expected values"
    );
}

#[test]
fn a_crate_that_does_not_compile_is_a_compile_error_with_the_diagnostic() {
    let dir = submission("compile-error");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(lab(&report)["status"], "compile_error");
    let message = lab(&report)["message"].as_str().unwrap();
    assert!(message.contains("src/lib.rs"), "{message}");
    assert!(
        !message.contains("/tmp/"),
        "scratch paths are removed: {message}"
    );
    assert!(outcomes(&report).iter().all(|(_, o)| o == "compile_error"));
    assert_eq!(report["score"], 0.0);
}

#[test]
fn a_panicking_function_is_a_runtime_error_and_the_rest_still_scores() {
    let dir = submission("panics");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let dot = cases_of(&report, "dot-and-norm")
        .into_iter()
        .find(|c| c["id"] == "dot-and-norm/dot-of-small-vectors")
        .unwrap();
    assert_eq!(dot["outcome"], "runtime_error");
    assert!(
        dot["message"]
            .as_str()
            .unwrap()
            .contains("index out of bounds"),
        "{dot}"
    );
    assert_eq!(group_score(&report, "cosine"), (3.0, 3.0));
    assert_eq!(group_score(&report, "analogy"), (2.0, 2.0));
}

#[test]
fn a_looping_function_times_out_within_its_limit_and_leaves_no_process() {
    let dir = submission("loops");
    let started = Instant::now();
    let (code, report, _) = check_json(dir.path(), &[]);
    let took = started.elapsed();
    assert_eq!(code, 1);
    let timeouts = outcomes(&report)
        .iter()
        .filter(|(_, o)| o == "timeout")
        .count();
    assert!(timeouts >= 2, "{:?}", outcomes(&report));
    let timed_dot = cases_of(&report, "dot-and-norm")
        .into_iter()
        .find(|c| c["id"] == "dot-and-norm/dot-of-small-vectors")
        .unwrap();
    assert_eq!(timed_dot["outcome"], "timeout");
    assert!(timed_dot["message"].as_str().unwrap().contains("2000 ms"));
    // Each real timeout costs its 2 s limit plus the kill grace; everything
    // else (compile, other cases) fits in a small slack.
    let run_timeouts = lab(&report)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["outcome"] == "timeout" && !c["message"].as_str().unwrap().starts_with("not run")
        })
        .count();
    let budget = Duration::from_millis(2_300) * run_timeouts as u32 + Duration::from_secs(30);
    assert!(took < budget, "took {took:?} for {run_timeouts} timeouts");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(support::processes_with("sleep 313"), Vec::<String>::new());
}

#[test]
fn printing_fake_results_and_exiting_early_gains_nothing() {
    let dir = submission("forges");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["score"], 0.0);
    let identical = cases_of(&report, "cosine")
        .into_iter()
        .find(|c| c["id"] == "cosine/identical")
        .unwrap();
    assert_eq!(identical["outcome"], "runtime_error");
    assert!(
        identical["message"]
            .as_str()
            .unwrap()
            .contains("exit status 0"),
        "{identical}"
    );
}

#[test]
fn the_environment_holds_no_secret_for_the_submission_to_find() {
    let dir = submission("reads-env");
    let canary = "canary-5f0e1d";
    let (_, report, raw) = check_json(
        dir.path(),
        &[
            ("GRADER_TEST_CANARY", canary),
            ("GRADER_SECRET_SEED", canary),
        ],
    );
    assert!(!raw.contains(canary), "the canary leaked into the report");
    let printed = lab(&report)["student_output"].as_str().unwrap_or_default();
    assert!(
        printed.contains("ENV RUST_BACKTRACE=0"),
        "the fixture's prints are captured: {printed}"
    );
    assert_eq!(
        group_score(&report, "dot-and-norm"),
        (2.0, 2.0),
        "no secret found, so dot answers honestly"
    );
}

#[test]
fn an_allocation_past_the_memory_limit_is_a_memory_limit_outcome() {
    let dir = submission("memory-bomb");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let norm = cases_of(&report, "dot-and-norm")
        .into_iter()
        .find(|c| c["id"] == "dot-and-norm/norm-of-3-4")
        .unwrap();
    assert_eq!(norm["outcome"], "memory_limit", "{norm}");
    assert_eq!(group_score(&report, "cosine"), (3.0, 3.0));
}

#[test]
fn endless_printing_stops_at_the_output_limit() {
    let dir = submission("floods-output");
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let unit = cases_of(&report, "normalize")
        .into_iter()
        .find(|c| c["id"] == "normalize/three-four")
        .unwrap();
    assert_eq!(unit["outcome"], "output_limit", "{unit}");
    assert_eq!(group_score(&report, "top-k"), (3.0, 3.0));
}

#[test]
fn a_submission_without_the_lab_is_not_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report, _) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "nothing graded, nothing failed");
    assert_eq!(lab(&report)["status"], "not_submitted");
    assert_eq!(report["max_score"], 0.0);
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let output = grader(&["check", ".", "--lab", "99-nope"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown lab `99-nope`"));
    let output = grader(&["check", "/definitely/not/here"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let output = grader(&["check", "--format", "xml"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_bad_manifest_is_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "format_version = 1\ntitle = \"x\"\nlabs = []\ncolour = 3\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["--course", dir.path().to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("course.toml") && stderr.contains("line 4") && stderr.contains("colour"),
        "{stderr}"
    );
}

#[test]
fn stored_public_cases_are_fresh() {
    let output = grader(&["bless", "--check"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("public cases are fresh"));
}

/// Snapshots: durations, paths and the toolchain are redacted.
fn redacted_json(mut report: Value) -> Value {
    report["submission"] = "[submission]".into();
    report["rustc"] = "[rustc]".into();
    // Which isolation layers exist depends on the host.
    report["isolation"] = "[isolation]".into();
    report["grader_version"] = "[version]".into();
    for lab in report["labs"].as_array_mut().unwrap() {
        if let Some(output) = lab["student_output"].as_str() {
            lab["student_output"] = redact_thread_ids(output).into();
        }
        for case in lab["cases"].as_array_mut().unwrap() {
            if !case["duration_ms"].is_null() {
                case["duration_ms"] = "[ms]".into();
            }
        }
    }
    report
}

/// Panic messages name the thread with its OS id: `thread 'main' (20394)`.
fn redact_thread_ids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("thread 'main' (") {
        let (head, tail) = rest.split_at(at + "thread 'main' (".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str("[tid]");
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn json_report_of_a_partly_wrong_submission_matches_its_snapshot() {
    let dir = submission("panics");
    let (_, report, _) = check_json(dir.path(), &[]);
    insta::assert_json_snapshot!("panics-json", redacted_json(report));
}

#[test]
fn human_report_of_a_partly_wrong_submission_matches_its_snapshot() {
    let dir = submission("no-norm-division");
    let output = grader(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--lab",
            LAB,
            "--seed",
            "7",
            "--color",
            "never",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&output.stdout)
        .replace(dir.path().to_str().unwrap(), "[submission]");
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("hidden seed:") {
                "hidden seed: 7 · [rustc] · [version]".to_owned()
            } else if l.starts_with("isolation:") {
                "isolation: [isolation]".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    insta::assert_snapshot!("wrong-cosine-human", text.join("\n"));
}
