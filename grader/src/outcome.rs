//! The closed set of outcomes a case (or a whole lab's build) can end in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How one case ended. Every variant carries a message a student can act on
/// in the surrounding [`crate::report::CaseReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The answer matched.
    Pass,
    /// An answer came back and it was wrong.
    WrongAnswer,
    /// The submission (or the driver against its API) did not compile.
    CompileError,
    /// The code panicked, aborted or exited before answering.
    RuntimeError,
    /// No answer within the case's time limit.
    Timeout,
    /// An allocation failed under the memory limit.
    MemoryLimit,
    /// The code printed more than the output limit.
    OutputLimit,
    /// Correct but slower than the lab's threshold against the reference.
    TooSlow,
    /// The sandbox stopped something the submission is not allowed to do.
    SandboxViolation,
    /// The grader itself failed; not the student's fault.
    GraderError,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 10] = [
        Outcome::Pass,
        Outcome::WrongAnswer,
        Outcome::CompileError,
        Outcome::RuntimeError,
        Outcome::Timeout,
        Outcome::MemoryLimit,
        Outcome::OutputLimit,
        Outcome::TooSlow,
        Outcome::SandboxViolation,
        Outcome::GraderError,
    ];

    /// The snake_case name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::WrongAnswer => "wrong_answer",
            Outcome::CompileError => "compile_error",
            Outcome::RuntimeError => "runtime_error",
            Outcome::Timeout => "timeout",
            Outcome::MemoryLimit => "memory_limit",
            Outcome::OutputLimit => "output_limit",
            Outcome::TooSlow => "too_slow",
            Outcome::SandboxViolation => "sandbox_violation",
            Outcome::GraderError => "grader_error",
        }
    }

    /// Whether the case earns its points.
    pub fn passed(self) -> bool {
        self == Outcome::Pass
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_match_as_str() {
        for outcome in Outcome::ALL {
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        }
    }
}
