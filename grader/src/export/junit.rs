//! JUnit XML for CI systems: one `<testsuite>` per student and lab, one
//! `<testcase>` per case. A student's mistake is a `<failure>` (its type is
//! the outcome), a grader fault an `<error>`, a lab not submitted one
//! `<skipped>` case. Case details appear for visible cases only, as in
//! every export.

use std::io::{self, Write};

use super::{lab_has_grader_error, Gradebook, StudentResult};
use crate::outcome::Outcome;
use crate::report::{show_value, CaseReport, LabStatus};

/// Write `gradebook` as one JUnit XML document.
pub fn render_junit(gradebook: &Gradebook, out: &mut dyn Write) -> io::Result<()> {
    let suites: Vec<Suite> = gradebook
        .students
        .iter()
        .flat_map(|student| suites_of(gradebook, student))
        .collect();
    let count = |f: fn(&Case) -> bool| {
        suites
            .iter()
            .flat_map(|s| &s.cases)
            .filter(|c| f(c))
            .count()
    };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        attr(&gradebook.course),
        count(|_| true),
        count(|c| matches!(c.verdict, Verdict::Failure { .. })),
        count(|c| matches!(c.verdict, Verdict::Error(_))),
        count(|c| matches!(c.verdict, Verdict::Skipped(_))),
    )?;
    for suite in &suites {
        suite.render(out)?;
    }
    writeln!(out, "</testsuites>")
}

struct Suite {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

struct Case {
    name: String,
    classname: String,
    seconds: Option<f64>,
    verdict: Verdict,
}

enum Verdict {
    Pass,
    Failure {
        kind: String,
        message: String,
        body: String,
    },
    Error(String),
    Skipped(String),
}

fn suites_of(gradebook: &Gradebook, student: &StudentResult) -> Vec<Suite> {
    let report = &student.report;
    let status = super::StudentStatus::of(report).as_str().to_owned();
    if let Some(error) = &report.error {
        return vec![Suite {
            name: student.id.clone(),
            properties: vec![("status", status)],
            cases: vec![Case {
                name: "submission".into(),
                classname: student.id.clone(),
                seconds: None,
                verdict: Verdict::Failure {
                    kind: "invalid_submission".into(),
                    message: error.clone(),
                    body: String::new(),
                },
            }],
        }];
    }
    let mut suites = Vec::new();
    for column in &gradebook.labs {
        let Some(lab) = report.labs.iter().find(|l| l.id == column.id) else {
            continue;
        };
        let classname = |group: &str| format!("{}.{}.{}", student.id, lab.id, group);
        let mut cases: Vec<Case> = lab
            .cases
            .iter()
            .map(|case| Case {
                name: case.id.clone(),
                classname: classname(&case.group),
                seconds: case.duration_ms.map(|ms| ms / 1000.0),
                verdict: verdict(case),
            })
            .collect();
        if cases.is_empty() {
            let message = lab.message.clone().unwrap_or_default();
            cases.push(Case {
                name: "lab".into(),
                classname: classname("lab"),
                seconds: None,
                verdict: match lab.status {
                    LabStatus::NotSubmitted => Verdict::Skipped(message),
                    _ if lab_has_grader_error(lab) => Verdict::Error(message),
                    _ => Verdict::Failure {
                        kind: "compile_error".into(),
                        message,
                        body: String::new(),
                    },
                },
            });
        }
        suites.push(Suite {
            name: format!("{} · {}", student.id, lab.id),
            properties: vec![
                ("status", status.clone()),
                ("score", super::points(lab.score)),
                ("max_score", super::points(column.max_score)),
            ],
            cases,
        });
    }
    suites
}

fn verdict(case: &CaseReport) -> Verdict {
    match case.outcome {
        Outcome::Pass => Verdict::Pass,
        Outcome::GraderError => Verdict::Error(case.message.clone()),
        outcome => {
            let mut body = String::new();
            if let Some(details) = &case.details {
                body = format!(
                    "call:     {}({})\nexpected: {}\nactual:   {}",
                    details.call,
                    show_value(&details.args),
                    show_value(&details.expected),
                    details
                        .actual
                        .as_ref()
                        .map_or_else(|| "none".to_owned(), show_value)
                );
            }
            Verdict::Failure {
                kind: outcome.as_str().to_owned(),
                message: case.message.clone(),
                body,
            }
        }
    }
}

impl Suite {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let failures = self
            .cases
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Failure { .. }))
            .count();
        let errors = self
            .cases
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Error(_)))
            .count();
        let skipped = self
            .cases
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Skipped(_)))
            .count();
        let time: f64 = self.cases.iter().filter_map(|c| c.seconds).sum();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{time:.3}">"#,
            attr(&self.name),
            self.cases.len(),
        )?;
        writeln!(out, "    <properties>")?;
        for (name, value) in &self.properties {
            writeln!(
                out,
                r#"      <property name="{name}" value="{}"/>"#,
                attr(value)
            )?;
        }
        writeln!(out, "    </properties>")?;
        for case in &self.cases {
            case.render(out)?;
        }
        writeln!(out, "  </testsuite>")
    }
}

impl Case {
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let time = self
            .seconds
            .map(|s| format!(r#" time="{s:.3}""#))
            .unwrap_or_default();
        let open = format!(
            r#"    <testcase name="{}" classname="{}"{time}"#,
            attr(&self.name),
            attr(&self.classname)
        );
        match &self.verdict {
            Verdict::Pass => writeln!(out, "{open}/>"),
            Verdict::Failure {
                kind,
                message,
                body,
            } => {
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    attr(kind),
                    attr(first_line(message)),
                    text(&[message.as_str(), body.as_str()].join("\n"))
                )?;
                writeln!(out, "    </testcase>")
            }
            Verdict::Error(message) => {
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    r#"      <error type="grader_error" message="{}">{}</error>"#,
                    attr(first_line(message)),
                    text(message)
                )?;
                writeln!(out, "    </testcase>")
            }
            Verdict::Skipped(message) => {
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    r#"      <skipped message="{}"/>"#,
                    attr(first_line(message))
                )?;
                writeln!(out, "    </testcase>")
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Escape for an attribute value (also drops characters XML 1.0 forbids).
fn attr(value: &str) -> String {
    escape(value, true)
}

/// Escape for element text.
fn text(value: &str) -> String {
    escape(value.trim_end(), false)
}

fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped_or_dropped() {
        assert_eq!(
            attr(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(text("bell\u{7} and <tag>"), "bell and &lt;tag&gt;");
        assert_eq!(attr("two\nlines"), "two&#10;lines");
    }
}
