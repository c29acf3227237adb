//! Child processes under limits: cleared environment, own process group,
//! rlimits, wall-clock kill of the whole group (TERM, grace, KILL), reaping
//! with `wait4` so CPU time and peak memory are measured from outside.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Time between SIGTERM and SIGKILL when a group is stopped.
pub const KILL_GRACE: Duration = Duration::from_millis(200);

/// Resource limits applied with `setrlimit` in the child before exec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rlimits {
    /// RLIMIT_AS, bytes.
    pub address_space: Option<u64>,
    /// RLIMIT_CPU, seconds.
    pub cpu_seconds: Option<u64>,
    /// RLIMIT_FSIZE, bytes.
    pub file_size: Option<u64>,
    /// RLIMIT_NOFILE.
    pub open_files: Option<u64>,
    /// RLIMIT_NPROC (counts every process of the uid; never binds root).
    pub processes: Option<u64>,
}

/// Steps taken in the child between fork and exec, prepared before the
/// fork so the child only makes async-signal-safe calls: join the job's
/// cgroups, so everything it starts is counted, capped and can be killed.
#[derive(Debug, Clone, Default)]
pub struct Confinement {
    /// `cgroup.procs` files to write "0" to (joins the calling process).
    pub cgroup_procs: Vec<std::ffi::CString>,
    /// The job's cgroups, kept alive (and cleaned up) with the job.
    pub group: Option<std::sync::Arc<crate::cgroup::JobGroup>>,
    /// A seccomp BPF program handed to bubblewrap on this descriptor
    /// number (through a pipe filled in the child).
    pub seccomp: Option<(std::sync::Arc<Vec<u8>>, libc::c_int)>,
}

/// A command prepared to run untrusted or semi-trusted work.
#[derive(Debug, Clone)]
pub struct Job {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Working directory.
    pub cwd: PathBuf,
    /// The whole environment (the parent's is never inherited).
    pub env: Vec<(String, OsString)>,
    /// rlimits.
    pub rlimits: Rlimits,
    /// Sandbox steps, when the job is sandboxed.
    pub confinement: Option<Confinement>,
}

impl Job {
    /// A job running `program` in `cwd` with the minimal environment.
    pub fn new(program: impl Into<PathBuf>, cwd: &Path) -> Job {
        Job {
            program: program.into(),
            args: Vec::new(),
            cwd: cwd.to_owned(),
            env: minimal_env(cwd),
            rlimits: Rlimits::default(),
            confinement: None,
        }
    }

    /// Add an argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Job {
        self.args.push(arg.into());
        self
    }

    /// Add several arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Job {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Build the `Command`: stdin null unless changed, own process group,
    /// cleared environment, rlimits set between fork and exec.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .current_dir(&self.cwd)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .process_group(0);
        let rlimits = self.rlimits;
        let confinement = self.confinement.clone();
        // SAFETY: the closure runs between fork and exec and only makes
        // async-signal-safe calls (open, write, close, setrlimit) on data
        // prepared before the fork.
        unsafe {
            cmd.pre_exec(move || {
                if let Some(confinement) = &confinement {
                    join_cgroups(confinement)?;
                    if let Some((program, fd)) = &confinement.seccomp {
                        pass_through_pipe(program, *fd)?;
                    }
                }
                apply_rlimits(&rlimits)
            });
        }
        cmd
    }
}

/// The environment every child gets: nothing of the grader's own.
pub fn minimal_env(home: &Path) -> Vec<(String, OsString)> {
    vec![
        ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
        ("HOME".into(), home.as_os_str().to_owned()),
        ("LANG".into(), "C.UTF-8".into()),
        ("RUST_BACKTRACE".into(), "0".into()),
    ]
}

fn last_error() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// Runs in the forked child: put `bytes` in a fresh pipe whose read end
/// becomes descriptor `fd` (inherited by the exec'd program).
fn pass_through_pipe(bytes: &[u8], fd: libc::c_int) -> std::io::Result<()> {
    let mut ends = [0 as libc::c_int; 2];
    // SAFETY: plain syscalls on local descriptors; the program is far below
    // a pipe's capacity, so the write does not block.
    unsafe {
        if libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
            return Err(last_error());
        }
        let written = libc::write(ends[1], bytes.as_ptr().cast(), bytes.len());
        libc::close(ends[1]);
        if written != bytes.len() as isize {
            return Err(last_error());
        }
        if ends[0] == fd {
            // Already in place: only the close-on-exec flag must go.
            if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                return Err(last_error());
            }
        } else {
            if libc::dup2(ends[0], fd) < 0 {
                return Err(last_error());
            }
            libc::close(ends[0]);
        }
    }
    Ok(())
}

/// Runs in the forked child: async-signal-safe calls only.
fn join_cgroups(confinement: &Confinement) -> std::io::Result<()> {
    for procs in &confinement.cgroup_procs {
        // SAFETY: valid NUL-terminated path; plain syscalls.
        unsafe {
            let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            if fd < 0 {
                return Err(last_error());
            }
            let written = libc::write(fd, b"0".as_ptr().cast(), 1);
            libc::close(fd);
            if written != 1 {
                return Err(last_error());
            }
        }
    }
    Ok(())
}

fn apply_rlimits(limits: &Rlimits) -> std::io::Result<()> {
    set_rlimit(libc::RLIMIT_CORE, Some(0))?;
    set_rlimit(libc::RLIMIT_NPROC, limits.processes)?;
    set_rlimit(libc::RLIMIT_AS, limits.address_space)?;
    set_rlimit(libc::RLIMIT_CPU, limits.cpu_seconds)?;
    set_rlimit(libc::RLIMIT_FSIZE, limits.file_size)?;
    set_rlimit(libc::RLIMIT_NOFILE, limits.open_files)?;
    Ok(())
}

fn set_rlimit(resource: libc::__rlimit_resource_t, value: Option<u64>) -> std::io::Result<()> {
    let Some(value) = value else { return Ok(()) };
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: plain syscall on a valid struct.
    if unsafe { libc::setrlimit(resource, &limit) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// How a child ended, measured by the supervisor.
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    /// Exit status from `wait4`.
    pub status: ExitStatus,
    /// User + system CPU time.
    pub cpu: Duration,
    /// Peak resident set size, bytes.
    pub max_rss: u64,
}

impl Exit {
    /// A plain description: "exit status 3", "killed by signal 9 (SIGKILL)".
    pub fn describe(&self) -> String {
        describe_status(self.status)
    }
}

/// A plain description of an exit status.
pub fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    match status.signal() {
        Some(signal) => format!("killed by signal {signal} ({})", signal_name(signal)),
        None => "ended in an unknown way".into(),
    }
}

/// The conventional name of a signal.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT: abort, e.g. a stack overflow",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV: invalid memory access",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU: CPU time limit",
        libc::SIGXFSZ => "SIGXFSZ: file size limit",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGILL => "SIGILL",
        _ => "signal",
    }
}

/// Reap `pid` with `wait4` on a thread; the receiver yields its [`Exit`].
///
/// `std::process::Child::wait` does not report rusage, so the supervisor
/// waits itself. The `Child` must not be waited on afterwards.
pub fn reap_in_background(child: &Child) -> mpsc::Receiver<Exit> {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        if let Some(exit) = wait4(pid) {
            let _ = tx.send(exit);
        }
    });
    rx
}

fn wait4(pid: libc::pid_t) -> Option<Exit> {
    let mut status: libc::c_int = 0;
    // SAFETY: zeroed rusage is a valid out-parameter.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; `pid` is our own child.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            break;
        }
        if rc == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
    let timeval = |tv: libc::timeval| Duration::new(tv.tv_sec as u64, (tv.tv_usec as u32) * 1000);
    Some(Exit {
        status: ExitStatus::from_raw(status),
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        max_rss: (usage.ru_maxrss as u64) * 1024,
    })
}

/// Stop a whole process group: SIGTERM, a short grace, SIGKILL.
pub fn kill_group(pgid: u32) {
    let pgid = pgid as libc::pid_t;
    // SAFETY: signalling a process group we created; errors (already gone)
    // are fine to ignore.
    unsafe {
        libc::killpg(pgid, libc::SIGTERM);
    }
    let deadline = Instant::now() + KILL_GRACE;
    while Instant::now() < deadline {
        // SAFETY: signal 0 only probes for existence.
        if unsafe { libc::killpg(pgid, 0) } != 0 {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: as above.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Read `reader` to its end on a thread, keeping at most `cap` bytes.
/// The receiver yields `(kept bytes, total bytes seen)`.
pub fn drain_capped<R: Read + Send + 'static>(
    mut reader: R,
    cap: usize,
) -> mpsc::Receiver<(Vec<u8>, u64)> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0u64;
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n as u64;
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        let _ = tx.send((kept, total));
    });
    rx
}

/// The result of a job run to completion.
#[derive(Debug, Clone)]
pub struct Completed {
    /// How it ended; `None` only if it could not be reaped.
    pub exit: Option<Exit>,
    /// Wall-clock time, measured by the supervisor.
    pub wall: Duration,
    /// Whether the wall limit was hit and the group killed.
    pub timed_out: bool,
    /// Captured stdout (capped).
    pub stdout: Vec<u8>,
    /// Captured stderr (capped).
    pub stderr: Vec<u8>,
}

impl Completed {
    /// Exited normally with status 0.
    pub fn success(&self) -> bool {
        !self.timed_out && self.exit.is_some_and(|e| e.status.success())
    }
}

/// Run `job` to completion under a wall limit, capturing capped output.
pub fn run(job: &Job, wall_limit: Duration, output_cap: usize) -> std::io::Result<Completed> {
    let started = Instant::now();
    let mut child = job
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pgid = child.id();
    let stdout = drain_capped(child.stdout.take().expect("piped"), output_cap);
    let stderr = drain_capped(child.stderr.take().expect("piped"), output_cap);
    let reaped = reap_in_background(&child);
    let (exit, timed_out) = match reaped.recv_timeout(wall_limit) {
        Ok(exit) => (Some(exit), false),
        Err(_) => {
            kill_group(pgid);
            (reaped.recv().ok(), true)
        }
    };
    let wall = started.elapsed();
    // Grandchildren may still hold the pipes open: kill the group so the
    // drains end, then collect what they kept.
    kill_group_quietly(pgid);
    if let Some(group) = job.confinement.as_ref().and_then(|c| c.group.as_ref()) {
        group.kill_all();
    }
    let take = |rx: mpsc::Receiver<(Vec<u8>, u64)>| {
        rx.recv_timeout(Duration::from_secs(5))
            .map(|(kept, _)| kept)
            .unwrap_or_default()
    };
    Ok(Completed {
        exit,
        wall,
        timed_out,
        stdout: take(stdout),
        stderr: take(stderr),
    })
}

/// SIGKILL whatever is left of a group whose leader has ended.
pub fn kill_group_quietly(pgid: u32) {
    // SAFETY: signalling our own process group; ESRCH is expected.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Job {
        Job::new("/bin/sh", Path::new("/")).arg("-c").arg(script)
    }

    #[test]
    fn a_looping_child_is_killed_at_its_wall_limit() {
        let started = Instant::now();
        let done = run(&sh("while :; do :; done"), Duration::from_millis(300), 1024).unwrap();
        assert!(done.timed_out);
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn grandchildren_die_with_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > {}; wait", marker.display());
        let done = run(&sh(&script), Duration::from_millis(500), 1024).unwrap();
        assert!(done.timed_out);
        let pid: i32 = std::fs::read_to_string(&marker)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        thread::sleep(Duration::from_millis(100));
        // A zombie waiting for a reaper is dead; only a running one counts.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let alive = !stat.is_empty()
            && stat
                .rsplit(") ")
                .next()
                .is_some_and(|rest| !rest.starts_with('Z'));
        assert!(!alive, "the background sleep survived");
    }

    #[test]
    fn output_is_capped_and_the_environment_is_cleared() {
        let mut job = sh("env; yes | head -c 100000");
        job.env.push(("SECRET_SEED".into(), "42".into()));
        job.env.retain(|(k, _)| k != "SECRET_SEED");
        let done = run(&job, Duration::from_secs(5), 4096).unwrap();
        assert_eq!(done.stdout.len(), 4096);
        let text = String::from_utf8_lossy(&done.stdout);
        assert!(text.contains("RUST_BACKTRACE=0"));
        assert!(!text.contains("CARGO"), "{text}");
    }

    #[test]
    fn the_cpu_limit_stops_a_busy_child_with_sigxcpu() {
        let mut job = sh("while :; do :; done");
        job.rlimits.cpu_seconds = Some(1);
        let done = run(&job, Duration::from_secs(20), 64).unwrap();
        assert!(!done.timed_out);
        let signal = done.exit.unwrap().status.signal();
        assert!(
            matches!(signal, Some(libc::SIGXCPU) | Some(libc::SIGKILL)),
            "{signal:?}"
        );
    }

    #[test]
    fn cpu_time_is_measured_from_outside() {
        let done = run(
            &sh("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"),
            Duration::from_secs(20),
            64,
        )
        .unwrap();
        let exit = done.exit.unwrap();
        assert!(exit.cpu > Duration::from_millis(10), "{exit:?}");
        assert!(exit.max_rss > 0);
    }
}
