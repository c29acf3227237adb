//! Batch grading of a class (`grader grade`) and the merge of shard outputs
//! (`grader merge`).
//!
//! A batch folder holds `seed` (the hidden seed, fixed at the first run),
//! `results/<id>.json` (one [`Report`] per student, written atomically the
//! moment it is done) and the exports rebuilt from those results at the end
//! (see [`crate::export`]). Resuming grades only the students without a
//! current result, so a batch killed at any point and resumed ends with the
//! same gradebook as an uninterrupted one.
//!
//! Submissions are graded in parallel, each by its own [`Grader`] on a
//! worker thread: one slow or hostile submission holds one worker for as
//! long as its own limits allow and no longer, and a panic of the grader on
//! one submission becomes that student's grader error.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::archive;
use crate::build_cache;
use crate::builds;
use crate::cases;
use crate::check::{CheckError, CheckOptions, Grader};
use crate::course::{Course, LabManifest};
use crate::export::{self, Gradebook, LabColumn, StudentResult, StudentStatus};
use crate::progress::Progress;
use crate::report::{round_score, LabReport, LabStatus, Report, REPORT_VERSION};
use crate::roster::{self, Entry, Shard, Source};
use crate::sandbox::Isolation;
use crate::toolchain::Toolchain;

/// What to grade and where the results go.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The class: one entry (folder or archive) per student.
    pub submissions: PathBuf,
    /// The batch folder.
    pub out: PathBuf,
    /// Only these labs (all when empty).
    pub labs: Vec<String>,
    /// Submissions graded at once.
    pub jobs: usize,
    /// Hidden seed (else the stored one, else a fresh one).
    pub seed: Option<u64>,
    /// The part of the class to grade.
    pub shard: Shard,
    /// Keep the current results in `out` and grade the rest.
    pub resume: bool,
}

/// Everything that does not change between students.
pub struct Context<'a> {
    /// The course.
    pub course: &'a Course,
    /// The compiler.
    pub toolchain: &'a Toolchain,
    /// How submissions are isolated.
    pub isolation: &'a Isolation,
    /// The device drivers compute on.
    pub device: crate::device::Device,
    /// A model folder for labs that need one.
    pub model_dir: Option<PathBuf>,
    /// Instructor overrides of packet criteria: `<dir>/<student id>.toml`.
    pub packet_overrides: Option<PathBuf>,
}

/// A failure of the batch as a whole (never one student's).
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// `--lab` named a lab the course does not have.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// The submissions folder cannot be listed.
    #[error("failed to list the submissions in {}", path.display())]
    Submissions {
        /// The folder.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The batch folder already has results and `--resume` was not given.
    #[error("{} already holds results of a batch: pass --resume to finish it, or choose an empty --out folder", .0.display())]
    NotEmpty(PathBuf),
    /// `--seed` differs from the batch's stored seed.
    #[error("--seed {given} differs from the seed {stored} this batch started with ({}); drop --seed to resume it", path.display())]
    SeedMismatch {
        /// `--seed`.
        given: u64,
        /// The stored seed.
        stored: u64,
        /// The seed file.
        path: PathBuf,
    },
    /// A shard without a seed would grade with a hidden seed of its own.
    #[error("--shard needs --seed S: every shard must grade with the same hidden seed")]
    ShardWithoutSeed,
    /// A lab's dependencies or reference could not be built.
    #[error("failed to prepare lab {lab}: {message}")]
    Prepare {
        /// Lab id.
        lab: String,
        /// Why.
        message: String,
    },
    /// A batch folder could not be read or written.
    #[error("failed to use {}: {message}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Shard outputs that cannot be merged.
    #[error("cannot merge: {0}")]
    Merge(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> GradeError + '_ {
    move |err| GradeError::Io {
        path: path.to_owned(),
        message: err.to_string(),
    }
}

/// What happens during a batch, for the CLI to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// A line about preparing the labs (dependency cache, reference).
    Preparing(&'a str),
    /// Grading starts.
    Started {
        /// Students in this run's part of the class.
        class: usize,
        /// Of those, already graded by an earlier run.
        already_done: usize,
        /// The hidden seed.
        seed: u64,
    },
    /// One student is done (their result is on disk).
    Graded {
        /// Student id.
        id: &'a str,
        /// Their report.
        report: &'a Report,
        /// How long grading them took.
        took: Duration,
        /// Where the batch stands.
        progress: Progress,
        /// Since grading started.
        elapsed: Duration,
    },
    /// Time passes (to redraw a progress line).
    Tick {
        /// Where the batch stands.
        progress: Progress,
        /// Since grading started.
        elapsed: Duration,
    },
}

/// The end of a batch.
#[derive(Debug)]
pub struct BatchOutcome {
    /// Every student of this run's part of the class.
    pub gradebook: Gradebook,
    /// Graded in this run.
    pub graded_now: usize,
    /// Kept from an earlier run.
    pub already_done: usize,
    /// The hidden seed.
    pub seed: u64,
    /// Time spent grading (preparation excluded).
    pub grading_time: Duration,
    /// Results that could not be written: `(id, why)`.
    pub lost: Vec<(String, String)>,
    /// The exports written.
    pub written: Vec<PathBuf>,
}

/// The seed file of a batch folder.
pub fn seed_path(out: &Path) -> PathBuf {
    out.join("seed")
}

/// The stored seed of a batch folder, if any.
pub fn read_seed(out: &Path) -> Result<Option<u64>, GradeError> {
    let path = seed_path(out);
    match std::fs::read_to_string(&path) {
        Ok(text) => text.trim().parse().map(Some).map_err(|_| GradeError::Io {
            path,
            message: "not a seed (one decimal number)".into(),
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(io_error(&path)(err)),
    }
}

/// Grade a class.
pub fn grade(
    ctx: &Context,
    options: &BatchOptions,
    events: &mut dyn FnMut(Event),
) -> Result<BatchOutcome, GradeError> {
    let labs = selected_labs(ctx.course, &options.labs)?;
    let entries =
        roster::discover(&options.submissions).map_err(|source| GradeError::Submissions {
            path: options.submissions.clone(),
            source,
        })?;
    let entries = options.shard.select(entries);
    std::fs::create_dir_all(&options.out).map_err(io_error(&options.out))?;
    let existing = export::read_results(&options.out).map_err(io_error(&options.out))?;
    if !options.resume && !existing.is_empty() {
        return Err(GradeError::NotEmpty(options.out.clone()));
    }
    let seed = resolve_seed(options)?;
    let lab_ids: Vec<&str> = labs.iter().map(|l| l.id.as_str()).collect();
    let pending: Vec<&Entry> = entries
        .iter()
        .filter(|entry| {
            let current = export::read_report(&export::result_path(&options.out, &entry.id))
                .is_ok_and(|report| is_current(&report, seed, &lab_ids));
            !(options.resume && current)
        })
        .collect();
    events(Event::Started {
        class: entries.len(),
        already_done: entries.len() - pending.len(),
        seed,
    });
    if !pending.is_empty() {
        prepare(ctx, &labs, events)?;
    }
    let started = Instant::now();
    let lost = run_workers(ctx, options, &labs, seed, &pending, events);
    let grading_time = started.elapsed();
    let gradebook = gradebook_of(ctx.course, &labs, &options.out, &entries)?;
    let written = export::write_all(&options.out, &gradebook).map_err(io_error(&options.out))?;
    Ok(BatchOutcome {
        gradebook,
        graded_now: pending.len() - lost.len(),
        already_done: entries.len() - pending.len(),
        seed,
        grading_time,
        lost,
        written,
    })
}

fn selected_labs<'c>(
    course: &'c Course,
    ids: &[String],
) -> Result<Vec<&'c LabManifest>, CheckError> {
    for id in ids {
        if course.lab(id).is_none() {
            let known: Vec<&str> = course.labs.iter().map(|l| l.id.as_str()).collect();
            return Err(CheckError::UnknownLab(id.clone(), known.join(", ")));
        }
    }
    Ok(course
        .labs
        .iter()
        .filter(|lab| ids.is_empty() || ids.contains(&lab.id))
        .collect())
}

/// The stored seed when resuming, else `--seed`, else a fresh one; stored.
fn resolve_seed(options: &BatchOptions) -> Result<u64, GradeError> {
    let stored = if options.resume {
        read_seed(&options.out)?
    } else {
        None
    };
    let seed = match (stored, options.seed) {
        (Some(stored), Some(given)) if stored != given => {
            return Err(GradeError::SeedMismatch {
                given,
                stored,
                path: seed_path(&options.out),
            })
        }
        (Some(stored), _) => stored,
        (None, Some(given)) => given,
        (None, None) if options.shard.count > 1 => return Err(GradeError::ShardWithoutSeed),
        (None, None) => cases::random_seed(),
    };
    let path = seed_path(&options.out);
    crate::fsutil::write_atomic(&path, format!("{seed}\n").as_bytes()).map_err(io_error(&path))?;
    Ok(seed)
}

/// Whether a stored result can stand: same schema, same seed (when hidden
/// cases ran), the same labs, and no grader error to retry.
pub fn is_current(report: &Report, seed: u64, labs: &[&str]) -> bool {
    report.version == REPORT_VERSION
        && report.hidden_seed.is_none_or(|s| s == seed)
        && StudentStatus::of(report) != StudentStatus::GraderError
        && (report.error.is_some()
            || report
                .labs
                .iter()
                .map(|l| l.id.as_str())
                .eq(labs.iter().copied()))
}

/// Build each lab's dependency cache and reference driver once, before the
/// workers start (they would otherwise all build them at once).
fn prepare(
    ctx: &Context,
    labs: &[&LabManifest],
    events: &mut dyn FnMut(Event),
) -> Result<(), GradeError> {
    for lab in labs {
        events(Event::Preparing(&format!("preparing {}", lab.id)));
        let failed = |message: String| GradeError::Prepare {
            lab: lab.id.clone(),
            message,
        };
        let mut lines = |line: &str| events(Event::Preparing(line));
        let deps = build_cache::ensure(ctx.course, lab, ctx.toolchain, &mut lines)
            .map_err(|e| failed(error_chain(&e)))?;
        if ctx.course.reference_dir(lab).join("src/lib.rs").is_file() {
            builds::reference_driver(ctx.course, lab, ctx.toolchain, &deps, ctx.isolation)
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// An error and its sources, `: `-joined.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

enum Message {
    Started,
    Done(usize, Duration, Result<Box<Report>, String>),
}

/// Grade `pending` on `options.jobs` threads; returns the results lost.
fn run_workers(
    ctx: &Context,
    options: &BatchOptions,
    labs: &[&LabManifest],
    seed: u64,
    pending: &[&Entry],
    events: &mut dyn FnMut(Event),
) -> Vec<(String, String)> {
    let next = AtomicUsize::new(0);
    let columns: &[LabColumn] = &labs.iter().map(|l| LabColumn::of(l)).collect::<Vec<_>>();
    let (sender, receiver) = mpsc::channel::<Message>();
    let mut lost = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.clamp(1, pending.len().max(1)) {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = pending.get(index) else {
                    break;
                };
                let _ = sender.send(Message::Started);
                let started = Instant::now();
                let report = grade_entry(ctx, entry, labs, seed);
                let stored = export::write_result(&options.out, &entry.id, &report)
                    .and_then(|_| {
                        export::write_gradescope(&options.out, &entry.id, &report, columns)
                    })
                    .map(|_| Box::new(report))
                    .map_err(|e| e.to_string());
                let _ = sender.send(Message::Done(index, started.elapsed(), stored));
            });
        }
        drop(sender);
        let started = Instant::now();
        let mut progress = Progress {
            total: pending.len(),
            ..Progress::default()
        };
        loop {
            match receiver.recv_timeout(Duration::from_millis(500)) {
                Ok(Message::Started) => progress.running += 1,
                Ok(Message::Done(index, took, stored)) => {
                    progress.running -= 1;
                    progress.done += 1;
                    let id = &pending[index].id;
                    match stored {
                        Ok(report) => {
                            if StudentStatus::of(&report) != StudentStatus::Graded
                                && StudentStatus::of(&report) != StudentStatus::NotSubmitted
                            {
                                progress.problems += 1;
                            }
                            events(Event::Graded {
                                id,
                                report: &report,
                                took,
                                progress,
                                elapsed: started.elapsed(),
                            });
                        }
                        Err(why) => {
                            progress.problems += 1;
                            lost.push((id.clone(), why));
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => events(Event::Tick {
                    progress,
                    elapsed: started.elapsed(),
                }),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    lost
}

/// Grade one student; never fails (a problem is the report's content).
fn grade_entry(ctx: &Context, entry: &Entry, labs: &[&LabManifest], seed: u64) -> Report {
    let mut report = match &entry.source {
        Source::Invalid(_, why) => invalid_report(ctx, why.clone()),
        Source::Folder(path) => match archive::submission_root(path) {
            Some(root) => check(ctx, &root, labs, seed),
            None => invalid_report(ctx, NO_LABS.into()),
        },
        Source::Archive(path, kind) => grade_archive(ctx, path, *kind, labs, seed),
    };
    report.submission = entry.path().display().to_string();
    if let Some(dir) = &ctx.packet_overrides {
        let file = dir.join(format!("{}.toml", entry.id));
        if file.is_file() {
            let applied = crate::packet::overrides::Overrides::load(&file, entry.path())
                .and_then(|overrides| crate::packet::apply_overrides(&mut report, &overrides));
            if let (Err(why), Some(packet)) = (applied, report.packet.as_mut()) {
                packet.notes.push(format!("overrides not applied: {why}"));
                packet.needs_review = true;
            }
        }
    }
    report
}

const NO_LABS: &str = "no labs/ folder: a submission holds labs/<id>/src/**/*.rs, at its top or inside its one folder";

fn grade_archive(
    ctx: &Context,
    path: &Path,
    kind: archive::Kind,
    labs: &[&LabManifest],
    seed: u64,
) -> Report {
    let scratch = match tempfile::Builder::new().prefix("grader-unpack-").tempdir() {
        Ok(dir) => dir,
        Err(err) => return grader_error_report(ctx, labs, &format!("no scratch folder: {err}")),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match archive::unpack(path, kind, scratch.path(), &archive::Limits::DEFAULT) {
        Err(err) if err.is_grader_fault() => grader_error_report(ctx, labs, &error_chain(&err)),
        Err(err) => invalid_report(ctx, format!("{name} was refused: {err}")),
        Ok(()) => match archive::submission_root(scratch.path()) {
            Some(root) => check(ctx, &root, labs, seed),
            None => invalid_report(ctx, format!("{name}: {NO_LABS}")),
        },
    }
}

fn check(ctx: &Context, root: &Path, labs: &[&LabManifest], seed: u64) -> Report {
    let mut quiet = |_: &str| {};
    let mut grader = Grader {
        course: ctx.course,
        toolchain: ctx.toolchain,
        isolation: ctx.isolation,
        progress: &mut quiet,
    };
    let options = CheckOptions {
        submission: root.to_owned(),
        labs: labs.iter().map(|l| l.id.clone()).collect(),
        hidden_seed: Some(seed),
        device: ctx.device,
        model_dir: ctx.model_dir.clone(),
    };
    match catch_unwind(AssertUnwindSafe(|| grader.check(&options))) {
        Ok(Ok(report)) => report,
        Ok(Err(err)) => grader_error_report(ctx, labs, &err.to_string()),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            grader_error_report(ctx, labs, &format!("the grader panicked: {why}"))
        }
    }
}

/// A report with no lab graded.
fn blank_report(ctx: &Context) -> Report {
    Report {
        version: REPORT_VERSION,
        grader_version: env!("CARGO_PKG_VERSION").to_owned(),
        rustc: ctx.toolchain.version.clone(),
        course: ctx.course.manifest.title.clone(),
        submission: String::new(),
        hidden_seed: None,
        isolation: ctx.isolation.describe(),
        score: 0.0,
        max_score: 0.0,
        labs: Vec::new(),
        packet: None,
        error: None,
    }
}

/// The student's entry could not be graded at all: their error.
fn invalid_report(ctx: &Context, why: String) -> Report {
    Report {
        error: Some(why),
        ..blank_report(ctx)
    }
}

/// The grader failed on the student: every lab a grader error.
fn grader_error_report(ctx: &Context, labs: &[&LabManifest], why: &str) -> Report {
    let labs: Vec<LabReport> = labs
        .iter()
        .map(|lab| LabReport {
            id: lab.id.clone(),
            title: lab.title.clone(),
            lessons: lab.lessons.clone(),
            status: LabStatus::GraderError,
            score: 0.0,
            max_score: round_score(lab.max_score()),
            public_seed: lab.public_seed,
            message: Some(why.to_owned()),
            groups: Vec::new(),
            cases: Vec::new(),
            student_output: None,
        })
        .collect();
    Report {
        max_score: round_score(labs.iter().map(|l| l.max_score).sum()),
        labs,
        ..blank_report(ctx)
    }
}

/// The gradebook of `entries` from their stored results.
fn gradebook_of(
    course: &Course,
    labs: &[&LabManifest],
    out: &Path,
    entries: &[Entry],
) -> Result<Gradebook, GradeError> {
    let mut students = Vec::new();
    for entry in entries {
        let path = export::result_path(out, &entry.id);
        // A result lost to a write error is missing; the rest still export.
        if let Ok(report) = export::read_report(&path) {
            students.push(StudentResult {
                id: entry.id.clone(),
                report,
            });
        }
    }
    Ok(Gradebook {
        course: course.manifest.title.clone(),
        labs: labs.iter().map(|l| LabColumn::of(l)).collect(),
        students,
    })
}

/// The end of a merge.
#[derive(Debug)]
pub struct MergeOutcome {
    /// The merged class.
    pub gradebook: Gradebook,
    /// The hidden seed all shards used.
    pub seed: u64,
    /// The exports written.
    pub written: Vec<PathBuf>,
}

/// Combine the batch folders `shards` into `out`: their results, one
/// gradebook, one set of statistics. All must share one hidden seed; a
/// student graded in two shards must have the same scores in both.
pub fn merge(course: &Course, out: &Path, shards: &[PathBuf]) -> Result<MergeOutcome, GradeError> {
    let mut seed = None;
    let mut students: Vec<StudentResult> = Vec::new();
    for dir in shards {
        let shard_seed = read_seed(dir)?.ok_or_else(|| {
            GradeError::Merge(format!(
                "{} is not a batch folder (no seed file)",
                dir.display()
            ))
        })?;
        match seed {
            Some(s) if s != shard_seed => {
                return Err(GradeError::Merge(format!(
                    "{} was graded with seed {shard_seed}, an earlier folder with {s}",
                    dir.display()
                )))
            }
            _ => seed = Some(shard_seed),
        }
        for (id, report) in export::read_results(dir).map_err(io_error(dir))? {
            let report = report.map_err(|why| {
                GradeError::Merge(format!(
                    "{}: {why}",
                    export::result_path(dir, &id).display()
                ))
            })?;
            match students.iter().find(|s| s.id == id) {
                Some(earlier) if !same_grades(&earlier.report, &report) => {
                    return Err(GradeError::Merge(format!(
                        "student `{id}` was graded twice with different results (in {})",
                        dir.display()
                    )))
                }
                Some(_) => {}
                None => students.push(StudentResult { id, report }),
            }
        }
    }
    let seed = seed.ok_or_else(|| GradeError::Merge("no batch folders given".into()))?;
    students.sort_by(|a, b| a.id.cmp(&b.id));
    let graded: Vec<&str> = students
        .iter()
        .flat_map(|s| s.report.labs.iter().map(|l| l.id.as_str()))
        .collect();
    let mut labs: Vec<LabColumn> = course
        .labs
        .iter()
        .filter(|lab| graded.contains(&lab.id.as_str()))
        .map(LabColumn::of)
        .collect();
    if labs.is_empty() {
        labs = LabColumn::of_course(course, &[]);
    }
    let path = seed_path(out);
    crate::fsutil::write_atomic(&path, format!("{seed}\n").as_bytes()).map_err(io_error(&path))?;
    for student in &students {
        export::write_result(out, &student.id, &student.report).map_err(io_error(out))?;
    }
    let gradebook = Gradebook {
        course: course.manifest.title.clone(),
        labs,
        students,
    };
    let written = export::write_all(out, &gradebook).map_err(io_error(out))?;
    Ok(MergeOutcome {
        gradebook,
        seed,
        written,
    })
}

fn same_grades(a: &Report, b: &Report) -> bool {
    let scores = |r: &Report| -> Vec<(String, Option<f64>)> {
        r.labs
            .iter()
            .map(|l| (l.id.clone(), Gradebook::lab_score(r, &l.id)))
            .collect()
    };
    StudentStatus::of(a) == StudentStatus::of(b) && scores(a) == scores(b)
}

/// Refuse to run untrusted submissions without the sandbox, unless the
/// instructor says they are trusted.
pub fn require_sandbox(isolation: &Isolation, trusted: bool) -> Result<(), String> {
    match isolation {
        Isolation::Sandbox(_) => Ok(()),
        Isolation::Basic { .. } if trusted => Ok(()),
        Isolation::Basic { reason } => Err(format!(
            "refusing to grade a class without the sandbox ({reason}).\n\
             Student code would run with this account's rights: it could read the hidden cases and \
             the reference, and reach the network. Install bubblewrap (`grader doctor` says what \
             this host lacks), or pass --trusted if these submissions are trusted."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grading_without_the_sandbox_needs_trusted() {
        let basic = Isolation::Basic {
            reason: "bubblewrap (bwrap) is not installed".into(),
        };
        let refused = require_sandbox(&basic, false).unwrap_err();
        assert!(refused.contains("--trusted"), "{refused}");
        assert!(refused.contains("bubblewrap"), "{refused}");
        assert!(require_sandbox(&basic, true).is_ok());
    }

    fn report(seed: Option<u64>, labs: &[&str]) -> Report {
        Report {
            version: REPORT_VERSION,
            grader_version: "0".into(),
            rustc: String::new(),
            course: String::new(),
            submission: String::new(),
            hidden_seed: seed,
            isolation: String::new(),
            score: 0.0,
            max_score: 0.0,
            labs: labs
                .iter()
                .map(|id| LabReport {
                    id: (*id).into(),
                    title: String::new(),
                    lessons: Vec::new(),
                    status: LabStatus::NotSubmitted,
                    score: 0.0,
                    max_score: 0.0,
                    public_seed: 0,
                    message: None,
                    groups: Vec::new(),
                    cases: Vec::new(),
                    student_output: None,
                })
                .collect(),
            packet: None,
            error: None,
        }
    }

    #[test]
    fn a_result_is_current_with_the_same_seed_and_labs_only() {
        assert!(is_current(&report(Some(7), &["02"]), 7, &["02"]));
        assert!(is_current(&report(None, &["02"]), 7, &["02"]));
        assert!(!is_current(&report(Some(8), &["02"]), 7, &["02"]));
        assert!(!is_current(&report(Some(7), &["02"]), 7, &["02", "04"]));
        let mut failed = report(Some(7), &["02"]);
        failed.labs[0].status = LabStatus::GraderError;
        assert!(
            !is_current(&failed, 7, &["02"]),
            "grader errors are retried"
        );
        let mut refused = report(None, &[]);
        refused.error = Some("bad archive".into());
        assert!(is_current(&refused, 7, &["02"]));
    }
}
