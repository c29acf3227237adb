//! The gradebook CSV: one row per student, ready for an LMS import.
//!
//! Columns: `student`, one per lab (points), `packet` (the packet's points;
//! empty when the student submitted no packet.md), `total` (labs and
//! packet), `max`, `status` and `note` (which also says when packet scores
//! need review). A lab the
//! grader failed on has an empty cell and so does the total: importing an
//! unknown grade as 0 would be wrong. RFC 4180 quoting; text cells that a
//! spreadsheet would run as a formula get a leading `'`.

use std::io::{self, Write};

use super::{lab_has_grader_error, one_line, points, Gradebook, StudentStatus};
use crate::report::{LabStatus, Report};

/// Write `gradebook` as CSV.
pub fn render_gradebook(gradebook: &Gradebook, out: &mut dyn Write) -> io::Result<()> {
    let mut header = vec!["student".to_owned()];
    header.extend(gradebook.labs.iter().map(|lab| lab.id.clone()));
    header.extend(["packet", "total", "max", "status", "note"].map(String::from));
    write_row(out, &header)?;
    let max = points(gradebook.max_total());
    for student in &gradebook.students {
        let report = &student.report;
        let mut row = vec![text_cell(&student.id)];
        for lab in &gradebook.labs {
            row.push(Gradebook::lab_score(report, &lab.id).map_or_else(String::new, points));
        }
        row.push(
            report
                .packet
                .as_ref()
                .map_or_else(String::new, |p| points(p.score)),
        );
        row.push(gradebook.total(report).map_or_else(String::new, points));
        row.push(max.clone());
        row.push(StudentStatus::of(report).as_str().to_owned());
        row.push(text_cell(&note(gradebook, report)));
        write_row(out, &row)?;
    }
    Ok(())
}

/// What a teacher should know about a row, in the grader's words.
fn note(gradebook: &Gradebook, report: &Report) -> String {
    if let Some(error) = &report.error {
        return one_line(error);
    }
    let mut notes = Vec::new();
    for column in &gradebook.labs {
        let Some(lab) = report.labs.iter().find(|l| l.id == column.id) else {
            continue;
        };
        if lab_has_grader_error(lab) {
            let why = lab
                .message
                .as_deref()
                .unwrap_or("a case had no expected value");
            notes.push(format!("{}: grader error: {}", lab.id, one_line(why)));
            continue;
        }
        match lab.status {
            LabStatus::NotSubmitted => notes.push(format!("{}: not submitted", lab.id)),
            LabStatus::CompileError => notes.push(format!("{}: did not compile", lab.id)),
            LabStatus::Graded | LabStatus::GraderError => {}
        }
    }
    if let Some(packet) = &report.packet {
        if packet.needs_review {
            let ids: Vec<&str> = packet
                .criteria
                .iter()
                .filter(|c| c.needs_review && c.overridden.is_none())
                .map(|c| c.id.as_str())
                .collect();
            notes.push(format!("packet: review {}", ids.join(", ")));
        }
    }
    notes.join("; ")
}

fn write_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| quote(c)).collect();
    // CRLF, as RFC 4180 has it; every LMS importer reads it.
    write!(out, "{}\r\n", line.join(","))
}

/// A cell, quoted when it holds a comma, a quote or a line break.
pub fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// A text cell a spreadsheet will not run as a formula.
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(quote("alice"), "alice");
        assert_eq!(quote("Smith, Alice"), "\"Smith, Alice\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote(" padded"), "\" padded\"");
        assert_eq!(quote(""), "");
    }

    #[test]
    fn formula_like_text_is_defused() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("-1+2"), "'-1+2");
        assert_eq!(text_cell("@sum"), "'@sum");
        assert_eq!(text_cell("alice"), "alice");
    }

    #[test]
    fn a_row_is_comma_joined_and_crlf_ended() {
        let mut out = Vec::new();
        write_row(&mut out, &["a".into(), "b,c".into(), String::new()]).unwrap();
        assert_eq!(out, b"a,\"b,c\",\r\n");
    }
}
