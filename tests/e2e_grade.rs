//! End-to-end tests of instructor batch grading with the real `grader`
//! binary: `grader grade` on a small class of lab 02 (good, wrong,
//! non-compiling, archived and malformed submissions), resume after a kill,
//! shards and `grader merge`, the Gradescope exports and
//! `ci/gradescope/run_autograder`.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::course_root;

mod support;

const LAB: &str = "02-cosine-similarity";
const SEED: &str = "7";
/// Generous outer limit for one grader run (the first one builds the cache).
const OUTER_LIMIT: Duration = Duration::from_secs(900);

fn spawn(program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Child {
    Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(course_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Wait for `child` under the outer limit, collecting its output.
fn finish(child: Child) -> Output {
    support::finish(child, OUTER_LIMIT)
}

fn grader_args(args: &[&str]) -> Vec<String> {
    let mut all = vec!["--course".to_owned(), course_root().display().to_string()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    all
}

/// Run the grader with `args`; panics with its stderr unless it exits `code`.
fn grader(args: &[&str], code: i32) -> Output {
    let args = grader_args(args);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = finish(spawn(Path::new(env!("CARGO_BIN_EXE_grader")), &args, &[]));
    assert_eq!(
        output.status.code(),
        Some(code),
        "grader {args:?}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `--trusted` where this host has no sandbox (grading refuses otherwise).
fn trust_flag() -> &'static [&'static str] {
    static SANDBOXED: OnceLock<bool> = OnceLock::new();
    let sandboxed = *SANDBOXED.get_or_init(|| {
        let output = finish(spawn(
            Path::new(env!("CARGO_BIN_EXE_grader")),
            &["doctor"],
            &[],
        ));
        output.status.success()
    });
    if sandboxed {
        &[]
    } else {
        &["--trusted"]
    }
}

/// `grader grade CLASS --out OUT --lab 02 --seed 7` plus `extra`.
fn grade(class: &Path, out: &Path, extra: &[&str], code: i32) -> Output {
    let mut args = vec![
        "grade",
        class.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lab",
        LAB,
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(trust_flag());
    grader(&args, code)
}

/// Write lab 02 built from recipe `name` (a fixture, a mutant, or the
/// untouched `reference`) as the submission folder `root`.
fn write_submission(name: &str, root: &Path) {
    let course = grader::course::Course::load(&course_root()).unwrap();
    let lab = course.lab(LAB).unwrap();
    let recipe = match name {
        "reference" => grader::recipe::Recipe {
            description: String::new(),
            base: name.to_owned(),
            edits: Vec::new(),
            files: Vec::new(),
            symlinks: Vec::new(),
        },
        _ => grader::recipe::Recipe::load(&support::recipe_path(LAB, name)).unwrap(),
    };
    recipe
        .build(&course, lab, root, &|text| text.to_owned())
        .unwrap_or_else(|err| panic!("recipe {name}: {err}"));
}

/// Zip every file under `dir` with names relative to `dir`'s parent
/// (so the archive holds one top folder, as when a student zips a folder).
fn zip_folder(dir: &Path, archive: &Path) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let parent = dir.parent().unwrap();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(parent)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                writer.start_file(name, options).unwrap();
                writer.write_all(&std::fs::read(&path).unwrap()).unwrap();
            }
        }
    }
    writer.finish().unwrap();
}

/// The class, built once: seven students, one per kind of entry.
fn class() -> &'static Path {
    static CLASS: OnceLock<tempfile::TempDir> = OnceLock::new();
    CLASS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let scratch = tempfile::tempdir().unwrap();
            // A correct folder, and a wrong one.
            write_submission("reference", &root.join("alice"));
            write_submission("no-norm-division", &root.join("bob"));
            // A correct zip of a folder (one top folder inside).
            write_submission("reference", &scratch.path().join("carol"));
            zip_folder(&scratch.path().join("carol"), &root.join("carol.zip"));
            // A .tar.gz of a submission that does not compile.
            write_submission("compile-error", &scratch.path().join("dave"));
            let tar_gz = std::fs::File::create(root.join("dave.tar.gz")).unwrap();
            let gz = flate2::write::GzEncoder::new(tar_gz, flate2::Compression::default());
            let mut tar = tar::Builder::new(gz);
            tar.append_dir_all("labs", scratch.path().join("dave/labs"))
                .unwrap();
            tar.into_inner().unwrap().finish().unwrap();
            // A hostile zip: an entry that climbs out.
            let mut writer =
                zip::ZipWriter::new(std::fs::File::create(root.join("erin.zip")).unwrap());
            let options = zip::write::SimpleFileOptions::default();
            writer
                .start_file(format!("labs/{LAB}/src/lib.rs"), options)
                .unwrap();
            writer.write_all(b"pub fn ok() {}").unwrap();
            writer.start_file("../../escaped.rs", options).unwrap();
            writer.write_all(b"// out").unwrap();
            writer.finish().unwrap();
            // A corrupt archive, and a folder that is no submission.
            std::fs::write(root.join("frank.zip"), b"PK\x03\x04 not really a zip").unwrap();
            std::fs::create_dir_all(root.join("grace/src")).unwrap();
            std::fs::write(
                root.join("grace/src/lib.rs"),
                "// lab files at the wrong level",
            )
            .unwrap();
            dir
        })
        .path()
}

/// The class graded once, uninterrupted, with two jobs.
fn graded() -> &'static Path {
    static GRADED: OnceLock<tempfile::TempDir> = OnceLock::new();
    GRADED
        .get_or_init(|| {
            let out = tempfile::tempdir().unwrap();
            grade(class(), out.path(), &["--seed", SEED, "--jobs", "2"], 0);
            out
        })
        .path()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn result_files(out: &Path) -> usize {
    std::fs::read_dir(out.join("results"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_mixed_class_grades_to_the_expected_gradebook() {
    let out = graded();
    insta::assert_snapshot!("gradebook", read(&out.join("gradebook.csv")));
    assert_eq!(read(&out.join("seed")).trim(), SEED);
    assert_eq!(result_files(out), 7);
    let alice: Value = serde_json::from_str(&read(&out.join("results/alice.json"))).unwrap();
    assert_eq!(alice["hidden_seed"], 7, "each result records the seed");
    assert_eq!(alice["score"], alice["max_score"]);
    let erin: Value = serde_json::from_str(&read(&out.join("results/erin.json"))).unwrap();
    assert!(
        erin["error"].as_str().unwrap().contains("unsafe path"),
        "{erin:#}"
    );
    for export in ["junit.xml", "stats.html", "stats.md"] {
        assert!(out.join(export).is_file(), "{export}");
    }
    let stats = read(&out.join("stats.md"));
    assert!(
        stats.contains("05 — Embeddings"),
        "grouped by lesson:\n{stats}"
    );
    assert!(stats.contains("| cosine/identical | 1/3 |"), "{stats}");
}

#[test]
fn killing_the_batch_and_resuming_gives_the_same_gradebook() {
    let out = tempfile::tempdir().unwrap();
    let args = grader_args(&[
        "grade",
        class().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--lab",
        LAB,
        "--seed",
        SEED,
        "--jobs",
        "1",
    ]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend_from_slice(trust_flag());
    let mut child = spawn(Path::new(env!("CARGO_BIN_EXE_grader")), &args, &[]);
    let started = Instant::now();
    while result_files(out.path()) < 2 && started.elapsed() < OUTER_LIMIT {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = result_files(out.path());
    assert!(kept >= 2, "the batch was killed before its first results");
    let resumed = grade(class(), out.path(), &["--resume", "--jobs", "2"], 0);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        stderr.contains(&format!("{} already graded (resumed)", kept)) || kept == 7,
        "{stderr}"
    );
    let expected = read(&graded().join("gradebook.csv"));
    assert_eq!(read(&out.path().join("gradebook.csv")), expected);
    // Lose one result: only that student is graded again, same gradebook.
    std::fs::remove_file(out.path().join("results/bob.json")).unwrap();
    let resumed = grade(class(), out.path(), &["--resume"], 0);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        stderr.contains("grading 1 of 7 students, 6 already graded"),
        "{stderr}"
    );
    assert_eq!(read(&out.path().join("gradebook.csv")), expected);
}

#[test]
fn a_batch_folder_with_results_needs_resume_and_its_own_seed() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("results")).unwrap();
    std::fs::write(out.path().join("results/zed.json"), "{}").unwrap();
    let refused = grade(class(), out.path(), &["--seed", SEED], 2);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pass --resume"));
    std::fs::write(out.path().join("seed"), "7\n").unwrap();
    let refused = grade(class(), out.path(), &["--resume", "--seed", "8"], 2);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("differs from the seed 7"));
    let fresh = tempfile::tempdir().unwrap();
    let refused = grade(class(), fresh.path(), &["--shard", "1/2"], 2);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--shard needs --seed"));
}

#[test]
fn shards_merge_into_the_gradebook_of_one_run() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    grade(
        class(),
        first.path(),
        &["--seed", SEED, "--shard", "1/2"],
        0,
    );
    grade(
        class(),
        second.path(),
        &["--seed", SEED, "--shard", "2/2"],
        0,
    );
    let (a, b) = (result_files(first.path()), result_files(second.path()));
    assert_eq!((a + b, a.abs_diff(b) <= 1), (7, true), "{a} + {b}");
    let merged = tempfile::tempdir().unwrap();
    grader(
        &[
            "merge",
            merged.path().to_str().unwrap(),
            first.path().to_str().unwrap(),
            second.path().to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(
        read(&merged.path().join("gradebook.csv")),
        read(&graded().join("gradebook.csv"))
    );
    assert_eq!(result_files(merged.path()), 7);
    assert!(merged
        .path()
        .join("gradescope/alice/results.json")
        .is_file());
}

/// Check `results` against the fields of Gradescope's results.json spec.
fn assert_gradescope_spec(results: &Value, name: &str) {
    const TOP: &[&str] = &[
        "score",
        "execution_time",
        "output",
        "output_format",
        "test_output_format",
        "test_name_format",
        "visibility",
        "stdout_visibility",
        "extra_data",
        "tests",
        "leaderboard",
    ];
    const TEST: &[&str] = &[
        "score",
        "max_score",
        "status",
        "name",
        "name_format",
        "number",
        "output",
        "output_format",
        "tags",
        "visibility",
        "extra_data",
    ];
    const VISIBILITY: &[&str] = &["hidden", "after_due_date", "after_published", "visible"];
    const FORMATS: &[&str] = &["text", "html", "simple_format", "md", "ansi"];
    let top = results
        .as_object()
        .unwrap_or_else(|| panic!("{name}: not an object"));
    for key in top.keys() {
        assert!(TOP.contains(&key.as_str()), "{name}: unknown field {key}");
    }
    assert!(top["score"].is_number(), "{name}: score");
    for key in ["visibility", "stdout_visibility"] {
        if let Some(v) = top.get(key) {
            assert!(VISIBILITY.contains(&v.as_str().unwrap()), "{name}: {key}");
        }
    }
    if let Some(f) = top.get("output_format") {
        assert!(
            FORMATS.contains(&f.as_str().unwrap()),
            "{name}: output_format"
        );
    }
    let tests = top["tests"].as_array().unwrap();
    assert!(!tests.is_empty(), "{name}: no tests");
    let mut sum = 0.0;
    for test in tests {
        let test = test.as_object().unwrap();
        for key in test.keys() {
            assert!(
                TEST.contains(&key.as_str()),
                "{name}: unknown test field {key}"
            );
        }
        let score = test["score"].as_f64().unwrap();
        let max = test["max_score"].as_f64().unwrap();
        assert!(
            (0.0..=max + 1e-9).contains(&score),
            "{name}: {score} of {max}"
        );
        sum += score;
        assert!(test["name"].is_string() && test["output"].is_string());
        assert!(test["number"].is_string());
        assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()));
        assert!(VISIBILITY.contains(&test["visibility"].as_str().unwrap()));
        assert!(FORMATS.contains(&test["output_format"].as_str().unwrap()));
        assert!(test["tags"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
    }
    let score = top["score"].as_f64().unwrap();
    assert!(
        (sum - score).abs() < 0.01,
        "{name}: tests sum to {sum}, score {score}"
    );
}

/// Every object key anywhere in `value`.
fn keys(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                found.push(k.clone());
                keys(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, found)),
        _ => {}
    }
}

#[test]
fn gradescope_results_follow_the_spec_and_leak_no_hidden_inputs() {
    let out = graded();
    let course = grader::course::Course::load(&course_root()).unwrap();
    let lab = course.lab(LAB).unwrap();
    let module = grader::labs::module(LAB).unwrap();
    let hidden = grader::check::hidden_cases(&course, lab, module, SEED.parse().unwrap()).unwrap();
    assert!(!hidden.is_empty());
    for id in ["alice", "bob", "carol", "dave", "erin", "frank", "grace"] {
        let path = out.join("gradescope").join(id).join("results.json");
        let text = read(&path);
        let results: Value = serde_json::from_str(&text).unwrap();
        assert_gradescope_spec(&results, id);
        let mut found = Vec::new();
        keys(&results, &mut found);
        for forbidden in ["input", "expected", "args", "hidden_seed"] {
            assert!(
                !found.iter().any(|k| k == forbidden),
                "{id}: field {forbidden}"
            );
        }
        for test in results["tests"].as_array().unwrap() {
            if test["visibility"] == "visible" {
                continue;
            }
            let output = test["output"].as_str().unwrap();
            for word in ["call:", "expected", "actual:"] {
                assert!(
                    !output.contains(word),
                    "{id}: hidden test shows {word}: {output}"
                );
            }
        }
        for case in &hidden {
            let args = serde_json::to_string(&case.args).unwrap();
            assert!(
                !text.contains(&args),
                "{id}: the input of {} leaked",
                case.id
            );
        }
    }
    let bob: Value = serde_json::from_str(&read(&out.join("gradescope/bob/results.json"))).unwrap();
    let visibilities: Vec<&str> = bob["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["visibility"].as_str().unwrap())
        .collect();
    assert!(visibilities.contains(&"hidden") && visibilities.contains(&"after_due_date"));
    insta::assert_json_snapshot!("gradescope-bob", bob, { ".output" => "[summary: course, grader and rustc versions, score per lab]" });
}

#[test]
fn run_autograder_turns_a_submission_into_results_json() {
    let root = tempfile::tempdir().unwrap();
    // Gradescope unpacks what the student uploaded; here, a folder holding
    // their checkout (run_autograder finds labs/ one level down).
    write_submission(
        "no-norm-division",
        &root.path().join("submission/bob-checkout"),
    );
    std::fs::create_dir_all(root.path().join("source")).unwrap();
    std::fs::write(root.path().join("source/hidden-seed"), format!("{SEED}\n")).unwrap();
    std::fs::write(root.path().join("source/labs"), format!("{LAB}\n")).unwrap();
    let course = course_root();
    let script = course.join("ci/gradescope/run_autograder");
    let output = finish(spawn(
        &script,
        &[],
        &[
            ("AUTOGRADER_ROOT", root.path().to_str().unwrap()),
            ("GRADER_COURSE", course.to_str().unwrap()),
            ("GRADER", env!("CARGO_BIN_EXE_grader")),
        ],
    ));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value =
        serde_json::from_str(&read(&root.path().join("results/results.json"))).unwrap();
    assert_gradescope_spec(&results, "run_autograder");
    let batch: Value =
        serde_json::from_str(&read(&graded().join("gradescope/bob/results.json"))).unwrap();
    assert_eq!(
        results["score"],
        batch["score"],
        "same seed, same score as the batch; run_autograder said:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(results["tests"], batch["tests"]);
}

#[test]
fn run_autograder_writes_results_json_even_when_the_grader_fails() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("submission")).unwrap();
    let script = course_root().join("ci/gradescope/run_autograder");
    let output = finish(spawn(
        &script,
        &[],
        &[
            ("AUTOGRADER_ROOT", root.path().to_str().unwrap()),
            ("GRADER_COURSE", "/nonexistent-course"),
            ("GRADER", env!("CARGO_BIN_EXE_grader")),
        ],
    ));
    assert!(output.status.success());
    let results: Value =
        serde_json::from_str(&read(&root.path().join("results/results.json"))).unwrap();
    assert_eq!(results["score"], 0.0);
    assert!(results["output"]
        .as_str()
        .unwrap()
        .contains("could not grade"));
}

#[test]
fn packet_overrides_apply_per_student_and_show_both_scores() {
    let class = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let overrides = tempfile::tempdir().unwrap();
    for name in ["hana", "ivan"] {
        write_submission("reference", &class.path().join(name));
        std::fs::copy(
            course_root().join("rubrics/samples/mediocre.md"),
            class.path().join(name).join("packet.md"),
        )
        .unwrap();
    }
    std::fs::copy(
        course_root().join("tests/fixtures/packet/overrides.toml"),
        overrides.path().join("hana.toml"),
    )
    .unwrap();
    let folder = overrides.path().to_str().unwrap();
    grade(
        class.path(),
        out.path(),
        &["--seed", SEED, "--packet-overrides", folder],
        0,
    );
    let packet = |id: &str| -> Value {
        let report: Value =
            serde_json::from_str(&read(&out.path().join(format!("results/{id}.json")))).unwrap();
        report["packet"].clone()
    };
    let criterion = |packet: &Value, id: &str| -> Value {
        packet["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
    let (hana, ivan) = (packet("hana"), packet("ivan"));
    let overridden = criterion(&hana, "evidence-sources");
    assert_eq!(overridden["score"], 2.5, "{overridden}");
    assert!(overridden["override"].is_object(), "{overridden}");
    assert!(criterion(&ivan, "evidence-sources")["override"].is_null());
    assert_ne!(hana["score"], ivan["score"]);

    // A broken overrides file stops the batch before anything is graded.
    std::fs::write(overrides.path().join("ivan.toml"), "format_version = 7\n").unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let output = grade(
        class.path(),
        fresh.path(),
        &["--seed", SEED, "--packet-overrides", folder],
        2,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ivan.toml"), "{stderr}");
    assert_eq!(result_files(fresh.path()), 0);
}
