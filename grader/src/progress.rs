//! What a batch shows while it runs and when it ends: one progress line
//! (counts, rate, time left), redrawn in place on a terminal or written
//! once per finished student to a log, and the summary.

use std::io::Write;
use std::time::Duration;

use crate::export::{points, StudentStatus};
use crate::grade::{BatchOutcome, Event};

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Students to grade in this run.
    pub total: usize,
    /// Of those, finished.
    pub done: usize,
    /// Being graded now.
    pub running: usize,
    /// Finished ones that could not be graded (refused, grader errors).
    pub problems: usize,
}

impl Progress {
    /// Submissions per minute so far.
    pub fn rate(&self, elapsed: Duration) -> Option<f64> {
        let minutes = elapsed.as_secs_f64() / 60.0;
        (self.done > 0 && minutes > 0.0).then(|| self.done as f64 / minutes)
    }

    /// Time left at the rate so far.
    pub fn eta(&self, elapsed: Duration) -> Option<Duration> {
        let rate = self.rate(elapsed)?;
        let left = self.total.saturating_sub(self.done) as f64;
        Some(Duration::from_secs_f64(left / rate * 60.0))
    }

    /// The progress line, `width` characters of bar.
    pub fn line(&self, elapsed: Duration, width: usize) -> String {
        let filled = (self.done * width).checked_div(self.total).unwrap_or(width);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
        let rate = self
            .rate(elapsed)
            .map_or_else(|| "–/min".to_owned(), |r| format!("{r:.1}/min"));
        let eta = self.eta(elapsed).map_or_else(|| "–".to_owned(), clock);
        let problems = match self.problems {
            0 => String::new(),
            n => format!("  {n} not graded"),
        };
        format!(
            "[{bar}] {}/{}  {} running  {rate}  elapsed {}  left {eta}{problems}",
            self.done,
            self.total,
            self.running,
            clock(elapsed)
        )
    }
}

/// Shows a batch's [`Event`]s on a terminal or in a log.
pub struct Printer<'a> {
    out: &'a mut dyn Write,
    terminal: bool,
    drawn: bool,
}

/// Width of the bar, in characters.
const BAR: usize = 24;

impl<'a> Printer<'a> {
    /// Print to `out`; `terminal` redraws one line in place.
    pub fn new(out: &'a mut dyn Write, terminal: bool) -> Printer<'a> {
        Printer {
            out,
            terminal,
            drawn: false,
        }
    }

    /// Show one event. Output errors are ignored: a closed stderr must not
    /// stop grading.
    pub fn event(&mut self, event: Event) {
        match event {
            Event::Preparing(line) => self.line(line),
            Event::Started {
                class,
                already_done,
                seed,
            } => {
                let resumed = match already_done {
                    0 => String::new(),
                    n => format!(", {n} already graded (resumed)"),
                };
                self.line(&format!(
                    "grading {} of {class} students{resumed}; hidden seed {seed}",
                    class - already_done
                ));
            }
            Event::Graded {
                id,
                report,
                took,
                progress,
                elapsed,
            } => {
                if !self.terminal {
                    let counter = format!("[{}/{}] {id}", progress.done, progress.total);
                    let line = match (StudentStatus::of(report), &report.error) {
                        (_, Some(error)) => format!("{counter}: not graded: {error}"),
                        (status, None) => format!(
                            "{counter}: {} / {} ({}) in {:.1}s",
                            points(report.score),
                            points(report.max_score),
                            status.as_str().replace('_', " "),
                            took.as_secs_f64()
                        ),
                    };
                    self.line(&line);
                }
                self.draw(&progress, elapsed);
            }
            Event::Tick { progress, elapsed } => self.draw(&progress, elapsed),
        }
    }

    /// A line above the progress line.
    fn line(&mut self, text: &str) {
        self.clear();
        let _ = writeln!(self.out, "{text}");
    }

    fn draw(&mut self, progress: &Progress, elapsed: Duration) {
        if self.terminal {
            let _ = write!(self.out, "\r\x1b[2K{}", progress.line(elapsed, BAR));
            let _ = self.out.flush();
            self.drawn = true;
        }
    }

    /// Wipe the progress line (before other output).
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(self.out, "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

/// The summary printed when a batch ends.
pub fn render_summary(outcome: &BatchOutcome, out: &mut dyn Write) -> std::io::Result<()> {
    let gradebook = &outcome.gradebook;
    let statuses = [
        StudentStatus::Graded,
        StudentStatus::NotSubmitted,
        StudentStatus::InvalidSubmission,
        StudentStatus::GraderError,
    ];
    let counts: Vec<String> = statuses
        .iter()
        .map(|s| {
            let n = gradebook
                .students
                .iter()
                .filter(|st| StudentStatus::of(&st.report) == *s)
                .count();
            (s, n)
        })
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str().replace('_', " ")))
        .collect();
    writeln!(
        out,
        "{} students: {}",
        gradebook.students.len(),
        if counts.is_empty() {
            "none".to_owned()
        } else {
            counts.join(", ")
        }
    )?;
    let totals: Vec<f64> = gradebook
        .students
        .iter()
        .filter_map(|s| gradebook.total(&s.report))
        .collect();
    if !totals.is_empty() {
        let mean = totals.iter().sum::<f64>() / totals.len() as f64;
        writeln!(
            out,
            "mean total {} of {}",
            points(mean),
            points(gradebook.max_total())
        )?;
    }
    let progress = Progress {
        total: outcome.graded_now,
        done: outcome.graded_now,
        ..Progress::default()
    };
    let rate = progress
        .rate(outcome.grading_time)
        .map_or_else(String::new, |r| format!(" ({r:.1} per minute)"));
    writeln!(
        out,
        "graded {} now{rate} in {}, {} kept from an earlier run",
        outcome.graded_now,
        clock(outcome.grading_time),
        outcome.already_done
    )?;
    for (id, why) in &outcome.lost {
        writeln!(out, "error: the result of {id} could not be written: {why}")?;
    }
    Ok(())
}

/// `1h02m`, `4m05s`, `12s`.
pub fn clock(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_counts_rate_and_time_left() {
        let progress = Progress {
            total: 40,
            done: 10,
            running: 2,
            problems: 1,
        };
        let line = progress.line(Duration::from_secs(60), 20);
        assert_eq!(
            line,
            "[#####---------------] 10/40  2 running  10.0/min  elapsed 1m00s  left 3m00s  1 not graded"
        );
    }

    #[test]
    fn before_the_first_result_there_is_no_rate() {
        let progress = Progress {
            total: 3,
            ..Progress::default()
        };
        assert!(progress.line(Duration::from_secs(5), 10).contains("–/min"));
        assert_eq!(clock(Duration::from_secs(3725)), "1h02m");
    }
}
