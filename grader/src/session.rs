//! One running driver process, asked one case at a time.
//!
//! The supervisor sends a request, then waits for the framed answer with the
//! case's own deadline. Everything else the process prints is the student's
//! output: kept (capped) for messages, never parsed for verdicts.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use lab_protocol::{parse_frame, Hello, Reply, Request};

use crate::process::{self, Exit, Job};
use crate::sandbox::{Slot, View};

/// What one question to the driver produced.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The driver answered; wall time from request to answer.
    Replied(Reply, Duration),
    /// No answer within the deadline; the process group was killed.
    Timeout,
    /// The student's output passed the cap; the process group was killed.
    OutputLimit,
    /// The process ended without answering.
    Died(Option<Exit>),
}

enum Event {
    Frame(lab_protocol::Response),
    BadFrame(String),
    OutputLimit,
    Eof,
}

/// A live driver process.
pub struct Session {
    pgid: u32,
    stdin: Option<ChildStdin>,
    events: Receiver<Event>,
    exit: Receiver<Exit>,
    stderr: Receiver<(Vec<u8>, u64)>,
    student_output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    dead: bool,
    /// The job's cgroups: everything in them dies with the session.
    group: Option<std::sync::Arc<crate::cgroup::JobGroup>>,
}

/// Bytes of student output kept for messages.
const KEPT_OUTPUT: usize = 4096;

impl Session {
    /// Start `job` (a driver binary) and greet it with a fresh nonce.
    pub fn start(job: &Job, output_cap: u64) -> std::io::Result<Session> {
        let mut child = job
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let pgid = child.id();
        let nonce = fresh_nonce();
        let mut stdin = child.stdin.take().expect("piped");
        let hello = serde_json::to_string(&Hello {
            nonce: nonce.clone(),
        })
        .expect("serialisable");
        // A driver that died at once shows up as Died on the first question.
        let _ = writeln!(stdin, "{hello}");
        let student_output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let events = read_frames(
            child.stdout.take().expect("piped"),
            nonce,
            output_cap,
            student_output.clone(),
        );
        let stderr = process::drain_capped(child.stderr.take().expect("piped"), KEPT_OUTPUT);
        let exit = process::reap_in_background(&child);
        Ok(Session {
            pgid,
            stdin: Some(stdin),
            events,
            exit,
            stderr,
            student_output,
            dead: false,
            group: job.confinement.as_ref().and_then(|c| c.group.clone()),
        })
    }

    /// Whether the process is known to have ended or been killed.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Ask one case and wait at most `limit` for the answer.
    pub fn ask(&mut self, request: &Request, limit: Duration) -> Answer {
        let line = serde_json::to_string(request).expect("serialisable");
        let started = Instant::now();
        let sent = self.stdin.as_mut().is_some_and(|stdin| {
            writeln!(stdin, "{line}")
                .and_then(|()| stdin.flush())
                .is_ok()
        });
        if !sent {
            return self.died();
        }
        let deadline = started + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Frame(response)) if response.id == request.id => {
                    let elapsed = started.elapsed();
                    if response.reply == Reply::MemoryLimit {
                        self.stop();
                    }
                    return Answer::Replied(response.reply, elapsed);
                }
                // A frame for another case can only be forged: ignore it.
                Ok(Event::Frame(_)) => continue,
                Ok(Event::BadFrame(message)) => {
                    return Answer::Replied(
                        Reply::BadRequest(format!("unreadable driver frame: {message}")),
                        started.elapsed(),
                    )
                }
                Ok(Event::OutputLimit) => {
                    self.stop();
                    return Answer::OutputLimit;
                }
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => return self.died(),
                Err(RecvTimeoutError::Timeout) => {
                    self.stop();
                    return Answer::Timeout;
                }
            }
        }
    }

    fn died(&mut self) -> Answer {
        // stdout closed: the process is ending; give it a moment to be reaped.
        let exit = self.exit.recv_timeout(Duration::from_secs(2)).ok();
        self.stop();
        Answer::Died(exit)
    }

    /// Kill the process group (idempotent).
    pub fn stop(&mut self) {
        if !self.dead {
            self.stdin = None;
            process::kill_group(self.pgid);
            if let Some(group) = &self.group {
                group.kill_all();
            }
            self.dead = true;
        }
    }

    /// End the session: close stdin, wait briefly for a clean exit, kill the
    /// group, and return what the student printed (stdout lines outside the
    /// protocol, then stderr), capped.
    pub fn finish(mut self) -> String {
        self.stdin = None;
        let _ = self.exit.recv_timeout(Duration::from_millis(500));
        self.stop();
        process::kill_group_quietly(self.pgid);
        let mut text = self
            .student_output
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default();
        if let Ok((stderr, _)) = self.stderr.recv_timeout(Duration::from_secs(2)) {
            text.extend_from_slice(&stderr);
        }
        String::from_utf8_lossy(&text).into_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
        process::kill_group_quietly(self.pgid);
    }
}

fn fresh_nonce() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(mut urandom) = std::fs::File::open("/dev/urandom") {
        let _ = urandom.read_exact(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_frames(
    stdout: impl Read + Send + 'static,
    nonce: String,
    output_cap: u64,
    student_output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> Receiver<Event> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut student_bytes = 0u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            // Cap the line length too: a newline-free flood must not grow
            // without bound before the output limit sees it.
            let read = (&mut reader)
                .take(output_cap + 1)
                .read_until(b'\n', &mut line);
            match read {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Event::Eof);
                    return;
                }
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let trimmed = text.trim_end_matches(['\n', '\r']);
            match parse_frame(&nonce, trimmed) {
                Some(Ok(response)) => {
                    let _ = tx.send(Event::Frame(response));
                }
                Some(Err(err)) => {
                    let _ = tx.send(Event::BadFrame(err.to_string()));
                }
                None if trimmed.is_empty() => {}
                None => {
                    student_bytes += line.len() as u64;
                    if let Ok(mut kept) = student_output.lock() {
                        let room = KEPT_OUTPUT.saturating_sub(kept.len());
                        kept.extend_from_slice(&line[..line.len().min(room)]);
                    }
                    if student_bytes > output_cap {
                        let _ = tx.send(Event::OutputLimit);
                        return;
                    }
                }
            }
        }
    });
    rx
}

/// Processes and threads a driver may use.
const DRIVER_PROCESSES: u64 = 64;

/// What a lab's drivers see besides their own binary: files to read (a
/// model), environment, device nodes (a GPU). Empty for most labs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriverSetup {
    /// Read-only in the sandbox, at the same path.
    pub read_only: Vec<PathBuf>,
    /// Extra environment.
    pub env: Vec<(String, OsString)>,
    /// Device nodes passed through.
    pub devices: Vec<PathBuf>,
}

/// A driver binary and how it is started.
#[derive(Debug, Clone, Copy)]
pub struct Driver<'a> {
    /// The binary.
    pub binary: &'a Path,
    /// Its set-up.
    pub setup: &'a DriverSetup,
}

/// A job running `driver` under the given limits; in the sandbox it sees
/// only the binary's folder and the set-up's paths (read-only) and a private
/// /tmp.
pub fn driver_job(
    driver: Driver,
    limits: &crate::course::Limits,
    cpu_budget: Duration,
    slot: Slot,
) -> std::io::Result<Job> {
    let dir = driver.binary.parent().unwrap_or(Path::new("/"));
    let mut job = Job::new(driver.binary, dir);
    job.env.extend(driver.setup.env.iter().cloned());
    // A GPU driver maps far more address space than it uses (the CUDA
    // runtime reserves it up front): there only the cgroup caps memory.
    job.rlimits.address_space = (driver.setup.devices.is_empty()).then_some(limits.memory_bytes);
    job.rlimits.cpu_seconds = Some(cpu_budget.as_secs().max(1) + 1);
    job.rlimits.file_size = Some(limits.output_bytes);
    // The cgroup cap sits above the address-space limit: the rlimit makes
    // allocations fail cleanly (a memory_limit outcome); the cgroup is the
    // backstop for what the rlimit cannot see.
    let mut read_only = vec![dir.to_path_buf()];
    read_only.extend(driver.setup.read_only.iter().cloned());
    let view = View {
        read_only,
        writable: Vec::new(),
        devices: driver.setup.devices.clone(),
        uid: None,
        max_processes: DRIVER_PROCESSES,
        max_memory: limits.memory_bytes.saturating_mul(2),
    };
    slot.confine_view(job, view)
}
