//! Instructor overrides: a TOML file, passed by the instructor on the
//! command line (never read from the submission), giving per criterion a
//! score and a reason. The report keeps the automatic score beside it.
//!
//! ```toml
//! format_version = 1
//! [criterion.coverage-risks]
//! score = 2
//! reason = "Risks are discussed under 'Operations'; the heading fooled the scorer."
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::model::{Override, PacketReport};

/// The overrides file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Must be 1.
    pub format_version: u32,
    /// Per criterion id.
    #[serde(default)]
    pub criterion: BTreeMap<String, Entry>,
}

/// One override.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The score to give (0 ..= the criterion's points).
    pub score: f64,
    /// Why (shown to the student).
    pub reason: String,
}

/// Check a `grader grade --packet-overrides` folder before a batch: every
/// `.toml` in it parses, and it is not inside the submissions folder.
pub fn check_folder(dir: &Path, submissions: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read overrides folder {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            Overrides::load(&path, submissions)?;
        }
    }
    Ok(())
}

impl Overrides {
    /// Read overrides from `path`, refusing a file inside `submission`
    /// (a student must not grade themselves).
    pub fn load(path: &Path, submission: &Path) -> Result<Overrides, String> {
        let file = path
            .canonicalize()
            .map_err(|e| format!("cannot read overrides {}: {e}", path.display()))?;
        if let Ok(folder) = submission.canonicalize() {
            if file.starts_with(&folder) {
                return Err(format!(
                    "overrides {} are inside the submission folder: an instructor's overrides must come from outside it",
                    path.display()
                ));
            }
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read overrides {}: {e}", path.display()))?;
        Overrides::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parse overrides text.
    pub fn parse(text: &str) -> Result<Overrides, String> {
        let overrides: Overrides = toml::from_str(text).map_err(|e| e.to_string())?;
        if overrides.format_version != 1 {
            return Err(format!(
                "format_version {} (expected 1)",
                overrides.format_version
            ));
        }
        Ok(overrides)
    }

    /// Apply to `report`; an unknown criterion or a score out of range is an error.
    pub fn apply(&self, report: &mut PacketReport) -> Result<(), String> {
        for (id, entry) in &self.criterion {
            let criterion = report
                .criteria
                .iter_mut()
                .find(|c| c.id == *id)
                .ok_or_else(|| format!("override of unknown criterion `{id}`"))?;
            if !(0.0..=criterion.max_score).contains(&entry.score) {
                return Err(format!(
                    "override of `{id}`: score {} is outside 0..={}",
                    entry.score, criterion.max_score
                ));
            }
            let automatic = criterion
                .overridden
                .take()
                .map_or((criterion.score, criterion.reason.clone()), |o| {
                    (o.automatic_score, o.automatic_reason)
                });
            criterion.overridden = Some(Override {
                automatic_score: automatic.0,
                automatic_reason: automatic.1,
                score: entry.score,
                reason: entry.reason.clone(),
            });
            criterion.score = entry.score;
            criterion.reason = format!("instructor: {}", entry.reason);
        }
        report.total();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::model::{CriterionReport, PacketStatus};

    fn report() -> PacketReport {
        let mut r = PacketReport {
            status: PacketStatus::Scored,
            rubric: "packet-rubric v1".into(),
            score: 0.0,
            max_score: 0.0,
            needs_review: false,
            notes: vec![],
            criteria: vec![CriterionReport {
                id: "coverage-risks".into(),
                title: "Risks".into(),
                check: "coverage".into(),
                score: 0.5,
                max_score: 1.0,
                reason: "auto".into(),
                needs_review: true,
                overridden: None,
            }],
        };
        r.total();
        r
    }

    #[test]
    fn an_override_replaces_the_score_and_keeps_the_automatic_one() {
        let o = Overrides::parse("format_version = 1\n[criterion.coverage-risks]\nscore = 1\nreason = \"discussed under Operations\"\n").unwrap();
        let mut r = report();
        assert!(r.needs_review);
        o.apply(&mut r).unwrap();
        let c = &r.criteria[0];
        assert_eq!(c.score, 1.0);
        let o = c.overridden.as_ref().unwrap();
        assert_eq!(
            (o.automatic_score, o.automatic_reason.as_str()),
            (0.5, "auto")
        );
        assert_eq!(r.score, 1.0);
        assert!(
            !r.needs_review,
            "a reviewed criterion no longer needs review"
        );
    }

    #[test]
    fn unknown_criteria_and_out_of_range_scores_are_refused() {
        let mut r = report();
        let o =
            Overrides::parse("format_version = 1\n[criterion.nope]\nscore = 1\nreason = \"x\"\n")
                .unwrap();
        assert!(o.apply(&mut r).unwrap_err().contains("nope"));
        let o = Overrides::parse(
            "format_version = 1\n[criterion.coverage-risks]\nscore = 3\nreason = \"x\"\n",
        )
        .unwrap();
        assert!(o.apply(&mut r).unwrap_err().contains("outside"));
    }

    #[test]
    fn overrides_inside_the_submission_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("overrides.toml");
        std::fs::write(&path, "format_version = 1\n").unwrap();
        let err = Overrides::load(&path, dir.path()).unwrap_err();
        assert!(err.contains("inside the submission"), "{err}");
        let elsewhere = tempfile::tempdir().unwrap();
        assert!(Overrides::load(&path, elsewhere.path()).is_ok());
    }
}
