//! Building drivers: a submission's (in its scratch folder) and the
//! reference's (once per sources and dependency key, kept in the cache).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::build_cache::{self, DepsCache};
use crate::compile::{self, CompileFailure};
use crate::course::{Course, LabManifest};
use crate::sandbox::{Isolation, Slot};
use crate::submission;
use crate::toolchain::Toolchain;

/// Copy a submission's lab sources into `dir` and build its driver there.
pub fn student_driver(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    deps: &DepsCache,
    submission: &Path,
    dir: &Path,
    isolation: &Isolation,
) -> Result<PathBuf, CompileFailure> {
    let sources = submission::take_sources(submission, &lab.id)
        .map_err(|e| CompileFailure::Errors(e.to_string()))?;
    build_driver_from(course, lab, toolchain, deps, &sources, dir, isolation)
}

fn build_driver_from(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    deps: &DepsCache,
    sources: &submission::Sources,
    dir: &Path,
    isolation: &Isolation,
) -> Result<PathBuf, CompileFailure> {
    submission::write_sources(sources, dir).map_err(|e| CompileFailure::Spawn(e.to_string()))?;
    let uid = isolation.lease_uid();
    let slot = Slot { isolation, uid };
    let rlib = compile::compile_lab(toolchain, deps, dir, &lab.crate_name, slot)?;
    compile::compile_driver(toolchain, deps, &course.driver_source(lab), &rlib, dir, slot).map_err(|failure| match failure {
        CompileFailure::Errors(log) => CompileFailure::Errors(format!(
            "your crate compiled, but the grader's driver could not use it: keep the public API of the starter\n{log}"
        )),
        other => other,
    })
}

/// The reference's driver, compiled once per (dependency key, sources) and
/// kept in the cache.
pub fn reference_driver(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    deps: &DepsCache,
    isolation: &Isolation,
) -> Result<PathBuf, String> {
    let reference = reference_sources(course, lab)?;
    let mut hasher = Sha256::new();
    hasher.update(deps.key.as_bytes());
    hasher.update(compile::FLAGS_VERSION.to_le_bytes());
    hasher.update(std::fs::read(course.driver_source(lab)).unwrap_or_default());
    for (path, bytes) in &reference.files {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(bytes);
    }
    let key = build_cache::hex(&hasher.finalize());
    let dir = build_cache::cache_root(course)
        .join("reference")
        .join(format!("{}-{}", lab.id, &key[..16]));
    let binary = dir.join("driver");
    if binary.is_file() {
        return Ok(binary);
    }
    let parent = dir.parent().expect("has parent");
    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    let building = tempfile::Builder::new()
        .prefix(".building-")
        .tempdir_in(parent)
        .map_err(|e| e.to_string())?;
    build_driver_from(
        course,
        lab,
        toolchain,
        deps,
        &reference,
        building.path(),
        isolation,
    )
    .map_err(|f| f.message())?;
    match std::fs::rename(building.path(), &dir) {
        Ok(()) => {
            let _ = building.keep();
        }
        // Another grader finished first: use its build.
        Err(_) if binary.is_file() => {}
        Err(err) => return Err(err.to_string()),
    }
    Ok(binary)
}

fn reference_sources(course: &Course, lab: &LabManifest) -> Result<submission::Sources, String> {
    let src = course.reference_dir(lab).join("src");
    submission::read_sources(&src, &format!("reference/{}/src", lab.id)).map_err(|e| e.to_string())
}
