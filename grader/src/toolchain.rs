//! The Rust toolchain submissions are compiled with.

use std::path::PathBuf;
use std::process::Command;

/// The real `rustc` (not the rustup proxy, which needs the user's
/// environment) and its full version, part of every cache key and report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// Absolute path of the compiler binary.
    pub rustc: PathBuf,
    /// `rustc -vV` output, first line then the host.
    pub version: String,
}

/// The toolchain could not be found.
#[derive(Debug, thiserror::Error)]
#[error("failed to find the Rust toolchain (is rustc on PATH?): {0}")]
pub struct ToolchainError(String);

impl Toolchain {
    /// The sysroot: the folder holding `bin/rustc` and `lib/rustlib`.
    pub fn sysroot(&self) -> PathBuf {
        self.rustc
            .parent()
            .and_then(|bin| bin.parent())
            .map_or_else(|| PathBuf::from("/"), PathBuf::from)
    }

    /// Find `rustc` on PATH and resolve it to the real binary.
    pub fn detect() -> Result<Toolchain, ToolchainError> {
        let sysroot = run("rustc", &["--print", "sysroot"])?;
        let rustc = PathBuf::from(sysroot.trim()).join("bin").join("rustc");
        if !rustc.is_file() {
            return Err(ToolchainError(format!(
                "{} does not exist",
                rustc.display()
            )));
        }
        let verbose = run(rustc.to_str().unwrap_or("rustc"), &["-vV"])?;
        let first = verbose.lines().next().unwrap_or_default();
        let host = verbose
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .unwrap_or_default();
        Ok(Toolchain {
            rustc,
            version: format!("{first} ({host})"),
        })
    }
}

fn run(program: &str, args: &[&str]) -> Result<String, ToolchainError> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|err| ToolchainError(format!("{program}: {err}")))?;
    if !output.status.success() {
        return Err(ToolchainError(
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
