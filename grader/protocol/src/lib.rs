//! The line protocol between the grader and a lab driver.
//!
//! A *driver* is a small binary, owned by the grader, that links one lab crate
//! (starter, student or reference) and answers case requests. Student code
//! never judges itself: the driver only reports what the student's functions
//! returned, and the grader compares that with expected values it keeps in its
//! own process.
//!
//! Wire format, one JSON document per line:
//!
//! - grader → driver, first line: `{"nonce":"<hex>"}`; then one [`Request`]
//!   per line, sent only after the previous one was answered.
//! - driver → grader: for each request one line `@@<nonce> <Response JSON>`,
//!   preceded by a newline so that a student's unterminated `print!` cannot
//!   swallow the frame. Lines without the frame are the student's own output.
//!
//! The nonce is fresh per driver process and travels on stdin, not in the
//! environment or argv. It only keeps the protocol apart from stray prints:
//! a forged frame can at most claim an answer for the case being asked, which
//! is the student's answer anyway.

#![warn(missing_docs)]

mod alloc_guard;
mod values;

use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use alloc_guard::GuardedAlloc;
pub use values::{decode_float, float, floats, ArgError, Args};

/// Prefix of every framed driver line, followed by the nonce and a space.
pub const FRAME_PREFIX: &str = "@@";

/// The first line the grader sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// Random per-process token that marks protocol lines.
    pub nonce: String,
}

/// One case to run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Case id, echoed in the response.
    pub id: String,
    /// The lab function to call, e.g. `cosine_similarity`.
    pub call: String,
    /// Arguments, as the lab's driver expects them.
    pub args: Value,
}

/// The driver's answer to one [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The id of the request this answers.
    pub id: String,
    /// What happened.
    pub reply: Reply,
}

/// What the student's code did with a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The function returned a value (`Ok` for fallible functions).
    Ok(Value),
    /// The function returned its typed error, encoded by the driver.
    Err(Value),
    /// The function panicked; the panic message.
    Panic(String),
    /// An allocation failed: the memory limit was hit. Written by the
    /// driver's allocator just before the process aborts.
    MemoryLimit,
    /// The request itself was malformed: a grader bug, never the student's.
    BadRequest(String),
}

/// Serve requests until stdin closes, answering each with `handler`.
///
/// `handler` gets the call name and its arguments and returns the reply; a
/// panic inside it (that is, in student code) becomes [`Reply::Panic`], and an
/// [`ArgError`] (a malformed request) becomes [`Reply::BadRequest`].
pub fn serve<F>(handler: F) -> ExitCode
where
    F: Fn(&str, &Args) -> Result<Reply, ArgError>,
{
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let nonce = match lines.next() {
        Some(Ok(line)) => match serde_json::from_str::<Hello>(&line) {
            Ok(hello) => hello.nonce,
            Err(_) => return ExitCode::from(3),
        },
        _ => return ExitCode::from(3),
    };
    for line in lines {
        let Ok(line) = line else { break };
        let (id, reply) = match serde_json::from_str::<Request>(&line) {
            Ok(request) => {
                let reply = answer(&nonce, &request, &handler);
                (request.id, reply)
            }
            Err(err) => (String::new(), Reply::BadRequest(err.to_string())),
        };
        if write_frame(&nonce, &Response { id, reply }).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn answer<F>(nonce: &str, request: &Request, handler: &F) -> Reply
where
    F: Fn(&str, &Args) -> Result<Reply, ArgError>,
{
    let args = Args::new(&request.args);
    alloc_guard::arm(frame_line(
        nonce,
        &Response {
            id: request.id.clone(),
            reply: Reply::MemoryLimit,
        },
    ));
    let outcome = catch_unwind(AssertUnwindSafe(|| handler(&request.call, &args)));
    alloc_guard::disarm();
    match outcome {
        Ok(Ok(reply)) => reply,
        Ok(Err(ArgError(message))) => Reply::BadRequest(message),
        Err(payload) => Reply::Panic(panic_message(payload.as_ref())),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// The reply for a call name the driver does not know.
pub fn unknown_call(call: &str) -> Result<Reply, ArgError> {
    Err(ArgError(format!("unknown call `{call}`")))
}

/// The exact bytes a driver writes for `response`.
pub fn frame_line(nonce: &str, response: &Response) -> String {
    let json = serde_json::to_string(response).expect("a response always serialises");
    format!("\n{FRAME_PREFIX}{nonce} {json}\n")
}

fn write_frame(nonce: &str, response: &Response) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(frame_line(nonce, response).as_bytes())?;
    stdout.flush()
}

/// Parse one line of driver output: `Some(response)` when it is a frame
/// carrying `nonce`, `None` when it is the student's own output.
pub fn parse_frame(nonce: &str, line: &str) -> Option<Result<Response, serde_json::Error>> {
    let rest = line.strip_prefix(FRAME_PREFIX)?.strip_prefix(nonce)?;
    let json = rest.strip_prefix(' ')?;
    Some(serde_json::from_str(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_round_trips_through_parse_frame() {
        let response = Response {
            id: "cosine/1".into(),
            reply: Reply::Ok(float(0.5)),
        };
        let line = frame_line("abc", &response);
        let parsed = parse_frame("abc", line.trim()).unwrap().unwrap();
        assert_eq!(parsed, response);
    }

    #[test]
    fn a_frame_with_another_nonce_is_student_output() {
        let line = frame_line(
            "abc",
            &Response {
                id: "x".into(),
                reply: Reply::Ok(Value::Null),
            },
        );
        assert!(parse_frame("abd", line.trim()).is_none());
        assert!(parse_frame("abc", "test result: ok. 9 passed").is_none());
    }

    #[test]
    fn replies_use_snake_case_tags() {
        let json = serde_json::to_string(&Reply::Panic("boom".into())).unwrap();
        assert_eq!(json, r#"{"panic":"boom"}"#);
        let json = serde_json::to_string(&Reply::MemoryLimit).unwrap();
        assert_eq!(json, r#""memory_limit""#);
    }
}
