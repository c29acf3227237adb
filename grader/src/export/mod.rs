//! Exports of graded reports: the gradebook CSV, Gradescope's
//! `results.json`, JUnit XML and the class statistics (HTML and Markdown).
//!
//! Every exporter reads the same [`Report`]s, in which a hidden case never
//! has details (input, expected or actual value): visibility is enforced
//! once, when the report is built, so no exporter can leak one. Renderers
//! write to `&mut dyn Write`.

pub mod csv;
pub mod gradescope;
pub mod junit;
pub mod stats;

use std::path::{Path, PathBuf};

use crate::course::{Course, LabManifest};
use crate::outcome::Outcome;
use crate::report::{render_json, round_score, LabReport, LabStatus, Report};

/// A lab as a gradebook column.
#[derive(Debug, Clone, PartialEq)]
pub struct LabColumn {
    /// Lab id (the column's name).
    pub id: String,
    /// Lab title.
    pub title: String,
    /// Lessons it teaches.
    pub lessons: Vec<String>,
    /// Its points, every group counted.
    pub max_score: f64,
}

impl LabColumn {
    /// The column of `lab`.
    pub fn of(lab: &LabManifest) -> LabColumn {
        LabColumn {
            id: lab.id.clone(),
            title: lab.title.clone(),
            lessons: lab.lessons.clone(),
            max_score: round_score(lab.max_score()),
        }
    }

    /// The columns of `course`'s labs named in `ids` (every lab when empty),
    /// in course order.
    pub fn of_course(course: &Course, ids: &[String]) -> Vec<LabColumn> {
        course
            .labs
            .iter()
            .filter(|lab| ids.is_empty() || ids.contains(&lab.id))
            .map(LabColumn::of)
            .collect()
    }
}

/// One student's graded report.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentResult {
    /// Student id.
    pub id: String,
    /// Their report.
    pub report: Report,
}

/// A class's results: the input of every batch export.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradebook {
    /// Course title.
    pub course: String,
    /// The graded labs, in course order.
    pub labs: Vec<LabColumn>,
    /// One entry per student, sorted by id.
    pub students: Vec<StudentResult>,
}

/// How a student's grading went, as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudentStatus {
    /// At least one lab was graded (its cases may have failed).
    Graded,
    /// No lab of the batch was attempted.
    NotSubmitted,
    /// The entry could not be graded: a refused archive, no `labs/` folder.
    InvalidSubmission,
    /// The grader failed on some lab (not the student's fault; `--resume`
    /// grades it again).
    GraderError,
}

impl StudentStatus {
    /// The status of `report`.
    pub fn of(report: &Report) -> StudentStatus {
        if report.error.is_some() {
            StudentStatus::InvalidSubmission
        } else if report.has_grader_errors() {
            StudentStatus::GraderError
        } else if report
            .labs
            .iter()
            .all(|lab| lab.status == LabStatus::NotSubmitted)
        {
            StudentStatus::NotSubmitted
        } else {
            StudentStatus::Graded
        }
    }

    /// The snake_case name used in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            StudentStatus::Graded => "graded",
            StudentStatus::NotSubmitted => "not_submitted",
            StudentStatus::InvalidSubmission => "invalid_submission",
            StudentStatus::GraderError => "grader_error",
        }
    }
}

/// Whether the grader failed on `lab` (its score is then unknown).
pub fn lab_has_grader_error(lab: &LabReport) -> bool {
    lab.status == LabStatus::GraderError
        || lab.cases.iter().any(|c| c.outcome == Outcome::GraderError)
}

impl Gradebook {
    /// A student's points in lab `id`: 0 when not submitted or not
    /// gradable by the student's fault, `None` when the grader failed.
    pub fn lab_score(report: &Report, id: &str) -> Option<f64> {
        if report.error.is_some() {
            return Some(0.0);
        }
        match report.labs.iter().find(|lab| lab.id == id) {
            None => Some(0.0),
            Some(lab) if lab_has_grader_error(lab) => None,
            Some(lab) if lab.status == LabStatus::NotSubmitted => Some(0.0),
            Some(lab) => Some(lab.score),
        }
    }

    /// A student's total over the gradebook's labs plus their packet's
    /// points; `None` when some lab's score is unknown.
    pub fn total(&self, report: &Report) -> Option<f64> {
        self.labs
            .iter()
            .map(|lab| Gradebook::lab_score(report, &lab.id))
            .sum::<Option<f64>>()
            .map(|labs| round_score(labs + Gradebook::packet_score(report)))
    }

    /// A student's packet points (0 when they submitted none).
    pub fn packet_score(report: &Report) -> f64 {
        report.packet.as_ref().map_or(0.0, |p| p.score)
    }

    /// The packet's points: the rubric's, as recorded in any student's
    /// report (0 when no student submitted a packet).
    pub fn packet_max(&self) -> f64 {
        self.students
            .iter()
            .filter_map(|s| s.report.packet.as_ref())
            .map(|p| p.max_score)
            .fold(0.0, f64::max)
    }

    /// Points available over the gradebook's labs and the packet.
    pub fn max_total(&self) -> f64 {
        round_score(self.labs.iter().map(|lab| lab.max_score).sum::<f64>() + self.packet_max())
    }
}

/// Write every batch export of `gradebook` into `dir`: `gradebook.csv`,
/// `junit.xml`, `stats.html`, `stats.md` and `gradescope/<id>/results.json`
/// (each atomically). Returns the paths written.
pub fn write_all(dir: &Path, gradebook: &Gradebook) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    type Render = fn(&Gradebook, &mut dyn std::io::Write) -> std::io::Result<()>;
    let files: [(&str, Render); 4] = [
        ("gradebook.csv", csv::render_gradebook),
        ("junit.xml", junit::render_junit),
        ("stats.html", stats::render_html),
        ("stats.md", stats::render_markdown),
    ];
    for (name, render) in files {
        let mut buffer = Vec::new();
        render(gradebook, &mut buffer)?;
        let path = dir.join(name);
        crate::fsutil::write_atomic(&path, &buffer)?;
        written.push(path);
    }
    for student in &gradebook.students {
        written.push(write_gradescope(
            dir,
            &student.id,
            &student.report,
            &gradebook.labs,
        )?);
    }
    Ok(written)
}

/// Write `report` as `<dir>/results/<id>.json`, atomically.
pub fn write_result(dir: &Path, id: &str, report: &Report) -> std::io::Result<PathBuf> {
    let mut buffer = Vec::new();
    render_json(report, &mut buffer)?;
    let path = result_path(dir, id);
    crate::fsutil::write_atomic(&path, &buffer)?;
    Ok(path)
}

/// Write `report` as `<dir>/gradescope/<id>/results.json`, atomically.
pub fn write_gradescope(
    dir: &Path,
    id: &str,
    report: &Report,
    labs: &[LabColumn],
) -> std::io::Result<PathBuf> {
    let mut buffer = Vec::new();
    gradescope::render_gradescope(report, labs, &mut buffer)?;
    let path = dir.join("gradescope").join(id).join("results.json");
    crate::fsutil::write_atomic(&path, &buffer)?;
    Ok(path)
}

/// Where the result of student `id` lives in a batch folder.
pub fn result_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("results").join(format!("{id}.json"))
}

/// Every stored result in a batch folder: `(id, report)`, sorted by id.
/// Files that are not readable reports are returned as errors by id.
pub fn read_results(dir: &Path) -> std::io::Result<Vec<(String, Result<Report, String>)>> {
    let folder = dir.join("results");
    let mut results = Vec::new();
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(results),
        Err(err) => return Err(err),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(id) = name
            .to_str()
            .filter(|n| !n.starts_with('.'))
            .and_then(|n| n.strip_suffix(".json"))
        else {
            // Temporary files of an interrupted atomic write, strays.
            continue;
        };
        results.push((id.to_owned(), read_report(&entry.path())));
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(results)
}

/// A stored report, or why it cannot be used.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// `text` on one line, runs of white space made one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Points for people: at most 4 decimals, no trailing zeros (`22`, `21.8`).
pub fn points(x: f64) -> String {
    let rounded = round_score(x);
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_cleanly() {
        assert_eq!(points(22.0), "22");
        assert_eq!(points(21.8), "21.8");
        assert_eq!(points(2.0 / 7.0), "0.2857");
        assert_eq!(points(0.0), "0");
    }
}
