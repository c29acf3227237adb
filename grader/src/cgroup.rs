//! Control groups for one sandboxed job, where the host lets us create them:
//! a process-count cap (fork bombs), a memory cap, and a census that finds
//! and kills anything left behind. cgroup v2 (unified) and v1 both work.

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ROOT: &str = "/sys/fs/cgroup";
const PARENT: &str = "grader";

/// The cgroup flavour this host offers to us, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// One unified hierarchy with `pids` and `memory` controllers.
    V2,
    /// Separate `pids` and `memory` hierarchies.
    V1,
}

/// Which flavour can be used (we can create groups in it), if any.
pub fn detect() -> Option<Flavour> {
    let root = Path::new(ROOT);
    if root.join("cgroup.controllers").is_file() {
        let controllers =
            std::fs::read_to_string(root.join("cgroup.controllers")).unwrap_or_default();
        if controllers.contains("pids") && writable_parent(&[root.to_owned()]) {
            return Some(Flavour::V2);
        }
        return None;
    }
    let dirs = [root.join("pids"), root.join("memory")];
    (dirs.iter().all(|d| d.is_dir()) && writable_parent(&dirs)).then_some(Flavour::V1)
}

fn writable_parent(hierarchies: &[PathBuf]) -> bool {
    hierarchies.iter().all(|h| {
        let parent = h.join(PARENT);
        std::fs::create_dir_all(&parent).is_ok() && probe(&parent)
    })
}

fn probe(parent: &Path) -> bool {
    let test = parent.join(format!("probe-{}", std::process::id()));
    let made = std::fs::create_dir(&test).is_ok();
    made && std::fs::remove_dir(&test).is_ok()
}

/// The groups of one job (one directory per hierarchy).
#[derive(Debug)]
pub struct JobGroup {
    dirs: Vec<PathBuf>,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

impl JobGroup {
    /// Create the groups of a new job with these caps.
    pub fn create(flavour: Flavour, pids_max: u64, memory_max: u64) -> std::io::Result<JobGroup> {
        let name = format!(
            "job-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let root = Path::new(ROOT);
        let group = match flavour {
            Flavour::V2 => {
                let dir = root.join(PARENT).join(&name);
                // Controllers must be enabled for the children of the parent.
                let _ = std::fs::write(root.join("cgroup.subtree_control"), "+pids +memory");
                let _ = std::fs::write(
                    root.join(PARENT).join("cgroup.subtree_control"),
                    "+pids +memory",
                );
                std::fs::create_dir(&dir)?;
                std::fs::write(dir.join("pids.max"), pids_max.to_string())?;
                let _ = std::fs::write(dir.join("memory.max"), memory_max.to_string());
                let _ = std::fs::write(dir.join("memory.swap.max"), "0");
                JobGroup { dirs: vec![dir] }
            }
            Flavour::V1 => {
                let pids = root.join("pids").join(PARENT).join(&name);
                let memory = root.join("memory").join(PARENT).join(&name);
                std::fs::create_dir(&pids)?;
                // From here on, Drop removes whatever was made.
                let mut group = JobGroup {
                    dirs: vec![pids.clone()],
                };
                std::fs::write(pids.join("pids.max"), pids_max.to_string())?;
                std::fs::create_dir(&memory)?;
                group.dirs.push(memory.clone());
                let _ =
                    std::fs::write(memory.join("memory.limit_in_bytes"), memory_max.to_string());
                group
            }
        };
        Ok(group)
    }

    /// The `cgroup.procs` files a child writes "0" to, to join.
    pub fn procs_files(&self) -> Vec<CString> {
        self.dirs
            .iter()
            .filter_map(|d| {
                CString::new(d.join("cgroup.procs").as_os_str().as_encoded_bytes()).ok()
            })
            .collect()
    }

    /// Processes still in the group.
    pub fn members(&self) -> Vec<i32> {
        let Some(first) = self.dirs.first() else {
            return Vec::new();
        };
        std::fs::read_to_string(first.join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// SIGKILL every member until none is left (or a second has passed).
    pub fn kill_all(&self) {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let members = self.members();
            if members.is_empty() || Instant::now() > deadline {
                return;
            }
            for pid in members {
                // SAFETY: signalling a process in our own job's group.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for JobGroup {
    fn drop(&mut self) {
        self.kill_all();
        for dir in &self.dirs {
            // Removal fails while zombies await reaping; retry briefly.
            for _ in 0..50 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}
