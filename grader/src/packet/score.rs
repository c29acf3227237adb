//! Scoring a parsed packet against the rubric: every criterion gets a
//! score, a reason and a needs-review flag.

use super::consistency::{self, Calculator, Finding};
use super::coverage::{self, Embedder};
use super::document::{cut, words, Document};
use super::evidence;
use super::gaming::{self, Findings, Source};
use super::model::{CriterionReport, PacketReport, PacketStatus};
use super::rubric::{Check, Criterion, Rubric};
use crate::report::round_score;

/// Texts a packet is compared against for copies.
pub struct Sources {
    /// Shingled rubric, template and lessons.
    pub sources: Vec<Source>,
}

impl Sources {
    /// Shingle the rubric (its prose and its file), the template and the lessons.
    pub fn new(rubric: &Rubric, rubric_file: &str, template: &str, lessons: &str) -> Sources {
        let n = rubric.gaming.shingle_words;
        let mut rubric_text = rubric.prose();
        rubric_text.push_str(rubric_file);
        Sources {
            sources: vec![
                Source::new("rubric", &rubric_text, n),
                Source::new("template", template, n),
                Source::new("lessons", lessons, n),
            ],
        }
    }
}

/// Everything the checks need besides the packet.
pub struct Tools<'a> {
    /// The rubric.
    pub rubric: &'a Rubric,
    /// What copies are compared against.
    pub sources: &'a Sources,
    /// Lab 04's calculators.
    pub calculator: &'a mut dyn Calculator,
    /// Sentence embeddings.
    pub embedder: &'a mut dyn Embedder,
}

/// The paragraphs coverage looks at, and the texts it embeds (exposed for
/// calibration: rubrics/calibration/ embeds exactly these).
pub fn coverage_texts(document: &Document, rubric: &Rubric, found: &Findings) -> Vec<String> {
    document
        .paragraphs()
        .enumerate()
        .filter(|(i, (_, text))| {
            found.original(*i)
                && words(text).len() >= rubric.coverage.min_paragraph_words
                && !has_placeholder(text, rubric)
        })
        .map(|(_, (_, text))| text.to_owned())
        .collect()
}

fn has_placeholder(text: &str, rubric: &Rubric) -> bool {
    let lower = text.to_lowercase();
    rubric
        .structure
        .placeholders
        .iter()
        .any(|p| lower.contains(p.as_str()))
}

/// Score `document`.
pub fn score(document: &Document, tools: &mut Tools) -> PacketReport {
    let rubric = tools.rubric;
    let found = gaming::judge(document, &tools.sources.sources, &rubric.gaming);
    let gamed = found.flagged_share() >= rubric.gaming.gamed_share;
    let mut notes = document.notes.clone();
    let coverage = coverage_results(document, tools, &found, gamed, &mut notes);
    let consistency = consistency::check(
        &document.front,
        tools.calculator,
        rubric.consistency.rel_tolerance,
    );
    let mut coverage_iter = coverage.into_iter();
    let criteria = rubric
        .criteria
        .iter()
        .map(|criterion| {
            let (share, review, finding) = match criterion.check {
                Check::Structure => structure(document, rubric, &found),
                Check::EvidenceSources => sources(document, rubric, &found),
                Check::EvidenceUnits => units(document, rubric, &found),
                Check::Consistency => consistency_result(&consistency),
                Check::Originality => originality(document, rubric, &found),
                Check::Coverage => coverage_iter
                    .next()
                    .unwrap_or((0.0, true, "not scored".into())),
            };
            criterion_report(criterion, share, review, finding)
        })
        .collect();
    let mut report = PacketReport {
        status: PacketStatus::Scored,
        rubric: format!("packet-rubric v{}", rubric.version),
        score: 0.0,
        max_score: 0.0,
        needs_review: false,
        notes,
        criteria,
    };
    report.total();
    report
}

/// Every criterion at 0 with `why` (a packet that is not text).
pub fn unreadable(rubric: &Rubric, why: &str) -> PacketReport {
    let mut report = PacketReport {
        status: PacketStatus::Unreadable,
        rubric: format!("packet-rubric v{}", rubric.version),
        score: 0.0,
        max_score: 0.0,
        needs_review: false,
        notes: vec![why.to_owned()],
        criteria: rubric
            .criteria
            .iter()
            .map(|c| criterion_report(c, 0.0, false, format!("not scored: {why}")))
            .collect(),
    };
    report.total();
    report
}

fn criterion_report(
    criterion: &Criterion,
    share: f64,
    review: bool,
    finding: String,
) -> CriterionReport {
    let max = criterion.points;
    let score = round_score((share.clamp(0.0, 1.0) * max * 100.0).round() / 100.0);
    let feedback = criterion.feedback.for_score(score, max);
    CriterionReport {
        id: criterion.id.clone(),
        title: criterion.title.clone(),
        check: criterion.check.as_str().to_owned(),
        score,
        max_score: max,
        reason: format!("{finding}. {feedback}"),
        needs_review: review,
        overridden: None,
    }
}

type Result3 = (f64, bool, String);

fn structure(document: &Document, rubric: &Rubric, found: &Findings) -> Result3 {
    if document.is_empty() {
        return (0.0, false, "the packet is empty".into());
    }
    let mut ok = 0;
    let mut problems = Vec::new();
    for spec in &rubric.sections {
        let Some(index) = document.sections.iter().position(|s| {
            let heading = s.heading.to_lowercase();
            spec.matches.iter().any(|m| heading.contains(m.as_str()))
        }) else {
            problems.push(format!("missing \"{}\"", spec.heading));
            continue;
        };
        let mut original = 0;
        let mut placeholder = false;
        for (i, (section, text)) in document.paragraphs().enumerate() {
            if section != index {
                continue;
            }
            if has_placeholder(text, rubric) {
                placeholder = true;
            } else if found.original(i) {
                original += words(text).len();
            }
        }
        if placeholder {
            problems.push(format!(
                "\"{}\" still has template placeholder text",
                spec.heading
            ));
        } else if original < rubric.structure.min_words {
            problems.push(format!(
                "\"{}\" has {original} words of its own (at least {} needed)",
                spec.heading, rubric.structure.min_words
            ));
        } else {
            ok += 1;
        }
    }
    let total = rubric.sections.len().max(1);
    let finding = if problems.is_empty() {
        format!("all {total} sections present and substantive")
    } else {
        format!("{ok} of {total} sections complete; {}", problems.join("; "))
    };
    (ok as f64 / total as f64, false, finding)
}

/// Claim paragraphs: those naming a vendor or model not yet named in an
/// earlier dated and sourced paragraph, and every paragraph stating a price.
fn sources(document: &Document, rubric: &Rubric, found: &Findings) -> Result3 {
    let spec = &rubric.evidence;
    let mut covered: Vec<&str> = Vec::new();
    let mut claims: Vec<(String, evidence::Claim)> = Vec::new();
    for (i, (_, text)) in document.paragraphs().enumerate() {
        if !found.original(i) || has_placeholder(text, rubric) {
            continue;
        }
        let Some(claim) = evidence::claim(text, spec) else {
            continue;
        };
        let named = evidence::names(text, spec);
        let priced = evidence::states_price(text);
        if !priced && !named.is_empty() && named.iter().all(|n| covered.contains(n)) {
            continue;
        }
        if claim.dated && claim.sourced {
            covered.extend(named);
        }
        claims.push((text.to_owned(), claim));
    }
    if claims.is_empty() {
        return (
            0.0,
            false,
            "no vendor, model or price claims found in your own text".into(),
        );
    }
    let full = claims.iter().filter(|(_, c)| c.dated && c.sourced).count();
    let half = claims.iter().filter(|(_, c)| c.dated != c.sourced).count();
    let share = (full as f64 + 0.5 * half as f64) / claims.len() as f64;
    let mut finding = format!(
        "{} claims: {full} dated and sourced, {half} with only one of the two",
        claims.len()
    );
    if let Some((text, c)) = claims.iter().find(|(_, c)| !(c.dated && c.sourced)) {
        let lacks = match (c.dated, c.sourced) {
            (false, false) => "an \"as of\" date and a source",
            (false, true) => "an \"as of\" date",
            _ => "a source",
        };
        finding.push_str(&format!(
            "; e.g. \"{}\" lacks {lacks}",
            cut(text.lines().next().unwrap_or_default(), 70)
        ));
    }
    (share, false, finding)
}

fn units(document: &Document, rubric: &Rubric, found: &Findings) -> Result3 {
    let spec = &rubric.evidence;
    let figures: Vec<evidence::Figure> = document
        .paragraphs()
        .enumerate()
        .filter(|(i, (_, text))| found.original(*i) && !has_placeholder(text, rubric))
        .flat_map(|(_, (_, text))| evidence::figures(text, spec))
        .collect();
    if figures.is_empty() {
        return (0.0, false, "no figures found in your own text".into());
    }
    let with = figures.iter().filter(|f| f.has_unit).count();
    let ratio = with as f64 / figures.len() as f64;
    let share = ((ratio - spec.units_zero) / (spec.units_full - spec.units_zero)).clamp(0.0, 1.0);
    let mut finding = format!("{with} of {} figures carry a unit", figures.len());
    let bare: Vec<&str> = figures
        .iter()
        .filter(|f| !f.has_unit)
        .map(|f| f.text.as_str())
        .take(5)
        .collect();
    if !bare.is_empty() {
        finding.push_str(&format!(" (without: {})", bare.join(", ")));
    }
    let review = figures.len() < spec.min_figures;
    if review {
        finding.push_str(&format!(
            "; fewer than {} figures, too few to judge",
            spec.min_figures
        ));
    }
    (share, review, finding)
}

fn consistency_result(result: &consistency::Consistency) -> Result3 {
    let (share, review) = result.share();
    let lines: Vec<String> = result
        .parts
        .iter()
        .map(|(part, findings)| {
            let text: Vec<String> = findings
                .iter()
                .map(|f| match f {
                    Finding::Agrees(s) => format!("ok: {s}"),
                    Finding::Mismatch(s) => format!("MISMATCH: {s}"),
                    Finding::Missing(s) => format!("missing: {s}"),
                    Finding::Unverifiable(s) => format!("needs review: {s}"),
                })
                .collect();
            format!("{part}: {}", text.join("; "))
        })
        .collect();
    (share, review, lines.join(" | "))
}

fn originality(document: &Document, rubric: &Rubric, found: &Findings) -> Result3 {
    let spec = &rubric.gaming;
    if found.judged_words == 0 {
        return (0.0, false, "no paragraphs long enough to judge".into());
    }
    let flagged = found.flagged_share();
    let share =
        ((spec.gamed_share - flagged) / (spec.gamed_share - spec.clean_share)).clamp(0.0, 1.0);
    let parts: Vec<String> = found
        .breakdown(document)
        .into_iter()
        .map(|(what, n)| format!("{n} words {what}"))
        .collect();
    let finding = if parts.is_empty() {
        "no pasted rubric, template or lesson text and no repeated paragraphs".to_owned()
    } else {
        format!(
            "{:.0}% of your words are copies or repeats ({}); at {:.0}% the packet counts as gamed and earns no coverage points",
            flagged * 100.0,
            parts.join(", "),
            spec.gamed_share * 100.0
        )
    };
    (share, share > 0.0 && share < 1.0, finding)
}

fn coverage_results(
    document: &Document,
    tools: &mut Tools,
    found: &Findings,
    gamed: bool,
    notes: &mut Vec<String>,
) -> Vec<Result3> {
    let rubric = tools.rubric;
    let criteria: Vec<&Criterion> = rubric
        .criteria
        .iter()
        .filter(|c| c.check == Check::Coverage)
        .collect();
    if gamed {
        let why = format!(
            "not credited: {:.0}% of the packet is pasted rubric, template or lesson text or repeated paragraphs",
            found.flagged_share() * 100.0
        );
        return criteria.iter().map(|_| (0.0, false, why.clone())).collect();
    }
    let texts = coverage_texts(document, rubric, found);
    if texts.is_empty() {
        return criteria
            .iter()
            .map(|_| (0.0, false, "no paragraphs of your own to compare".into()))
            .collect();
    }
    let queries: Vec<String> = criteria.iter().map(|c| c.description.clone()).collect();
    match coverage::best_matches(tools.embedder, &queries, &texts) {
        Err(why) => {
            notes.push(format!("coverage needs review: {why}"));
            criteria
                .iter()
                .map(|_| (0.0, true, format!("needs review: the MiniLM model is not available here ({why})")))
                .collect()
        }
        Ok(best) => best
            .into_iter()
            .map(|m| match m {
                None => (0.0, false, "no paragraphs of your own to compare".into()),
                Some((similarity, index)) => {
                    let (share, review) = coverage::share(similarity, &rubric.coverage);
                    (
                        share,
                        review,
                        format!(
                            "best-matching paragraph \"{}\" has similarity {similarity:.3} (full at {:.2}, none below {:.2})",
                            cut(texts[index].lines().next().unwrap_or_default(), 60),
                            rubric.coverage.full,
                            rubric.coverage.zero
                        ),
                    )
                }
            })
            .collect(),
    }
}
