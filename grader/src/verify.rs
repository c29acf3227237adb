//! `grader verify`: the course's own CI. Every check that fails names its
//! cause: a reference that loses points, a group the starter passes (vacuous),
//! a TODO no group covers, a mutant no case catches, stale public cases,
//! manifests that disagree with the registry or folders, a leaking handout.

use std::path::Path;

use crate::bless::{bless_lab, BlessStatus};
use crate::cases::CaseRng;
use crate::check::{CheckOptions, Grader};
use crate::course::{Course, LabManifest};
use crate::labs;
use crate::recipe::{mutant_paths, Recipe};
use crate::report::{LabReport, LabStatus};
use crate::sandbox::Isolation;
use crate::source_fns;
use crate::toolchain::Toolchain;

/// Fewest mutants a lab must keep.
pub const MIN_MUTANTS: usize = 6;

/// One verification result.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The lab, or `course` for course-wide checks.
    pub scope: String,
    /// Which check.
    pub check: &'static str,
    /// Whether it held.
    pub ok: bool,
    /// What was found (the cause when it failed).
    pub message: String,
}

/// What to verify.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Seeds the reference must score full marks on (1..=seeds).
    pub seeds: u64,
    /// Only these labs (all when empty).
    pub labs: Vec<String>,
}

/// Everything verification needs.
pub struct Verifier<'a> {
    /// The course.
    pub course: &'a Course,
    /// The compiler.
    pub toolchain: &'a Toolchain,
    /// Isolation for every run (mutants are untrusted code too).
    pub isolation: &'a Isolation,
    /// One line per step.
    pub progress: &'a mut dyn FnMut(&str),
}

impl Verifier<'_> {
    /// Run every check.
    pub fn verify(&mut self, options: &VerifyOptions) -> Vec<Finding> {
        let mut findings = vec![self.registry()];
        for lab in &self.course.labs {
            if !options.labs.is_empty() && !options.labs.contains(&lab.id) {
                continue;
            }
            (self.progress)(&format!("[{}] verifying", lab.id));
            findings.push(self.folders(lab));
            findings.push(self.fresh(lab));
            findings.push(self.reference(lab, options.seeds));
            findings.push(self.starter(lab));
            findings.extend(self.todos(lab));
            findings.push(self.mutants(lab));
        }
        findings.push(self.packet_samples());
        findings.push(self.handout());
        findings
    }

    fn grade(
        &mut self,
        lab: &LabManifest,
        recipe: &Recipe,
        seed: u64,
    ) -> Result<LabReport, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        recipe.build(self.course, lab, dir.path(), &|t| t.to_owned())?;
        self.grade_folder(lab, dir.path(), seed)
    }

    fn grade_folder(
        &mut self,
        lab: &LabManifest,
        submission: &Path,
        seed: u64,
    ) -> Result<LabReport, String> {
        let mut quiet = |_: &str| {};
        let mut grader = Grader {
            course: self.course,
            toolchain: self.toolchain,
            isolation: self.isolation,
            progress: &mut quiet,
        };
        let report = grader
            .check(&CheckOptions {
                submission: submission.to_owned(),
                labs: vec![lab.id.clone()],
                hidden_seed: Some(seed),
                ..CheckOptions::default()
            })
            .map_err(|e| e.to_string())?;
        report
            .labs
            .into_iter()
            .next()
            .ok_or_else(|| "no lab in the report".into())
    }

    /// The sample packets land in their bands (rubrics/samples/bands.toml).
    fn packet_samples(&mut self) -> Finding {
        (self.progress)("[packet] scoring the sample packets");
        let results =
            match crate::packet::verify_samples(self.course, self.toolchain, self.isolation) {
                Ok(results) => results,
                Err(why) => return finding("course", "packet-samples", vec![why], String::new()),
            };
        let problems: Vec<String> = results
            .iter()
            .filter(|r| !r.in_band())
            .map(|r| {
                format!(
                    "sample packet {} scored {} (band {}..={})",
                    r.file, r.report.score, r.band[0], r.band[1]
                )
            })
            .collect();
        let summary: Vec<String> = results
            .iter()
            .map(|r| format!("{} {}", r.file, r.report.score))
            .collect();
        finding(
            "course",
            "packet-samples",
            problems,
            format!("sample packets in their bands: {}", summary.join(", ")),
        )
    }

    fn registry(&self) -> Finding {
        let mut problems = Vec::new();
        for module in labs::REGISTRY {
            if self.course.lab(module.id()).is_none() {
                problems.push(format!(
                    "the grader has a module for `{}` but course.toml does not list it",
                    module.id()
                ));
            }
        }
        for lab in &self.course.labs {
            if labs::module(&lab.id).is_none() {
                problems.push(format!(
                    "`{}` is in course.toml but has no module in grader/src/labs",
                    lab.id
                ));
            }
        }
        finding(
            "course",
            "registry",
            problems,
            "course.toml and the grader's lab registry agree".into(),
        )
    }

    fn folders(&self, lab: &LabManifest) -> Finding {
        let mut problems = Vec::new();
        let packages = [
            (
                self.course.starter_dir(lab).join("Cargo.toml"),
                &lab.starter_package,
            ),
            (
                self.course.reference_dir(lab).join("Cargo.toml"),
                &lab.reference_package,
            ),
            (
                self.course
                    .root
                    .join("grader/drivers")
                    .join(&lab.id)
                    .join("Cargo.toml"),
                &lab.driver_package,
            ),
        ];
        for (manifest, expected) in packages {
            match package_name(&manifest) {
                Some(name) if &name == expected => {}
                Some(name) => problems.push(format!(
                    "{} names package `{name}`, lab.toml says `{expected}`",
                    manifest.display()
                )),
                None => problems.push(format!(
                    "{} is missing or has no [package] name",
                    manifest.display()
                )),
            }
        }
        if !self.course.reference_dir(lab).join("src/lib.rs").is_file() {
            problems.push(format!("reference/{}/src/lib.rs is missing", lab.id));
        }
        if let Some(module) = labs::module(&lab.id) {
            for group in &lab.groups {
                let mut rng = CaseRng::new(0, &lab.id, &group.name);
                if module.cases(&group.name, &mut rng, 0).is_none() {
                    problems.push(format!(
                        "group `{}` of lab.toml is unknown to the grader's module",
                        group.name
                    ));
                }
            }
        }
        let ok = format!(
            "folders, packages and {} groups agree with lab.toml",
            lab.groups.len()
        );
        finding(&lab.id, "folders", problems, ok)
    }

    fn fresh(&mut self, lab: &LabManifest) -> Finding {
        let status = bless_lab(
            self.course,
            lab,
            self.toolchain,
            self.isolation,
            true,
            self.progress,
        );
        let problems = match status {
            Ok(BlessStatus::Fresh) => Vec::new(),
            Ok(BlessStatus::Stale(why)) => vec![format!(
                "stored public cases are stale: {why}; run `grader bless --lab {}`",
                lab.id
            )],
            Ok(BlessStatus::Written) => vec!["bless wrote in check mode (a bug)".into()],
            Err(err) => vec![err],
        };
        finding(
            &lab.id,
            "public cases",
            problems,
            "stored public cases equal what the reference gives now".into(),
        )
    }

    fn reference(&mut self, lab: &LabManifest, seeds: u64) -> Finding {
        let mut problems = Vec::new();
        let mut ratios: Vec<f64> = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        for seed in 1..=seeds {
            match self.grade(lab, &Recipe::base("reference"), seed) {
                Ok(report) => {
                    ratios.extend(
                        report
                            .cases
                            .iter()
                            .filter_map(|c| c.timing.map(|t| t.ratio)),
                    );
                    for group in report.groups.iter().filter(|g| g.skipped.is_some()) {
                        if !skipped.contains(&group.name) {
                            skipped.push(group.name.clone());
                        }
                    }
                    for case in report.cases.iter().filter(|c| !c.outcome.passed()) {
                        problems.push(format!(
                            "seed {seed}: the reference fails {} ({}): {}",
                            case.id, case.outcome, case.message
                        ));
                    }
                    if report.status != LabStatus::Graded {
                        problems.push(format!(
                            "seed {seed}: the reference is not graded: {:?} {}",
                            report.status,
                            report.message.unwrap_or_default()
                        ));
                    }
                }
                Err(err) => problems.push(format!("seed {seed}: {err}")),
            }
        }
        let mut ok = format!(
            "the reference scores full marks on public and hidden cases over {seeds} seeds"
        );
        if let Some(worst) = ratios.iter().copied().reduce(f64::max) {
            // Raced against itself, the reference shows the noise a timing
            // threshold must absorb.
            ok.push_str(&format!(
                "; raced against itself on {} timing cases, its worst median ratio was {worst:.2}x",
                ratios.len()
            ));
        }
        if !skipped.is_empty() {
            ok.push_str(&format!("; not run here (skipped): {}", skipped.join(", ")));
        }
        finding(&lab.id, "reference", problems, ok)
    }

    fn starter(&mut self, lab: &LabManifest) -> Finding {
        let problems = match self.grade(lab, &Recipe::base("starter"), 1) {
            Ok(report) => report
                .groups
                .iter()
                .filter(|g| g.graded && g.total > 0 && g.passed > 0)
                .map(|g| {
                    format!(
                        "group `{}` passes {} of {} cases on the untouched starter (vacuous cases)",
                        g.name, g.passed, g.total
                    )
                })
                .collect(),
            Err(err) => vec![err],
        };
        finding(
            &lab.id,
            "starter",
            problems,
            "every case group fails on the untouched starter".into(),
        )
    }

    /// Each TODO function of the starter, replaced by a panic in the
    /// reference, must cost points somewhere: otherwise no group covers it.
    fn todos(&mut self, lab: &LabManifest) -> Vec<Finding> {
        let mut todo_names = Vec::new();
        for file in crate::submission::rust_files(&self.course.starter_dir(lab).join("src")) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            todo_names.extend(source_fns::todo_fns(&text).unwrap_or_default());
        }
        let mut problems = Vec::new();
        for name in &todo_names {
            match self.without_fn(lab, name) {
                Ok(true) => {}
                Ok(false) => problems.push(format!("TODO `{name}` of the starter is covered by no group: the reference with that function panicking still scores full marks")),
                Err(err) => problems.push(format!("TODO `{name}`: {err}")),
            }
        }
        let ok = format!(
            "each of the starter's {} TODO functions is covered by a group",
            todo_names.len()
        );
        vec![finding(&lab.id, "todo coverage", problems, ok)]
    }

    fn without_fn(&mut self, lab: &LabManifest, name: &str) -> Result<bool, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        Recipe::base("reference").build(self.course, lab, dir.path(), &|t| t.to_owned())?;
        let src = dir.path().join("labs").join(&lab.id).join("src");
        let mut replaced = false;
        for file in crate::submission::rust_files(&src) {
            let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
            if let Some(new) = source_fns::with_panicking_body(&text, name) {
                std::fs::write(&file, new).map_err(|e| e.to_string())?;
                replaced = true;
            }
        }
        if !replaced {
            return Err(format!("the reference has no function `{name}`"));
        }
        let report = self.grade_folder(lab, dir.path(), 1)?;
        Ok(report.score < report.max_score)
    }

    fn mutants(&mut self, lab: &LabManifest) -> Finding {
        let paths = mutant_paths(self.course, lab);
        let mut problems = Vec::new();
        if paths.len() < MIN_MUTANTS {
            problems.push(format!(
                "only {} mutants in reference/{}/mutants (at least {MIN_MUTANTS})",
                paths.len(),
                lab.id
            ));
        }
        let mut caught = 0;
        for path in &paths {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let result = Recipe::load(path).and_then(|recipe| self.grade(lab, &recipe, 1));
            match result {
                Ok(report) if report.score < report.max_score => caught += 1,
                Ok(_) => problems.push(format!("mutant `{name}` survives: it scores full marks, so no case catches that mistake")),
                Err(err) => problems.push(format!("mutant `{name}`: {err}")),
            }
        }
        let ok = format!(
            "mutation score {caught}/{}: every mutant loses points",
            paths.len()
        );
        let mut result = finding(&lab.id, "mutants", problems, ok);
        if !result.ok {
            result.message = format!(
                "mutation score {caught}/{}: {}",
                paths.len(),
                result.message
            );
        }
        result
    }

    fn handout(&mut self) -> Finding {
        (self.progress)("[course] building the handout and scanning it for leaks");
        let problems = match tempfile::tempdir() {
            Ok(dir) => {
                let out = dir.path().join("handout");
                match crate::handout::build(self.course, &out)
                    .and_then(|_| crate::handout::find_leaks(self.course, &out))
                {
                    Ok(leaks) => leaks,
                    Err(err) => vec![err],
                }
            }
            Err(err) => vec![err.to_string()],
        };
        let ok = "the handout holds no reference body, hidden case, mutant or test file".into();
        finding("course", "handout", problems, ok)
    }
}

fn finding(scope: &str, check: &'static str, problems: Vec<String>, ok_message: String) -> Finding {
    Finding {
        scope: scope.to_owned(),
        check,
        ok: problems.is_empty(),
        message: if problems.is_empty() {
            ok_message
        } else {
            problems.join("\n")
        },
    }
}

fn package_name(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table
        .get("package")?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}
