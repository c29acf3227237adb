//! Grading one submission: every lab of the course, each compiled against
//! the dependency cache, run through its driver on public and hidden cases,
//! judged and scored into a [`Report`].

use std::path::PathBuf;

use lab_protocol::Reply;

use crate::build_cache;
use crate::builds;
use crate::cases::{self, Case, CaseRng, PublicCases};
use crate::compile::CompileFailure;
use crate::course::{Course, DeviceNeed, LabManifest, Visibility};
use crate::device::Device;
use crate::grading::{self, Expected};
use crate::labs::{self, LabModule, PrepareContext, Prepared};
use crate::outcome::Outcome;
use crate::report::{round_score, CaseReport, LabReport, LabStatus, Report, REPORT_VERSION};
use crate::runner::{self, CaseRun};
use crate::sandbox::{Isolation, Slot};
use crate::session::Driver;
use crate::submission;
use crate::timing;
use crate::toolchain::Toolchain;

/// What to grade and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The submission folder.
    pub submission: PathBuf,
    /// Only these labs (all when empty).
    pub labs: Vec<String>,
    /// Seed of hidden cases (a fresh one when `None`).
    pub hidden_seed: Option<u64>,
    /// The device drivers compute on; groups needing another are skipped.
    pub device: Device,
    /// A model folder for labs that need one (`--model-dir`).
    pub model_dir: Option<PathBuf>,
}

/// A failure that stops grading as a whole (never a student's mistake).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// `--lab` named a lab the course does not have.
    #[error("unknown lab `{0}` (the course has: {1})")]
    UnknownLab(String, String),
    /// A lab in the course has no module in the registry.
    #[error("lab `{0}` is in course.toml but the grader has no module for it")]
    Unregistered(String),
    /// The submission folder does not exist.
    #[error("submission folder {} does not exist", .0.display())]
    NoSubmission(PathBuf),
}

/// Everything grading needs that does not change between labs.
pub struct Grader<'a> {
    /// The course.
    pub course: &'a Course,
    /// The compiler.
    pub toolchain: &'a Toolchain,
    /// How submissions are isolated.
    pub isolation: &'a Isolation,
    /// Where progress lines go (stderr in the CLI).
    pub progress: &'a mut dyn FnMut(&str),
}

impl Grader<'_> {
    /// Grade a submission.
    pub fn check(&mut self, options: &CheckOptions) -> Result<Report, CheckError> {
        if !options.submission.is_dir() {
            return Err(CheckError::NoSubmission(options.submission.clone()));
        }
        for id in &options.labs {
            if self.course.lab(id).is_none() {
                let known: Vec<&str> = self.course.labs.iter().map(|l| l.id.as_str()).collect();
                return Err(CheckError::UnknownLab(id.clone(), known.join(", ")));
            }
        }
        let hidden_seed = options.hidden_seed.unwrap_or_else(cases::random_seed);
        let mut reports = Vec::new();
        let mut ran_hidden = false;
        for lab in &self.course.labs {
            if !options.labs.is_empty() && !options.labs.contains(&lab.id) {
                continue;
            }
            let module =
                labs::module(&lab.id).ok_or_else(|| CheckError::Unregistered(lab.id.clone()))?;
            let report = self.grade_lab(lab, module, options, hidden_seed);
            ran_hidden |= report
                .groups
                .iter()
                .any(|g| g.graded && grading::runs_hidden(g.visibility));
            reports.push(report);
        }
        // The packet: scored whenever packet.md is present, and added to the total.
        let packet = crate::packet::score_submission(
            self.course,
            self.toolchain,
            self.isolation,
            &options.submission,
            options.model_dir.as_deref(),
            self.progress,
        );
        let packet_points = packet
            .as_ref()
            .map_or((0.0, 0.0), |p| (p.score, p.max_score));
        let score = reports.iter().map(|l| l.score).sum::<f64>() + packet_points.0;
        let max_score = reports.iter().map(|l| l.max_score).sum::<f64>() + packet_points.1;
        Ok(Report {
            version: REPORT_VERSION,
            grader_version: env!("CARGO_PKG_VERSION").to_owned(),
            rustc: self.toolchain.version.clone(),
            course: self.course.manifest.title.clone(),
            submission: options.submission.display().to_string(),
            hidden_seed: ran_hidden.then_some(hidden_seed),
            isolation: self.isolation.describe(),
            score: round_score(score),
            max_score: round_score(max_score),
            labs: reports,
            packet,
            error: None,
        })
    }

    fn grade_lab(
        &mut self,
        lab: &LabManifest,
        module: &dyn LabModule,
        options: &CheckOptions,
        seed: u64,
    ) -> LabReport {
        let mut report = empty_lab_report(lab);
        let submission = options.submission.as_path();
        if !submission::attempts(submission, &lab.id) {
            report.status = LabStatus::NotSubmitted;
            report.message = Some(format!("no sources under labs/{}/src", lab.id));
            report.max_score = 0.0;
            return report;
        }
        (self.progress)(&format!("[{}] preparing", lab.id));
        let prepared = module.prepare(&mut PrepareContext {
            course_root: &self.course.root,
            model_dir: options.model_dir.as_deref(),
            progress: self.progress,
        });
        let skipped = skipped_groups(lab, &prepared, options.device);
        let setup = prepared.driver_setup(options.device.nodes());
        let deps = match build_cache::ensure_for(
            self.course,
            lab,
            self.toolchain,
            options.device,
            self.progress,
        ) {
            Ok(deps) => deps,
            Err(err) => return grader_failure(report, &format!("{err}")),
        };
        let runs = |case: &Case| !skipped.iter().any(|(g, _)| *g == case.group);
        let public = self
            .public_cases(lab)
            .map(|cases| cases.into_iter().filter(|(c, _)| runs(c)).collect());
        let reference_available = self.course.reference_dir(lab).join("src/lib.rs").is_file();
        let hidden = if reference_available {
            hidden_cases(self.course, lab, module, seed)
        } else {
            Ok(Vec::new())
        };
        let hidden: Vec<Case> = match hidden {
            Ok(hidden) => hidden.into_iter().filter(runs).collect(),
            Err(err) => return grader_failure(report, &err),
        };
        let scratch = match tempfile::Builder::new().prefix("grader-").tempdir() {
            Ok(dir) => dir,
            Err(err) => return grader_failure(report, &format!("no scratch folder: {err}")),
        };
        (self.progress)(&format!("[{}] compiling", lab.id));
        let (student, reference) = std::thread::scope(|scope| {
            let reference = scope.spawn(|| {
                if hidden.is_empty() {
                    return Ok(None);
                }
                builds::reference_driver(self.course, lab, self.toolchain, &deps, self.isolation)
                    .map(Some)
            });
            let student = builds::student_driver(
                self.course,
                lab,
                self.toolchain,
                &deps,
                submission,
                &scratch.path().join("lab"),
                self.isolation,
            );
            (
                student,
                reference
                    .join()
                    .unwrap_or_else(|_| Err("the reference build panicked".into())),
            )
        });
        let driver = match student {
            Ok(driver) => driver,
            Err(failure) => {
                let report = compile_failed(report, lab, &public, &hidden, &failure);
                return mark_skipped(report, lab, &skipped);
            }
        };
        let student = Driver {
            binary: &driver,
            setup: &setup,
        };
        let total_cases = public.as_ref().map_or(0, Vec::len) + hidden.len();
        (self.progress)(&format!("[{}] running {total_cases} cases", lab.id));
        let limits_of = |case: &Case| lab.limits_for(lab.group(&case.group).expect("declared"));
        let mut cases: Vec<CaseReport> = Vec::new();
        match &public {
            Ok(stored) => {
                let inputs: Vec<Case> = stored.iter().map(|s| s.0.clone()).collect();
                let log = runner::run_cases(student, &inputs, &limits_of, self.run_slot());
                for ((case, expected), run) in stored.iter().zip(&log.runs) {
                    let points =
                        case_points(lab, &case.group, stored.iter().map(|s| &s.0), &hidden);
                    cases.push(grading::judge(module, lab, case, expected, run, points));
                }
                let output = log.output.trim();
                report.student_output = (!output.is_empty()).then(|| output.to_owned());
            }
            Err(why) => report.message = Some(why.clone()),
        }
        if !hidden.is_empty() {
            let public_inputs: Vec<&Case> = public
                .as_ref()
                .map(|p| p.iter().map(|s| &s.0).collect())
                .unwrap_or_default();
            let points_of =
                |case: &Case| case_points(lab, &case.group, public_inputs.iter().copied(), &hidden);
            let reference = match &reference {
                Ok(Some(binary)) => Ok(Driver {
                    binary,
                    setup: &setup,
                }),
                Ok(None) => Err("no reference driver".to_owned()),
                Err(why) => Err(format!("the reference did not build: {why}")),
            };
            let (timed, plain): (Vec<Case>, Vec<Case>) = hidden
                .iter()
                .cloned()
                .partition(|case| lab.group(&case.group).is_some_and(|g| g.timing.is_some()));
            let expected = match &reference {
                Ok(reference) => {
                    expected_from_reference(*reference, &plain, &limits_of, self.run_slot())
                }
                Err(why) => vec![Err(why.clone()); plain.len()],
            };
            let log = runner::run_cases(student, &plain, &limits_of, self.run_slot());
            for ((case, expected), run) in plain.iter().zip(&expected).zip(&log.runs) {
                cases.push(grading::judge(
                    module,
                    lab,
                    case,
                    expected,
                    run,
                    points_of(case),
                ));
            }
            if !timed.is_empty() {
                (self.progress)(&format!(
                    "[{}] timing {} cases side by side with the reference",
                    lab.id,
                    timed.len()
                ));
            }
            for case in &timed {
                cases.push(self.race(module, lab, case, &reference, student, points_of(case)));
            }
            // Keep the report in case-generation order.
            cases.sort_by_key(|c| {
                hidden
                    .iter()
                    .position(|h| h.id == c.id)
                    .map_or(0, |i| i + 1)
            });
        }
        let report = finish_lab(report, lab, cases, reference_available, public.is_ok());
        mark_skipped(report, lab, &skipped)
    }

    /// A timing case: run side by side on the reference and the student's
    /// driver, judged for correctness on the warm-up answer and for speed on
    /// the medians of the timed rounds.
    fn race(
        &self,
        module: &dyn LabModule,
        lab: &LabManifest,
        case: &Case,
        reference: &Result<Driver, String>,
        student: Driver,
        points: f64,
    ) -> CaseReport {
        let group = lab.group(&case.group).expect("declared");
        let timing = group.timing.expect("a timing group");
        let reference = match reference {
            Ok(reference) => *reference,
            Err(why) => {
                let run = CaseRun::Skipped(why.clone());
                return grading::judge(module, lab, case, &Err(why.clone()), &run, points);
            }
        };
        // Only a right answer is worth timing: a wrong one fails anyway.
        let worth_timing = |reference: &CaseRun, student: &CaseRun| {
            grading::judge(module, lab, case, &expected_of(reference), student, points)
                .outcome
                .passed()
        };
        let race = runner::race(
            reference,
            student,
            case,
            lab.limits_for(group),
            timing.rounds,
            (self.run_slot(), self.run_slot()),
            &worth_timing,
        );
        let expected = expected_of(&race.reference);
        let mut report = grading::judge(module, lab, case, &expected, &race.student, points);
        let verdict = timing::judge(&timing, &race.reference_times, &race.student_times);
        grading::apply_timing(&mut report, verdict, timing.max_ratio);
        report
    }

    /// A fresh uid (when dropping root) for running a driver.
    fn run_slot(&self) -> Slot<'_> {
        Slot {
            isolation: self.isolation,
            uid: self.isolation.lease_uid(),
        }
    }

    fn public_cases(&self, lab: &LabManifest) -> Result<Vec<(Case, Expected)>, String> {
        let path = self.course.public_cases_path(lab);
        let stored = PublicCases::load(&path)
            .map_err(|err| format!("{err}: run `grader bless` to write the public cases"))?;
        stored
            .cases
            .into_iter()
            .map(|s| match lab.group(&s.case.group) {
                Some(g) if g.visibility == Visibility::Visible => Ok((s.case, Ok(s.expected))),
                _ => Err(format!(
                    "{}: case `{}` is not in a visible group of lab.toml; run `grader bless`",
                    path.display(),
                    s.case.id
                )),
            })
            .collect()
    }
}

fn empty_lab_report(lab: &LabManifest) -> LabReport {
    LabReport {
        id: lab.id.clone(),
        title: lab.title.clone(),
        lessons: lab.lessons.clone(),
        status: LabStatus::Graded,
        score: 0.0,
        max_score: lab.max_score(),
        public_seed: lab.public_seed,
        message: None,
        groups: Vec::new(),
        cases: Vec::new(),
        student_output: None,
    }
}

fn grader_failure(mut report: LabReport, message: &str) -> LabReport {
    report.status = LabStatus::GraderError;
    report.message = Some(message.to_owned());
    report
}

/// Equal share of a group's points for each of its cases.
fn case_points<'c>(
    lab: &LabManifest,
    group: &str,
    public: impl Iterator<Item = &'c Case>,
    hidden: &'c [Case],
) -> f64 {
    let count = public
        .chain(hidden)
        .filter(|c| c.group == group)
        .count()
        .max(1);
    lab.group(group).map_or(0.0, |g| g.points / count as f64)
}

/// Hidden cases of every non-visible group: instructor edge cases, then
/// seeded ones.
pub fn hidden_cases(
    course: &Course,
    lab: &LabManifest,
    module: &dyn LabModule,
    seed: u64,
) -> Result<Vec<Case>, String> {
    let edges =
        cases::load_edge_cases(&course.hidden_cases_path(lab)).map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    for group in lab
        .groups
        .iter()
        .filter(|g| grading::runs_hidden(g.visibility))
    {
        all.extend(edges.iter().filter(|c| c.group == group.name).cloned());
        let mut rng = CaseRng::new(seed, &lab.id, &group.name);
        let made = module
            .cases(&group.name, &mut rng, group.generated)
            .ok_or_else(|| {
                format!(
                    "the grader's module for {} has no group `{}`",
                    lab.id, group.name
                )
            })?;
        all.extend(made);
    }
    if let Some(stray) = edges.iter().find(|c| {
        lab.group(&c.group)
            .is_none_or(|g| !grading::runs_hidden(g.visibility))
    }) {
        return Err(format!(
            "hidden case `{}` names no hidden group of lab.toml",
            stray.id
        ));
    }
    Ok(all)
}

/// Public cases of every visible group, generated from the lab's public seed.
pub fn public_case_inputs(lab: &LabManifest, module: &dyn LabModule) -> Result<Vec<Case>, String> {
    let mut all = Vec::new();
    for group in lab
        .groups
        .iter()
        .filter(|g| g.visibility == Visibility::Visible)
    {
        let mut rng = CaseRng::new(lab.public_seed, &lab.id, &group.name);
        let made = module
            .cases(&group.name, &mut rng, group.generated)
            .ok_or_else(|| {
                format!(
                    "the grader's module for {} has no group `{}`",
                    lab.id, group.name
                )
            })?;
        all.extend(made);
    }
    Ok(all)
}

/// Run `cases` on the reference driver: its answers are the expected values.
pub fn expected_from_reference(
    reference: Driver,
    cases: &[Case],
    limits_of: &dyn Fn(&Case) -> crate::course::Limits,
    slot: Slot,
) -> Vec<Expected> {
    let log = runner::run_cases(reference, cases, limits_of, slot);
    log.runs.iter().map(expected_of).collect()
}

/// The expected value a reference run gives: its answer, or why there is none.
fn expected_of(run: &CaseRun) -> Expected {
    match run {
        CaseRun::Replied {
            reply: reply @ (Reply::Ok(_) | Reply::Err(_)),
            ..
        } => Ok(reply.clone()),
        CaseRun::Replied { reply, .. } => Err(format!("the reference replied {reply:?}")),
        other => Err(format!("the reference failed: {other:?}")),
    }
}

fn compile_failed(
    mut report: LabReport,
    lab: &LabManifest,
    public: &Result<Vec<(Case, Expected)>, String>,
    hidden: &[Case],
    failure: &CompileFailure,
) -> LabReport {
    let outcome = match failure {
        CompileFailure::Spawn(_) => Outcome::GraderError,
        _ => Outcome::CompileError,
    };
    report.status = if outcome == Outcome::GraderError {
        LabStatus::GraderError
    } else {
        LabStatus::CompileError
    };
    report.message = Some(failure.message());
    let public_cases: Vec<&Case> = public
        .as_ref()
        .map(|p| p.iter().map(|s| &s.0).collect())
        .unwrap_or_default();
    let all: Vec<&Case> = public_cases.iter().copied().chain(hidden).collect();
    let cases: Vec<CaseReport> = all
        .iter()
        .map(|case| {
            let points = case_points(lab, &case.group, public_cases.iter().copied(), hidden);
            let group = lab.group(&case.group).expect("declared");
            CaseReport {
                id: case.id.clone(),
                group: case.group.clone(),
                visibility: group.visibility,
                outcome,
                message: "not run: the crate did not compile (see the lab's message)".into(),
                score: 0.0,
                max_score: round_score(points),
                duration_ms: None,
                details: None,
                timing: None,
            }
        })
        .collect();
    let reference_available = !hidden.is_empty();
    let mut report = finish_lab(report, lab, cases, reference_available, public.is_ok());
    report.status = if outcome == Outcome::GraderError {
        LabStatus::GraderError
    } else {
        LabStatus::CompileError
    };
    report
}

/// Groups that do not run here: those the lab's set-up could not serve, and
/// GPU groups on the CPU.
fn skipped_groups(lab: &LabManifest, prepared: &Prepared, device: Device) -> Vec<(String, String)> {
    let mut skipped = prepared.skipped.clone();
    for group in &lab.groups {
        if group.device == DeviceNeed::Cuda && !skipped.iter().any(|(g, _)| *g == group.name) {
            if let Some(reason) = device.skip_reason() {
                skipped.push((group.name.clone(), reason));
            }
        }
    }
    skipped
}

/// Mark `skipped` groups as not graded, with their reason, and recount.
fn mark_skipped(
    mut report: LabReport,
    lab: &LabManifest,
    skipped: &[(String, String)],
) -> LabReport {
    if skipped.is_empty() {
        return report;
    }
    for group in &mut report.groups {
        if let Some((_, reason)) = skipped.iter().find(|(g, _)| *g == group.name) {
            *group = grading::group_report(lab, &group.name, &[], false, Some(reason));
        }
    }
    report.score = round_score(report.groups.iter().map(|g| g.score).sum());
    report.max_score = round_score(
        report
            .groups
            .iter()
            .filter(|g| g.graded)
            .map(|g| g.max_score)
            .sum(),
    );
    report
}

fn finish_lab(
    mut report: LabReport,
    lab: &LabManifest,
    cases: Vec<CaseReport>,
    hidden_ran: bool,
    public_ok: bool,
) -> LabReport {
    report.groups = lab
        .groups
        .iter()
        .map(|g| {
            let graded = if g.visibility == Visibility::Visible {
                public_ok
            } else {
                hidden_ran
            };
            grading::group_report(lab, &g.name, &cases, graded, None)
        })
        .collect();
    report.score = round_score(report.groups.iter().map(|g| g.score).sum());
    report.max_score = round_score(
        report
            .groups
            .iter()
            .filter(|g| g.graded)
            .map(|g| g.max_score)
            .sum(),
    );
    if !hidden_ran
        && lab
            .groups
            .iter()
            .any(|g| g.visibility != Visibility::Visible)
    {
        let note =
            "hidden groups are graded by your instructor's grader (this checkout has no reference)";
        report.message = Some(match report.message.take() {
            Some(m) => format!("{m}\n{note}"),
            None => note.to_owned(),
        });
    }
    if !public_ok {
        report.status = LabStatus::GraderError;
    }
    report.cases = cases;
    report
}
