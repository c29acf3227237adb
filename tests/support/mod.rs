//! Helpers shared by the end-to-end tests (`tests/e2e.rs` for lab 02,
//! `tests/e2e_lab04.rs` for lab 04): running the real `grader` binary,
//! building fixture submissions from recipes, and reading its JSON report.
//! Every helper takes the lab id, so one copy serves every lab.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Generous outer limit for one grader run (the first one builds the cache).
pub const OUTER_LIMIT: Duration = Duration::from_secs(600);

pub fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("grader/ has a parent")
        .to_owned()
}

/// Run the grader with `args` under an outer timeout.
pub fn grader(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .arg("--course")
        .arg(course_root())
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("grader starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).unwrap();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stderr.read_to_end(&mut buf).unwrap();
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > OUTER_LIMIT {
            child.kill().unwrap();
            panic!("grader ran past {OUTER_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `grader check PATH --lab LAB --seed SEED --format json`, parsed.
pub fn check_json(
    lab: &str,
    path: &Path,
    seed: u64,
    envs: &[(&str, &str)],
) -> (i32, Value, String) {
    run_check_json(path, Some(lab), seed, envs)
}

/// `grader check PATH --seed SEED --format json` (every lab of the course), parsed.
pub fn check_all_json(path: &Path, seed: u64, envs: &[(&str, &str)]) -> (i32, Value, String) {
    run_check_json(path, None, seed, envs)
}

fn run_check_json(
    path: &Path,
    lab: Option<&str>,
    seed: u64,
    envs: &[(&str, &str)],
) -> (i32, Value, String) {
    let seed = seed.to_string();
    let mut args = vec!["check", path.to_str().unwrap()];
    if let Some(lab) = lab {
        args.extend(["--lab", lab]);
    }
    args.extend(["--seed", &seed, "--format", "json"]);
    let output = grader(&args, envs);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "no JSON report ({err}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().expect("exited"), report, stdout)
}

#[derive(serde::Deserialize)]
struct Recipe {
    #[expect(dead_code, reason = "documents the fixture in its file")]
    description: String,
    base: String,
    #[serde(default, rename = "edit")]
    edits: Vec<Edit>,
}

#[derive(serde::Deserialize)]
struct Edit {
    file: String,
    find: String,
    replace: String,
}

/// A submission folder holding `lab` built from fixture `name`'s recipe in
/// `tests/fixtures/<lab>/` (or `reference`/`starter` untouched).
pub fn submission(lab: &str, name: &str) -> tempfile::TempDir {
    let root = course_root();
    let recipe: Recipe = match name {
        "reference" | "starter" => Recipe {
            description: String::new(),
            base: name.to_owned(),
            edits: Vec::new(),
        },
        _ => {
            let path = root
                .join("tests/fixtures")
                .join(lab)
                .join(format!("{name}.toml"));
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
        }
    };
    let base = match recipe.base.as_str() {
        "reference" => root.join("reference").join(lab).join("src"),
        "starter" => root.join("labs").join(lab).join("src"),
        other => panic!("unknown base {other}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("labs").join(lab).join("src");
    copy_tree(&base, &src);
    for edit in &recipe.edits {
        let file = src.join(&edit.file);
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.matches(&edit.find).count(),
            1,
            "fixture {name}: edit text must occur once in {}",
            edit.file
        );
        std::fs::write(&file, text.replace(&edit.find, &edit.replace)).unwrap();
    }
    dir
}

/// Copy the folder `from` to `to`, subfolders included (lab 04 has `src/bin/`).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The report of `lab` inside a grader report.
pub fn lab<'a>(report: &'a Value, lab: &str) -> &'a Value {
    report["labs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == lab)
        .unwrap_or_else(|| panic!("lab {lab} in the report"))
}

/// The case reports of `group` of `lab`.
pub fn cases_of<'a>(report: &'a Value, lab_id: &str, group: &str) -> Vec<&'a Value> {
    lab(report, lab_id)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["group"] == group)
        .collect()
}

/// The case report with id `id` of `lab`.
pub fn case<'a>(report: &'a Value, lab_id: &str, id: &str) -> &'a Value {
    lab(report, lab_id)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("case {id} in the report"))
}

/// `(score, max_score)` of `group` of `lab`.
pub fn group_score(report: &Value, lab_id: &str, group: &str) -> (f64, f64) {
    let g = lab(report, lab_id)["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == group)
        .unwrap();
    (
        g["score"].as_f64().unwrap(),
        g["max_score"].as_f64().unwrap(),
    )
}

/// The groups of `lab` that scored less than their maximum, in report order.
pub fn groups_losing_points(report: &Value, lab_id: &str) -> Vec<String> {
    lab(report, lab_id)["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["score"].as_f64().unwrap() < g["max_score"].as_f64().unwrap())
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

/// `(case id, outcome)` of every case of `lab`.
pub fn outcomes(report: &Value, lab_id: &str) -> Vec<(String, String)> {
    lab(report, lab_id)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
