//! The course model: `course.toml` at the course root and one `lab.toml` per
//! lab, parsed strictly (format version checked, unknown fields rejected,
//! errors name the file and line).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The manifest format this grader reads.
pub const FORMAT_VERSION: u32 = 1;

/// A manifest could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("failed to read {}", path.display())]
    Read {
        /// The manifest path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for its schema (toml's message has the line).
    #[error("invalid manifest {}: {message}", path.display())]
    Parse {
        /// The manifest path.
        path: PathBuf,
        /// toml's message, with line and column.
        message: String,
    },
    /// The file parsed but says something impossible.
    #[error("invalid manifest {}: {message}", path.display())]
    Invalid {
        /// The manifest path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// `course.toml`: the labs of the course, in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseManifest {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Course title, shown in reports.
    pub title: String,
    /// Lab ids, in the order students meet them.
    pub labs: Vec<String>,
}

/// Who may see a case's input and expected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Public: stored in the handout with expected outputs; shown in full.
    Visible,
    /// Generated at grading time; students see only name and outcome.
    Hidden,
    /// Like hidden until the due date has passed.
    AfterDueDate,
}

impl Visibility {
    /// Whether inputs and expected values of such a case may be shown.
    pub fn shows_details(self) -> bool {
        matches!(self, Visibility::Visible)
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Visibility::Visible => "visible",
            Visibility::Hidden => "hidden",
            Visibility::AfterDueDate => "after_due_date",
        })
    }
}

/// Resource limits of one case (or the defaults of a lab).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    /// Wall-clock limit per case, in milliseconds.
    pub time_ms: Option<u64>,
    /// Address-space limit of the driver process, in MiB.
    pub memory_mib: Option<u64>,
    /// Cap on what the student's code may print, in KiB.
    pub output_kib: Option<u64>,
}

/// Limits with every field decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock limit per case.
    pub time: Duration,
    /// Address-space limit of the driver process, in bytes.
    pub memory_bytes: u64,
    /// Cap on the student's printed output, in bytes.
    pub output_bytes: u64,
}

impl Limits {
    /// The grader's defaults when a lab states nothing.
    pub const DEFAULT: Limits = Limits {
        time: Duration::from_secs(2),
        memory_bytes: 1 << 30,
        output_bytes: 64 << 10,
    };

    /// These limits with `spec`'s fields overriding.
    pub fn with(self, spec: &LimitsSpec) -> Limits {
        Limits {
            time: spec.time_ms.map_or(self.time, Duration::from_millis),
            memory_bytes: spec.memory_mib.map_or(self.memory_bytes, |m| m << 20),
            output_bytes: spec.output_kib.map_or(self.output_bytes, |k| k << 10),
        }
    }
}

/// Float comparison tolerance: `|actual - expected| <= abs + rel * |expected|`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Absolute part.
    pub abs: f64,
    /// Relative part.
    #[serde(default)]
    pub rel: f64,
}

/// One group of cases: the unit of points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Short name, unique in the lab; case ids are `<group>/<case>`.
    pub name: String,
    /// What the group checks, in a few words.
    pub title: String,
    /// Points for passing every case; each case carries an equal share.
    pub points: f64,
    /// Who sees the cases.
    pub visibility: Visibility,
    /// Number of seeded random cases, on top of the hand-written ones.
    #[serde(default)]
    pub generated: u32,
    /// Shown to a student whose submission loses points here.
    pub hint: String,
    /// Per-case limits overriding the lab's.
    #[serde(default)]
    pub limits: LimitsSpec,
    /// Float tolerance overriding the lab's.
    pub tolerance: Option<Tolerance>,
    /// A timing threshold: the group's cases pass only when the student's
    /// answer is also fast enough against the reference, measured side by
    /// side (see [`Timing`]). Only on groups that need the reference
    /// (hidden or after_due_date).
    pub timing: Option<Timing>,
    /// The device the group's cases need; `cuda` groups run only when
    /// grading with `--device cuda` and are skipped (not counted) otherwise.
    #[serde(default)]
    pub device: DeviceNeed,
}

/// A timing threshold of a group: each case is sent once to the reference
/// and the student driver as an untimed warm-up (the student's answer is
/// judged as usual), then `rounds` times to each, alternating, timed by the
/// grader from request to reply. The case passes when
/// `median(student) <= max_ratio * median(reference) + margin_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// How many times slower than the reference the student may be.
    pub max_ratio: f64,
    /// Timed rounds per driver (odd numbers make the median one sample).
    pub rounds: u32,
    /// Absolute slack in milliseconds, for cases where both are very fast.
    #[serde(default)]
    pub margin_ms: f64,
}

/// The device a group needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceNeed {
    /// Runs anywhere (the driver uses the CPU unless a case says otherwise).
    #[default]
    Any,
    /// Needs a CUDA GPU (`--device cuda`, a driver built with `cuda`).
    Cuda,
}

/// `labs/<id>/lab.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabManifest {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Lab id, equal to its folder name.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The lessons of the course this lab teaches (titles as in the course).
    pub lessons: Vec<String>,
    /// Library crate name of the lab (`--crate-name` of every submission).
    pub crate_name: String,
    /// Cargo package of the starter (its manifest sets the lab's dependencies).
    pub starter_package: String,
    /// Cargo package of the reference solution.
    pub reference_package: String,
    /// Cargo package of the grader-owned driver.
    pub driver_package: String,
    /// Seed of the public cases stored in the handout.
    pub public_seed: u64,
    /// Default limits of every case.
    #[serde(default)]
    pub limits: LimitsSpec,
    /// Default float tolerance.
    pub tolerance: Tolerance,
    /// The case groups, in report order.
    #[serde(rename = "group")]
    pub groups: Vec<GroupSpec>,
}

impl LabManifest {
    /// The limits of a case in `group`.
    pub fn limits_for(&self, group: &GroupSpec) -> Limits {
        Limits::DEFAULT.with(&self.limits).with(&group.limits)
    }

    /// The tolerance of a case in `group`.
    pub fn tolerance_for(&self, group: &GroupSpec) -> Tolerance {
        group.tolerance.unwrap_or(self.tolerance)
    }

    /// The group called `name`.
    pub fn group(&self, name: &str) -> Option<&GroupSpec> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Total points of the lab.
    pub fn max_score(&self) -> f64 {
        self.groups.iter().map(|g| g.points).sum()
    }

    fn validate(&self, path: &Path) -> Result<(), ManifestError> {
        let invalid = |message: String| ManifestError::Invalid {
            path: path.to_owned(),
            message,
        };
        check_version(self.format_version, path)?;
        if self.groups.is_empty() {
            return Err(invalid("a lab needs at least one [[group]]".into()));
        }
        for (i, group) in self.groups.iter().enumerate() {
            if self.groups[..i].iter().any(|g| g.name == group.name) {
                return Err(invalid(format!("group `{}` is declared twice", group.name)));
            }
            if !(group.points.is_finite() && group.points > 0.0) {
                return Err(invalid(format!(
                    "group `{}` must have positive points",
                    group.name
                )));
            }
            if group.hint.trim().is_empty() {
                return Err(invalid(format!("group `{}` needs a hint", group.name)));
            }
            if let Some(timing) = &group.timing {
                if group.visibility == Visibility::Visible {
                    return Err(invalid(format!(
                        "group `{}` has a timing threshold, which needs the reference: make it hidden or after_due_date",
                        group.name
                    )));
                }
                if !(timing.max_ratio.is_finite() && timing.max_ratio >= 1.0)
                    || timing.rounds == 0
                    || timing.rounds > 101
                    || !(timing.margin_ms.is_finite() && timing.margin_ms >= 0.0)
                {
                    return Err(invalid(format!(
                        "group `{}`: timing needs max_ratio >= 1, 1..=101 rounds and margin_ms >= 0",
                        group.name
                    )));
                }
            }
            if group.name.contains('/') || group.name.is_empty() {
                return Err(invalid(format!(
                    "group name `{}` must be non-empty without `/`",
                    group.name
                )));
            }
        }
        Ok(())
    }
}

fn check_version(found: u32, path: &Path) -> Result<(), ManifestError> {
    if found == FORMAT_VERSION {
        return Ok(());
    }
    Err(ManifestError::Invalid {
        path: path.to_owned(),
        message: format!(
            "format_version {found} is not supported (this grader reads {FORMAT_VERSION})"
        ),
    })
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|err| ManifestError::Parse {
        path: path.to_owned(),
        message: err.to_string().trim_end().to_owned(),
    })
}

/// A loaded course: its root folder, manifest and labs.
#[derive(Debug, Clone)]
pub struct Course {
    /// The course root (the workspace folder holding `course.toml`).
    pub root: PathBuf,
    /// `course.toml`.
    pub manifest: CourseManifest,
    /// The labs, in course order.
    pub labs: Vec<LabManifest>,
}

impl Course {
    /// Load `course.toml` and every lab manifest under `root`.
    pub fn load(root: &Path) -> Result<Course, ManifestError> {
        let path = root.join("course.toml");
        let manifest: CourseManifest = read_toml(&path)?;
        check_version(manifest.format_version, &path)?;
        let mut labs = Vec::new();
        for id in &manifest.labs {
            let lab_path = root.join("labs").join(id).join("lab.toml");
            let lab: LabManifest = read_toml(&lab_path)?;
            lab.validate(&lab_path)?;
            if &lab.id != id {
                return Err(ManifestError::Invalid {
                    path: lab_path,
                    message: format!("id `{}` does not match its folder `{id}`", lab.id),
                });
            }
            labs.push(lab);
        }
        Ok(Course {
            root: root.to_owned(),
            manifest,
            labs,
        })
    }

    /// Find the course root: `start` or the nearest ancestor with `course.toml`.
    pub fn find_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|dir| dir.join("course.toml").is_file())
            .map(Path::to_path_buf)
    }

    /// The lab with this id.
    pub fn lab(&self, id: &str) -> Option<&LabManifest> {
        self.labs.iter().find(|lab| lab.id == id)
    }

    /// Folder of the starter of `lab`.
    pub fn starter_dir(&self, lab: &LabManifest) -> PathBuf {
        self.root.join("labs").join(&lab.id)
    }

    /// Folder of the reference of `lab` (absent in a student handout).
    pub fn reference_dir(&self, lab: &LabManifest) -> PathBuf {
        self.root.join("reference").join(&lab.id)
    }

    /// The stored public cases of `lab`.
    pub fn public_cases_path(&self, lab: &LabManifest) -> PathBuf {
        self.starter_dir(lab).join("cases").join("public.json")
    }

    /// Instructor-written hidden edge cases of `lab` (never in the handout).
    pub fn hidden_cases_path(&self, lab: &LabManifest) -> PathBuf {
        self.reference_dir(lab).join("hidden-cases.json")
    }

    /// Source of the driver of `lab`.
    pub fn driver_source(&self, lab: &LabManifest) -> PathBuf {
        self.root
            .join("grader")
            .join("drivers")
            .join(&lab.id)
            .join("src")
            .join("main.rs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const LAB: &str = r#"
format_version = 1
id = "02-x"
title = "X"
lessons = ["05 — Embeddings"]
crate_name = "x"
starter_package = "x"
reference_package = "x-reference"
driver_package = "driver-x"
public_seed = 7
tolerance = { abs = 1e-5 }

[[group]]
name = "basic"
title = "basics"
points = 2
visibility = "visible"
hint = "read the README"
"#;

    #[test]
    fn a_valid_course_loads_with_its_labs() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "course.toml",
            "format_version = 1\ntitle = \"T\"\nlabs = [\"02-x\"]\n",
        );
        write(dir.path(), "labs/02-x/lab.toml", LAB);
        let course = Course::load(dir.path()).unwrap();
        assert_eq!(course.labs[0].groups[0].points, 2.0);
        assert_eq!(
            course.labs[0].limits_for(&course.labs[0].groups[0]),
            Limits::DEFAULT
        );
    }

    #[test]
    fn an_unknown_field_is_rejected_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "course.toml",
            "format_version = 1\ntitle = \"T\"\nlabs = [\"02-x\"]\n",
        );
        write(
            dir.path(),
            "labs/02-x/lab.toml",
            &LAB.replace("points = 2", "points = 2\npionts = 3"),
        );
        let message = Course::load(dir.path()).unwrap_err().to_string();
        assert!(message.contains("labs/02-x/lab.toml"), "{message}");
        assert!(message.contains("line 17"), "{message}");
        assert!(message.contains("pionts"), "{message}");
    }

    #[test]
    fn a_future_format_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "course.toml",
            "format_version = 2\ntitle = \"T\"\nlabs = []\n",
        );
        let message = Course::load(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains("format_version 2 is not supported"),
            "{message}"
        );
    }

    #[test]
    fn a_group_without_points_or_hint_is_invalid() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "course.toml",
            "format_version = 1\ntitle = \"T\"\nlabs = [\"02-x\"]\n",
        );
        write(
            dir.path(),
            "labs/02-x/lab.toml",
            &LAB.replace("hint = \"read the README\"", "hint = \" \""),
        );
        let message = Course::load(dir.path()).unwrap_err().to_string();
        assert!(message.contains("group `basic` needs a hint"), "{message}");
    }
}
