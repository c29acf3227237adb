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
    let child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .arg("--course")
        .arg(course_root())
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("grader starts");
    finish(child, OUTER_LIMIT)
}

/// Wait for `child` (stdout and stderr piped) at most `limit`, collecting
/// its output on threads so neither pipe can fill up.
pub fn finish(mut child: std::process::Child, limit: Duration) -> Output {
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
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Command lines of running processes that contain `marker` (zombies have
/// none, so they do not count).
pub fn processes_with(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(marker) {
            found.push(cmdline);
        }
    }
    found
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

/// A submission folder holding `lab` built from recipe `name` (a fixture in
/// `tests/fixtures/<lab>/`, else a mutant in `reference/<lab>/mutants/`), or
/// the `reference`/`starter` untouched.
pub fn submission(lab: &str, name: &str) -> tempfile::TempDir {
    let root = course_root();
    let course = grader::course::Course::load(&root).unwrap();
    let manifest = course.lab(lab).expect("lab in course.toml");
    let recipe = match name {
        "reference" | "starter" => grader::recipe::Recipe {
            description: String::new(),
            base: name.to_owned(),
            edits: Vec::new(),
            files: Vec::new(),
            symlinks: Vec::new(),
        },
        _ => grader::recipe::Recipe::load(&recipe_path(lab, name)).unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    recipe
        .build(&course, manifest, dir.path(), &|text| text.to_owned())
        .unwrap_or_else(|err| panic!("fixture {name}: {err}"));
    dir
}

/// Where recipe `name` of `lab` lives.
pub fn recipe_path(lab: &str, name: &str) -> PathBuf {
    let root = course_root();
    let fixture = root
        .join("tests/fixtures")
        .join(lab)
        .join(format!("{name}.toml"));
    if fixture.is_file() {
        return fixture;
    }
    root.join("reference")
        .join(lab)
        .join("mutants")
        .join(format!("{name}.toml"))
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

/// The untouched starter's lab report: 0 points in every group that ran,
/// each with its hint, and every case reaching a TODO. Groups skipped here
/// (a GPU group on a CPU machine) are not counted and may show no hint.
pub fn assert_starter_scores_zero(report: &Value, lab_id: &str) {
    assert_eq!(report["score"], 0.0);
    let lab = lab(report, lab_id);
    for group in lab["groups"].as_array().unwrap() {
        assert_eq!(group["score"], 0.0, "{group}");
        if !group["skipped"].is_null() {
            assert_eq!(group["graded"], false, "{group}");
            continue;
        }
        assert!(group["graded"].as_bool().unwrap(), "{group}");
        assert!(
            group["hint"].as_str().is_some_and(|h| h.len() > 40),
            "every group shows its hint: {group}"
        );
    }
    for case in lab["cases"].as_array().unwrap() {
        assert_eq!(case["outcome"], "runtime_error", "{case}");
        assert!(
            case["message"]
                .as_str()
                .unwrap()
                .contains("this function is still a TODO"),
            "every case reaches a TODO: {case}"
        );
    }
}
