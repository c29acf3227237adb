//! `grader verify` end to end: on copies of the course broken on purpose it
//! fails and names each cause; `grader handout` builds a handout with no
//! reference, hidden case or mutant in it.

use std::path::{Path, PathBuf};
use std::process::Command;

const LAB: &str = "02-cosine-similarity";

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("grader/ has a parent")
        .to_owned()
}

/// A copy of the course (no target/, no .git) holding lab 02 only.
fn course_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let name = entry.file_name();
            if name == "target" || name == ".git" {
                continue;
            }
            let target = to.join(&name);
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&course_root(), dir.path());
    let course = std::fs::read_to_string(dir.path().join("course.toml")).unwrap();
    let start = course.find("labs = [").unwrap();
    let end = start + course[start..].find(']').unwrap() + 1;
    let only_lab_02 = format!("{}labs = [\"{LAB}\"]{}", &course[..start], &course[end..]);
    std::fs::write(dir.path().join("course.toml"), only_lab_02).unwrap();
    dir
}

fn edit(root: &Path, file: &str, find: &str, replace: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(find).count(), 1, "{file}: {find}");
    std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
}

fn verify(course: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args([
            "--course",
            course.to_str().unwrap(),
            "verify",
            "--seeds",
            "1",
            "--lab",
            LAB,
        ])
        .env(
            "GRADER_CACHE_DIR",
            course_root().join("target/verify-test-cache"),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout.contains("verify: "),
        "no summary; stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap(), stdout)
}

#[test]
fn a_wrong_reference_and_a_stale_public_case_are_named() {
    let course = course_copy();
    let root = course.path();
    edit(
        root,
        "reference/02-cosine-similarity/src/search.rs",
        ".then_with(|| x.index.cmp(&y.index))",
        ".then_with(|| y.index.cmp(&x.index))",
    );
    edit(
        root,
        "labs/02-cosine-similarity/cases/public.json",
        "\"ok\": 5.0",
        "\"ok\": 5.5",
    );
    let (code, out) = verify(root);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL 02-cosine-similarity   reference"),
        "{out}"
    );
    assert!(
        out.contains("the reference fails top-k/ties-go-to-the-lower-index"),
        "{out}"
    );
    assert!(
        out.contains("stored public cases are stale: case `dot-and-norm/norm-of-3-4` differs"),
        "{out}"
    );
}

#[test]
fn a_passing_starter_a_surviving_mutant_and_a_leaked_reference_file_are_named() {
    let course = course_copy();
    let root = course.path();
    std::fs::write(
        root.join("reference/02-cosine-similarity/mutants/comment-only.toml"),
        "description = \"changes a comment only\"\nbase = \"reference\"\n\n[[edit]]\nfile = \"lib.rs\"\nfind = \"#![forbid(unsafe_code)]\"\nreplace = \"#![forbid(unsafe_code)] // harmless\"\n",
    )
    .unwrap();
    edit(
        root,
        "labs/02-cosine-similarity/src/lib.rs",
        "todo!(\"lab02: dot product\")",
        "Ok(a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum::<f64>() as f32)",
    );
    std::fs::copy(
        root.join("reference/02-cosine-similarity/src/search.rs"),
        root.join("labs/02-cosine-similarity/src/search_backup.rs"),
    )
    .unwrap();
    let (code, out) = verify(root);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("group `dot-and-norm` passes"), "{out}");
    assert!(out.contains("mutant `comment-only` survives"), "{out}");
    assert!(
        !out.contains("FAIL 02-cosine-similarity   reference"),
        "{out}"
    );
    assert!(
        out.contains("reference/02-cosine-similarity/src/search.rs is copied into the handout as labs/02-cosine-similarity/src/search_backup.rs"),
        "{out}"
    );
}

#[test]
fn the_handout_has_starters_and_public_cases_but_no_reference() {
    let out = tempfile::tempdir().unwrap();
    let handout = out.path().join("handout");
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args([
            "--course",
            course_root().to_str().unwrap(),
            "handout",
            "--out",
            handout.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(handout
        .join("labs")
        .join(LAB)
        .join("cases/public.json")
        .is_file());
    assert!(handout.join("labs").join(LAB).join("src/lib.rs").is_file());
    assert!(!handout.join("reference").exists());
    assert!(!handout.join("tests").exists());
    // The packet's rubric and template go in; its scored samples stay out.
    assert!(handout.join("rubrics/packet-template.md").is_file());
    assert!(handout.join("rubrics/packet-rubric.toml").is_file());
    assert!(!handout.join("rubrics/samples").exists());
    assert!(!handout.join("rubrics/calibration").exists());
    let workspace = std::fs::read_to_string(handout.join("Cargo.toml")).unwrap();
    assert!(!workspace.contains("reference/"), "{workspace}");
    let lock = std::fs::read_to_string(handout.join("Cargo.lock")).unwrap();
    assert!(
        !lock.contains("-reference"),
        "the lock file still lists reference packages"
    );
}
