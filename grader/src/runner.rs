//! Running a list of cases through a driver binary: one process for many
//! cases, restarted after a crash, timeout or memory failure, so one bad case
//! costs only itself.

use std::time::Duration;

use lab_protocol::Reply;

use crate::cases::Case;
use crate::course::Limits;
use crate::process::Exit;
use crate::sandbox::Slot;
use crate::session::{driver_job, Answer, Driver, Session};

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

impl CaseRun {
    fn from_answer(answer: Answer, limits: Limits) -> CaseRun {
        match answer {
            Answer::Replied(reply, wall) => CaseRun::Replied { reply, wall },
            Answer::Timeout => CaseRun::Timeout(limits.time),
            Answer::OutputLimit => CaseRun::OutputLimit,
            Answer::Died(exit) => CaseRun::Died(exit),
        }
    }

    /// Whether the driver answered (any reply, right or wrong).
    pub fn replied(&self) -> bool {
        matches!(self, CaseRun::Replied { .. })
    }
}

/// The runs of every case, in order, plus the student's captured output.
#[derive(Debug, Clone, Default)]
pub struct RunLog {
    /// One entry per case.
    pub runs: Vec<CaseRun>,
    /// What the student's code printed (capped), across all processes.
    pub output: String,
}

/// Run `cases` through `driver`, with `limits_of` giving each case's limits,
/// confined to `slot`.
pub fn run_cases(
    driver: Driver,
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
            let job = driver_job(driver, &limits, budget.min(Duration::from_secs(600)), slot);
            match job.and_then(|job| Session::start(&job, limits.output_bytes)) {
                Ok(started) => session = Some((started, limits)),
                Err(err) => {
                    log.runs.push(CaseRun::StartFailed(err.to_string()));
                    continue;
                }
            }
        }
        let (live, _) = session.as_mut().expect("started above");
        let run = match CaseRun::from_answer(live.ask(&case.request(), limits.time), limits) {
            CaseRun::Timeout(limit) => {
                match timeouts.iter_mut().find(|(g, _)| *g == case.group) {
                    Some((_, n)) => *n += 1,
                    None => timeouts.push((case.group.clone(), 1)),
                }
                CaseRun::Timeout(limit)
            }
            other => other,
        };
        log.runs.push(run);
    }
    if let Some((last, _)) = session {
        log.output.push_str(&last.finish());
    }
    log
}

/// A timing case run side by side on the reference and the student driver.
#[derive(Debug, Clone)]
pub struct Race {
    /// The reference's warm-up answer (the expected value).
    pub reference: CaseRun,
    /// The student's warm-up answer, or the first failure of a timed round.
    pub student: CaseRun,
    /// Timed request-to-reply walls of the reference, one per round.
    pub reference_times: Vec<Duration>,
    /// Timed request-to-reply walls of the student, one per round.
    pub student_times: Vec<Duration>,
    /// What the student's code printed (capped).
    pub output: String,
}

/// Run `case` on both drivers: one untimed warm-up each, then, when
/// `worth_timing(reference, student)` says the warm-up answers deserve it
/// (a wrong answer fails whatever its speed), `rounds` timed requests each,
/// alternating which goes first (ABBA order) so that a machine getting
/// busier or quieter during the race weighs on both alike.
/// Times are the grader's clock from request to reply; the student process
/// never reports its own time.
pub fn race(
    reference: Driver,
    student: Driver,
    case: &Case,
    limits: Limits,
    rounds: u32,
    slots: (Slot, Slot),
    worth_timing: &dyn Fn(&CaseRun, &CaseRun) -> bool,
) -> Race {
    let budget = (limits.time * (rounds + 1)).min(Duration::from_secs(600));
    let start = |driver: Driver, slot: Slot| {
        driver_job(driver, &limits, budget, slot)
            .and_then(|job| Session::start(&job, limits.output_bytes))
    };
    let mut race = Race {
        reference: CaseRun::Skipped("not run".into()),
        student: CaseRun::Skipped("not run".into()),
        reference_times: Vec::new(),
        student_times: Vec::new(),
        output: String::new(),
    };
    let mut reference_session = match start(reference, slots.0) {
        Ok(session) => session,
        Err(err) => {
            race.reference = CaseRun::StartFailed(err.to_string());
            return race;
        }
    };
    let mut student_session = match start(student, slots.1) {
        Ok(session) => session,
        Err(err) => {
            race.student = CaseRun::StartFailed(err.to_string());
            return race;
        }
    };
    let request = case.request();
    race.reference = CaseRun::from_answer(reference_session.ask(&request, limits.time), limits);
    race.student = CaseRun::from_answer(student_session.ask(&request, limits.time), limits);
    if race.reference.replied()
        && race.student.replied()
        && worth_timing(&race.reference, &race.student)
    {
        'rounds: for round in 0..rounds {
            let order = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_reference in order {
                let session = if is_reference {
                    &mut reference_session
                } else {
                    &mut student_session
                };
                match CaseRun::from_answer(session.ask(&request, limits.time), limits) {
                    CaseRun::Replied { wall, .. } if is_reference => {
                        race.reference_times.push(wall)
                    }
                    CaseRun::Replied { wall, .. } => race.student_times.push(wall),
                    failed if is_reference => {
                        race.reference = failed;
                        break 'rounds;
                    }
                    failed => {
                        race.student = failed;
                        break 'rounds;
                    }
                }
            }
        }
    }
    reference_session.finish();
    race.output = student_session.finish();
    race
}
