//! Safe unpacking of a student's archive (`.zip`, `.tar.gz` / `.tgz`) into a
//! scratch folder.
//!
//! An archive is the student's data, so a hostile one must cost nothing but
//! its own grade: every entry's path must stay inside the folder (no absolute
//! paths, no `..`), only plain files and folders are accepted (a symbolic or
//! hard link, a device or a FIFO refuses the whole archive), and the number
//! of files, the bytes unpacked and the compression ratio are capped while
//! streaming, never trusting the sizes an archive declares. Links are never
//! created, so no later entry can write through one.
//!
//! Only the text files grading reads are written (`.rs`, `.toml`, `.md`):
//! a checkout zipped with its `target/` folder still grades, and its build
//! artifacts cost no disk.

use std::fs::OpenOptions;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

/// Caps on what one archive may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries (files, folders, skipped ones) an archive may list.
    pub max_entries: usize,
    /// Most files written.
    pub max_files: usize,
    /// Most bytes written in all.
    pub max_total_bytes: u64,
    /// Most bytes of one file.
    pub max_file_bytes: u64,
    /// Most bytes a compressed stream may expand to (also bounds the time
    /// spent on skipped entries of a `.tar.gz`).
    pub max_stream_bytes: u64,
    /// Largest expansion (unpacked / compressed) accepted once more than
    /// [`Limits::RATIO_FLOOR`] bytes came out.
    pub max_ratio: u64,
}

impl Limits {
    /// Bytes of output below which the compression ratio is not judged
    /// (small files of repeated text compress very well, legitimately).
    pub const RATIO_FLOOR: u64 = 1 << 20;

    /// Defaults: far above a lab's source (the grader takes at most
    /// 2 MiB of `.rs` per lab), far below what hurts a grading machine.
    pub const DEFAULT: Limits = Limits {
        max_entries: 100_000,
        max_files: 2_000,
        max_total_bytes: 32 << 20,
        max_file_bytes: 4 << 20,
        max_stream_bytes: 1 << 30,
        max_ratio: 200,
    };
}

/// Kinds of archive a student may hand in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.zip` (stored or deflated entries).
    Zip,
    /// `.tar.gz` or `.tgz`.
    TarGz,
}

impl Kind {
    /// The kind of an archive named `name`, and the name without its
    /// extension (the student id); `None` for anything else.
    pub fn of(name: &str) -> Option<(Kind, &str)> {
        let lower = name.to_ascii_lowercase();
        for (ext, kind) in [
            (".zip", Kind::Zip),
            (".tar.gz", Kind::TarGz),
            (".tgz", Kind::TarGz),
        ] {
            if lower.ends_with(ext) && name.len() > ext.len() {
                return Some((kind, &name[..name.len() - ext.len()]));
            }
        }
        None
    }
}

/// Why an archive was refused.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An entry's path is absolute or climbs out with `..`.
    #[error("unsafe path `{0}` (absolute, or climbing out with `..`)")]
    UnsafePath(String),
    /// An entry is not a plain file or folder.
    #[error("`{path}` is a {kind}; an archive may hold only plain files and folders")]
    NotAFile {
        /// The entry's path.
        path: String,
        /// What it is.
        kind: &'static str,
    },
    /// Too many entries or files.
    #[error("too many entries (limit: {0})")]
    TooManyEntries(usize),
    /// Too many bytes unpacked (in one file or in all).
    #[error("`{path}` unpacks past the size limit ({} KiB)", .limit >> 10)]
    TooLarge {
        /// The entry being unpacked.
        path: String,
        /// The limit passed.
        limit: u64,
    },
    /// Expands suspiciously much.
    #[error("`{path}` expands more than {limit}x its compressed size (a zip bomb?)")]
    Bomb {
        /// The entry (or the whole stream).
        path: String,
        /// The ratio limit.
        limit: u64,
    },
    /// The same path twice, or a file where a folder must be.
    #[error("`{0}` appears twice, or both as a file and a folder")]
    Conflict(String),
    /// Not a readable archive of its kind.
    #[error("not a readable {kind} archive: {message}")]
    Corrupt {
        /// `zip` or `tar.gz`.
        kind: &'static str,
        /// The decoder's message.
        message: String,
    },
    /// Writing the unpacked files failed: the grader's problem, not the
    /// student's (a full disk, say).
    #[error("failed to write the unpacked files")]
    Write(#[source] io::Error),
}

impl ArchiveError {
    /// Whether the grader, not the archive, is at fault.
    pub fn is_grader_fault(&self) -> bool {
        matches!(self, ArchiveError::Write(_))
    }
}

/// Unpack `archive` of `kind` into the existing, empty folder `dest`.
pub fn unpack(
    archive: &Path,
    kind: Kind,
    dest: &Path,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    let file = std::fs::File::open(archive).map_err(|e| ArchiveError::Corrupt {
        kind: kind.name(),
        message: e.to_string(),
    })?;
    let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut sink = Sink::new(dest, limits);
    match kind {
        Kind::Zip => unpack_zip(file, &mut sink),
        Kind::TarGz => unpack_tar_gz(file, compressed, &mut sink),
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::TarGz => "tar.gz",
        }
    }
}

/// What an entry is, as far as unpacking cares.
enum EntryKind {
    File,
    Folder,
    /// Metadata a format carries as an entry (a pax global header).
    Ignored,
    Refused(&'static str),
}

fn unpack_zip(file: std::fs::File, sink: &mut Sink) -> Result<(), ArchiveError> {
    let corrupt = |e: zip::result::ZipError| ArchiveError::Corrupt {
        kind: "zip",
        message: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(io::BufReader::new(file)).map_err(corrupt)?;
    if zip.len() > sink.limits.max_entries {
        return Err(ArchiveError::TooManyEntries(sink.limits.max_entries));
    }
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(corrupt)?;
        let name = entry.name().to_owned();
        let kind = match entry.unix_mode().map(|mode| mode & 0o170_000) {
            Some(0o120_000) => EntryKind::Refused("symbolic link"),
            Some(0o020_000) => EntryKind::Refused("character device"),
            Some(0o060_000) => EntryKind::Refused("block device"),
            Some(0o010_000) => EntryKind::Refused("FIFO"),
            Some(0o140_000) => EntryKind::Refused("socket"),
            _ if entry.is_dir() => EntryKind::Folder,
            _ => EntryKind::File,
        };
        let compressed = entry.compressed_size();
        sink.entry(&name, kind, &mut entry, Some(compressed))?;
    }
    Ok(())
}

fn unpack_tar_gz(
    file: std::fs::File,
    compressed: u64,
    sink: &mut Sink,
) -> Result<(), ArchiveError> {
    let corrupt = |e: io::Error| ArchiveError::Corrupt {
        kind: "tar.gz",
        message: e.to_string(),
    };
    let stream = Counted {
        inner: flate2::read::GzDecoder::new(io::BufReader::new(file)),
        read: 0,
        limit: sink.limits.max_stream_bytes,
    };
    let mut tar = tar::Archive::new(stream);
    for entry in tar.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(|e| stream_error(e, "tar.gz"))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        use tar::EntryType as T;
        let kind = match entry.header().entry_type() {
            T::Regular | T::Continuous => EntryKind::File,
            T::Directory => EntryKind::Folder,
            T::XGlobalHeader => EntryKind::Ignored,
            T::Symlink => EntryKind::Refused("symbolic link"),
            T::Link => EntryKind::Refused("hard link"),
            T::Char => EntryKind::Refused("character device"),
            T::Block => EntryKind::Refused("block device"),
            T::Fifo => EntryKind::Refused("FIFO"),
            T::GNUSparse => EntryKind::Refused("sparse file"),
            _ => EntryKind::Refused("special entry"),
        };
        sink.entry(&name, kind, &mut entry, None)?;
    }
    // The whole stream against the file's size: a small .tar.gz of one
    // huge skipped entry is a bomb too.
    let expanded = tar.into_inner().read;
    check_ratio("the archive", expanded, compressed, sink.limits)?;
    Ok(())
}

/// A decoding error, or the stream cap passed (reported as such).
fn stream_error(err: io::Error, kind: &'static str) -> ArchiveError {
    match err.get_ref().and_then(|e| e.downcast_ref::<StreamCap>()) {
        Some(cap) => ArchiveError::TooLarge {
            path: "the archive".into(),
            limit: cap.0,
        },
        None => ArchiveError::Corrupt {
            kind,
            message: err.to_string(),
        },
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the decompressed stream passed {0} bytes")]
struct StreamCap(u64);

/// A reader that counts and stops at a cap.
struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= self.limit {
            return Err(io::Error::other(StreamCap(self.limit)));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

fn check_ratio(
    path: &str,
    expanded: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    if expanded > Limits::RATIO_FLOOR && expanded / compressed.max(1) > limits.max_ratio {
        return Err(ArchiveError::Bomb {
            path: path.to_owned(),
            limit: limits.max_ratio,
        });
    }
    Ok(())
}

/// Where entries go, with the running counts.
struct Sink<'a> {
    dest: &'a Path,
    limits: &'a Limits,
    entries: usize,
    files: usize,
    bytes: u64,
}

impl<'a> Sink<'a> {
    fn new(dest: &'a Path, limits: &'a Limits) -> Sink<'a> {
        Sink {
            dest,
            limits,
            entries: 0,
            files: 0,
            bytes: 0,
        }
    }

    /// Check one entry and write it when grading can use it.
    fn entry(
        &mut self,
        name: &str,
        kind: EntryKind,
        data: &mut dyn Read,
        compressed: Option<u64>,
    ) -> Result<(), ArchiveError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(ArchiveError::TooManyEntries(self.limits.max_entries));
        }
        let rel = safe_path(name)?;
        match kind {
            EntryKind::Ignored => Ok(()),
            EntryKind::Refused(what) => Err(ArchiveError::NotAFile {
                path: name.to_owned(),
                kind: what,
            }),
            EntryKind::Folder => Ok(()),
            EntryKind::File if !wanted(&rel) => Ok(()),
            EntryKind::File => self.write(name, &rel, data, compressed),
        }
    }

    fn write(
        &mut self,
        name: &str,
        rel: &Path,
        data: &mut dyn Read,
        compressed: Option<u64>,
    ) -> Result<(), ArchiveError> {
        self.files += 1;
        if self.files > self.limits.max_files {
            return Err(ArchiveError::TooManyEntries(self.limits.max_files));
        }
        let path = self.dest.join(rel);
        for ancestor in rel
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
        {
            if self.dest.join(ancestor).is_file() {
                return Err(ArchiveError::Conflict(name.to_owned()));
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(ArchiveError::Write)?;
        }
        // create_new: a second entry of the same path is refused, never
        // written over the first.
        let mut out = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&path)
        {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                return Err(ArchiveError::Conflict(name.to_owned()))
            }
            Err(err) => return Err(ArchiveError::Write(err)),
        };
        let file_cap = self.limits.max_file_bytes;
        let total_left = self.limits.max_total_bytes.saturating_sub(self.bytes);
        let cap = file_cap.min(total_left);
        let mut buf = [0u8; 64 << 10];
        let mut written = 0u64;
        loop {
            let n = data
                .read(&mut buf)
                .map_err(|e| stream_error(e, "archive"))?;
            if n == 0 {
                break;
            }
            written += n as u64;
            if written > cap {
                let limit = if cap == file_cap {
                    file_cap
                } else {
                    self.limits.max_total_bytes
                };
                return Err(ArchiveError::TooLarge {
                    path: name.to_owned(),
                    limit,
                });
            }
            out.write_all(&buf[..n]).map_err(ArchiveError::Write)?;
        }
        self.bytes += written;
        if let Some(compressed) = compressed {
            check_ratio(name, written, compressed, self.limits)?;
        }
        Ok(())
    }
}

/// The relative path of an entry, or why it is unsafe. Backslashes count as
/// separators (archives made on Windows), empty and `.` parts are dropped.
pub fn safe_path(name: &str) -> Result<PathBuf, ArchiveError> {
    let unsafe_path = || ArchiveError::UnsafePath(name.to_owned());
    let normalised = name.replace('\\', "/");
    if normalised.starts_with('/') || normalised.contains('\0') {
        return Err(unsafe_path());
    }
    let mut rel = PathBuf::new();
    for part in normalised.split('/') {
        match Path::new(part).components().next() {
            None | Some(Component::CurDir) => {}
            Some(Component::Normal(_)) if !is_drive(part) => rel.push(part),
            _ => return Err(unsafe_path()),
        }
    }
    Ok(rel)
}

/// `C:` and the like: absolute on Windows, refused everywhere.
fn is_drive(part: &str) -> bool {
    let bytes = part.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// Files grading may read: sources and text, outside the usual junk.
fn wanted(rel: &Path) -> bool {
    let text = rel
        .extension()
        .is_some_and(|ext| ["rs", "toml", "md"].iter().any(|t| ext == *t));
    let junk = rel.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        part == "__MACOSX" || part == ".git" || part == "target" || part.starts_with("._")
    });
    text && !junk
}

/// The submission inside an unpacked archive or a student's folder: the
/// folder itself when it has `labs/`, else its one sub-folder that has it
/// (a student who zipped their checkout's folder rather than its contents).
pub fn submission_root(dir: &Path) -> Option<PathBuf> {
    if dir.join("labs").is_dir() {
        return Some(dir.to_owned());
    }
    let folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && name != "__MACOSX"
        })
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    match folders.as_slice() {
        [only] if only.join("labs").is_dir() => Some(only.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::Cursor;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            if name.ends_with('/') {
                writer.add_directory(*name, options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                writer.write_all(bytes).unwrap();
            }
        }
        writer.finish().unwrap().into_inner()
    }

    /// A tar.gz built by hand so that hostile entries (which the tar
    /// crate's builder refuses to write) can be made.
    fn tar_gz_of(entries: &[(&str, tar::EntryType, &[u8], &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, kind, bytes, link) in entries {
            let mut header = tar::Header::new_gnu();
            {
                let gnu = header.as_gnu_mut().unwrap();
                gnu.name[..name.len()].copy_from_slice(name.as_bytes());
            }
            header.set_entry_type(*kind);
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            if !link.is_empty() {
                header.set_link_name(link).unwrap();
            }
            header.set_cksum();
            builder.append(&header, *bytes).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    fn unpack_bytes(
        bytes: &[u8],
        kind: Kind,
        limits: &Limits,
    ) -> (tempfile::TempDir, Result<(), ArchiveError>) {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("in");
        std::fs::write(&archive, bytes).unwrap();
        let dest = dir.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        let result = unpack(&archive, kind, &dest, limits);
        (dir, result)
    }

    #[test]
    fn a_zipped_checkout_unpacks_its_sources_and_skips_the_rest() {
        let bytes = zip_of(&[
            ("alice/", b""),
            ("alice/labs/02-x/src/lib.rs", b"pub fn f() {}"),
            ("alice/labs/02-x/Cargo.toml", b"[package]"),
            ("alice/target/release/app", b"\x7fELF"),
            ("__MACOSX/alice/._lib.rs", b"junk"),
        ]);
        let (dir, result) = unpack_bytes(&bytes, Kind::Zip, &Limits::DEFAULT);
        result.unwrap();
        let out = dir.path().join("out");
        assert_eq!(
            std::fs::read_to_string(out.join("alice/labs/02-x/src/lib.rs")).unwrap(),
            "pub fn f() {}"
        );
        assert!(!out.join("alice/target").exists());
        assert!(!out.join("__MACOSX").exists());
        assert_eq!(submission_root(&out), Some(out.join("alice")));
    }

    #[test]
    fn a_tar_gz_unpacks_like_a_zip() {
        let bytes = tar_gz_of(&[
            ("labs/", tar::EntryType::Directory, b"", ""),
            (
                "labs/02-x/src/lib.rs",
                tar::EntryType::Regular,
                b"// ok",
                "",
            ),
        ]);
        let (dir, result) = unpack_bytes(&bytes, Kind::TarGz, &Limits::DEFAULT);
        result.unwrap();
        let out = dir.path().join("out");
        assert!(out.join("labs/02-x/src/lib.rs").is_file());
        assert_eq!(submission_root(&out), Some(out.clone()));
    }

    #[test]
    fn parent_and_absolute_paths_are_refused_in_both_formats() {
        for name in [
            "../evil.rs",
            "labs/../../evil.rs",
            "/etc/evil.rs",
            "..\\evil.rs",
            "C:/evil.rs",
        ] {
            let (_dir, result) =
                unpack_bytes(&zip_of(&[(name, b"x")]), Kind::Zip, &Limits::DEFAULT);
            assert!(
                matches!(result, Err(ArchiveError::UnsafePath(_))),
                "{name}: {result:?}"
            );
        }
        for name in ["../evil.rs", "a/../../evil.rs", "/etc/evil.rs"] {
            let bytes = tar_gz_of(&[(name, tar::EntryType::Regular, b"x", "")]);
            let (dir, result) = unpack_bytes(&bytes, Kind::TarGz, &Limits::DEFAULT);
            assert!(
                matches!(result, Err(ArchiveError::UnsafePath(_))),
                "{name}: {result:?}"
            );
            assert!(!dir.path().join("evil.rs").exists());
        }
    }

    #[test]
    fn links_and_devices_refuse_the_archive() {
        for (kind, what) in [
            (tar::EntryType::Symlink, "symbolic link"),
            (tar::EntryType::Link, "hard link"),
            (tar::EntryType::Char, "character device"),
            (tar::EntryType::Block, "block device"),
            (tar::EntryType::Fifo, "FIFO"),
        ] {
            let bytes = tar_gz_of(&[("labs/02-x/src/lib.rs", kind, b"", "/etc/passwd")]);
            let (dir, result) = unpack_bytes(&bytes, Kind::TarGz, &Limits::DEFAULT);
            match result {
                Err(ArchiveError::NotAFile { kind, .. }) => assert_eq!(kind, what),
                other => panic!("{what}: {other:?}"),
            }
            assert!(!dir.path().join("out/labs/02-x/src/lib.rs").exists());
        }
    }

    #[test]
    fn a_zip_symlink_is_refused() {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        writer
            .add_symlink("labs/02-x/src/lib.rs", "/etc/passwd", options)
            .unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        let (_dir, result) = unpack_bytes(&bytes, Kind::Zip, &Limits::DEFAULT);
        assert!(
            matches!(
                result,
                Err(ArchiveError::NotAFile {
                    kind: "symbolic link",
                    ..
                })
            ),
            "{result:?}"
        );
    }

    #[test]
    fn too_many_files_are_refused() {
        let names: Vec<String> = (0..5).map(|i| format!("labs/x/src/m{i}.rs")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"//"[..])).collect();
        let limits = Limits {
            max_files: 4,
            ..Limits::DEFAULT
        };
        let (_dir, result) = unpack_bytes(&zip_of(&entries), Kind::Zip, &limits);
        assert!(
            matches!(result, Err(ArchiveError::TooManyEntries(4))),
            "{result:?}"
        );
    }

    #[test]
    fn too_large_a_file_or_total_is_refused() {
        let big = vec![b'a'; 5_000];
        let limits = Limits {
            max_file_bytes: 4_000,
            ..Limits::DEFAULT
        };
        let (_dir, result) = unpack_bytes(&zip_of(&[("a.rs", &big)]), Kind::Zip, &limits);
        assert!(
            matches!(result, Err(ArchiveError::TooLarge { limit: 4_000, .. })),
            "{result:?}"
        );
        let limits = Limits {
            max_total_bytes: 8_000,
            ..Limits::DEFAULT
        };
        let entries: [(&str, &[u8]); 2] = [("a.rs", &big), ("b.rs", &big)];
        let bytes = tar_gz_of(&entries.map(|(n, b)| (n, tar::EntryType::Regular, b, "")));
        let (_dir, result) = unpack_bytes(&bytes, Kind::TarGz, &limits);
        assert!(
            matches!(result, Err(ArchiveError::TooLarge { limit: 8_000, .. })),
            "{result:?}"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_ratio() {
        let zeros = vec![0u8; 3 << 20];
        let (_dir, result) =
            unpack_bytes(&zip_of(&[("bomb.rs", &zeros)]), Kind::Zip, &Limits::DEFAULT);
        assert!(
            matches!(result, Err(ArchiveError::Bomb { .. })),
            "{result:?}"
        );
        // In a .tar.gz even a skipped entry counts: the stream as a whole.
        let bytes = tar_gz_of(&[("bomb.bin", tar::EntryType::Regular, &zeros, "")]);
        let (_dir, result) = unpack_bytes(&bytes, Kind::TarGz, &Limits::DEFAULT);
        assert!(
            matches!(result, Err(ArchiveError::Bomb { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn a_stream_past_its_cap_stops_early() {
        let zeros = vec![0u8; 3 << 20];
        let bytes = tar_gz_of(&[("bomb.bin", tar::EntryType::Regular, &zeros, "")]);
        let limits = Limits {
            max_stream_bytes: 1 << 20,
            ..Limits::DEFAULT
        };
        let (_dir, result) = unpack_bytes(&bytes, Kind::TarGz, &limits);
        assert!(
            matches!(result, Err(ArchiveError::TooLarge { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn duplicate_entries_are_refused_not_overwritten() {
        let bytes = tar_gz_of(&[
            ("a.rs", tar::EntryType::Regular, b"first", ""),
            ("a.rs", tar::EntryType::Regular, b"second", ""),
        ]);
        let (dir, result) = unpack_bytes(&bytes, Kind::TarGz, &Limits::DEFAULT);
        assert!(
            matches!(result, Err(ArchiveError::Conflict(_))),
            "{result:?}"
        );
        assert_eq!(
            std::fs::read(dir.path().join("out/a.rs")).unwrap(),
            b"first"
        );
    }

    #[test]
    fn garbage_is_a_corrupt_archive_not_a_grader_fault() {
        for kind in [Kind::Zip, Kind::TarGz] {
            let (_dir, result) = unpack_bytes(b"this is not an archive", kind, &Limits::DEFAULT);
            let err = result.unwrap_err();
            assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err:?}");
            assert!(!err.is_grader_fault());
        }
    }

    #[test]
    fn archive_kinds_strip_their_extension() {
        assert_eq!(Kind::of("alice.zip"), Some((Kind::Zip, "alice")));
        assert_eq!(Kind::of("bob.tar.gz"), Some((Kind::TarGz, "bob")));
        assert_eq!(Kind::of("carol.TGZ"), Some((Kind::TarGz, "carol")));
        assert_eq!(Kind::of(".zip"), None);
        assert_eq!(Kind::of("dave.rar"), None);
    }
}
