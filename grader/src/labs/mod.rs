//! The labs registry: one module per lab, each knowing how to make its cases.
//!
//! Adding a lab touches one line here, one module, and its folders
//! (`labs/<id>`, `reference/<id>`, `grader/drivers/<id>`).

mod attention;
mod context_window;
mod cosine_similarity;
mod memory_calculator;
mod minilm_embeddings;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cases::{Case, CaseRng};
use crate::compare::{compare_replies, Verdict};
use crate::course::Tolerance;
use crate::session::DriverSetup;
use lab_protocol::Reply;

/// What a lab's [`LabModule::prepare`] may look at.
pub struct PrepareContext<'a> {
    /// The course root.
    pub course_root: &'a Path,
    /// A model folder given on the command line (`--model-dir`), if any.
    pub model_dir: Option<&'a Path>,
    /// Where progress lines go (long set-up such as a model download).
    pub progress: &'a mut dyn FnMut(&str),
}

/// What a lab's drivers need from the machine, decided once per grading run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prepared {
    /// Folders or files the drivers (student's and reference's) may read;
    /// in the sandbox they are bound read-only at the same path.
    pub read_only: Vec<PathBuf>,
    /// Extra environment of the drivers.
    pub env: Vec<(String, OsString)>,
    /// Groups that cannot run here, with the reason shown in the report;
    /// they are not run and not counted.
    pub skipped: Vec<(String, String)>,
}

impl Prepared {
    /// How the drivers start: this set-up's paths and environment, plus the
    /// device nodes of the run's device.
    pub fn driver_setup(&self, devices: Vec<PathBuf>) -> DriverSetup {
        DriverSetup {
            read_only: self.read_only.clone(),
            env: self.env.clone(),
            devices,
        }
    }
}

/// What the grader knows about one lab beyond its manifest: case makers and
/// the comparator.
pub trait LabModule: Sync {
    /// The lab id, as in `course.toml`.
    fn id(&self) -> &'static str;

    /// The hand-written cases of `group` plus `generated` seeded ones drawn
    /// from `rng`; `None` when this lab has no group of that name.
    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>>;

    /// Set-up for this lab's drivers (a model to find, groups that cannot run
    /// here); most labs need none.
    fn prepare(&self, context: &mut PrepareContext) -> Prepared {
        let _ = context;
        Prepared::default()
    }

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
    &attention::Attention,
    &memory_calculator::MemoryCalculator,
    &minilm_embeddings::MinilmEmbeddings,
];

/// The module of lab `id`.
pub fn module(id: &str) -> Option<&'static dyn LabModule> {
    REGISTRY.iter().copied().find(|lab| lab.id() == id)
}
