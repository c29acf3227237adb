//! Compiling a lab crate and its driver with plain `rustc` against the
//! prebuilt dependency cache.
//!
//! Cargo never sees a submission: there is no Cargo.toml, build.rs,
//! `.cargo/config.toml` or toolchain file of the student's to honour. The
//! grader passes the crate name, edition, dependencies (the starter's, from
//! the cache) and `-F unsafe_code` itself.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::build_cache::DepsCache;
use crate::process::{self, Job};
use crate::sandbox::Slot;
use crate::toolchain::Toolchain;

/// Changes whenever the flags below change, so cached builds (the
/// reference driver) are redone.
pub const FLAGS_VERSION: u32 = 4;

/// Wall limit of one rustc run.
pub const COMPILE_WALL_LIMIT: Duration = Duration::from_secs(300);
/// Address-space limit of one rustc run.
const COMPILE_MEMORY: u64 = 8 << 30;
/// Processes and threads rustc (with LLVM and the linker) may use.
const COMPILE_PROCESSES: u64 = 256;
/// Bytes of compiler output kept.
const COMPILE_OUTPUT_CAP: usize = 256 << 10;
/// Lines of diagnostics shown to a student.
const SHOWN_LINES: usize = 40;

/// Why a compile did not produce its artifact.
#[derive(Debug, Clone, PartialEq)]
pub enum CompileFailure {
    /// rustc reported errors: the diagnostics, trimmed.
    Errors(String),
    /// rustc ran past its wall limit.
    Timeout,
    /// rustc could not be started at all (a grader problem).
    Spawn(String),
}

impl CompileFailure {
    /// A message for the report.
    pub fn message(&self) -> String {
        match self {
            CompileFailure::Errors(log) => log.clone(),
            CompileFailure::Timeout => format!(
                "compilation took longer than {}s",
                COMPILE_WALL_LIMIT.as_secs()
            ),
            CompileFailure::Spawn(err) => format!("could not run rustc: {err}"),
        }
    }
}

/// The flags shared by the lab crate and the driver.
fn common_args(deps: &DepsCache) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--edition=2021",
        "-C",
        "debuginfo=0",
        "-C",
        "embed-bitcode=no",
        "--color=never",
        "--error-format=human",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    let mut dep_dir = OsString::from("dependency=");
    dep_dir.push(&deps.deps_dir);
    args.push("-L".into());
    args.push(dep_dir);
    args
}

fn extern_arg(name: &str, path: &Path) -> OsString {
    let mut arg = OsString::from(format!("{name}="));
    arg.push(path);
    arg
}

/// Compile `<crate_dir>/src/lib.rs` as `crate_name` into `<crate_dir>/out`.
/// Student code: `unsafe_code` is forbidden.
pub fn compile_lab(
    toolchain: &Toolchain,
    deps: &DepsCache,
    crate_dir: &Path,
    crate_name: &str,
    slot: Slot,
) -> Result<PathBuf, CompileFailure> {
    let out = crate_dir.join("out");
    let mut job = Job::new(&toolchain.rustc, crate_dir)
        .args(common_args(deps))
        // Warnings are silenced first, then unsafe code is forbidden. No
        // `--cap-lints`: it would lower the forbid too.
        // Optimised like a release build: timing thresholds compare it with
        // a reference compiled the same way (only the driver's plumbing is
        // left unoptimised, see `compile_driver`).
        .args([
            "-C",
            "opt-level=3",
            "--crate-type=rlib",
            "--crate-name",
            crate_name,
            "-A",
            "warnings",
            "-F",
            "unsafe_code",
        ])
        .arg("--out-dir")
        .arg(&out);
    for (name, path) in &deps.lab_externs {
        job = job.arg("--extern").arg(extern_arg(name, path));
    }
    job = job.arg("src/lib.rs");
    run_rustc(job, crate_dir, toolchain, deps, slot)?;
    Ok(out.join(format!("lib{crate_name}.rlib")))
}

/// Compile the grader's driver source against `lab_rlib` into `<work>/driver`.
/// The source is copied into `work` first: the sandbox shows nothing else.
pub fn compile_driver(
    toolchain: &Toolchain,
    deps: &DepsCache,
    driver_source: &Path,
    lab_rlib: &Path,
    work: &Path,
    slot: Slot,
) -> Result<PathBuf, CompileFailure> {
    let binary = work.join("driver");
    let source = work.join("driver.rs");
    std::fs::copy(driver_source, &source)
        .map_err(|e| CompileFailure::Spawn(format!("copying the driver source: {e}")))?;
    let mut lab_dir = OsString::from("dependency=");
    lab_dir.push(lab_rlib.parent().unwrap_or(work));
    let mut job = Job::new(&toolchain.rustc, work)
        .args(common_args(deps))
        .args([
            "--crate-type=bin",
            "--crate-name",
            "driver",
            "--cap-lints=allow",
        ])
        .arg("-L")
        .arg(lab_dir)
        .arg("--extern")
        .arg(extern_arg("lab", lab_rlib));
    for (name, path) in &deps.driver_externs {
        job = job.arg("--extern").arg(extern_arg(name, path));
    }
    job = job.arg("-o").arg(&binary).arg(&source);
    run_rustc(job, work, toolchain, deps, slot)?;
    Ok(binary)
}

fn run_rustc(
    mut job: Job,
    cwd: &Path,
    toolchain: &Toolchain,
    deps: &DepsCache,
    slot: Slot,
) -> Result<(), CompileFailure> {
    job.env.push(("TMPDIR".into(), cwd.as_os_str().to_owned()));
    job.rlimits.address_space = Some(COMPILE_MEMORY);
    job.rlimits.file_size = Some(1 << 30);
    let sysroot = toolchain.sysroot();
    let job = slot
        .confine(
            job,
            &[&sysroot, &deps.deps_dir],
            &[cwd],
            COMPILE_PROCESSES,
            COMPILE_MEMORY,
        )
        .map_err(|e| CompileFailure::Spawn(format!("could not set up the sandbox: {e}")))?;
    let done = process::run(&job, COMPILE_WALL_LIMIT, COMPILE_OUTPUT_CAP)
        .map_err(|err| CompileFailure::Spawn(err.to_string()))?;
    if done.timed_out {
        return Err(CompileFailure::Timeout);
    }
    if done.success() {
        return Ok(());
    }
    let log = String::from_utf8_lossy(&done.stderr);
    Err(CompileFailure::Errors(trim_diagnostics(&log, cwd)))
}

/// The first errors of a rustc log, with the scratch folder removed from paths.
fn trim_diagnostics(log: &str, cwd: &Path) -> String {
    let prefix = format!("{}/", cwd.display());
    let lines: Vec<String> = log
        .lines()
        .filter(|l| !l.starts_with("warning: ") || l.contains("error"))
        .map(|l| l.replace(&prefix, ""))
        .collect();
    let mut shown: Vec<String> = lines.iter().take(SHOWN_LINES).cloned().collect();
    if lines.len() > SHOWN_LINES {
        shown.push(format!("... ({} more lines)", lines.len() - SHOWN_LINES));
    }
    let text = shown.join("\n").trim().to_owned();
    if text.is_empty() {
        "rustc failed without printing a diagnostic".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_lose_the_scratch_prefix_and_are_trimmed() {
        let log = (0..50)
            .map(|i| format!("error: /tmp/x/src/lib.rs:{i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let text = trim_diagnostics(&log, Path::new("/tmp/x"));
        assert!(text.starts_with("error: src/lib.rs:0"));
        assert!(text.ends_with("... (10 more lines)"));
    }
}
