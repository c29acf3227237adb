//! The class: one entry per student in a submissions folder (a folder in
//! the submission layout, or an archive of one), and the deterministic
//! share of it a shard grades.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::archive;

/// Where a student's work is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder (the submission itself, or holding it one level down).
    Folder(PathBuf),
    /// An archive to unpack first.
    Archive(PathBuf, archive::Kind),
    /// Something that is no submission; why.
    Invalid(PathBuf, String),
}

/// One student of the class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The student id: the entry's name, archive extension stripped.
    pub id: String,
    /// Their work.
    pub source: Source,
}

impl Entry {
    /// The path of the entry in the submissions folder.
    pub fn path(&self) -> &Path {
        match &self.source {
            Source::Folder(p) | Source::Archive(p, _) | Source::Invalid(p, _) => p,
        }
    }
}

/// Every student in `dir`, sorted by id. Names starting with `.` are
/// skipped (`.DS_Store`, a `.git` folder); two entries with the same id
/// (`alice/` and `alice.zip`) make one invalid entry, so neither is graded
/// by guess.
pub fn discover(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut by_id: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        let path = item.path();
        let entry = match name.to_str() {
            None => {
                let id = name.to_string_lossy().into_owned();
                let why = "the entry's name is not valid UTF-8; rename it".to_owned();
                Entry {
                    id,
                    source: Source::Invalid(path, why),
                }
            }
            Some(name) if name.starts_with('.') => continue,
            Some(name) => classify(name, path),
        };
        by_id.entry(entry.id.clone()).or_default().push(entry);
    }
    Ok(by_id
        .into_iter()
        .map(|(id, mut entries)| {
            if entries.len() == 1 {
                return entries.pop().expect("one");
            }
            let mut names: Vec<String> = entries
                .iter()
                .map(|e| {
                    e.path()
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            names.sort();
            let why = format!("more than one entry for this student: {}", names.join(", "));
            Entry {
                id,
                source: Source::Invalid(entries[0].path().to_owned(), why),
            }
        })
        .collect())
}

fn classify(name: &str, path: PathBuf) -> Entry {
    // Follow links the instructor made (an LMS export unpacked elsewhere).
    if path.is_dir() {
        return Entry {
            id: name.to_owned(),
            source: Source::Folder(path),
        };
    }
    if let Some((kind, id)) = archive::Kind::of(name) {
        return Entry {
            id: id.to_owned(),
            source: Source::Archive(path, kind),
        };
    }
    Entry {
        id: name.to_owned(),
        source: Source::Invalid(
            path,
            "not a folder, .zip, .tar.gz or .tgz: hand in the labs/ folder (or an archive of it)"
                .to_owned(),
        ),
    }
}

/// A deterministic share of the class: part `index` of `count` (1-based),
/// a contiguous range of the sorted student ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl Shard {
    /// The whole class.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// This shard's part of `items` (sorted by student id). Parts differ in
    /// size by at most one, and together they are `items`, each item once.
    pub fn select<T>(&self, items: Vec<T>) -> Vec<T> {
        let len = items.len();
        let start = (self.index - 1) * len / self.count;
        let end = self.index * len / self.count;
        items.into_iter().skip(start).take(end - start).collect()
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_class_in_order() {
        for len in [0usize, 1, 2, 5, 7, 40, 41] {
            for count in 1..=6 {
                let items: Vec<usize> = (0..len).collect();
                let mut joined = Vec::new();
                let mut sizes = Vec::new();
                for index in 1..=count {
                    let part = Shard { index, count }.select(items.clone());
                    sizes.push(part.len());
                    joined.extend(part);
                }
                assert_eq!(joined, items, "len {len}, {count} shards");
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "len {len}, {count} shards: {sizes:?}");
            }
        }
    }

    #[test]
    fn a_shard_parses_from_k_slash_n() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(Shard { index: 3, count: 8 }.to_string(), "3/8");
    }

    #[test]
    fn entries_are_folders_archives_or_invalid_and_ids_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("alice")).unwrap();
        std::fs::write(root.join("bob.zip"), b"").unwrap();
        std::fs::write(root.join("carol.tar.gz"), b"").unwrap();
        std::fs::write(root.join("dave.rar"), b"").unwrap();
        std::fs::create_dir(root.join("erin")).unwrap();
        std::fs::write(root.join("erin.tgz"), b"").unwrap();
        std::fs::write(root.join(".DS_Store"), b"").unwrap();
        let entries = discover(root).unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["alice", "bob", "carol", "dave.rar", "erin"]);
        assert!(matches!(entries[0].source, Source::Folder(_)));
        assert!(matches!(
            entries[1].source,
            Source::Archive(_, archive::Kind::Zip)
        ));
        assert!(matches!(
            entries[2].source,
            Source::Archive(_, archive::Kind::TarGz)
        ));
        assert!(matches!(entries[3].source, Source::Invalid(..)));
        match &entries[4].source {
            Source::Invalid(_, why) => assert!(why.contains("erin, erin.tgz"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
