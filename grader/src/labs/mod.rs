//! The labs registry: one module per lab, each knowing how to make its cases.
//!
//! Adding a lab touches one line here, one module, and its folders
//! (`labs/<id>`, `reference/<id>`, `grader/drivers/<id>`).

mod context_window;
mod cosine_similarity;
mod memory_calculator;

use crate::cases::{Case, CaseRng};
use crate::compare::{compare_replies, Verdict};
use crate::course::Tolerance;
use lab_protocol::Reply;

/// What the grader knows about one lab beyond its manifest: case makers and
/// the comparator.
pub trait LabModule: Sync {
    /// The lab id, as in `course.toml`.
    fn id(&self) -> &'static str;

    /// The hand-written cases of `group` plus `generated` seeded ones drawn
    /// from `rng`; `None` when this lab has no group of that name.
    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>>;

    /// Judge `actual` against `expected` for `case`.
    fn compare(
        &self,
        case: &Case,
        expected: &Reply,
        actual: &Reply,
        tolerance: Tolerance,
    ) -> Verdict {
        let _ = case;
        compare_replies(expected, actual, tolerance)
    }
}

/// Every lab the grader knows.
pub const REGISTRY: &[&dyn LabModule] = &[
    &context_window::ContextWindow,
    &cosine_similarity::CosineSimilarity,
    &memory_calculator::MemoryCalculator,
];

/// The module of lab `id`.
pub fn module(id: &str) -> Option<&'static dyn LabModule> {
    REGISTRY.iter().copied().find(|lab| lab.id() == id)
}
