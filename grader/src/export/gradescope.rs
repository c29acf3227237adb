//! Gradescope's `results.json` for one student, after the published
//! autograder specification
//! (<https://gradescope-autograders.readthedocs.io/en/latest/specs/>):
//! a top-level `score`, `output` and `tests`, each test with `score`,
//! `max_score`, `status`, `name`, `number`, `output`, `tags` and
//! `visibility`.
//!
//! One test per case, plus a 0-point "build" test per lab that carries the
//! compiler's message (Gradescope's own advice: keep the compile check
//! visible). Case visibility maps one to one: `visible`, `hidden` (never
//! shown to students) and `after_due_date`. A hidden case's test carries its
//! name, outcome and message only; the report has no input or expected
//! value for it to leak. The hidden seed is not exported either: with it
//! and the grader's source, a student could regenerate the hidden inputs.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::{lab_has_grader_error, LabColumn};
use crate::course::Visibility;
use crate::report::{show_value, CaseReport, LabReport, LabStatus, Report};

/// The top level of `results.json` (only the fields this grader sets).
#[derive(Debug, Serialize)]
struct Results {
    score: f64,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Test>,
}

/// One test of `results.json`.
#[derive(Debug, Serialize)]
struct Test {
    score: f64,
    max_score: f64,
    status: &'static str,
    name: String,
    number: String,
    output: String,
    output_format: &'static str,
    tags: Vec<String>,
    visibility: &'static str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    extra_data: Map<String, Value>,
}

/// Gradescope's name of a visibility.
pub fn visibility(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Visible => "visible",
        Visibility::Hidden => "hidden",
        Visibility::AfterDueDate => "after_due_date",
    }
}

/// Write `report` as Gradescope's `results.json`; `labs` are the labs
/// graded (a lab not submitted still shows, at 0 of its points).
pub fn render_gradescope(
    report: &Report,
    labs: &[LabColumn],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut tests = Vec::new();
    for (index, column) in labs.iter().enumerate() {
        let number = index + 1;
        match report.labs.iter().find(|lab| lab.id == column.id) {
            _ if report.error.is_some() => {
                let why = report.error.clone().unwrap_or_default();
                tests.push(lab_test(column, number, format!("not graded: {why}")));
            }
            None => tests.push(lab_test(column, number, "not graded".into())),
            Some(lab) if lab.status == LabStatus::NotSubmitted => {
                let why = lab
                    .message
                    .clone()
                    .unwrap_or_else(|| "not submitted".into());
                tests.push(lab_test(column, number, why));
            }
            Some(lab) if lab_has_grader_error(lab) && lab.cases.is_empty() => {
                let mut test = lab_test(
                    column,
                    number,
                    "the grader could not grade this lab; this is not your fault: tell your instructor".into(),
                );
                let why = lab.message.clone().unwrap_or_default();
                test.extra_data
                    .insert("grader_error".into(), Value::String(why));
                tests.push(test);
            }
            Some(lab) => {
                tests.push(build_test(lab, number));
                tests.extend(case_tests(lab, number));
            }
        }
    }
    if let Some(packet) = &report.packet {
        tests.extend(packet_tests(packet, labs.len() + 1));
    }
    let results = Results {
        score: report.score,
        output: summary(report, labs),
        output_format: "text",
        visibility: "visible",
        stdout_visibility: "hidden",
        tests,
    };
    serde_json::to_writer_pretty(&mut *out, &results)?;
    writeln!(out)
}

/// A lab that has no cases to show: 0 of its points, with why.
fn lab_test(column: &LabColumn, number: usize, output: String) -> Test {
    Test {
        score: 0.0,
        max_score: column.max_score,
        status: "failed",
        name: format!("{} · {}", column.id, column.title),
        number: number.to_string(),
        output,
        output_format: "text",
        tags: vec![column.id.clone()],
        visibility: "visible",
        extra_data: Map::new(),
    }
}

/// The 0-point test saying whether the lab compiled, with the message.
fn build_test(lab: &LabReport, number: usize) -> Test {
    let compiled = lab.status != LabStatus::CompileError;
    let mut output = if compiled {
        "your crate compiled against the grader's driver".to_owned()
    } else {
        "your crate did not compile, so no case could run".to_owned()
    };
    if let Some(message) = &lab.message {
        output.push_str("\n\n");
        output.push_str(message);
    }
    if let Some(printed) = &lab.student_output {
        output.push_str("\n\nyour code printed (visible cases):\n");
        output.push_str(printed);
    }
    Test {
        score: 0.0,
        max_score: 0.0,
        status: if compiled { "passed" } else { "failed" },
        name: format!("{} · build", lab.id),
        number: format!("{number}.0"),
        output,
        output_format: "text",
        tags: vec![lab.id.clone(), "build".into()],
        visibility: "visible",
        extra_data: Map::new(),
    }
}

fn case_tests(lab: &LabReport, number: usize) -> Vec<Test> {
    let mut tests = Vec::new();
    for (g, group) in lab.groups.iter().enumerate() {
        let cases = lab.cases.iter().filter(|c| c.group == group.name);
        for (c, case) in cases.enumerate() {
            tests.push(Test {
                score: case.score,
                max_score: case.max_score,
                status: if case.outcome.passed() {
                    "passed"
                } else {
                    "failed"
                },
                name: format!("{} · {}", lab.id, case.id),
                number: format!("{number}.{}.{}", g + 1, c + 1),
                output: case_output(case, group.hint.as_deref()),
                output_format: "text",
                tags: vec![lab.id.clone(), group.name.clone()],
                visibility: visibility(case.visibility),
                extra_data: Map::new(),
            });
        }
    }
    tests
}

/// Outcome and message; the call, expected and actual values only where
/// the report has them (visible cases).
fn case_output(case: &CaseReport, hint: Option<&str>) -> String {
    let mut lines = vec![format!("{}: {}", case.outcome, case.message)];
    if let Some(details) = &case.details {
        lines.push(format!(
            "call:     {}({})",
            details.call,
            show_value(&details.args)
        ));
        lines.push(format!("expected: {}", show_value(&details.expected)));
        if let Some(actual) = &details.actual {
            lines.push(format!("actual:   {}", show_value(actual)));
        }
    }
    if let (false, Some(hint)) = (case.outcome.passed(), hint) {
        lines.push(format!("hint: {hint}"));
    }
    lines.join("\n")
}

/// One visible test per packet criterion, numbered `<n>.<i>`, tagged
/// `packet` (and `needs_review` when a person should confirm it); an
/// override shows the automatic score beside the instructor's.
fn packet_tests(packet: &crate::packet::PacketReport, number: usize) -> Vec<Test> {
    packet
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut tags = vec!["packet".to_owned(), c.check.clone()];
            let mut output = c.reason.clone();
            if let Some(o) = &c.overridden {
                output = format!(
                    "{output}\n(automatic score {}: {})",
                    super::points(o.automatic_score),
                    o.automatic_reason
                );
            } else if c.needs_review {
                tags.push("needs_review".into());
                output.push_str("\n(flagged for review by your instructor)");
            }
            Test {
                score: c.score,
                max_score: c.max_score,
                status: if c.score >= c.max_score - 1e-9 {
                    "passed"
                } else {
                    "failed"
                },
                name: format!("packet: {}", c.title),
                number: format!("{number}.{}", i + 1),
                output,
                output_format: "text",
                tags,
                visibility: "visible",
                extra_data: Map::new(),
            }
        })
        .collect()
}

/// The top-level output: the score per lab.
fn summary(report: &Report, labs: &[LabColumn]) -> String {
    let mut lines = vec![format!(
        "{} — graded by grader {} ({})",
        report.course, report.grader_version, report.rustc
    )];
    if let Some(error) = &report.error {
        lines.push(format!("Your submission could not be graded: {error}"));
    }
    for column in labs {
        let score = report
            .labs
            .iter()
            .find(|lab| lab.id == column.id)
            .map_or(0.0, |lab| lab.score);
        lines.push(format!(
            "{}: {} / {}",
            column.id,
            super::points(score),
            super::points(column.max_score)
        ));
    }
    if let Some(packet) = &report.packet {
        lines.push(format!(
            "packet.md: {} / {}{}",
            super::points(packet.score),
            super::points(packet.max_score),
            if packet.needs_review {
                " (some criteria need review)"
            } else {
                ""
            }
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;
    use crate::report::{CaseDetails, GroupReport};

    fn case(id: &str, visibility: Visibility, outcome: Outcome, details: bool) -> CaseReport {
        CaseReport {
            id: id.into(),
            group: id.split('/').next().unwrap().into(),
            visibility,
            outcome,
            message: "wrong value".into(),
            score: if outcome.passed() { 1.0 } else { 0.0 },
            max_score: 1.0,
            duration_ms: Some(1.0),
            details: details.then(|| CaseDetails {
                call: "cosine".into(),
                args: serde_json::json!({"a": [1.0]}),
                expected: serde_json::json!(0.5),
                actual: Some(serde_json::json!(0.25)),
            }),
            timing: None,
        }
    }

    fn group(name: &str, visibility: Visibility) -> GroupReport {
        GroupReport {
            name: name.into(),
            title: name.into(),
            visibility,
            score: 0.0,
            max_score: 1.0,
            passed: 0,
            total: 1,
            graded: true,
            hint: Some("divide by both norms".into()),
            skipped: None,
        }
    }

    fn report() -> Report {
        Report {
            version: 1,
            grader_version: "0.1.0".into(),
            rustc: "rustc".into(),
            course: "C".into(),
            submission: "/s".into(),
            hidden_seed: Some(42),
            isolation: "sandbox".into(),
            score: 1.0,
            max_score: 3.0,
            labs: vec![LabReport {
                id: "02-x".into(),
                title: "X".into(),
                lessons: vec![],
                status: LabStatus::Graded,
                score: 1.0,
                max_score: 3.0,
                public_seed: 1,
                message: None,
                groups: vec![
                    group("open", Visibility::Visible),
                    group("secret", Visibility::Hidden),
                    group("later", Visibility::AfterDueDate),
                ],
                cases: vec![
                    case("open/a", Visibility::Visible, Outcome::WrongAnswer, true),
                    case("secret/b", Visibility::Hidden, Outcome::Pass, false),
                    case("later/c", Visibility::AfterDueDate, Outcome::Timeout, false),
                ],
                student_output: None,
            }],
            packet: None,
            error: None,
        }
    }

    fn columns() -> Vec<LabColumn> {
        vec![
            LabColumn {
                id: "02-x".into(),
                title: "X".into(),
                lessons: vec![],
                max_score: 3.0,
            },
            LabColumn {
                id: "04-y".into(),
                title: "Y".into(),
                lessons: vec![],
                max_score: 5.0,
            },
        ]
    }

    fn render(report: &Report) -> Value {
        let mut out = Vec::new();
        render_gradescope(report, &columns(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn hidden_cases_keep_their_visibility_and_show_no_values() {
        let json = render(&report());
        let tests = json["tests"].as_array().unwrap();
        let by_name = |n: &str| tests.iter().find(|t| t["name"] == n).unwrap();
        let open = by_name("02-x · open/a");
        assert_eq!(open["visibility"], "visible");
        assert!(open["output"].as_str().unwrap().contains("expected: 0.5"));
        assert!(open["output"].as_str().unwrap().contains("hint: divide"));
        let secret = by_name("02-x · secret/b");
        assert_eq!(secret["visibility"], "hidden");
        assert_eq!(secret["status"], "passed");
        let later = by_name("02-x · later/c");
        assert_eq!(later["visibility"], "after_due_date");
        for hidden in [secret, later] {
            let output = hidden["output"].as_str().unwrap();
            assert!(
                !output.contains("expected") && !output.contains("call:"),
                "{output}"
            );
        }
        assert!(
            !json.to_string().contains("42"),
            "the hidden seed is not exported"
        );
    }

    #[test]
    fn a_lab_not_in_the_report_scores_zero_of_its_points() {
        let json = render(&report());
        let tests = json["tests"].as_array().unwrap();
        let missing = tests.iter().find(|t| t["name"] == "04-y · Y").unwrap();
        assert_eq!(missing["score"], 0.0);
        assert_eq!(missing["max_score"], 5.0);
        assert_eq!(json["score"], 1.0);
    }

    #[test]
    fn a_refused_submission_says_why_in_every_lab() {
        let mut report = report();
        report.labs.clear();
        report.error = Some("unsafe path `../x`".into());
        report.score = 0.0;
        let json = render(&report);
        let tests = json["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 2);
        assert!(tests
            .iter()
            .all(|t| t["output"].as_str().unwrap().contains("unsafe path")));
    }
}
