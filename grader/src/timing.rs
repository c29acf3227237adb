//! Timing thresholds: a student's answer is fast enough when its median time
//! is within the group's ratio of the reference's, both measured side by side
//! in the same run by the grader (see [`crate::runner::race`]).

use std::time::Duration;

use crate::course::Timing;

/// The median of `times` (the upper of the two middle values for an even
/// count, which errs against neither side in ABBA-ordered rounds).
pub fn median(times: &[Duration]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied()
}

/// The judgement of one raced case.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingVerdict {
    /// Whether the student's median is within the threshold.
    pub fast_enough: bool,
    /// Median of the student's rounds.
    pub student: Duration,
    /// Median of the reference's rounds.
    pub reference: Duration,
    /// Both figures, the ratio and the limit, for the report.
    pub message: String,
}

impl TimingVerdict {
    /// The student's median over the reference's.
    pub fn ratio(&self) -> f64 {
        ms(self.student) / ms(self.reference).max(1e-6)
    }
}

/// Judge the timed rounds of a case against `timing`; `None` when a side has
/// no rounds (it failed before timing, which is judged elsewhere).
pub fn judge(
    timing: &Timing,
    reference: &[Duration],
    student: &[Duration],
) -> Option<TimingVerdict> {
    let (reference_median, student_median) = (median(reference)?, median(student)?);
    let limit_ms = timing.max_ratio * ms(reference_median) + timing.margin_ms;
    let fast_enough = ms(student_median) <= limit_ms;
    let mut verdict = TimingVerdict {
        fast_enough,
        student: student_median,
        reference: reference_median,
        message: String::new(),
    };
    let figures = format!(
        "median {:.1} ms against the reference's {:.1} ms in the same run ({:.2}x; the limit is {}x + {} ms, {} rounds each, timed by the grader)",
        ms(student_median),
        ms(reference_median),
        verdict.ratio(),
        timing.max_ratio,
        timing.margin_ms,
        student.len().min(reference.len()),
    );
    verdict.message = if fast_enough {
        format!("correct and fast enough: {figures}")
    } else {
        format!("correct but too slow: {figures}; look for per-element loops or copies where a whole-tensor operation would do")
    };
    Some(verdict)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(ms: &[u64]) -> Vec<Duration> {
        ms.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    const TIMING: Timing = Timing {
        max_ratio: 3.0,
        rounds: 5,
        margin_ms: 2.0,
    };

    #[test]
    fn the_median_ignores_one_outlier_on_either_side() {
        assert_eq!(
            median(&times(&[10, 900, 11, 12, 1])),
            Some(Duration::from_millis(11))
        );
        assert_eq!(median(&times(&[4, 2])), Some(Duration::from_millis(4)));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn within_the_ratio_plus_margin_passes_and_beyond_fails_with_both_figures() {
        let reference = times(&[10, 10, 11, 10, 10]);
        let at_limit = judge(&TIMING, &reference, &times(&[32, 31, 32, 30, 32])).unwrap();
        assert!(at_limit.fast_enough, "{}", at_limit.message);
        let slow = judge(&TIMING, &reference, &times(&[33, 40, 33, 35, 33])).unwrap();
        assert!(!slow.fast_enough);
        assert!(slow.message.contains("33.0 ms"), "{}", slow.message);
        assert!(slow.message.contains("10.0 ms"), "{}", slow.message);
        assert!(slow.message.contains("3.30x"), "{}", slow.message);
        assert_eq!(judge(&TIMING, &[], &reference), None);
    }
}
