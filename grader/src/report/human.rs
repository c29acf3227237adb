//! The terminal report: per-lab and per-group points, failing visible cases
//! with expected and actual values (a line diff for long values), hints, and
//! hidden cases by name and outcome only.

use std::io::{self, Write};

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::{CaseReport, GroupReport, LabReport, LabStatus, Report};

/// Failing visible cases shown in full per group; the rest are listed.
const DETAILED_PER_GROUP: usize = 3;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }
    fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Render `report` for a person; `color` adds ANSI colours.
pub fn render_human(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let style = Style { color };
    writeln!(
        out,
        "{}",
        style.bold(&format!("{} — grader check", report.course))
    )?;
    writeln!(
        out,
        "{}",
        style.dim(&format!("submission: {}", report.submission))
    )?;
    let seed = report
        .hidden_seed
        .map_or_else(|| "none run".to_owned(), |s| s.to_string());
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "hidden seed: {seed} · {} · grader {}",
            report.rustc, report.grader_version
        ))
    )?;
    writeln!(
        out,
        "{}",
        style.dim(&format!("isolation: {}", report.isolation))
    )?;
    if let Some(error) = &report.error {
        writeln!(out)?;
        writeln!(out, "{} {error}", style.bad("not graded:"))?;
    }
    for lab in &report.labs {
        writeln!(out)?;
        render_lab(lab, out, &style)?;
    }
    if let Some(packet) = &report.packet {
        writeln!(out)?;
        render_packet(packet, out, &style)?;
    }
    writeln!(out)?;
    let total = format!(
        "Total: {} / {}",
        points(report.score),
        points(report.max_score)
    );
    let verdict = if report.all_passed() {
        style.good(&total)
    } else {
        style.bold(&total)
    };
    writeln!(out, "{verdict}")
}

fn points(x: f64) -> String {
    format!("{x:.2}")
}

fn render_lab(lab: &LabReport, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let head = format!("{} · {}", lab.id, lab.title);
    let score = match lab.status {
        LabStatus::NotSubmitted => style.dim("not submitted"),
        _ => format!("{} / {}", points(lab.score), points(lab.max_score)),
    };
    writeln!(out, "{}  {score}", style.bold(&head))?;
    writeln!(
        out,
        "  {}",
        style.dim(&format!("lessons: {}", lab.lessons.join(", ")))
    )?;
    if let Some(message) = &lab.message {
        let label = match lab.status {
            LabStatus::CompileError => style.bad("compile error:"),
            LabStatus::GraderError => style.bad("grader error:"),
            _ => style.dim("note:"),
        };
        writeln!(out, "  {label}")?;
        for line in message.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    if lab.status == LabStatus::NotSubmitted {
        return Ok(());
    }
    for group in &lab.groups {
        render_group(lab, group, out, style)?;
    }
    if let Some(output) = &lab.student_output {
        writeln!(out, "  {}", style.dim("your code printed (visible cases):"))?;
        for line in output.lines().take(10) {
            writeln!(out, "    {}", style.dim(line))?;
        }
    }
    Ok(())
}

fn render_group(
    lab: &LabReport,
    group: &GroupReport,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    if let Some(reason) = &group.skipped {
        let line = format!(
            "  - {} ({}): {reason} ({} points)",
            group.name,
            group.visibility,
            points(group.max_score)
        );
        return writeln!(out, "{}", style.dim(&line));
    }
    if !group.graded {
        let line = format!(
            "  - {} ({}): not graded here, {} points",
            group.name,
            group.visibility,
            points(group.max_score)
        );
        return writeln!(out, "{}", style.dim(&line));
    }
    let full = group.passed == group.total;
    let mark = if full {
        style.good("✓")
    } else {
        style.bad("✗")
    };
    writeln!(
        out,
        "  {mark} {:<16} {:>6} / {:<6} {}/{} cases  {}",
        group.name,
        points(group.score),
        points(group.max_score),
        group.passed,
        group.total,
        style.dim(&format!("{} · {}", group.title, group.visibility))
    )?;
    let failing: Vec<&CaseReport> = lab
        .cases
        .iter()
        .filter(|c| c.group == group.name && !c.outcome.passed())
        .collect();
    let same = |c: &&CaseReport| c.outcome == failing[0].outcome && c.message == failing[0].message;
    if failing.len() > 1 && failing.iter().all(same) {
        // One cause for every failure (typically a TODO): say it once.
        let first = failing[0];
        writeln!(
            out,
            "      {} all {} failing cases: {}",
            style.bad("✗"),
            failing.len(),
            style.bad(first.outcome.as_str())
        )?;
        writeln!(
            out,
            "        {}",
            first.message.lines().next().unwrap_or_default()
        )?;
    } else {
        render_failures(&failing, out, style)?;
    }
    if let Some(hint) = &group.hint {
        writeln!(out, "      {} {hint}", style.paint("33", "hint:"))?;
    }
    Ok(())
}

fn render_failures(failing: &[&CaseReport], out: &mut dyn Write, style: &Style) -> io::Result<()> {
    for (i, case) in failing.iter().enumerate() {
        if i >= DETAILED_PER_GROUP && case.details.is_some() {
            let rest: Vec<&str> = failing[i..].iter().map(|c| c.id.as_str()).collect();
            writeln!(
                out,
                "      {} more failing: {}",
                rest.len(),
                rest.join(", ")
            )?;
            break;
        }
        render_case(case, out, style)?;
    }
    Ok(())
}

fn render_case(case: &CaseReport, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    writeln!(
        out,
        "      {} {}  {}",
        style.bad("✗"),
        case.id,
        style.bad(case.outcome.as_str())
    )?;
    let first_line = case.message.lines().next().unwrap_or_default();
    writeln!(out, "        {first_line}")?;
    let Some(details) = &case.details else {
        return Ok(());
    };
    writeln!(
        out,
        "        call:     {}({})",
        details.call,
        one_line(&details.args)
    )?;
    match &details.actual {
        Some(actual) if is_long(&details.expected) || is_long(actual) => {
            writeln!(out, "        diff (- expected, + actual):")?;
            render_diff(&details.expected, actual, out, style)?;
        }
        Some(actual) => {
            writeln!(out, "        expected: {}", one_line(&details.expected))?;
            writeln!(out, "        actual:   {}", one_line(actual))?;
        }
        None => writeln!(out, "        expected: {}", one_line(&details.expected))?,
    }
    Ok(())
}

/// A value on one line, floats in their shortest form, long ones cut.
pub fn one_line(value: &Value) -> String {
    crate::compare::compact(&shortest_floats(value))
}

/// Values that are exactly an `f32` (all the labs' floats) print in f32's
/// shortest form: `0.23`, not `0.2300000041723251`.
fn shortest_floats(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let shown = crate::compare::show_float(n.as_f64().unwrap_or_default());
            shown
                .parse::<f64>()
                .map_or_else(|_| value.clone(), Value::from)
        }
        Value::Array(items) => Value::Array(items.iter().map(shortest_floats).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shortest_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_long(value: &Value) -> bool {
    value.to_string().len() > 200
}

fn render_diff(
    expected: &Value,
    actual: &Value,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let e = serde_json::to_string_pretty(&shortest_floats(expected)).unwrap_or_default();
    let a = serde_json::to_string_pretty(&shortest_floats(actual)).unwrap_or_default();
    let diff = TextDiff::from_lines(&e, &a);
    let mut shown = 0;
    for group in diff.grouped_ops(1) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let line = change.to_string_lossy();
                let line = line.trim_end();
                let text = match change.tag() {
                    ChangeTag::Equal => style.dim(&format!("  {line}")),
                    ChangeTag::Delete => style.bad(&format!("- {line}")),
                    ChangeTag::Insert => style.good(&format!("+ {line}")),
                };
                shown += 1;
                if shown > 16 {
                    return writeln!(out, "          ...");
                }
                writeln!(out, "          {text}")?;
            }
        }
    }
    Ok(())
}

fn render_packet(
    packet: &crate::packet::PacketReport,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let review = if packet.needs_review {
        style.paint("33", "  (some scores need review)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}  {} / {}{review}",
        style.bold("packet.md · enterprise readiness packet"),
        points(packet.score),
        points(packet.max_score)
    )?;
    writeln!(
        out,
        "  {}",
        style.dim(&format!("rubric: {}", packet.rubric))
    )?;
    for note in &packet.notes {
        writeln!(out, "  {} {note}", style.dim("note:"))?;
    }
    for c in &packet.criteria {
        let mark = if c.score >= c.max_score - 1e-9 {
            style.good("✓")
        } else {
            style.bad("✗")
        };
        let flag = if c.needs_review && c.overridden.is_none() {
            style.paint("33", " [review]")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {mark} {:<22} {:>6} / {:<6}{flag} {}",
            c.id,
            points(c.score),
            points(c.max_score),
            style.dim(&c.title)
        )?;
        if let Some(o) = &c.overridden {
            writeln!(
                out,
                "      instructor override: {} (automatic {}): {}",
                points(o.score),
                points(o.automatic_score),
                o.reason
            )?;
            writeln!(
                out,
                "      {}",
                style.dim(&format!("automatic: {}", o.automatic_reason))
            )?;
        } else {
            writeln!(out, "      {}", c.reason)?;
        }
    }
    Ok(())
}
