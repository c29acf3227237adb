//! `grader bless`: write each lab's public cases with the reference's
//! answers, or (`--check`) fail when the stored ones are stale.

use crate::build_cache;
use crate::builds::reference_driver;
use crate::cases::{PublicCases, StoredCase, CASES_FORMAT_VERSION};
use crate::check::{expected_from_reference, public_case_inputs};
use crate::course::{Course, LabManifest, Visibility};
use crate::labs::{self, PrepareContext};
use crate::sandbox::{Isolation, Slot};
use crate::session::Driver;
use crate::toolchain::Toolchain;

/// What bless found for one lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlessStatus {
    /// The stored file equals what the reference gives now.
    Fresh,
    /// The stored file was (re)written.
    Written,
    /// `--check`: the stored file differs; why.
    Stale(String),
}

/// Bless (or check) the public cases of `lab`.
pub fn bless_lab(
    course: &Course,
    lab: &LabManifest,
    toolchain: &Toolchain,
    isolation: &Isolation,
    check_only: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<BlessStatus, String> {
    let module = labs::module(&lab.id).ok_or_else(|| format!("no grader module for {}", lab.id))?;
    let prepared = module.prepare(&mut PrepareContext {
        course_root: &course.root,
        model_dir: None,
        progress,
    });
    if let Some((group, why)) = prepared.skipped.iter().find(|(group, _)| {
        lab.group(group)
            .is_some_and(|g| g.visibility == Visibility::Visible)
    }) {
        return Err(format!(
            "the public group `{group}` cannot run here, so its cases cannot be blessed: {why}"
        ));
    }
    let setup = prepared.driver_setup(Vec::new());
    let deps = build_cache::ensure(course, lab, toolchain, progress).map_err(|e| e.to_string())?;
    let reference = reference_driver(course, lab, toolchain, &deps, isolation)?;
    let inputs = public_case_inputs(lab, module)?;
    let limits_of =
        |case: &crate::cases::Case| lab.limits_for(lab.group(&case.group).expect("declared"));
    let slot = Slot {
        isolation,
        uid: isolation.lease_uid(),
    };
    let driver = Driver {
        binary: &reference,
        setup: &setup,
    };
    let expected = expected_from_reference(driver, &inputs, &limits_of, slot);
    let mut cases = Vec::with_capacity(inputs.len());
    for (case, expected) in inputs.into_iter().zip(expected) {
        let expected = expected.map_err(|why| format!("{}: {why}", case.id))?;
        cases.push(StoredCase { case, expected });
    }
    let fresh = PublicCases {
        format_version: CASES_FORMAT_VERSION,
        lab: lab.id.clone(),
        seed: lab.public_seed,
        cases,
    };
    let path = course.public_cases_path(lab);
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    let text = fresh.to_file_text();
    if stored == text {
        return Ok(BlessStatus::Fresh);
    }
    if check_only {
        return Ok(BlessStatus::Stale(stale_reason(&stored, &fresh)));
    }
    crate::fsutil::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(BlessStatus::Written)
}

fn stale_reason(stored: &str, fresh: &PublicCases) -> String {
    let Ok(old) = serde_json::from_str::<PublicCases>(stored) else {
        return "the stored file is missing or unreadable".into();
    };
    if old.cases.len() != fresh.cases.len() {
        return format!(
            "{} stored cases, {} now",
            old.cases.len(),
            fresh.cases.len()
        );
    }
    match old.cases.iter().zip(&fresh.cases).find(|(a, b)| a != b) {
        Some((a, _)) => format!(
            "case `{}` differs from what the reference gives now",
            a.case.id
        ),
        None => "the file's formatting or header differs".into(),
    }
}
