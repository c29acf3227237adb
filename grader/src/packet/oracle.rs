//! The real [`Calculator`] and [`Embedder`]: the reference drivers of lab 04
//! (memory calculator) and lab 05 (MiniLM embeddings), built and run through
//! the same machinery as grading (dependency cache, cached reference build,
//! sandboxed driver sessions). A checkout without `reference/` (a student
//! handout) has neither, and the checks that need them say so.

use std::path::{Path, PathBuf};

use lab_protocol::Reply;
use serde_json::{json, Value};

use super::consistency::Calculator;
use super::coverage::Embedder;
use crate::build_cache;
use crate::builds;
use crate::cases::Case;
use crate::course::{Course, Limits};
use crate::labs::PrepareContext;
use crate::runner::{self, CaseRun};
use crate::sandbox::{Isolation, Slot};
use crate::session::{Driver, DriverSetup};
use crate::toolchain::Toolchain;

/// Lab 04's id.
pub const CALCULATOR_LAB: &str = "04-memory-calculator";
/// Lab 05's id.
pub const EMBEDDINGS_LAB: &str = "05-minilm-embeddings";

/// Texts per `embed` request.
const TEXTS_PER_REQUEST: usize = 8;

/// A lab's reference driver, built on first use.
pub struct ReferenceDriver<'a> {
    /// The course.
    pub course: &'a Course,
    /// The compiler.
    pub toolchain: &'a Toolchain,
    /// Isolation of the driver.
    pub isolation: &'a Isolation,
    /// Which lab.
    pub lab: &'static str,
    /// A model folder given on the command line (`--model-dir`).
    pub model_dir: Option<&'a Path>,
    /// Progress lines.
    pub progress: &'a mut dyn FnMut(&str),
    built: Option<Result<PathBuf, String>>,
    setup: DriverSetup,
}

impl<'a> ReferenceDriver<'a> {
    /// The reference driver of `lab` (not built yet).
    pub fn new(
        course: &'a Course,
        toolchain: &'a Toolchain,
        isolation: &'a Isolation,
        lab: &'static str,
        model_dir: Option<&'a Path>,
        progress: &'a mut dyn FnMut(&str),
    ) -> Self {
        ReferenceDriver {
            course,
            toolchain,
            isolation,
            lab,
            model_dir,
            progress,
            built: None,
            setup: DriverSetup::default(),
        }
    }

    fn binary(&mut self) -> Result<PathBuf, String> {
        if let Some(built) = &self.built {
            return built.clone();
        }
        let built = self.build();
        self.built = Some(built.clone());
        built
    }

    fn build(&mut self) -> Result<PathBuf, String> {
        let lab = self
            .course
            .lab(self.lab)
            .ok_or_else(|| format!("lab {} is not in this course", self.lab))?;
        if !self.course.reference_dir(lab).join("src/lib.rs").is_file() {
            return Err(format!(
                "this checkout has no reference for lab {} (a student handout): your instructor's grader checks it",
                self.lab
            ));
        }
        (self.progress)(&format!("[packet] preparing lab {}'s reference", self.lab));
        if let Some(module) = crate::labs::module(self.lab) {
            let prepared = module.prepare(&mut PrepareContext {
                course_root: &self.course.root,
                model_dir: self.model_dir,
                progress: self.progress,
            });
            if let Some((_, why)) = prepared.skipped.first() {
                return Err(format!("lab {} cannot run here: {why}", self.lab));
            }
            self.setup = prepared.driver_setup(Vec::new());
        }
        let deps = build_cache::ensure(self.course, lab, self.toolchain, self.progress)
            .map_err(|e| format!("lab {}'s dependencies did not build: {e}", self.lab))?;
        builds::reference_driver(self.course, lab, self.toolchain, &deps, self.isolation)
            .map_err(|e| format!("lab {}'s reference did not build: {e}", self.lab))
    }

    /// Ask the driver; one answer per request.
    pub fn ask(
        &mut self,
        requests: &[(String, Value)],
    ) -> Result<Vec<Result<Value, String>>, String> {
        let binary = self.binary()?;
        let lab = self.course.lab(self.lab).ok_or("lab vanished")?;
        let limits = lab
            .groups
            .first()
            .map_or(Limits::DEFAULT, |g| lab.limits_for(g));
        let cases: Vec<Case> = requests
            .iter()
            .enumerate()
            .map(|(i, (call, args))| Case::new("packet", &format!("{i:03}"), call, args.clone()))
            .collect();
        let slot = Slot {
            isolation: self.isolation,
            uid: self.isolation.lease_uid(),
        };
        let driver = Driver {
            binary: &binary,
            setup: &self.setup,
        };
        let log = runner::run_cases(driver, &cases, &|_| limits, slot);
        Ok(log
            .runs
            .into_iter()
            .map(|run| match run {
                CaseRun::Replied {
                    reply: Reply::Ok(value),
                    ..
                } => Ok(value),
                CaseRun::Replied {
                    reply: Reply::Err(value),
                    ..
                } => Err(value.to_string()),
                other => Err(format!("the reference driver failed: {other:?}")),
            })
            .collect())
    }
}

/// Lab 04's reference as the consistency [`Calculator`].
pub struct ReferenceCalculator<'a>(pub ReferenceDriver<'a>);

impl Calculator for ReferenceCalculator<'_> {
    fn ask(&mut self, requests: &[(String, Value)]) -> Result<Vec<Result<Value, String>>, String> {
        self.0.ask(requests)
    }
}

/// Lab 05's reference (the real all-MiniLM-L6-v2) as the coverage [`Embedder`].
pub struct ReferenceEmbedder<'a>(pub ReferenceDriver<'a>);

impl Embedder for ReferenceEmbedder<'_> {
    fn embed(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
        let requests: Vec<(String, Value)> = texts
            .chunks(TEXTS_PER_REQUEST)
            .map(|chunk| {
                (
                    "embed".to_owned(),
                    json!({ "model": "real", "texts": chunk }),
                )
            })
            .collect();
        let mut vectors = Vec::with_capacity(texts.len());
        for answer in self.0.ask(&requests)? {
            let value = answer.map_err(|e| format!("lab 05's reference could not embed: {e}"))?;
            let batch: Vec<Vec<f32>> = serde_json::from_value(value)
                .map_err(|e| format!("lab 05's reference answered no vectors: {e}"))?;
            vectors.extend(batch);
        }
        Ok(vectors)
    }
}
