//! Running a list of cases through a driver binary: one process for many
//! cases, restarted after a crash, timeout or memory failure, so one bad case
//! costs only itself.

use std::path::Path;
use std::time::Duration;

use lab_protocol::Reply;

use crate::cases::Case;
use crate::course::Limits;
use crate::process::Exit;
use crate::sandbox::Slot;
use crate::session::{driver_job, Answer, Session};

/// After this many timeouts in one group, its remaining cases are not run:
/// a looping function would otherwise cost every case its full limit.
pub const TIMEOUTS_BEFORE_SKIP: usize = 2;

/// What running one case produced.
#[derive(Debug, Clone)]
pub enum CaseRun {
    /// The driver replied.
    Replied {
        /// The reply.
        reply: Reply,
        /// Wall time from request to reply, measured by the grader.
        wall: Duration,
    },
    /// No reply within the limit.
    Timeout(Duration),
    /// The student's output passed the cap.
    OutputLimit,
    /// The driver ended without replying.
    Died(Option<Exit>),
    /// The case was not run; why.
    Skipped(String),
    /// The driver could not be started (a grader problem).
    StartFailed(String),
}

/// The runs of every case, in order, plus the student's captured output.
#[derive(Debug, Clone, Default)]
pub struct RunLog {
    /// One entry per case.
    pub runs: Vec<CaseRun>,
    /// What the student's code printed (capped), across all processes.
    pub output: String,
}

/// Run `cases` through the driver at `binary`, with `limits_of` giving each
/// case's limits, confined to `slot`.
pub fn run_cases(
    binary: &Path,
    cases: &[Case],
    limits_of: &dyn Fn(&Case) -> Limits,
    slot: Slot,
) -> RunLog {
    let mut log = RunLog::default();
    let mut session: Option<(Session, Limits)> = None;
    let mut timeouts: Vec<(String, usize)> = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let limits = limits_of(case);
        let group_timeouts = timeouts
            .iter()
            .find(|(g, _)| *g == case.group)
            .map_or(0, |(_, n)| *n);
        if group_timeouts >= TIMEOUTS_BEFORE_SKIP {
            log.runs.push(CaseRun::Skipped(format!(
                "not run: {group_timeouts} earlier cases of group `{}` timed out",
                case.group
            )));
            continue;
        }
        // A new process when none is alive or the limits differ.
        let reusable = matches!(&session, Some((s, l)) if !s.is_dead() && *l == limits);
        if !reusable {
            if let Some((old, _)) = session.take() {
                log.output.push_str(&old.finish());
            }
            let budget: Duration = cases[index..].iter().map(|c| limits_of(c).time).sum();
            let job = driver_job(binary, &limits, budget.min(Duration::from_secs(600)), slot);
            match job.and_then(|job| Session::start(&job, limits.output_bytes)) {
                Ok(started) => session = Some((started, limits)),
                Err(err) => {
                    log.runs.push(CaseRun::StartFailed(err.to_string()));
                    continue;
                }
            }
        }
        let (live, _) = session.as_mut().expect("started above");
        let run = match live.ask(&case.request(), limits.time) {
            Answer::Replied(reply, wall) => CaseRun::Replied { reply, wall },
            Answer::Timeout => {
                match timeouts.iter_mut().find(|(g, _)| *g == case.group) {
                    Some((_, n)) => *n += 1,
                    None => timeouts.push((case.group.clone(), 1)),
                }
                CaseRun::Timeout(limits.time)
            }
            Answer::OutputLimit => CaseRun::OutputLimit,
            Answer::Died(exit) => CaseRun::Died(exit),
        };
        log.runs.push(run);
    }
    if let Some((last, _)) = session {
        log.output.push_str(&last.finish());
    }
    log
}
