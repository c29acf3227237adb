//! Submission recipes: a base (a lab's `reference` or `starter` sources)
//! plus exact text edits, extra files and symlinks. Mutants (known-wrong
//! implementations in `reference/<id>/mutants/`) and the test fixtures are
//! recipes, so they follow the lab's code instead of copying it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::course::{Course, LabManifest};

/// One recipe file.
#[derive(Debug, Clone, Deserialize)]
pub struct Recipe {
    /// What mistake or attack it is.
    pub description: String,
    /// `reference` or `starter`.
    pub base: String,
    /// Exact edits of files under `src/`.
    #[serde(default, rename = "edit")]
    pub edits: Vec<Edit>,
    /// Extra files, relative to the lab folder.
    #[serde(default, rename = "file")]
    pub files: Vec<ExtraFile>,
    /// Symlinks, relative to the lab folder.
    #[serde(default, rename = "symlink")]
    pub symlinks: Vec<Symlink>,
}

/// Replace `find` (which must occur exactly once) with `replace`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// File under `src/`.
    pub file: String,
    /// Text to find.
    pub find: String,
    /// Its replacement.
    pub replace: String,
}

/// A file to add.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraFile {
    /// Path relative to the lab folder.
    pub path: String,
    /// Contents.
    pub content: String,
}

/// A symlink to add.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symlink {
    /// Path relative to the lab folder.
    pub path: String,
    /// Where it points.
    pub target: String,
}

impl Recipe {
    /// The untouched `reference` or `starter` sources.
    pub fn base(base: &str) -> Recipe {
        Recipe {
            description: format!("the {base}, untouched"),
            base: base.to_owned(),
            edits: Vec::new(),
            files: Vec::new(),
            symlinks: Vec::new(),
        }
    }

    /// Read a recipe file (unknown top-level fields are allowed: test
    /// fixtures add their expectations there).
    pub fn load(path: &Path) -> Result<Recipe, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Write the submission `root/labs/<id>/…` this recipe describes, with
    /// `fill` applied to every inserted text (placeholders).
    pub fn build(
        &self,
        course: &Course,
        lab: &LabManifest,
        root: &Path,
        fill: &dyn Fn(&str) -> String,
    ) -> Result<(), String> {
        let base = match self.base.as_str() {
            "reference" => course.reference_dir(lab).join("src"),
            "starter" => course.starter_dir(lab).join("src"),
            other => return Err(format!("unknown base `{other}` (reference or starter)")),
        };
        let lab_dir = root.join("labs").join(&lab.id);
        let src = lab_dir.join("src");
        copy_tree(&base, &src).map_err(|e| format!("copying {}: {e}", base.display()))?;
        for edit in &self.edits {
            let file = src.join(&edit.file);
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let found = text.matches(&edit.find).count();
            if found != 1 {
                return Err(format!("the edit of {} finds its text {found} times (it must be exactly once): the lab changed, update the recipe", edit.file));
            }
            std::fs::write(&file, text.replacen(&edit.find, &fill(&edit.replace), 1))
                .map_err(|e| e.to_string())?;
        }
        for extra in &self.files {
            let path = lab_dir.join(&extra.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, fill(&extra.content)).map_err(|e| e.to_string())?;
        }
        for link in &self.symlinks {
            std::os::unix::fs::symlink(fill(&link.target), lab_dir.join(&link.path))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// Copy a folder tree (regular files and folders).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The mutants of `lab`: `reference/<id>/mutants/*.toml`, sorted.
pub fn mutant_paths(course: &Course, lab: &LabManifest) -> Vec<PathBuf> {
    let dir = course.reference_dir(lab).join("mutants");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}
