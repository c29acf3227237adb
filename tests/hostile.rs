//! The hostile corpus: one trial per attack in tests/fixtures/hostile/, each
//! graded by the real `grader` binary (see that folder's README for what is
//! asserted).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use support::course_root;

mod support;

const LAB: &str = "02-cosine-similarity";

/// A corpus entry: a recipe (grader::recipe::Recipe) plus what must happen.
#[derive(serde::Deserialize)]
struct Attack {
    description: String,
    expect: String,
    case: String,
    min_score: Option<f64>,
    /// A command-line marker of processes the attack starts (none may remain).
    leaves: Option<String>,
}

/// Files the attacks aim at, outside every sandbox.
struct Targets {
    canary: String,
    canary_file: PathBuf,
    sentinel: PathBuf,
    port: u16,
    /// Listens on `port`: no submission may ever reach it.
    listener: TcpListener,
}

impl Targets {
    fn fill(&self, text: &str) -> String {
        text.replace("{CANARY_FILE}", &self.canary_file.display().to_string())
            .replace("{SENTINEL}", &self.sentinel.display().to_string())
            .replace("{COURSE}", &course_root().display().to_string())
            .replace("{PORT}", &self.port.to_string())
    }
}

const SENTINEL_TEXT: &str = "sentinel: must never change\n";

fn build_submission(path: &Path, targets: &Targets) -> Result<tempfile::TempDir, Failed> {
    let course = grader::course::Course::load(&course_root())?;
    let lab = course.lab(LAB).ok_or("lab 02 is not in the course")?;
    let recipe = grader::recipe::Recipe::load(path)?;
    let dir = tempfile::tempdir()?;
    recipe.build(&course, lab, dir.path(), &|text| targets.fill(text))?;
    Ok(dir)
}

/// cgroups a grader process with this pid left behind.
fn leftover_cgroups(pid: u32) -> Vec<PathBuf> {
    let prefix = format!("job-{pid}-");
    [
        "/sys/fs/cgroup/grader",
        "/sys/fs/cgroup/pids/grader",
        "/sys/fs/cgroup/memory/grader",
    ]
    .iter()
    .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
    .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
    .map(|e| e.path())
    .collect()
}

fn run_attack(name: &str, path: &Path, attack: &Attack, targets: &Targets) -> Result<(), Failed> {
    let submission = build_submission(path, targets)?;
    let child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .arg("--course")
        .arg(course_root())
        .args([
            "check",
            submission.path().to_str().unwrap(),
            "--lab",
            LAB,
            "--seed",
            "7",
            "--format",
            "json",
        ])
        .env("GRADER_CANARY", &targets.canary)
        .env("GRADER_SECRET_SEED", &targets.canary)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = support::finish(child, support::OUTER_LIMIT);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if stdout.contains(&targets.canary) || stderr.contains(&targets.canary) {
        return Err(format!("{name}: the canary leaked").into());
    }
    let report: Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("{name}: no report ({e}); stderr: {stderr}"))?;
    let lab = &report["labs"][0];
    let outcome = if attack.case == "lab" {
        lab["status"].as_str().unwrap_or_default().to_owned()
    } else {
        let case = lab["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == attack.case.as_str());
        let case = case.ok_or_else(|| format!("{name}: no case {}", attack.case))?;
        case["outcome"].as_str().unwrap_or_default().to_owned()
    };
    if outcome != attack.expect {
        return Err(format!(
            "{name}: expected {}, got {outcome}\n{}",
            attack.expect, lab["message"]
        )
        .into());
    }
    if let Some(min) = attack.min_score {
        let score = report["score"].as_f64().unwrap_or_default();
        if score < min {
            return Err(format!("{name}: the honest part scored {score} < {min}").into());
        }
    }
    if std::fs::read_to_string(&targets.sentinel).unwrap_or_default() != SENTINEL_TEXT {
        return Err(format!("{name}: the sentinel outside the sandbox changed").into());
    }
    std::thread::sleep(Duration::from_millis(200));
    let left: Vec<String> = attack
        .leaves
        .iter()
        .flat_map(|m| support::processes_with(m))
        .collect();
    if !left.is_empty() {
        return Err(format!("{name}: processes left behind: {left:?}").into());
    }
    if let Ok((_, from)) = targets.listener.accept() {
        return Err(format!("{name}: a connection reached the host from {from}").into());
    }
    let groups = leftover_cgroups(pid);
    if !groups.is_empty() {
        return Err(format!("{name}: cgroups left behind: {groups:?}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = course_root();
    let dir = root.join("target").join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let canary = format!("CANARY-{:x}", std::process::id() as u64 * 2_654_435_761);
    let canary_file = dir.join("canary.txt");
    std::fs::write(&canary_file, format!("{canary}\n")).unwrap();
    let sentinel = dir.join("sentinel.txt");
    std::fs::write(&sentinel, SENTINEL_TEXT).unwrap();
    // A listener the network attack aims at: it must never see a connection.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let targets = std::sync::Arc::new(Targets {
        canary,
        canary_file,
        sentinel,
        port: listener.local_addr().unwrap().port(),
        listener,
    });
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/hostile"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "the corpus holds at least 20 attacks");
    let mut trials: Vec<Trial> = paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let attack: Attack = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let targets = targets.clone();
            let label = format!("{name} ({})", attack.description);
            Trial::test(name, move || run_attack(&label, &path, &attack, &targets))
        })
        .collect();
    let batch_targets = targets.clone();
    trials.push(Trial::test(
        "batch-with-hostile-submissions-grades-the-honest-ones-the-same",
        move || honest_grades_unchanged(&batch_targets),
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// A submission of the batch test: the reference, a lab 02 mutant, or an
/// attack of the corpus.
fn class_member(name: &str, targets: &Targets) -> Result<tempfile::TempDir, Failed> {
    let course = grader::course::Course::load(&course_root())?;
    let lab = course.lab(LAB).ok_or("lab 02 is not in the course")?;
    let mutant = course_root()
        .join("reference")
        .join(LAB)
        .join("mutants")
        .join(format!("{name}.toml"));
    let recipe = match name {
        "reference" => grader::recipe::Recipe::base("reference"),
        _ if mutant.is_file() => grader::recipe::Recipe::load(&mutant)?,
        _ => grader::recipe::Recipe::load(
            &course_root()
                .join("tests/fixtures/hostile")
                .join(format!("{name}.toml")),
        )?,
    };
    let dir = tempfile::tempdir()?;
    recipe.build(&course, lab, dir.path(), &|text| targets.fill(text))?;
    Ok(dir)
}

/// `grader grade` on a class where hostile submissions sit beside honest
/// ones gives the honest ones exactly the results they get alone.
fn honest_grades_unchanged(targets: &Targets) -> Result<(), Failed> {
    let honest = ["reference", "no-norm-division"];
    let hostile = ["fork-bomb", "kills-pid-1", "daemon", "huge-file", "sleeps"];
    let grade = |names: &[&str]| -> Result<Vec<(String, Value)>, Failed> {
        let class = tempfile::tempdir()?;
        for name in names {
            let built = class_member(name, targets)?;
            std::fs::rename(built.keep(), class.path().join(name))?;
        }
        let out = tempfile::tempdir()?;
        let status = Command::new(env!("CARGO_BIN_EXE_grader"))
            .arg("--course")
            .arg(course_root())
            .args([
                "grade",
                class.path().to_str().unwrap(),
                "--out",
                out.path().join("batch").to_str().unwrap(),
            ])
            .args(["--lab", LAB, "--seed", "7", "--jobs", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(format!("grader grade exited {status}").into());
        }
        honest
            .iter()
            .map(|name| {
                let path = out
                    .path()
                    .join("batch/results")
                    .join(format!("{name}.json"));
                let mut report: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
                // Only what grading decided: outcomes and points, not timings or paths.
                let lab = report["labs"][0].take();
                let cases: Vec<Value> = lab["cases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| serde_json::json!([c["id"], c["outcome"], c["score"]]))
                    .collect();
                Ok((
                    name.to_string(),
                    serde_json::json!({ "score": lab["score"], "cases": cases }),
                ))
            })
            .collect()
    };
    let alone = grade(&honest)?;
    let mixed: Vec<&str> = honest.iter().chain(hostile.iter()).copied().collect();
    let together = grade(&mixed)?;
    if alone != together {
        return Err("the honest submissions were graded differently beside hostile ones".into());
    }
    Ok(())
}
