//! Class statistics: the score histogram, and per lab (with its lessons),
//! group and case how the class did, so a teacher sees at a glance which
//! lesson the class did not get. Rendered as a self-contained HTML page
//! (inline CSS and SVG, no external assets) and as Markdown.
//!
//! Per-case and per-group figures count the submissions of a lab that
//! compiled: a crate that did not build fails every case, which says
//! nothing about any one lesson; those are counted apart.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{points, Gradebook, LabColumn, StudentStatus};
use crate::course::Visibility;
use crate::outcome::Outcome;
use crate::report::{LabStatus, Report};

/// Bins of the score histogram (0-10 %, ..., 90-100 %).
const BINS: usize = 10;
/// Groups listed as "hardest" at the top.
const HARDEST: usize = 5;
/// Cases listed per lab as the most failed.
const MOST_FAILED: usize = 15;

/// What the class did, computed from a gradebook.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    /// Course title.
    pub course: String,
    /// Students in the gradebook.
    pub students: usize,
    /// Students per status, in a fixed order.
    pub by_status: Vec<(StudentStatus, usize)>,
    /// Points available.
    pub max_total: f64,
    /// Known totals (students whose every lab has a score).
    pub totals: Vec<f64>,
    /// Students per tenth of the points available.
    pub histogram: [usize; BINS],
    /// One entry per lab.
    pub labs: Vec<LabStats>,
}

/// One lab.
#[derive(Debug, Clone, PartialEq)]
pub struct LabStats {
    /// The lab.
    pub column: LabColumn,
    /// Students who handed it in.
    pub submitted: usize,
    /// Of those, whose crate compiled and ran.
    pub compiled: usize,
    /// Mean points of those who handed it in.
    pub mean_score: Option<f64>,
    /// Its groups, in lab order.
    pub groups: Vec<GroupStats>,
}

/// One group of cases.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStats {
    /// Group name.
    pub name: String,
    /// What it checks.
    pub title: String,
    /// Visibility of its cases.
    pub visibility: Visibility,
    /// Its points.
    pub points: f64,
    /// Mean share of its points earned by compiled submissions (0..=1).
    pub mean_fraction: Option<f64>,
    /// Compiled submissions that passed every case.
    pub full_marks: usize,
    /// Its cases.
    pub cases: Vec<CaseStats>,
}

/// One case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseStats {
    /// `<group>/<name>`.
    pub id: String,
    /// Compiled submissions it ran on.
    pub ran: usize,
    /// Of those, how many failed it.
    pub failed: usize,
    /// The most common failure and its count.
    pub top_failure: Option<(Outcome, usize)>,
}

impl ClassStats {
    /// The statistics of `gradebook`.
    pub fn of(gradebook: &Gradebook) -> ClassStats {
        let reports: Vec<&Report> = gradebook.students.iter().map(|s| &s.report).collect();
        let statuses = [
            StudentStatus::Graded,
            StudentStatus::NotSubmitted,
            StudentStatus::InvalidSubmission,
            StudentStatus::GraderError,
        ];
        let by_status = statuses
            .iter()
            .map(|&s| {
                (
                    s,
                    reports.iter().filter(|r| StudentStatus::of(r) == s).count(),
                )
            })
            .collect();
        let max_total = gradebook.max_total();
        let totals: Vec<f64> = reports.iter().filter_map(|r| gradebook.total(r)).collect();
        let mut histogram = [0; BINS];
        for total in &totals {
            histogram[bin(*total, max_total)] += 1;
        }
        ClassStats {
            course: gradebook.course.clone(),
            students: reports.len(),
            by_status,
            max_total,
            totals,
            histogram,
            labs: gradebook
                .labs
                .iter()
                .map(|column| lab_stats(column, &reports))
                .collect(),
        }
    }

    /// Mean of the known totals.
    pub fn mean(&self) -> Option<f64> {
        (!self.totals.is_empty())
            .then(|| self.totals.iter().sum::<f64>() / self.totals.len() as f64)
    }

    /// Median of the known totals.
    pub fn median(&self) -> Option<f64> {
        let mut sorted = self.totals.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(sorted[n / 2]),
            _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
        }
    }

    /// The groups the class did worst in (lowest mean share), with their lab.
    pub fn hardest(&self) -> Vec<(&LabStats, &GroupStats)> {
        let mut all: Vec<(&LabStats, &GroupStats, f64)> = self
            .labs
            .iter()
            .flat_map(|lab| {
                lab.groups
                    .iter()
                    .filter_map(move |g| g.mean_fraction.map(|f| (lab, g, f)))
            })
            .filter(|(_, _, f)| *f < 1.0)
            .collect();
        all.sort_by(|a, b| a.2.total_cmp(&b.2));
        all.into_iter()
            .take(HARDEST)
            .map(|(l, g, _)| (l, g))
            .collect()
    }
}

impl LabStats {
    /// Cases someone failed, most failed first (ties in lab order).
    pub fn most_failed(&self) -> Vec<&CaseStats> {
        let mut failing: Vec<&CaseStats> = self
            .groups
            .iter()
            .flat_map(|g| &g.cases)
            .filter(|c| c.failed > 0)
            .collect();
        failing.sort_by_key(|c| std::cmp::Reverse(c.failed));
        failing
    }
}

fn bin(total: f64, max: f64) -> usize {
    if max <= 0.0 {
        return 0;
    }
    (((total / max) * BINS as f64).floor().max(0.0) as usize).min(BINS - 1)
}

fn lab_stats(column: &LabColumn, reports: &[&Report]) -> LabStats {
    let labs: Vec<_> = reports
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| r.labs.iter().find(|l| l.id == column.id))
        .filter(|l| l.status != LabStatus::NotSubmitted && !super::lab_has_grader_error(l))
        .collect();
    let compiled: Vec<_> = labs
        .iter()
        .filter(|l| l.status == LabStatus::Graded)
        .collect();
    let mean_score =
        (!labs.is_empty()).then(|| labs.iter().map(|l| l.score).sum::<f64>() / labs.len() as f64);
    // Groups and cases in the order the first compiled report lists them.
    let mut groups: Vec<GroupStats> = Vec::new();
    for lab in &compiled {
        for group in &lab.groups {
            if !groups.iter().any(|g| g.name == group.name) {
                groups.push(GroupStats {
                    name: group.name.clone(),
                    title: group.title.clone(),
                    visibility: group.visibility,
                    points: group.max_score,
                    mean_fraction: None,
                    full_marks: 0,
                    cases: Vec::new(),
                });
            }
        }
    }
    for stats in &mut groups {
        let mut fractions = Vec::new();
        let mut cases: Vec<CaseTally> = Vec::new();
        for lab in &compiled {
            let Some(group) = lab.groups.iter().find(|g| g.name == stats.name && g.graded) else {
                continue;
            };
            if group.max_score > 0.0 {
                fractions.push(group.score / group.max_score);
            }
            if group.passed == group.total {
                stats.full_marks += 1;
            }
            for case in lab.cases.iter().filter(|c| c.group == stats.name) {
                let index = match cases.iter().position(|t| t.id == case.id) {
                    Some(i) => i,
                    None => {
                        cases.push(CaseTally {
                            id: case.id.clone(),
                            ran: 0,
                            failures: BTreeMap::new(),
                        });
                        cases.len() - 1
                    }
                };
                let tally = &mut cases[index];
                tally.ran += 1;
                if !case.outcome.passed() {
                    *tally.failures.entry(case.outcome.as_str()).or_insert(0) += 1;
                }
            }
        }
        stats.mean_fraction =
            (!fractions.is_empty()).then(|| fractions.iter().sum::<f64>() / fractions.len() as f64);
        stats.cases = cases.into_iter().map(CaseTally::finish).collect();
    }
    LabStats {
        column: column.clone(),
        submitted: labs.len(),
        compiled: compiled.len(),
        mean_score,
        groups,
    }
}

/// Counts of one case while reading the reports.
struct CaseTally {
    id: String,
    ran: usize,
    failures: BTreeMap<&'static str, usize>,
}

impl CaseTally {
    fn finish(self) -> CaseStats {
        let top = self
            .failures
            .iter()
            .max_by_key(|(_, n)| **n)
            .and_then(|(name, n)| outcome_named(name).map(|o| (o, *n)));
        CaseStats {
            id: self.id,
            ran: self.ran,
            failed: self.failures.values().sum(),
            top_failure: top,
        }
    }
}

fn outcome_named(name: &str) -> Option<Outcome> {
    Outcome::ALL.into_iter().find(|o| o.as_str() == name)
}

fn percent(fraction: Option<f64>) -> String {
    fraction.map_or_else(|| "–".to_owned(), |f| format!("{:.0}%", f * 100.0))
}

fn bin_label(i: usize) -> String {
    let step = 100 / BINS;
    if i + 1 == BINS {
        format!("{}–100%", i * step)
    } else {
        format!("{}–{}%", i * step, (i + 1) * step)
    }
}

/// Write the statistics of `gradebook` as a Markdown page.
pub fn render_markdown(gradebook: &Gradebook, out: &mut dyn Write) -> io::Result<()> {
    let stats = ClassStats::of(gradebook);
    writeln!(out, "# {} — class statistics\n", md(&stats.course))?;
    overview_markdown(&stats, out)?;
    writeln!(out, "\n## Scores\n")?;
    writeln!(out, "| score | students | |")?;
    writeln!(out, "|---|---:|---|")?;
    let most = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    for (i, count) in stats.histogram.iter().enumerate() {
        writeln!(
            out,
            "| {} | {count} | {} |",
            bin_label(i),
            text_bar(*count as f64 / most as f64)
        )?;
    }
    let hardest = stats.hardest();
    if !hardest.is_empty() {
        writeln!(out, "\n## Where the class lost the most points\n")?;
        writeln!(out, "| lab | lessons | group | mean earned |")?;
        writeln!(out, "|---|---|---|---:|")?;
        for (lab, group) in hardest {
            writeln!(
                out,
                "| {} | {} | {} — {} | {} |",
                md(&lab.column.id),
                md(&lab.column.lessons.join(", ")),
                md(&group.name),
                md(&group.title),
                percent(group.mean_fraction)
            )?;
        }
    }
    for lab in &stats.labs {
        lab_markdown(lab, out)?;
    }
    Ok(())
}

fn overview_markdown(stats: &ClassStats, out: &mut dyn Write) -> io::Result<()> {
    let statuses: Vec<String> = stats
        .by_status
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str().replace('_', " ")))
        .collect();
    writeln!(
        out,
        "- students: {} ({})",
        stats.students,
        statuses.join(", ")
    )?;
    writeln!(
        out,
        "- total: mean {}, median {} of {}",
        stats.mean().map_or_else(|| "–".into(), points),
        stats.median().map_or_else(|| "–".into(), points),
        points(stats.max_total)
    )
}

fn lab_markdown(lab: &LabStats, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\n## {} · {}\n",
        md(&lab.column.id),
        md(&lab.column.title)
    )?;
    writeln!(out, "Lessons: {}\n", md(&lab.column.lessons.join(", ")))?;
    writeln!(
        out,
        "Handed in by {}, compiled for {}; mean {} of {} points.\n",
        lab.submitted,
        lab.compiled,
        lab.mean_score.map_or_else(|| "–".into(), points),
        points(lab.column.max_score)
    )?;
    writeln!(
        out,
        "| group | what it checks | visibility | points | mean earned | full marks | |"
    )?;
    writeln!(out, "|---|---|---|---:|---:|---:|---|")?;
    for group in &lab.groups {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {}/{} | {} |",
            md(&group.name),
            md(&group.title),
            group.visibility,
            points(group.points),
            percent(group.mean_fraction),
            group.full_marks,
            lab.compiled,
            text_bar(group.mean_fraction.unwrap_or(0.0))
        )?;
    }
    let failing = lab.most_failed();
    if failing.is_empty() {
        return Ok(());
    }
    let shown = failing.len().min(MOST_FAILED);
    writeln!(
        out,
        "\nMost failed cases (of {} failed by someone; compiled submissions only):\n",
        failing.len()
    )?;
    writeln!(out, "| case | failed | most common failure |")?;
    writeln!(out, "|---|---:|---|")?;
    for case in &failing[..shown] {
        writeln!(
            out,
            "| {} | {}/{} | {} |",
            md(&case.id),
            case.failed,
            case.ran,
            top_failure(case)
        )?;
    }
    Ok(())
}

fn top_failure(case: &CaseStats) -> String {
    case.top_failure
        .map_or_else(String::new, |(o, n)| format!("{o} ({n})"))
}

fn text_bar(fraction: f64) -> String {
    let filled = (fraction.clamp(0.0, 1.0) * 10.0).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// Markdown table-cell text: pipes escaped, one line.
fn md(text: &str) -> String {
    super::one_line(text).replace('|', "\\|")
}

/// Write the statistics of `gradebook` as a self-contained HTML page.
pub fn render_html(gradebook: &Gradebook, out: &mut dyn Write) -> io::Result<()> {
    let stats = ClassStats::of(gradebook);
    let title = format!("{} — class statistics", stats.course);
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        html(&title)
    )?;
    writeln!(out, "<h1>{}</h1>", html(&title))?;
    let mut overview = Vec::new();
    overview_markdown(&stats, &mut overview)?;
    writeln!(out, "<ul>")?;
    for line in String::from_utf8_lossy(&overview).lines() {
        writeln!(out, "<li>{}</li>", html(line.trim_start_matches("- ")))?;
    }
    writeln!(out, "</ul>\n<h2>Scores</h2>")?;
    histogram_svg(&stats, out)?;
    let hardest = stats.hardest();
    if !hardest.is_empty() {
        writeln!(
            out,
            "<h2>Where the class lost the most points</h2>\n<table>"
        )?;
        writeln!(
            out,
            "<tr><th>lab</th><th>lessons</th><th>group</th><th>mean earned</th><th></th></tr>"
        )?;
        for (lab, group) in hardest {
            writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{} — {}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                html(&lab.column.id),
                html(&lab.column.lessons.join(", ")),
                html(&group.name),
                html(&group.title),
                percent(group.mean_fraction),
                svg_bar(group.mean_fraction.unwrap_or(0.0), "#2b7bb9")
            )?;
        }
        writeln!(out, "</table>")?;
    }
    for lab in &stats.labs {
        lab_html(lab, out)?;
    }
    writeln!(out, "</body>\n</html>")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}h2{margin-top:2em}.lessons{color:#555}svg text{font-size:11px;fill:#333}";

fn histogram_svg(stats: &ClassStats, out: &mut dyn Write) -> io::Result<()> {
    let (width, height, bar, gap, top, bottom) = (560, 200, 48, 8, 16, 36);
    let most = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    let plot = height - top - bottom;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"score histogram\">"
    )?;
    for (i, count) in stats.histogram.iter().enumerate() {
        let x = 8 + i * (bar + gap);
        let h = count * plot / most;
        let y = top + plot - h;
        writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"#2b7bb9\"><title>{}: {count}</title></rect>",
            bin_label(i)
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text>",
            x + bar / 2,
            y.saturating_sub(3).max(11)
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + bar / 2,
            height - bottom + 14,
            bin_label(i)
        )?;
    }
    writeln!(
        out,
        "<text x=\"8\" y=\"{}\">share of the {} points available</text>\n</svg>",
        height - 6,
        points(stats.max_total)
    )
}

fn svg_bar(fraction: f64, colour: &str) -> String {
    let width = 160.0;
    let filled = (fraction.clamp(0.0, 1.0) * width).round();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"12\"><rect width=\"{width}\" height=\"12\" fill=\"#eee\"/><rect width=\"{filled}\" height=\"12\" fill=\"{colour}\"/></svg>"
    )
}

fn lab_html(lab: &LabStats, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<h2>{} · {}</h2>",
        html(&lab.column.id),
        html(&lab.column.title)
    )?;
    writeln!(
        out,
        "<p class=\"lessons\">Lessons: {}</p>",
        html(&lab.column.lessons.join(", "))
    )?;
    writeln!(
        out,
        "<p>Handed in by {}, compiled for {}; mean {} of {} points.</p>",
        lab.submitted,
        lab.compiled,
        lab.mean_score.map_or_else(|| "–".into(), points),
        points(lab.column.max_score)
    )?;
    writeln!(out, "<table>\n<tr><th>group</th><th>what it checks</th><th>visibility</th><th>points</th><th>mean earned</th><th></th><th>full marks</th></tr>")?;
    for group in &lab.groups {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}/{}</td></tr>",
            html(&group.name),
            html(&group.title),
            group.visibility,
            points(group.points),
            percent(group.mean_fraction),
            svg_bar(group.mean_fraction.unwrap_or(0.0), "#2b7bb9"),
            group.full_marks,
            lab.compiled
        )?;
    }
    writeln!(out, "</table>")?;
    let failing = lab.most_failed();
    if failing.is_empty() {
        return Ok(());
    }
    let shown = failing.len().min(MOST_FAILED);
    writeln!(out, "<h3>Most failed cases</h3>")?;
    case_table(&failing[..shown], out)?;
    if failing.len() > shown {
        writeln!(
            out,
            "<details><summary>All {} cases someone failed</summary>",
            failing.len()
        )?;
        case_table(&failing, out)?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

fn case_table(cases: &[&CaseStats], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<table>\n<tr><th>case</th><th>failed</th><th></th><th>most common failure</th></tr>"
    )?;
    for case in cases {
        let share = case.failed as f64 / case.ran.max(1) as f64;
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}/{}</td><td>{}</td><td>{}</td></tr>",
            html(&case.id),
            case.failed,
            case.ran,
            svg_bar(share, "#c0392b"),
            html(&top_failure(case))
        )?;
    }
    writeln!(out, "</table>")
}

/// Escape text for HTML.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_fall_in_tenths_with_full_marks_in_the_last_bin() {
        assert_eq!(bin(0.0, 22.0), 0);
        assert_eq!(bin(2.2, 22.0), 1);
        assert_eq!(bin(21.9, 22.0), 9);
        assert_eq!(bin(22.0, 22.0), 9);
        assert_eq!(bin(5.0, 0.0), 0);
    }

    #[test]
    fn the_html_page_needs_nothing_from_outside() {
        let gradebook = Gradebook {
            course: "C <&>".into(),
            labs: vec![],
            students: vec![],
        };
        let mut out = Vec::new();
        render_html(&gradebook, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains("C &lt;&amp;&gt;"));
        for external in ["<script", "<link", "src=", "href=", "@import", "url("] {
            assert!(!page.contains(external), "{external}");
        }
    }
}
