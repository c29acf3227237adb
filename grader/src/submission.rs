//! A submission on disk: which labs it attempts, and the safe copy of a lab's
//! sources into a scratch crate (only `src/**/*.rs`, regular files, capped).

use std::path::{Path, PathBuf};

/// Most `.rs` files taken from one lab.
pub const MAX_FILES: usize = 256;
/// Most bytes taken from one lab.
pub const MAX_BYTES: u64 = 2 << 20;

/// A lab's sources could not be taken; the student's problem, reported as
/// a compile error with this message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    /// No `src/lib.rs`.
    #[error("{dir}/lib.rs is missing")]
    NoLib {
        /// The source folder, as the student knows it.
        dir: String,
    },
    /// Over the file or byte cap.
    #[error("{dir} is too large (limits: {MAX_FILES} files, {} KiB)", MAX_BYTES >> 10)]
    TooLarge {
        /// The source folder, as the student knows it.
        dir: String,
    },
    /// Unreadable.
    #[error("failed to read {path}: {message}")]
    Io {
        /// The path, relative to the submission.
        path: String,
        /// Cause.
        message: String,
    },
}

/// The folder a submission keeps lab `id` in.
pub fn lab_dir(submission: &Path, id: &str) -> PathBuf {
    submission.join("labs").join(id)
}

/// Whether the submission attempts lab `id`: it has at least one `.rs` file
/// under `labs/<id>/src`.
pub fn attempts(submission: &Path, id: &str) -> bool {
    let mut found = Vec::new();
    let _ = collect(
        &lab_dir(submission, id).join("src"),
        Path::new(""),
        &mut found,
        &mut Vec::new(),
    );
    !found.is_empty()
}

/// The taken sources: path relative to `src/`, and contents.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Files taken.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Paths skipped (symlinks, non-`.rs` files), for the report.
    pub skipped: Vec<PathBuf>,
}

/// Read `labs/<id>/src/**/*.rs` of a submission.
pub fn take_sources(submission: &Path, id: &str) -> Result<Sources, SourceError> {
    read_sources(
        &lab_dir(submission, id).join("src"),
        &format!("labs/{id}/src"),
    )
}

/// Read the `.rs` files under `src` (shown to students as `shown`).
pub fn read_sources(src: &Path, shown: &str) -> Result<Sources, SourceError> {
    let mut paths = Vec::new();
    let mut skipped = Vec::new();
    collect(src, Path::new(""), &mut paths, &mut skipped).map_err(|err| SourceError::Io {
        path: shown.to_owned(),
        message: err.to_string(),
    })?;
    if !paths.iter().any(|p| p == Path::new("lib.rs")) {
        return Err(SourceError::NoLib {
            dir: shown.to_owned(),
        });
    }
    if paths.len() > MAX_FILES {
        return Err(SourceError::TooLarge {
            dir: shown.to_owned(),
        });
    }
    let mut total = 0u64;
    let mut files = Vec::new();
    for rel in paths {
        let bytes = std::fs::read(src.join(&rel)).map_err(|err| SourceError::Io {
            path: format!("{shown}/{}", rel.display()),
            message: err.to_string(),
        })?;
        total += bytes.len() as u64;
        if total > MAX_BYTES {
            return Err(SourceError::TooLarge {
                dir: shown.to_owned(),
            });
        }
        files.push((rel, bytes));
    }
    Ok(Sources { files, skipped })
}

/// Every `.rs` file under `dir`, sorted (for hashing sources into keys).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let _ = collect(dir, Path::new(""), &mut found, &mut Vec::new());
    found.into_iter().map(|rel| dir.join(rel)).collect()
}

fn collect(
    dir: &Path,
    rel: &Path,
    found: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.collect::<Result<_, _>>()?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type()?;
        let rel_path = rel.join(entry.file_name());
        if kind.is_dir() {
            if found.len() + skipped.len() > 4 * MAX_FILES {
                break;
            }
            collect(&entry.path(), &rel_path, found, skipped)?;
        } else if kind.is_file() && rel_path.extension().is_some_and(|e| e == "rs") {
            found.push(rel_path);
        } else {
            skipped.push(rel_path);
        }
    }
    Ok(())
}

/// Write `sources` as `<dir>/src/...`.
pub fn write_sources(sources: &Sources, dir: &Path) -> std::io::Result<()> {
    for (rel, bytes) in &sources.files {
        let path = dir.join("src").join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rust_files_under_src_are_taken_and_symlinks_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("labs/02-x/src");
        std::fs::create_dir_all(src.join("nested")).unwrap();
        std::fs::write(src.join("lib.rs"), "pub mod nested;").unwrap();
        std::fs::write(src.join("nested/mod.rs"), "").unwrap();
        std::fs::write(src.join("notes.txt"), "x").unwrap();
        std::fs::write(dir.path().join("labs/02-x/build.rs"), "fn main(){}").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", src.join("secret.rs")).unwrap();
        let sources = take_sources(dir.path(), "02-x").unwrap();
        let names: Vec<_> = sources
            .files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert_eq!(names, ["lib.rs", "nested/mod.rs"]);
        assert_eq!(sources.skipped.len(), 2);
    }

    #[test]
    fn a_lab_without_lib_rs_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("labs/02-x/src")).unwrap();
        std::fs::write(dir.path().join("labs/02-x/src/main.rs"), "fn main(){}").unwrap();
        assert!(attempts(dir.path(), "02-x"));
        assert_eq!(
            take_sources(dir.path(), "02-x").unwrap_err(),
            SourceError::NoLib {
                dir: "labs/02-x/src".into()
            }
        );
        assert!(!attempts(dir.path(), "03-y"));
    }
}
