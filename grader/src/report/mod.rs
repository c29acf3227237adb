//! The result model (versioned, serialised as the JSON report) and its
//! renderers. Renderers write to `&mut dyn Write` so tests render into
//! buffers; visibility is enforced when the model is built, so no renderer
//! can leak a hidden case's input or expected value.

mod human;

pub use human::{one_line as show_value, render_human};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::course::Visibility;
use crate::outcome::Outcome;

/// Version of the report schema; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

/// The whole result of one `grader check` (or one student in `grade`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// Version of the grader that made it.
    pub grader_version: String,
    /// Compiler used, `rustc -vV` first line and host.
    pub rustc: String,
    /// Course title.
    pub course: String,
    /// The submission folder graded.
    pub submission: String,
    /// Seed of the hidden cases; `None` when none were run.
    pub hidden_seed: Option<u64>,
    /// Which isolation the submission ran under.
    pub isolation: String,
    /// Points earned: the labs' plus the packet's, when one was scored.
    pub score: f64,
    /// Points available in what was graded (the packet's rubric points
    /// included when a packet was submitted).
    pub max_score: f64,
    /// One entry per lab, in course order.
    pub labs: Vec<LabReport>,
    /// The enterprise readiness packet (`packet.md`), scored by the rubric;
    /// absent when the submission has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packet: Option<crate::packet::PacketReport>,
    /// Why the submission could not be graded at all (batch grading: an
    /// archive that was refused, an entry that is no submission); absent
    /// when it was graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Whether and how a lab was graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabStatus {
    /// Cases ran (some may have failed).
    Graded,
    /// The submission has no sources for this lab.
    NotSubmitted,
    /// The crate or the driver against it did not compile.
    CompileError,
    /// The grader could not grade it (its own fault).
    GraderError,
}

/// One lab's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabReport {
    /// Lab id.
    pub id: String,
    /// Lab title.
    pub title: String,
    /// Lessons taught.
    pub lessons: Vec<String>,
    /// How grading went.
    pub status: LabStatus,
    /// Points earned.
    pub score: f64,
    /// Points available (groups not run locally are not counted).
    pub max_score: f64,
    /// Seed of the stored public cases.
    pub public_seed: u64,
    /// A lab-level message (compile errors, why hidden groups did not run).
    pub message: Option<String>,
    /// Per-group points.
    pub groups: Vec<GroupReport>,
    /// Per-case results.
    pub cases: Vec<CaseReport>,
    /// What the student's code printed during visible cases (capped).
    pub student_output: Option<String>,
}

/// One group's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// Group name.
    pub name: String,
    /// What it checks.
    pub title: String,
    /// Visibility of its cases.
    pub visibility: Visibility,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Cases passed.
    pub passed: usize,
    /// Cases run.
    pub total: usize,
    /// Whether it ran (hidden groups need the reference, absent in a handout).
    pub graded: bool,
    /// The hint, present when points were lost.
    pub hint: Option<String>,
    /// Why the group was not run here (it needs a GPU, or a model this
    /// machine does not have); such a group is not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// `<group>/<name>`.
    pub id: String,
    /// Its group.
    pub group: String,
    /// Its visibility.
    pub visibility: Visibility,
    /// How it ended.
    pub outcome: Outcome,
    /// What to do about it (never an expected value of a hidden case).
    pub message: String,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Wall time of the answer, milliseconds, when one came.
    pub duration_ms: Option<f64>,
    /// Input, expected and actual: visible cases only.
    pub details: Option<CaseDetails>,
    /// The side-by-side figures of a timing case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimingFigures>,
}

/// What a timing case measured (milliseconds, medians of the timed rounds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimingFigures {
    /// The student's median.
    pub student_ms: f64,
    /// The reference's median, in the same run.
    pub reference_ms: f64,
    /// student / reference.
    pub ratio: f64,
    /// The group's `max_ratio`.
    pub max_ratio: f64,
}

/// The full picture of a visible case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetails {
    /// The lab function.
    pub call: String,
    /// Its arguments.
    pub args: Value,
    /// The expected reply.
    pub expected: Value,
    /// The student's reply, when there was one.
    pub actual: Option<Value>,
}

impl Report {
    /// Exit status of `grader check` for this report: 0 when every graded
    /// case passed, 1 otherwise.
    pub fn all_passed(&self) -> bool {
        self.error.is_none()
            && self
                .labs
                .iter()
                .filter(|lab| lab.status != LabStatus::NotSubmitted)
                .all(|lab| {
                    lab.status == LabStatus::Graded && lab.cases.iter().all(|c| c.outcome.passed())
                })
    }
}

impl Report {
    /// Whether the grader itself failed somewhere (exit status 2): a lab it
    /// could not grade, or a case without an expected value.
    pub fn has_grader_errors(&self) -> bool {
        self.labs.iter().any(|lab| {
            lab.status == LabStatus::GraderError
                || lab.cases.iter().any(|c| c.outcome == Outcome::GraderError)
        }) || self
            .packet
            .as_ref()
            .is_some_and(|p| p.status == crate::packet::PacketStatus::RubricError)
    }
}

/// Round a score for reports: 4 decimals, so sums read cleanly.
pub fn round_score(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Write `report` as pretty JSON.
pub fn render_json(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
