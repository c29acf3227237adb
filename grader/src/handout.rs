//! The student handout: the course without what students must not see
//! (reference solutions, hidden cases, mutants, the grader's own tests), and
//! the proof that nothing of it leaked in, by content, not by name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::course::Course;
use crate::source_fns::fn_bodies;

/// Top-level entries copied into the handout; everything else stays out
/// (`reference/`, `tests/`, `target/`, `.git`, …).
const INCLUDED: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "course.toml",
    "README.md",
    ".gitignore",
    "ci",
    "grader",
    "labs",
    "rubrics",
];

/// Folder names never copied, wherever they are.
const SKIPPED_DIRS: &[&str] = &["target", ".git"];

/// Course folders kept out of the handout: the packet's scored sample
/// packets (a strong one would be a model answer to copy) and the
/// calibration data made from them. The rubric and the template go in.
const PRIVATE_DIRS: &[&str] = &["rubrics/samples", "rubrics/calibration"];

/// Shortest trimmed line of a private file that counts as evidence of a leak.
const DISTINCTIVE_CHARS: usize = 20;

/// What `build` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handout {
    /// Files written.
    pub files: usize,
}

/// Build the handout of `course` into `out` (which must not exist or be empty).
pub fn build(course: &Course, out: &Path) -> Result<Handout, String> {
    if out.exists()
        && std::fs::read_dir(out)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} exists and is not empty", out.display()));
    }
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let mut files = 0;
    for entry in INCLUDED {
        let from = course.root.join(entry);
        if from.exists() {
            files += copy(&from, &out.join(entry), &course.root)
                .map_err(|e| format!("copying {}: {e}", from.display()))?;
        }
    }
    rewrite(&out.join("Cargo.toml"), drop_reference_members)?;
    rewrite(&out.join("grader/Cargo.toml"), drop_test_targets)?;
    // Cargo.lock lists the reference packages: let cargo prune it (offline:
    // nothing new is resolved, entries only go away).
    let status =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "metadata",
                "--offline",
                "--format-version",
                "1",
                "--manifest-path",
            ])
            .arg(out.join("Cargo.toml"))
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    if !status.success() {
        return Err("cargo metadata failed on the handout workspace".into());
    }
    Ok(Handout { files })
}

fn copy(from: &Path, to: &Path, root: &Path) -> std::io::Result<usize> {
    let meta = std::fs::symlink_metadata(from)?;
    if PRIVATE_DIRS.iter().any(|dir| from == root.join(dir)) {
        return Ok(0);
    }
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        let mut count = 0;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let name = entry.file_name();
            if SKIPPED_DIRS.iter().any(|s| name == *s) {
                continue;
            }
            count += copy(&entry.path(), &to.join(&name), root)?;
        }
        Ok(count)
    } else if meta.is_file() {
        std::fs::copy(from, to)?;
        Ok(1)
    } else {
        Ok(0)
    }
}

fn rewrite(path: &Path, edit: fn(&str) -> String) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, edit(&text)).map_err(|e| format!("{}: {e}", path.display()))
}

/// The workspace manifest without `reference/*` members.
fn drop_reference_members(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("\"reference/"))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The grader's manifest without its `[[test]]` targets (they live in the
/// course's tests/, which is not handed out), nor the comments above them.
fn drop_test_targets(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut in_test = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_test = trimmed == "[[test]]";
            if in_test {
                while kept.last().is_some_and(|l| l.trim_start().starts_with('#')) {
                    kept.pop();
                }
            }
        }
        if !in_test {
            kept.push(line);
        }
    }
    let mut out = kept.join("\n");
    out.push('\n');
    out
}

/// Private files: everything under `reference/` (solutions, hidden cases,
/// mutants) and the grader's tests with their fixtures.
pub fn private_files(course: &Course) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["reference", "tests"] {
        collect_files(&course.root.join(dir), &mut files);
    }
    files.sort();
    files
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if SKIPPED_DIRS.iter().any(|s| name == *s) {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

fn trimmed_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// Find private content in the handout at `handout`. A private line counts
/// when it is distinctive (long enough) and appears nowhere in what students
/// are given anyway (the course's own copy of the handout's files). Returns
/// one message per leak.
pub fn find_leaks(course: &Course, handout: &Path) -> Result<Vec<String>, String> {
    // Lines students legitimately have: every text line of the handout's
    // files as the course holds them.
    let mut public_files = Vec::new();
    collect_files(handout, &mut public_files);
    let mut public: BTreeSet<String> = BTreeSet::new();
    let mut handout_text: BTreeMap<PathBuf, String> = BTreeMap::new();
    for file in &public_files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let rel = file.strip_prefix(handout).unwrap_or(file).to_owned();
        if let Ok(original) = std::fs::read_to_string(course.root.join(&rel)) {
            public.extend(trimmed_lines(&original).map(str::to_owned));
        }
        handout_text.insert(rel, text);
    }
    let handout_lines: BTreeMap<&str, &Path> = handout_text
        .iter()
        .flat_map(|(path, text)| trimmed_lines(text).map(move |l| (l, path.as_path())))
        .collect();
    let mut leaks = Vec::new();
    for private in private_files(course) {
        let rel = private
            .strip_prefix(&course.root)
            .unwrap_or(&private)
            .display()
            .to_string();
        if handout.join(&rel).exists() {
            leaks.push(format!("{rel} is in the handout"));
            continue;
        }
        let Ok(bytes) = std::fs::read(&private) else {
            continue;
        };
        let given = given_counterpart(&rel);
        let copied = handout_text.iter().find(|(path, text)| {
            !bytes.is_empty()
                && text.as_bytes() == bytes.as_slice()
                && Some(path.as_path()) != given.as_deref()
        });
        if let Some((path, _)) = copied {
            leaks.push(format!(
                "{rel} is copied into the handout as {}",
                path.display()
            ));
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.chars().count() < DISTINCTIVE_CHARS || public.contains(line) {
                continue;
            }
            if let Some(path) = handout_lines.get(line) {
                leaks.push(format!(
                    "{rel}:{} appears in the handout's {}: {line}",
                    number + 1,
                    path.display()
                ));
                break;
            }
        }
    }
    leaks.extend(solution_bodies_in(course, &handout_text));
    Ok(leaks)
}

/// `reference/<id>/src/X` ↔ `labs/<id>/src/X`: a file the starter may hold
/// unchanged ("given" code such as error types), which is no leak; the
/// solution-body scan still looks inside it.
fn given_counterpart(rel: &str) -> Option<PathBuf> {
    let rest = rel.strip_prefix("reference/")?;
    let (lab, file) = rest.split_once('/')?;
    file.starts_with("src/")
        .then(|| Path::new("labs").join(lab).join(file))
}

/// Fewest tokens a function body needs to count as a solution.
const SOLUTION_TOKENS: usize = 12;

/// Bodies of reference functions that no starter has (the solutions, and
/// their private helpers), found anywhere in the handout's Rust files.
fn solution_bodies_in(course: &Course, handout_text: &BTreeMap<PathBuf, String>) -> Vec<String> {
    let mut starter_bodies: BTreeSet<String> = BTreeSet::new();
    let mut solutions: BTreeMap<String, String> = BTreeMap::new();
    for lab in &course.labs {
        // Everything the starter holds (sources and its public tests).
        for file in crate::submission::rust_files(&course.starter_dir(lab)) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            starter_bodies.extend(
                fn_bodies(&text)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| f.body),
            );
        }
        for file in crate::submission::rust_files(&course.reference_dir(lab).join("src")) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let rel = file
                .strip_prefix(&course.root)
                .unwrap_or(&file)
                .display()
                .to_string();
            for body in fn_bodies(&text).unwrap_or_default() {
                if body.tokens >= SOLUTION_TOKENS {
                    solutions.insert(body.body, format!("fn {} of {rel}", body.name));
                }
            }
        }
    }
    solutions.retain(|body, _| !starter_bodies.contains(body));
    let mut leaks = Vec::new();
    for (path, text) in handout_text
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
    {
        for body in fn_bodies(text).unwrap_or_default() {
            if let Some(origin) = solutions.get(&body.body) {
                leaks.push(format!(
                    "the body of {origin} appears in the handout's {} (fn {})",
                    path.display(),
                    body.name
                ));
            }
        }
    }
    leaks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_members_are_dropped_from_the_workspace() {
        let text = "members = [\n    \"grader\",\n    \"reference/02-x\",\n    \"labs/02-x\",\n]\n";
        assert_eq!(
            drop_reference_members(text),
            "members = [\n    \"grader\",\n    \"labs/02-x\",\n]\n"
        );
    }

    #[test]
    fn test_targets_and_their_comments_are_dropped() {
        let text = "[dependencies]\nx = 1\n\n# e2e\n[[test]]\nname = \"e2e\"\npath = \"../tests/e2e.rs\"\n\n[features]\ny = []\n";
        assert_eq!(
            drop_test_targets(text),
            "[dependencies]\nx = 1\n\n[features]\ny = []\n"
        );
    }
}
