//! Command-line interface: argument parsing and the exit-code contract. The
//! work itself lives in the library modules.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Termination};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};

use crate::bless::{bless_lab, BlessStatus};
use crate::check::{CheckOptions, Grader};
use crate::course::Course;
use crate::report::{render_human, render_json, Report};
use crate::toolchain::Toolchain;

/// Exit status of the `grader` binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraderExit {
    /// 0: everything graded passed (or the command succeeded).
    Success,
    /// 1: grading ran, but not every case passed (or bless --check is stale).
    Failures,
    /// 2: usage error or grader error.
    Error,
}

impl Termination for GraderExit {
    fn report(self) -> ExitCode {
        ExitCode::from(match self {
            GraderExit::Success => 0,
            GraderExit::Failures => 1,
            GraderExit::Error => 2,
        })
    }
}

/// Lab harness and autograder for the LLM Foundations course.
///
/// Students run `grader check` in their checkout; course maintainers run
/// `grader bless` after changing a lab's cases or reference.
#[derive(Debug, Parser)]
#[command(name = "grader", version, about, long_about = None)]
pub struct Cli {
    /// The course root (holding course.toml). Default: $GRADER_COURSE, then
    /// the nearest folder above the current one with course.toml, then the
    /// one above the grader binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable report with colours on a terminal.
    Human,
    /// The JSON report (schema version in its `version` field).
    Json,
}

/// When to colour the human report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade a submission: compile each lab, run its public (and, with the
    /// reference present, hidden) cases, print the scored report.
    ///
    /// Exit status: 0 when every graded case passed, 1 when some did not,
    /// 2 on usage or grader errors.
    Check {
        /// The submission: a folder with labs/<id>/src/**/*.rs (a course
        /// checkout is one).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Grade only this lab (repeatable).
        #[arg(long = "lab", value_name = "ID")]
        labs: Vec<String>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Write the report to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Seed of the hidden cases (recorded in the report; default: random).
        #[arg(long)]
        seed: Option<u64>,
        /// Colour the human report.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Write each lab's public cases (labs/<id>/cases/public.json) from the
    /// reference, or check that they are fresh.
    Bless {
        /// Only this lab (repeatable).
        #[arg(long = "lab", value_name = "ID")]
        labs: Vec<String>,
        /// Do not write; exit 1 when a stored file is stale.
        #[arg(long)]
        check: bool,
    },
}

/// Run the CLI.
pub fn run(cli: Cli) -> anyhow::Result<GraderExit> {
    let root = course_root(cli.course.as_deref())?;
    let course = Course::load(&root)?;
    let toolchain = Toolchain::detect()?;
    match cli.command {
        Command::Check {
            path,
            labs,
            format,
            output,
            seed,
            color,
        } => {
            let mut progress = |line: &str| eprintln!("{line}");
            let mut grader = Grader {
                course: &course,
                toolchain: &toolchain,
                progress: &mut progress,
            };
            let report = grader.check(&CheckOptions {
                submission: path,
                labs,
                hidden_seed: seed,
            })?;
            write_report(&report, format, output.as_deref(), color)?;
            Ok(if report.has_grader_errors() {
                eprintln!("error: the grader could not grade everything (see the report); this is not the submission's fault");
                GraderExit::Error
            } else if report.all_passed() {
                GraderExit::Success
            } else {
                GraderExit::Failures
            })
        }
        Command::Bless { labs, check } => bless(&course, &toolchain, &labs, check),
    }
}

fn bless(
    course: &Course,
    toolchain: &Toolchain,
    labs: &[String],
    check: bool,
) -> anyhow::Result<GraderExit> {
    let mut exit = GraderExit::Success;
    for id in labs {
        if course.lab(id).is_none() {
            bail!("unknown lab `{id}`");
        }
    }
    for lab in course
        .labs
        .iter()
        .filter(|l| labs.is_empty() || labs.contains(&l.id))
    {
        let mut progress = |line: &str| eprintln!("{line}");
        let status =
            bless_lab(course, lab, toolchain, check, &mut progress).map_err(anyhow::Error::msg)?;
        match status {
            BlessStatus::Fresh => println!("{}: public cases are fresh", lab.id),
            BlessStatus::Written => println!(
                "{}: wrote {}",
                lab.id,
                course.public_cases_path(lab).display()
            ),
            BlessStatus::Stale(why) => {
                println!(
                    "{}: public cases are stale: {why}; run `grader bless --lab {}`",
                    lab.id, lab.id
                );
                exit = GraderExit::Failures;
            }
        }
    }
    Ok(exit)
}

fn write_report(
    report: &Report,
    format: Format,
    output: Option<&Path>,
    color: ColorChoice,
) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    match format {
        Format::Human => render_human(report, &mut buffer, color)?,
        Format::Json => render_json(report, &mut buffer)?,
    }
    match output {
        Some(path) => crate::fsutil::write_atomic(path, &buffer)
            .with_context(|| format!("failed to write {}", path.display()))?,
        None => std::io::stdout().write_all(&buffer)?,
    }
    Ok(())
}

fn course_root(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.join("course.toml").is_file() {
            bail!("{} has no course.toml", dir.display());
        }
        return Ok(dir.to_owned());
    }
    if let Some(dir) = std::env::var_os("GRADER_COURSE").filter(|d| !d.is_empty()) {
        return course_root(Some(Path::new(&dir)));
    }
    let cwd = std::env::current_dir().context("no current directory")?;
    let exe = std::env::current_exe().ok();
    Course::find_root(&cwd)
        .or_else(|| exe.as_deref().and_then(Course::find_root))
        .context("no course.toml in this folder or above it: run from the course checkout or pass --course DIR")
}
