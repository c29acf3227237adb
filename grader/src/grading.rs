//! Judging: a case's run against its expected reply becomes an outcome, a
//! message a student can act on, and points. Visibility is applied here.

use lab_protocol::Reply;
use serde_json::Value;

use crate::cases::Case;
use crate::compare::Verdict;
use crate::course::{LabManifest, Visibility};
use crate::labs::LabModule;
use crate::outcome::Outcome;
use crate::process::Exit;
use crate::report::{round_score, CaseDetails, CaseReport, GroupReport, TimingFigures};
use crate::runner::CaseRun;
use crate::timing::TimingVerdict;

/// The expected reply of a case, or why there is none (a grader problem).
pub type Expected = Result<Reply, String>;

/// Judge one case.
pub fn judge(
    module: &dyn LabModule,
    lab: &LabManifest,
    case: &Case,
    expected: &Expected,
    run: &CaseRun,
    case_points: f64,
) -> CaseReport {
    let group = lab
        .group(&case.group)
        .expect("cases belong to declared groups");
    let visibility = group.visibility;
    let shows = visibility.shows_details();
    let (outcome, message, actual, duration) = match (expected, run) {
        (Err(why), _) => (
            Outcome::GraderError,
            format!("no expected value: {why}"),
            None,
            None,
        ),
        (Ok(expected), CaseRun::Replied { reply, wall }) => {
            let (outcome, message) = judge_reply(module, case, expected, reply, group, lab, shows);
            let actual = match reply {
                Reply::Ok(v) => Some(serde_json::json!({ "ok": v })),
                Reply::Err(v) => Some(serde_json::json!({ "err": v })),
                _ => None,
            };
            (outcome, message, actual, Some(wall.as_secs_f64() * 1000.0))
        }
        (Ok(_), CaseRun::Timeout(limit)) => (
            Outcome::Timeout,
            format!(
                "no answer within {} ms: look for an infinite loop or a much slower algorithm",
                limit.as_millis()
            ),
            None,
            None,
        ),
        (Ok(_), CaseRun::OutputLimit) => (
            Outcome::OutputLimit,
            format!(
                "your code printed more than {} KiB: remove debugging prints",
                lab.limits_for(group).output_bytes >> 10
            ),
            None,
            None,
        ),
        (Ok(_), CaseRun::Died(exit)) => (
            Outcome::RuntimeError,
            died_message(exit.as_ref()),
            None,
            None,
        ),
        (Ok(_), CaseRun::Skipped(why)) => (Outcome::Timeout, why.clone(), None, None),
        (Ok(_), CaseRun::StartFailed(err)) => (
            Outcome::GraderError,
            format!("could not start the driver: {err}"),
            None,
            None,
        ),
    };
    let details = match (shows, expected) {
        (true, Ok(expected)) => Some(CaseDetails {
            call: case.call.clone(),
            args: case.args.clone(),
            expected: reply_json(expected),
            actual,
        }),
        _ => None,
    };
    CaseReport {
        id: case.id.clone(),
        group: case.group.clone(),
        visibility,
        outcome,
        message,
        score: if outcome.passed() {
            round_score(case_points)
        } else {
            0.0
        },
        max_score: round_score(case_points),
        duration_ms: duration.map(|ms| (ms * 1000.0).round() / 1000.0),
        details,
        timing: None,
    }
}

fn reply_json(reply: &Reply) -> Value {
    serde_json::to_value(reply).expect("serialisable")
}

fn judge_reply(
    module: &dyn LabModule,
    case: &Case,
    expected: &Reply,
    actual: &Reply,
    group: &crate::course::GroupSpec,
    lab: &LabManifest,
    shows: bool,
) -> (Outcome, String) {
    if !matches!(expected, Reply::Ok(_) | Reply::Err(_)) {
        return (
            Outcome::GraderError,
            "the reference did not produce an answer for this case".into(),
        );
    }
    match actual {
        Reply::Ok(_) | Reply::Err(_) => match module.compare(case, expected, actual, lab.tolerance_for(group)) {
            Verdict::Same => (Outcome::Pass, "ok".into()),
            Verdict::Differs(diff) if shows => (Outcome::WrongAnswer, diff),
            Verdict::Differs(_) => (Outcome::WrongAnswer, "wrong answer (details of hidden cases are not shown)".into()),
        },
        Reply::Panic(message) => (Outcome::RuntimeError, panic_message(message, shows)),
        Reply::MemoryLimit => (
            Outcome::MemoryLimit,
            format!(
                "an allocation failed under the {} MiB memory limit: avoid building huge intermediate data",
                lab.limits_for(group).memory_bytes >> 20
            ),
        ),
        Reply::BadRequest(why) => (Outcome::GraderError, format!("the driver rejected the case: {why}")),
    }
}

fn panic_message(message: &str, shows: bool) -> String {
    if message.starts_with("not yet implemented") {
        return format!("{message} (this function is still a TODO)");
    }
    if shows {
        format!("panicked: {message}")
    } else {
        // The message is student-made and may echo a hidden input.
        "panicked (the message of a hidden case is not shown)".into()
    }
}

fn died_message(exit: Option<&Exit>) -> String {
    let how = exit.map_or_else(|| "it was not reaped".to_owned(), Exit::describe);
    format!("the process ended before answering ({how}): look for process::exit, abort, or unbounded recursion")
}

/// Fold a timing verdict into a judged case: a correct answer that is too
/// slow against the reference becomes `too_slow` and earns nothing.
pub fn apply_timing(report: &mut CaseReport, verdict: Option<TimingVerdict>, max_ratio: f64) {
    if !report.outcome.passed() {
        return;
    }
    match verdict {
        Some(verdict) => {
            report.timing = Some(TimingFigures {
                student_ms: round3(verdict.student.as_secs_f64() * 1000.0),
                reference_ms: round3(verdict.reference.as_secs_f64() * 1000.0),
                ratio: round3(verdict.ratio()),
                max_ratio,
            });
            report.duration_ms = Some((verdict.student.as_secs_f64() * 1e6).round() / 1000.0);
            report.message = verdict.message;
            if !verdict.fast_enough {
                report.outcome = Outcome::TooSlow;
                report.score = 0.0;
            }
        }
        None => {
            report.outcome = Outcome::GraderError;
            report.score = 0.0;
            report.message =
                "the timed rounds did not complete (the reference failed during timing)".into();
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Sum a group's case results.
pub fn group_report(
    lab: &LabManifest,
    name: &str,
    cases: &[CaseReport],
    graded: bool,
    skipped: Option<&str>,
) -> GroupReport {
    let group = lab.group(name).expect("declared group");
    let mine: Vec<&CaseReport> = cases.iter().filter(|c| c.group == name).collect();
    let passed = mine.iter().filter(|c| c.outcome.passed()).count();
    let score = if mine.is_empty() {
        0.0
    } else {
        group.points * passed as f64 / mine.len() as f64
    };
    let lost = graded && passed < mine.len();
    GroupReport {
        name: name.to_owned(),
        title: group.title.clone(),
        visibility: group.visibility,
        score: round_score(score),
        max_score: group.points,
        passed,
        total: mine.len(),
        graded: graded && skipped.is_none(),
        hint: lost.then(|| group.hint.clone()),
        skipped: skipped.map(str::to_owned),
    }
}

/// Whether cases of this visibility run in the given setting.
pub fn runs_hidden(visibility: Visibility) -> bool {
    !matches!(visibility, Visibility::Visible)
}
