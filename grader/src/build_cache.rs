//! The prebuilt dependency cache: each lab's dependencies (and the protocol
//! crate) are built once per toolchain, lock file and profile by cargo, into
//! a target directory of the grader's own; submissions then compile with
//! plain `rustc --extern` against those artifacts, offline, in seconds.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::{Message, Metadata, MetadataCommand, PackageId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::course::{Course, LabManifest};
use crate::device::Device;
use crate::toolchain::Toolchain;

/// The cargo profile dependencies are built with. Grading always uses
/// release: timing thresholds and numeric labs need optimised code.
pub const PROFILE: &str = "release";

/// Bumped when the cache file layout changes.
const CACHE_LAYOUT: u32 = 1;

/// What a lab's submissions compile against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepsCache {
    /// Hash of everything the artifacts depend on.
    pub key: String,
    /// `--extern` pairs for the lab crate (the starter's dependencies).
    pub lab_externs: Vec<(String, PathBuf)>,
    /// `--extern` pairs for the driver, without `lab`.
    pub driver_externs: Vec<(String, PathBuf)>,
    /// The `-L dependency=` folder holding every transitive artifact.
    pub deps_dir: PathBuf,
}

/// The cache could not be built or read.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// cargo could not be run or failed.
    #[error("failed to build the dependency cache for {lab}: {message}")]
    Build {
        /// Lab id.
        lab: String,
        /// What went wrong, with cargo's last lines.
        message: String,
    },
    /// cargo metadata failed.
    #[error("failed to read the workspace with cargo metadata")]
    Metadata(#[source] cargo_metadata::Error),
    /// I/O on the cache folder.
    #[error("failed to use the cache folder {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// The cache folder of a course: `$GRADER_CACHE_DIR` or `<root>/target/grader-cache`.
pub fn cache_root(course: &Course) -> PathBuf {
    match std::env::var_os("GRADER_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => course.root.join("target").join("grader-cache"),
    }
}

/// The cache key of `lab`: toolchain, lock file and every manifest or source
/// cargo reads to build the dependency set.
pub fn cache_key(course: &Course, lab: &LabManifest, toolchain: &Toolchain) -> String {
    let root = &course.root;
    let mut hasher = Sha256::new();
    hasher.update(CACHE_LAYOUT.to_le_bytes());
    hasher.update(toolchain.version.as_bytes());
    hasher.update(PROFILE.as_bytes());
    let protocol = root.join("grader/protocol");
    let mut files = vec![
        root.join("Cargo.lock"),
        root.join("Cargo.toml"),
        course.starter_dir(lab).join("Cargo.toml"),
        root.join("grader/drivers").join(&lab.id).join("Cargo.toml"),
        protocol.join("Cargo.toml"),
    ];
    files.extend(crate::submission::rust_files(&protocol.join("src")));
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_default());
    }
    hex(&hasher.finalize())
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache of `lab`, built first if missing or stale. `progress` receives
/// one line per crate cargo compiles (the first build takes minutes).
pub fn ensure(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    progress: &mut dyn FnMut(&str),
) -> Result<DepsCache, CacheError> {
    ensure_for(course, lab, toolchain, Device::Cpu, progress)
}

/// [`ensure`] for `device`: with CUDA the driver package's `cuda` feature
/// (when it has one) is switched on, in a cache of its own beside the CPU's.
pub fn ensure_for(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    device: Device,
    progress: &mut dyn FnMut(&str),
) -> Result<DepsCache, CacheError> {
    let root = cache_root(course);
    let suffix = match device {
        Device::Cpu => "",
        Device::Cuda => "-cuda",
    };
    let record = root.join(format!("deps-{}-{PROFILE}{suffix}.json", lab.id));
    // The device is part of the key: the reference driver is cached per key.
    let key = format!("{}{suffix}", cache_key(course, lab, toolchain));
    if let Some(cache) = read_record(&record) {
        if cache.key == key && cache.is_complete() {
            return Ok(cache);
        }
    }
    progress(&format!(
        "building the dependency cache for {} (once per toolchain and lock file)",
        lab.id
    ));
    let cache = build(course, lab, &root, key, device, progress)?;
    std::fs::create_dir_all(&root).map_err(|source| CacheError::Io {
        path: root.clone(),
        source,
    })?;
    let text = serde_json::to_string_pretty(&cache).expect("serialisable");
    crate::fsutil::write_atomic(&record, text.as_bytes()).map_err(|source| CacheError::Io {
        path: record,
        source,
    })?;
    Ok(cache)
}

impl DepsCache {
    fn is_complete(&self) -> bool {
        self.deps_dir.is_dir()
            && self
                .lab_externs
                .iter()
                .chain(&self.driver_externs)
                .all(|(_, path)| path.is_file())
    }
}

fn read_record(path: &Path) -> Option<DepsCache> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn build(
    course: &Course,
    lab: &LabManifest,
    cache_root: &Path,
    key: String,
    device: Device,
    progress: &mut dyn FnMut(&str),
) -> Result<DepsCache, CacheError> {
    let failed = |message: String| CacheError::Build {
        lab: lab.id.clone(),
        message,
    };
    let metadata = MetadataCommand::new()
        .manifest_path(course.root.join("Cargo.toml"))
        .other_options(vec!["--locked".to_owned()])
        .exec()
        .map_err(CacheError::Metadata)?;
    let cuda = device == Device::Cuda
        && metadata
            .packages
            .iter()
            .any(|p| p.name.as_str() == lab.driver_package && p.features.contains_key("cuda"));
    let target_dir = cache_root.join(if cuda { "target-cuda" } else { "target" });
    let features: Vec<String> = if cuda {
        vec!["--features".into(), format!("{}/cuda", lab.driver_package)]
    } else {
        Vec::new()
    };
    let mut child = Command::new(cargo_program())
        .args([
            "build",
            "--locked",
            "--profile",
            PROFILE,
            "--message-format=json-render-diagnostics",
            "-p",
        ])
        .arg(&lab.driver_package)
        .args(&features)
        .current_dir(&course.root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| failed(format!("could not run cargo: {err}")))?;
    let stderr = child.stderr.take().expect("piped");
    let stderr_lines = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    let mut artifacts: BTreeMap<PackageId, PathBuf> = BTreeMap::new();
    let mut built = 0usize;
    for message in Message::parse_stream(BufReader::new(child.stdout.take().expect("piped"))) {
        let Ok(Message::CompilerArtifact(artifact)) = message else {
            continue;
        };
        if artifact
            .target
            .kind
            .contains(&cargo_metadata::TargetKind::CustomBuild)
        {
            continue;
        }
        built += 1;
        let fresh = if artifact.fresh { " (fresh)" } else { "" };
        progress(&format!("  [{built}] {}{fresh}", artifact.target.name));
        let library = artifact.target.kind.iter().any(|k| {
            matches!(
                k,
                cargo_metadata::TargetKind::Lib
                    | cargo_metadata::TargetKind::RLib
                    | cargo_metadata::TargetKind::ProcMacro
            )
        });
        if !library {
            continue;
        }
        let file = artifact
            .filenames
            .iter()
            .find(|f| f.extension() == Some("rlib"))
            .or_else(|| {
                artifact
                    .filenames
                    .iter()
                    .find(|f| f.extension() == Some("so"))
            });
        if let Some(file) = file {
            artifacts.insert(
                artifact.package_id.clone(),
                file.clone().into_std_path_buf(),
            );
        }
    }
    let status = child.wait().map_err(|err| failed(err.to_string()))?;
    let log = stderr_lines.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = log
            .iter()
            .rev()
            .take(25)
            .rev()
            .map(String::as_str)
            .collect();
        return Err(failed(format!("cargo build failed:\n{}", tail.join("\n"))));
    }
    let externs_of =
        |package: &str, skip: Option<&str>| -> Result<Vec<(String, PathBuf)>, CacheError> {
            direct_deps(&metadata, package)
                .ok_or_else(|| failed(format!("package `{package}` is not in the workspace")))?
                .into_iter()
                .filter(|(name, _)| Some(name.as_str()) != skip)
                .map(|(name, id)| {
                    let path = artifacts.get(&id).cloned().ok_or_else(|| {
                        failed(format!("cargo built no library for `{name}` ({id})"))
                    })?;
                    Ok((name, path))
                })
                .collect()
        };
    Ok(DepsCache {
        key,
        lab_externs: externs_of(&lab.starter_package, None)?,
        driver_externs: externs_of(&lab.driver_package, Some("lab"))?,
        deps_dir: target_dir.join(PROFILE).join("deps"),
    })
}

/// The cargo to run: `$CARGO` when the grader runs under cargo, else `cargo`.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// Normal (non-dev, non-build) dependencies of `package`: extern name and id.
fn direct_deps(metadata: &Metadata, package: &str) -> Option<Vec<(String, PackageId)>> {
    let id = metadata
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == package)?
        .id
        .clone();
    let node = metadata
        .resolve
        .as_ref()?
        .nodes
        .iter()
        .find(|n| n.id == id)?;
    Some(
        node.deps
            .iter()
            .filter(|dep| {
                dep.dep_kinds
                    .iter()
                    .any(|k| k.kind == cargo_metadata::DependencyKind::Normal)
            })
            .map(|dep| (dep.name.clone(), dep.pkg.clone()))
            .collect(),
    )
}
