//! The LLM Foundations lab harness and autograder.
//!
//! Module map (one concern each):
//! - [`course`]: `course.toml` and `lab.toml` manifests.
//! - [`labs`]: the registry of lab modules (case makers, comparators).
//! - [`cases`]: cases, stored public case files, the seeded RNG.
//! - [`toolchain`], [`build_cache`], [`compile`]: building submissions
//!   against prebuilt dependencies with plain rustc.
//! - [`submission`]: taking a lab's sources out of a submission safely.
//! - [`process`], [`session`], [`runner`]: running drivers under limits.
//! - [`sandbox`], [`cgroup`], [`seccomp`]: isolating untrusted jobs (bubblewrap, uids, cgroups).
//! - [`builds`]: building a submission's and the reference's driver.
//! - [`compare`], [`grading`], [`outcome`]: judging and scoring.
//! - [`check`], [`bless`], [`verify`], [`handout`]: the commands' logic;
//!   [`recipe`] (mutants and fixtures), [`source_fns`] (functions in sources).
//! - [`grade`]: batch grading of a class, resume, shards and their merge;
//!   [`roster`] (the class and its shards), [`archive`] (safe unpacking),
//!   [`progress`] (the progress line).
//! - [`report`]: the result model and its renderers; [`export`]: the
//!   gradebook CSV, Gradescope, JUnit and class statistics.
//! - [`packet`]: the enterprise readiness packet, scored by rubric-as-code.
//! - [`cli`]: argument parsing and exit codes.

#![warn(missing_docs)]

pub mod archive;
pub mod bless;
pub mod build_cache;
pub mod builds;
pub mod cases;
pub mod cgroup;
pub mod check;
pub mod cli;
pub mod compare;
pub mod compile;
pub mod course;
pub mod device;
pub mod export;
pub mod fsutil;
pub mod grade;
pub mod grading;
pub mod handout;
pub mod labs;
pub mod outcome;
pub mod packet;
pub mod process;
pub mod progress;
pub mod recipe;
pub mod report;
pub mod roster;
pub mod runner;
pub mod sandbox;
pub mod seccomp;
pub mod session;
pub mod source_fns;
pub mod submission;
pub mod timing;
pub mod toolchain;
pub mod verify;
