//! The enterprise readiness packet: `packet.md` at the submission's root,
//! scored against the rubric in `rubrics/packet-rubric.toml`.
//!
//! - [`document`]: reading the Markdown safely (cap, binary, UTF-8, front matter).
//! - [`rubric`]: the rubric as code; [`model`]: the report's `packet` object.
//! - [`gaming`], [`evidence`], [`consistency`], [`coverage`]: the checks;
//!   [`score`] combines them; [`overrides`]: the instructor's file.
//! - [`samples`]: the sample packets and their bands.
//! - [`oracle`]: lab 04's and lab 05's reference drivers as the calculator
//!   and the embedder.
//!
//! Scoring policy: every criterion has a score, a reason (the check's
//! finding plus the rubric's feedback) and a needs-review flag; the packet's
//! points are added to the report's total (see [`crate::report::Report`]).

pub mod consistency;
pub mod coverage;
pub mod document;
pub mod evidence;
pub mod gaming;
pub mod model;
pub mod oracle;
pub mod overrides;
pub mod rubric;
pub mod samples;
pub mod score;

use std::path::Path;

pub use model::{CriterionReport, Override, PacketReport, PacketStatus};
pub use rubric::Rubric;

use consistency::Calculator;
use coverage::Embedder;
use score::{Sources, Tools};

/// The file a student writes, at the root of the submission.
pub const PACKET_FILE: &str = "packet.md";

/// The rubric, template and lessons of a course, loaded once.
pub struct Scorer {
    /// The rubric.
    pub rubric: Rubric,
    /// What copies are compared against.
    pub sources: Sources,
}

impl Scorer {
    /// Load everything from the course at `root`.
    pub fn load(root: &Path) -> Result<Scorer, String> {
        let rubric_path = root.join(rubric::RUBRIC_PATH);
        let rubric = Rubric::load(&rubric_path)?;
        let rubric_file = std::fs::read_to_string(&rubric_path).unwrap_or_default();
        let read = |rel: &str| {
            std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
        };
        let sources = Sources::new(
            &rubric,
            &rubric_file,
            &read(rubric::TEMPLATE_PATH)?,
            &read(rubric::LESSONS_PATH)?,
        );
        Ok(Scorer { rubric, sources })
    }

    /// Score packet bytes.
    pub fn score_bytes(
        &self,
        bytes: &[u8],
        calculator: &mut dyn Calculator,
        embedder: &mut dyn Embedder,
    ) -> PacketReport {
        match document::parse_bytes(bytes) {
            Err(not_text) => score::unreadable(&self.rubric, &not_text.0),
            Ok(document) => {
                let mut tools = Tools {
                    rubric: &self.rubric,
                    sources: &self.sources,
                    calculator,
                    embedder,
                };
                score::score(&document, &mut tools)
            }
        }
    }

    /// Score the packet file at `path` (read capped).
    pub fn score_file(
        &self,
        path: &Path,
        calculator: &mut dyn Calculator,
        embedder: &mut dyn Embedder,
    ) -> PacketReport {
        match read_capped(path) {
            Ok(bytes) => self.score_bytes(&bytes, calculator, embedder),
            Err(err) => score::unreadable(&self.rubric, &format!("cannot read packet.md: {err}")),
        }
    }
}

fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(document::MAX_PACKET_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Apply instructor `overrides` to `report`'s packet and fix the report's
/// totals; an error when the report has no packet or an override is invalid.
pub fn apply_overrides(
    report: &mut crate::report::Report,
    overrides: &overrides::Overrides,
) -> Result<(), String> {
    let packet = report
        .packet
        .as_mut()
        .ok_or("--packet-overrides given, but the submission has no packet.md")?;
    let (before, before_max) = (packet.score, packet.max_score);
    overrides.apply(packet)?;
    report.score = crate::report::round_score(report.score - before + packet.score);
    report.max_score = crate::report::round_score(report.max_score - before_max + packet.max_score);
    Ok(())
}

/// A report for a course whose rubric could not be loaded: nothing scored.
pub fn rubric_error(why: &str) -> PacketReport {
    PacketReport {
        status: PacketStatus::RubricError,
        rubric: rubric::RUBRIC_PATH.to_owned(),
        score: 0.0,
        max_score: 0.0,
        needs_review: true,
        notes: vec![format!(
            "the grader could not load its packet rubric: {why}"
        )],
        criteria: Vec::new(),
    }
}

/// Score the course's sample packets with its reference drivers (for
/// `grader verify`): `(file, score, band, in band)` per sample.
pub fn verify_samples(
    course: &crate::course::Course,
    toolchain: &crate::toolchain::Toolchain,
    isolation: &crate::sandbox::Isolation,
) -> Result<Vec<samples::SampleResult>, String> {
    let mut quiet_a = |_: &str| {};
    let mut quiet_b = |_: &str| {};
    let mut calculator = oracle::ReferenceCalculator(oracle::ReferenceDriver::new(
        course,
        toolchain,
        isolation,
        oracle::CALCULATOR_LAB,
        None,
        &mut quiet_a,
    ));
    let mut embedder = course_embedder(course, toolchain, isolation, None, &mut quiet_b);
    samples::score_samples(&course.root, &mut calculator, embedder.as_mut())
}

fn course_embedder<'a>(
    course: &'a crate::course::Course,
    toolchain: &'a crate::toolchain::Toolchain,
    isolation: &'a crate::sandbox::Isolation,
    model_dir: Option<&'a Path>,
    progress: &'a mut dyn FnMut(&str),
) -> Box<dyn Embedder + 'a> {
    if course.lab(oracle::EMBEDDINGS_LAB).is_some() {
        Box::new(oracle::ReferenceEmbedder(oracle::ReferenceDriver::new(
            course,
            toolchain,
            isolation,
            oracle::EMBEDDINGS_LAB,
            model_dir,
            progress,
        )))
    } else {
        Box::new(coverage::Unavailable(format!(
            "lab {} (the MiniLM embedder) is not part of this course yet",
            oracle::EMBEDDINGS_LAB
        )))
    }
}

/// Score `submission/packet.md` with the course's reference drivers; `None`
/// when the submission has no packet.
pub fn score_submission(
    course: &crate::course::Course,
    toolchain: &crate::toolchain::Toolchain,
    isolation: &crate::sandbox::Isolation,
    submission: &Path,
    model_dir: Option<&Path>,
    progress: &mut dyn FnMut(&str),
) -> Option<PacketReport> {
    let path = submission.join(PACKET_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return None;
    }
    if !path.is_file() {
        return Some(match Scorer::load(&course.root) {
            Ok(scorer) => score::unreadable(&scorer.rubric, "packet.md is not a regular file"),
            Err(why) => rubric_error(&why),
        });
    }
    let scorer = match Scorer::load(&course.root) {
        Ok(scorer) => scorer,
        Err(why) => return Some(rubric_error(&why)),
    };
    progress("[packet] scoring packet.md");
    let mut quiet_a = |_: &str| {};
    let mut quiet_b = |_: &str| {};
    let mut calculator = oracle::ReferenceCalculator(oracle::ReferenceDriver::new(
        course,
        toolchain,
        isolation,
        oracle::CALCULATOR_LAB,
        None,
        &mut quiet_a,
    ));
    let mut embedder = course_embedder(course, toolchain, isolation, model_dir, &mut quiet_b);
    Some(scorer.score_file(&path, &mut calculator, embedder.as_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn course_root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Writes rubrics/calibration/texts.json: for each sample, exactly the
    /// paragraphs coverage embeds, and the criteria's descriptions.
    /// `cargo test -p grader packet::tests::dump_calibration_texts -- --ignored`
    #[test]
    #[ignore = "writes the calibration input; run by hand after changing samples or rubric"]
    fn dump_calibration_texts() {
        let root = course_root();
        let scorer = Scorer::load(&root).unwrap();
        let mut samples = serde_json::Map::new();
        for name in ["strong", "mediocre", "template", "gamed"] {
            let bytes = std::fs::read(root.join(format!("rubrics/samples/{name}.md"))).unwrap();
            let document = document::parse_bytes(&bytes).unwrap();
            let found = gaming::judge(&document, &scorer.sources.sources, &scorer.rubric.gaming);
            let texts = score::coverage_texts(&document, &scorer.rubric, &found);
            samples.insert(name.into(), json!({ "gamed": found.flagged_share() >= scorer.rubric.gaming.gamed_share, "paragraphs": texts }));
        }
        let criteria: Vec<Value> = scorer
            .rubric
            .criteria
            .iter()
            .filter(|c| c.check == rubric::Check::Coverage)
            .map(|c| json!({ "id": c.id, "description": c.description }))
            .collect();
        let out = json!({ "rubric_version": scorer.rubric.version, "criteria": criteria, "samples": samples });
        std::fs::write(
            root.join("rubrics/calibration/texts.json"),
            serde_json::to_string_pretty(&out).unwrap() + "\n",
        )
        .unwrap();
    }
}
