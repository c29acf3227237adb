//! The sample packets of `rubrics/samples/` and the score band each must
//! land in (`bands.toml`): the rubric's own regression test, run by
//! `grader verify` and the end-to-end tests.

use std::path::Path;

use serde::Deserialize;

use super::consistency::Calculator;
use super::coverage::Embedder;
use super::model::PacketReport;
use super::Scorer;

/// Where the samples live, relative to the course root.
pub const SAMPLES_DIR: &str = "rubrics/samples";

/// `bands.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Must be 1.
    pub format_version: u32,
    /// One entry per sample.
    pub sample: Vec<Band>,
}

/// One sample's band.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The sample file in [`SAMPLES_DIR`].
    pub file: String,
    /// `[low, high]` with coverage scored.
    pub band: [f64; 2],
    /// `[low, high]` without the model.
    pub band_without_model: [f64; 2],
}

/// One sample's result.
#[derive(Debug, Clone)]
pub struct SampleResult {
    /// The file.
    pub file: String,
    /// Its report.
    pub report: PacketReport,
    /// The band that applied.
    pub band: [f64; 2],
}

impl SampleResult {
    /// Whether the score is inside its band.
    pub fn in_band(&self) -> bool {
        self.report.score >= self.band[0] - 1e-9 && self.report.score <= self.band[1] + 1e-9
    }
}

/// Score every sample of the course at `root`; `with_model` picks the band.
pub fn score_samples(
    root: &Path,
    calculator: &mut dyn Calculator,
    embedder: &mut dyn Embedder,
) -> Result<Vec<SampleResult>, String> {
    let scorer = Scorer::load(root)?;
    let path = root.join(SAMPLES_DIR).join("bands.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let bands: Bands = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut results = Vec::new();
    for band in bands.sample {
        let bytes = std::fs::read(root.join(SAMPLES_DIR).join(&band.file))
            .map_err(|e| format!("{}: {e}", band.file))?;
        let report = scorer.score_bytes(&bytes, calculator, embedder);
        let model_missing = report
            .criteria
            .iter()
            .any(|c| c.check == "coverage" && c.reason.contains("model is not available"));
        results.push(SampleResult {
            file: band.file,
            report,
            band: if model_missing {
                band.band_without_model
            } else {
                band.band
            },
        });
    }
    Ok(results)
}
