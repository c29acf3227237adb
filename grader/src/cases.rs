//! Cases: what a driver is asked, where cases come from (stored public files,
//! seeded generators, instructor edge-case files), and the seeded RNG.

use std::path::{Path, PathBuf};

use lab_protocol::{Reply, Request};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Format version of stored case files.
pub const CASES_FORMAT_VERSION: u32 = 1;

/// One case: a call to one lab function with its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// `<group>/<name>`, unique in the lab.
    pub id: String,
    /// The group that scores it.
    pub group: String,
    /// The lab function.
    pub call: String,
    /// Its arguments.
    pub args: Value,
}

impl Case {
    /// A case of `group` named `name`.
    pub fn new(group: &str, name: &str, call: &str, args: Value) -> Case {
        Case {
            id: format!("{group}/{name}"),
            group: group.to_owned(),
            call: call.to_owned(),
            args,
        }
    }

    /// The protocol request for this case.
    pub fn request(&self) -> Request {
        Request {
            id: self.id.clone(),
            call: self.call.clone(),
            args: self.args.clone(),
        }
    }
}

/// A case with its expected reply, as stored for public groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCase {
    /// The case.
    #[serde(flatten)]
    pub case: Case,
    /// What the reference replied.
    pub expected: Reply,
}

/// `labs/<id>/cases/public.json`, written by `grader bless`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicCases {
    /// Must equal [`CASES_FORMAT_VERSION`].
    pub format_version: u32,
    /// Lab id.
    pub lab: String,
    /// Seed the generated cases came from.
    pub seed: u64,
    /// The cases with expected replies.
    pub cases: Vec<StoredCase>,
}

/// A case file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    /// Missing or unreadable.
    #[error("failed to read {}", path.display())]
    Read {
        /// File.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a valid case file.
    #[error("invalid case file {}: {message}", path.display())]
    Invalid {
        /// File.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CaseFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| CaseFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|err| CaseFileError::Invalid {
        path: path.to_owned(),
        message: err.to_string(),
    })
}

impl PublicCases {
    /// Read a stored public case file.
    pub fn load(path: &Path) -> Result<PublicCases, CaseFileError> {
        let cases: PublicCases = read_json(path)?;
        if cases.format_version != CASES_FORMAT_VERSION {
            return Err(CaseFileError::Invalid {
                path: path.to_owned(),
                message: format!("format_version {} is not supported", cases.format_version),
            });
        }
        Ok(cases)
    }

    /// The stable text written to disk (pretty JSON, trailing newline).
    pub fn to_file_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("serialisable");
        text.push('\n');
        text
    }
}

/// An instructor-written edge case (`reference/<id>/hidden-cases.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeCase {
    /// Group it belongs to (must be a hidden or after-due-date group).
    pub group: String,
    /// Case name.
    pub name: String,
    /// Lab function.
    pub call: String,
    /// Arguments.
    pub args: Value,
}

/// Read instructor edge cases; a missing file means none.
pub fn load_edge_cases(path: &Path) -> Result<Vec<Case>, CaseFileError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let edges: Vec<EdgeCase> = read_json(path)?;
    Ok(edges
        .into_iter()
        .map(|e| Case::new(&e.group, &e.name, &e.call, e.args))
        .collect())
}

/// A reproducible random stream for one (seed, lab, group).
///
/// ChaCha8 with a seed derived by SHA-256: the same inputs give the same
/// cases on every platform and every run, so a grade can be reproduced.
pub struct CaseRng {
    inner: ChaCha8Rng,
}

impl CaseRng {
    /// The stream for `group` of `lab` under `seed`.
    pub fn new(seed: u64, lab: &str, group: &str) -> CaseRng {
        let digest = Sha256::new()
            .chain_update(seed.to_le_bytes())
            .chain_update(lab.as_bytes())
            .chain_update([0])
            .chain_update(group.as_bytes())
            .finalize();
        CaseRng {
            inner: ChaCha8Rng::from_seed(digest.into()),
        }
    }

    /// Uniform in `[0, 1)` with 24 bits, exact as an `f32`.
    pub fn unit(&mut self) -> f32 {
        (self.inner.next_u32() >> 8) as f32 / (1u32 << 24) as f32
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[lo, hi]`.
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        assert!(lo <= hi, "empty range");
        lo + self.inner.next_u64() % (hi - lo + 1)
    }

    /// A vector of `len` values uniform in `[-1, 1)`.
    pub fn vector(&mut self, len: usize) -> Vec<f32> {
        (0..len).map(|_| self.range(-1.0, 1.0)).collect()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
}

/// A fresh secret seed for hidden cases, from the OS.
pub fn random_seed() -> u64 {
    use std::io::Read;
    let mut bytes = [0u8; 8];
    if let Ok(mut urandom) = std::fs::File::open("/dev/urandom") {
        let _ = urandom.read_exact(&mut bytes);
    }
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream_and_groups_differ() {
        let a: Vec<f32> = CaseRng::new(7, "lab", "g").vector(5);
        let b: Vec<f32> = CaseRng::new(7, "lab", "g").vector(5);
        let c: Vec<f32> = CaseRng::new(7, "lab", "h").vector(5);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn stored_cases_round_trip() {
        let stored = PublicCases {
            format_version: CASES_FORMAT_VERSION,
            lab: "x".into(),
            seed: 1,
            cases: vec![StoredCase {
                case: Case::new("g", "one", "f", serde_json::json!({"a": 1})),
                expected: Reply::Ok(serde_json::json!(2.5)),
            }],
        };
        let text = stored.to_file_text();
        assert!(text.contains("\"id\": \"g/one\""));
        let back: PublicCases = serde_json::from_str(&text).unwrap();
        assert_eq!(back, stored);
    }
}
