//! The rubric as code: `rubrics/packet-rubric.toml` (versioned), its
//! sections, criteria, thresholds and feedback.

use std::path::Path;

use serde::Deserialize;

/// The rubric format this grader reads.
pub const RUBRIC_FORMAT_VERSION: u32 = 1;

/// Where the rubric lives, relative to the course root.
pub const RUBRIC_PATH: &str = "rubrics/packet-rubric.toml";
/// The template students copy to `packet.md`.
pub const TEMPLATE_PATH: &str = "rubrics/packet-template.md";
/// The lessons' text (anti-gaming compares against it).
pub const LESSONS_PATH: &str = "rubrics/corpus/lessons-04-10.txt";

/// The whole rubric.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Must equal [`RUBRIC_FORMAT_VERSION`].
    pub format_version: u32,
    /// The rubric's own version, recorded in every report.
    pub version: String,
    /// Its title.
    pub title: String,
    /// The sections a packet must have.
    #[serde(rename = "section")]
    pub sections: Vec<SectionSpec>,
    /// Structure thresholds.
    pub structure: StructureSpec,
    /// Evidence thresholds and vocabulary.
    pub evidence: EvidenceSpec,
    /// Consistency tolerance.
    pub consistency: ConsistencySpec,
    /// Coverage thresholds (from calibration).
    pub coverage: CoverageSpec,
    /// Anti-gaming thresholds.
    pub gaming: GamingSpec,
    /// The criteria, in report order.
    #[serde(rename = "criterion")]
    pub criteria: Vec<Criterion>,
}

/// A required section of the packet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// Its id (coverage criteria name it).
    pub id: String,
    /// The template's heading.
    pub heading: String,
    /// A packet heading matches when it contains one of these (lowercase).
    pub matches: Vec<String>,
}

/// Structure thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StructureSpec {
    /// Fewest original words (not copied, not placeholder) per section.
    pub min_words: usize,
    /// Text that marks an unfilled template placeholder (lowercase).
    pub placeholders: Vec<String>,
}

/// Evidence vocabulary and thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSpec {
    /// Names that make a paragraph a vendor or model claim (lowercase,
    /// matched as whole words or word prefixes).
    pub claim_words: Vec<String>,
    /// Words that count as units after a figure (lowercase).
    pub units: Vec<String>,
    /// Share of figures with units that earns full points.
    pub units_full: f64,
    /// Share at or below which units earn nothing.
    pub units_zero: f64,
    /// Fewer figures than this cannot be judged (needs review).
    pub min_figures: usize,
}

/// Consistency tolerance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencySpec {
    /// Relative tolerance between a stated figure and the computed one.
    pub rel_tolerance: f64,
}

/// Coverage thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageSpec {
    /// Best paragraph similarity at or above which a topic earns full points.
    pub full: f64,
    /// Similarity below which it earns nothing.
    pub zero: f64,
    /// Scores within this distance of `full` or `zero` need review.
    pub review_margin: f64,
    /// Paragraphs shorter than this (words) are not compared.
    pub min_paragraph_words: usize,
}

/// Anti-gaming thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GamingSpec {
    /// Words per shingle.
    pub shingle_words: usize,
    /// A paragraph whose shingles are at least this much contained in the
    /// rubric, template or lessons is a copy.
    pub copy_containment: f64,
    /// Two paragraphs of the packet at least this similar (Jaccard) repeat.
    pub repeat_jaccard: f64,
    /// Paragraphs shorter than this (words) are not judged.
    pub min_paragraph_words: usize,
    /// Share of copied or repeated words at which the packet is gamed:
    /// no originality and no coverage points.
    pub gamed_share: f64,
    /// Share at or below which originality earns full points.
    pub clean_share: f64,
}

/// What scores a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Required sections present, substantive, placeholders gone.
    Structure,
    /// Vendor and model claims carry an as-of date and a source.
    EvidenceSources,
    /// Figures carry units.
    EvidenceUnits,
    /// Stated figures agree with lab 04 and the cost arithmetic.
    Consistency,
    /// MiniLM similarity of the packet to the criterion's description.
    Coverage,
    /// No pasted rubric, template or lessons, no repeated paragraphs.
    Originality,
}

impl Check {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Structure => "structure",
            Check::EvidenceSources => "evidence_sources",
            Check::EvidenceUnits => "evidence_units",
            Check::Consistency => "consistency",
            Check::Coverage => "coverage",
            Check::Originality => "originality",
        }
    }
}

/// One criterion.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Its id.
    pub id: String,
    /// What it rewards.
    pub title: String,
    /// Points.
    pub points: f64,
    /// The check that scores it.
    pub check: Check,
    /// What a packet must do (coverage embeds this text).
    pub description: String,
    /// The section it is about (coverage criteria).
    #[serde(default)]
    pub section: Option<String>,
    /// Feedback by result.
    pub feedback: Feedback,
}

/// What a student is told, by result.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// Full points.
    pub full: String,
    /// Some points.
    pub partial: String,
    /// No points.
    pub none: String,
}

impl Feedback {
    /// The line for `score` of `max`.
    pub fn for_score(&self, score: f64, max: f64) -> &str {
        if score >= max - 1e-9 {
            &self.full
        } else if score > 1e-9 {
            &self.partial
        } else {
            &self.none
        }
    }
}

impl Rubric {
    /// Read and check the rubric at `path`.
    pub fn load(path: &Path) -> Result<Rubric, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the rubric {}: {e}", path.display()))?;
        Rubric::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parse and check rubric text.
    pub fn parse(text: &str) -> Result<Rubric, String> {
        let rubric: Rubric = toml::from_str(text).map_err(|e| e.to_string())?;
        if rubric.format_version != RUBRIC_FORMAT_VERSION {
            return Err(format!(
                "format_version {} (this grader reads {RUBRIC_FORMAT_VERSION})",
                rubric.format_version
            ));
        }
        for criterion in &rubric.criteria {
            if criterion.check == Check::Coverage {
                let section = criterion.section.as_deref().unwrap_or_default();
                if !rubric.sections.iter().any(|s| s.id == section) {
                    return Err(format!(
                        "coverage criterion `{}` names no section of the rubric",
                        criterion.id
                    ));
                }
            }
            if criterion.points.is_nan() || criterion.points <= 0.0 {
                return Err(format!("criterion `{}` has no points", criterion.id));
            }
        }
        let mut ids: Vec<&str> = rubric.criteria.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err("two criteria share an id".into());
        }
        Ok(rubric)
    }

    /// All the rubric's prose (descriptions and feedback): what a gamed
    /// packet pastes.
    pub fn prose(&self) -> String {
        let mut text = String::new();
        for c in &self.criteria {
            for part in [
                &c.title,
                &c.description,
                &c.feedback.full,
                &c.feedback.partial,
                &c.feedback.none,
            ] {
                text.push_str(part);
                text.push_str("\n\n");
            }
        }
        text
    }
}
