//! Isolation of untrusted work (compiling and running submissions).
//!
//! On Linux with bubblewrap the job runs in new user, pid, network, mount,
//! ipc, uts and cgroup namespaces, seeing only `/usr` (read-only), the
//! toolchain and dependency cache (read-only), and its own scratch folder:
//! no course files, hidden cases, reference code or other submissions exist
//! in its world. It has no capabilities, cannot create user namespaces, and
//! runs as a uid of its own inside. Where the host lets us create cgroups it
//! gets a pids and memory cap and a census that kills whatever it leaves
//! behind: that cap, not RLIMIT_NPROC, is what stops a fork bomb when the
//! grader runs as root (bubblewrap maps the inside uid to the caller's).
//!
//! Why not drop to an unprivileged uid outside too: the toolchain usually
//! lives under `/root` (mode 0700), which such a uid cannot mount even
//! through `--bind-fd` (bubblewrap 0.8 resolves the path), and copying the
//! toolchain per grader is too costly.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use crate::cgroup::{self, Flavour, JobGroup};
use crate::process::{Confinement, Job};
use crate::seccomp;

/// First uid handed to sandboxed jobs when the grader runs as root.
pub const UID_BASE: u32 = 61_000;
/// Descriptor number the seccomp program reaches bubblewrap on.
const SECCOMP_FD: libc::c_int = 9;
/// How many distinct uids are cycled through.
const UID_COUNT: u32 = 1_000;

/// What a sandboxed job may see besides `/usr` and a private `/tmp`.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Mounted read-only at the same path.
    pub read_only: Vec<PathBuf>,
    /// Mounted read-write at the same path (the job's scratch folder).
    pub writable: Vec<PathBuf>,
    /// Device nodes passed through (a GPU's `/dev/nvidia*`).
    pub devices: Vec<PathBuf>,
    /// The uid inside the sandbox (from [`Isolation::lease_uid`]).
    pub uid: Option<u32>,
    /// Cap on processes and threads (cgroup pids.max and RLIMIT_NPROC).
    pub max_processes: u64,
    /// cgroup memory cap, bytes.
    pub max_memory: u64,
}

/// How untrusted jobs are isolated on this host.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// bubblewrap namespaces (+ uid drop and cgroups where available).
    Sandbox(Sandbox),
    /// Only the basic layer: scratch copy, cleared environment, rlimits,
    /// process-group kill.
    Basic {
        /// Why the sandbox is not available.
        reason: String,
    },
}

/// A working bubblewrap set-up.
#[derive(Debug, Clone)]
pub struct Sandbox {
    bwrap: PathBuf,
    /// The grader runs as root (then cgroups, not RLIMIT_NPROC, cap processes).
    root: bool,
    cgroups: Option<Flavour>,
}

static NEXT_UID: AtomicU32 = AtomicU32::new(0);

impl Isolation {
    /// Probe this host: bubblewrap present and able to create namespaces.
    pub fn detect() -> Isolation {
        let Some(bwrap) = find_bwrap() else {
            return Isolation::Basic {
                reason: "bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap".into(),
            };
        };
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let sandbox = Sandbox {
            bwrap,
            root,
            cgroups: if root { cgroup::detect() } else { None },
        };
        // Prove the exact set-up jobs will get, on a trivial job.
        match sandbox.self_test() {
            Ok(()) => Isolation::Sandbox(sandbox),
            Err(reason) => Isolation::Basic { reason },
        }
    }

    /// One line for reports.
    pub fn describe(&self) -> String {
        match self {
            Isolation::Sandbox(sandbox) => {
                let mut layers = vec![
                    "bubblewrap namespaces (user, pid, net, mount, ipc, uts, cgroup)".to_owned(),
                ];
                layers.push("no capabilities, own uid inside".into());
                if seccomp::program().is_some() {
                    layers.push("seccomp filter".into());
                }
                if let Some(flavour) = sandbox.cgroups {
                    layers.push(format!(
                        "cgroup {} pids and memory caps",
                        if flavour == Flavour::V2 { "v2" } else { "v1" }
                    ));
                }
                layers.push("rlimits, wall-clock kill".into());
                format!("sandbox: {}", layers.join(", "))
            }
            Isolation::Basic { reason } => {
                format!("basic: scratch copy, cleared environment, rlimits, wall-clock kill; no sandbox ({reason})")
            }
        }
    }

    /// Whether the namespace sandbox is in use.
    pub fn is_sandboxed(&self) -> bool {
        matches!(self, Isolation::Sandbox(_))
    }

    /// A uid for one job inside the sandbox (distinct jobs, distinct uids).
    pub fn lease_uid(&self) -> Option<u32> {
        matches!(self, Isolation::Sandbox(_))
            .then(|| UID_BASE + NEXT_UID.fetch_add(1, Ordering::Relaxed) % UID_COUNT)
    }

    /// Wrap `job` so it runs isolated with `view`. Basic isolation returns
    /// the job unchanged.
    pub fn confine(&self, job: Job, view: &View) -> std::io::Result<Job> {
        match self {
            Isolation::Basic { .. } => Ok(job),
            Isolation::Sandbox(sandbox) => sandbox.wrap(job, view),
        }
    }
}

impl Sandbox {
    fn self_test(&self) -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let uid = Some(UID_BASE + UID_COUNT);
        let view = View {
            read_only: Vec::new(),
            writable: vec![dir.path().to_owned()],
            devices: Vec::new(),
            uid,
            max_processes: 16,
            max_memory: 256 << 20,
        };
        let job = Job::new("/usr/bin/touch", dir.path()).arg(dir.path().join("ok"));
        let job = self
            .wrap(job, &view)
            .map_err(|e| format!("sandbox set-up failed: {e}"))?;
        let done = crate::process::run(&job, std::time::Duration::from_secs(10), 4096)
            .map_err(|e| e.to_string())?;
        if done.success() && dir.path().join("ok").is_file() {
            Ok(())
        } else {
            let stderr = String::from_utf8_lossy(&done.stderr);
            Err(format!(
                "bubblewrap failed its self-test: {}",
                stderr.trim()
            ))
        }
    }

    fn wrap(&self, job: Job, view: &View) -> std::io::Result<Job> {
        let mut args: Vec<OsString> = [
            "--unshare-all",
            "--unshare-user",
            "--die-with-parent",
            "--new-session",
            "--disable-userns",
            "--cap-drop",
            "ALL",
            "--ro-bind",
            "/usr",
            "/usr",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        for dir in ["bin", "lib", "lib64", "sbin", "lib32"] {
            let top = Path::new("/").join(dir);
            match std::fs::read_link(&top) {
                Ok(target) => args.extend([
                    "--symlink".into(),
                    target.into_os_string(),
                    top.into_os_string(),
                ]),
                Err(_) if top.is_dir() => args.extend([
                    "--ro-bind".into(),
                    top.clone().into_os_string(),
                    top.into_os_string(),
                ]),
                Err(_) => {}
            }
        }
        // The dynamic loader's cache, and the alternatives `cc` resolves
        // through; nothing else of /etc (no passwd, no hosts) is visible.
        for extra in ["/etc/ld.so.cache", "/etc/alternatives"] {
            if Path::new(extra).exists() {
                args.extend(["--ro-bind", extra, extra].map(OsString::from));
            }
        }
        let mut confinement = Confinement::default();
        let mounts = view
            .read_only
            .iter()
            .map(|p| (p, "--ro-bind"))
            .chain(view.writable.iter().map(|p| (p, "--bind")))
            .chain(view.devices.iter().map(|p| (p, "--dev-bind")));
        for (path, flag) in mounts {
            args.extend([
                OsString::from(flag),
                path.clone().into_os_string(),
                path.clone().into_os_string(),
            ]);
        }
        if let Some(uid) = view.uid {
            args.extend([
                "--uid".into(),
                uid.to_string().into(),
                "--gid".into(),
                uid.to_string().into(),
            ]);
        }
        if let Some(flavour) = self.cgroups {
            let group = JobGroup::create(flavour, view.max_processes, view.max_memory)?;
            confinement.cgroup_procs = group.procs_files();
            confinement.group = Some(Arc::new(group));
        }
        if let Some(program) = seccomp::program() {
            confinement.seccomp = Some((Arc::new(program), SECCOMP_FD));
            args.extend(["--seccomp".into(), SECCOMP_FD.to_string().into()]);
        }
        args.push("--chdir".into());
        args.push(job.cwd.clone().into_os_string());
        args.push("--clearenv".into());
        for (key, value) in &job.env {
            args.extend([
                OsString::from("--setenv"),
                OsString::from(key),
                value.clone(),
            ]);
        }
        args.push("--".into());
        args.push(job.program.clone().into_os_string());
        args.extend(job.args.iter().cloned());
        let mut rlimits = job.rlimits;
        if !self.root {
            // Not root: RLIMIT_NPROC counts all of this user's processes, so
            // leave room for them; it still stops a runaway fork bomb.
            rlimits.processes = Some(view.max_processes + user_process_count());
        }
        Ok(Job {
            program: self.bwrap.clone(),
            args,
            cwd: PathBuf::from("/"),
            env: Vec::new(),
            rlimits,
            confinement: Some(confinement),
        })
    }
}

/// Each isolation layer and whether this host provides it (for `doctor`).
pub fn layers(isolation: &Isolation) -> Vec<(String, bool)> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let bwrap = find_bwrap();
    let namespaces = isolation.is_sandboxed();
    let cgroups = if root { cgroup::detect() } else { None };
    let lsm = std::fs::read_to_string("/sys/kernel/security/lsm").unwrap_or_default();
    let seccomp_supported = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Seccomp:"));
    vec![
        (
            format!(
                "bubblewrap installed ({})",
                bwrap
                    .as_ref()
                    .map_or_else(|| "not found".to_owned(), |p| p.display().to_string())
            ),
            bwrap.is_some(),
        ),
        (
            "namespaces: user, pid, net, mount, ipc, uts, cgroup (bwrap --unshare-all)".into(),
            namespaces,
        ),
        (
            format!(
                "own uid inside the sandbox, no capabilities ({})",
                if root {
                    "it maps to root outside: the cgroup pids cap stops fork bombs"
                } else {
                    "it maps to this user outside: RLIMIT_NPROC stops fork bombs"
                }
            ),
            namespaces,
        ),
        (
            format!(
                "cgroup pids and memory caps ({})",
                match cgroups {
                    Some(Flavour::V2) => "v2",
                    Some(Flavour::V1) => "v1",
                    None => "not writable here",
                }
            ),
            cgroups.is_some(),
        ),
        (
            "rlimits: address space, CPU time, file size, processes, no core dumps".into(),
            true,
        ),
        (
            format!(
                "landlock (kernel LSM list: {}): not used by this grader",
                if lsm.contains("landlock") {
                    "present"
                } else {
                    "absent"
                }
            ),
            false,
        ),
        (
            format!(
                "seccomp filter denying {} system calls (kernel support: {})",
                seccomp::DENIED.len(),
                if seccomp_supported { "yes" } else { "no" }
            ),
            seccomp_supported && seccomp::program().is_some(),
        ),
    ]
}

fn find_bwrap() -> Option<PathBuf> {
    ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Processes and threads the current user runs now (a rough count from /proc).
fn user_process_count() -> u64 {
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 4096;
    };
    let mut threads = 0u64;
    for entry in entries.flatten() {
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        let mine = status.lines().any(|l| {
            l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some(&uid.to_string())
        });
        if mine {
            threads += status
                .lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(1);
        }
    }
    threads
}

/// One job's place in the sandbox: the isolation and its uid inside.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    /// How jobs are isolated.
    pub isolation: &'a Isolation,
    /// The uid its jobs run as inside the sandbox.
    pub uid: Option<u32>,
}

impl Slot<'_> {
    /// Confine `job` to see `read_only` and `writable` (plus `/usr`).
    pub fn confine(
        &self,
        job: Job,
        read_only: &[&Path],
        writable: &[&Path],
        max_processes: u64,
        max_memory: u64,
    ) -> std::io::Result<Job> {
        let view = View {
            read_only: read_only.iter().map(|p| p.to_path_buf()).collect(),
            writable: writable.iter().map(|p| p.to_path_buf()).collect(),
            devices: Vec::new(),
            uid: None,
            max_processes,
            max_memory,
        };
        self.confine_view(job, view)
    }

    /// Confine `job` to `view`, run as this slot's uid.
    pub fn confine_view(&self, job: Job, view: View) -> std::io::Result<Job> {
        let view = View {
            uid: self.uid,
            ..view
        };
        self.isolation.confine(job, &view)
    }
}
