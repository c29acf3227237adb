//! The packet's part of the report: one entry per rubric criterion with its
//! score, its reason and whether a person should look at it.

use serde::{Deserialize, Serialize};

/// How far the scorer got with `packet.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PacketStatus {
    /// Every criterion was scored (some may need review).
    Scored,
    /// The file is not text (binary junk): every criterion scores 0, and the
    /// report says why.
    Unreadable,
    /// The grader could not load its rubric: nothing was scored (the
    /// grader's fault, not the student's).
    RubricError,
}

/// The packet's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PacketReport {
    /// How scoring went.
    pub status: PacketStatus,
    /// The rubric scored against: `<file> v<version>`.
    pub rubric: String,
    /// Points earned (overrides applied).
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Whether some criterion is flagged for human review.
    pub needs_review: bool,
    /// Packet-level notes: a capped read, invalid UTF-8, a missing model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// One entry per rubric criterion, in rubric order.
    pub criteria: Vec<CriterionReport>,
}

/// One criterion's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionReport {
    /// Criterion id (as in the rubric).
    pub id: String,
    /// What it rewards.
    pub title: String,
    /// Which check scored it (`structure`, `evidence_sources`, ...).
    pub check: String,
    /// Points earned: the instructor's when overridden, else the automatic.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Why: the automatic check's finding and the rubric's feedback.
    pub reason: String,
    /// Whether a person should confirm this score.
    pub needs_review: bool,
    /// The instructor's override, with the automatic score it replaced.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub overridden: Option<Override>,
}

/// An instructor's decision on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// The score the automatic checks gave.
    pub automatic_score: f64,
    /// The automatic reason.
    pub automatic_reason: String,
    /// The instructor's score (now the criterion's `score`).
    pub score: f64,
    /// The instructor's reason.
    pub reason: String,
}

impl PacketReport {
    /// Recompute `score`, `max_score` and `needs_review` from the criteria.
    pub fn total(&mut self) {
        use crate::report::round_score;
        self.score = round_score(self.criteria.iter().map(|c| c.score).sum());
        self.max_score = round_score(self.criteria.iter().map(|c| c.max_score).sum());
        self.needs_review = self
            .criteria
            .iter()
            .any(|c| c.needs_review && c.overridden.is_none());
    }
}
