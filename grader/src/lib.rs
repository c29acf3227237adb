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
//! - [`compare`], [`grading`], [`outcome`]: judging and scoring.
//! - [`check`], [`bless`]: the commands' logic.
//! - [`report`]: the result model and its renderers.
//! - [`cli`]: argument parsing and exit codes.

#![warn(missing_docs)]

pub mod bless;
pub mod build_cache;
pub mod cases;
pub mod check;
pub mod cli;
pub mod compare;
pub mod compile;
pub mod course;
pub mod fsutil;
pub mod grading;
pub mod labs;
pub mod outcome;
pub mod process;
pub mod report;
pub mod runner;
pub mod session;
pub mod submission;
pub mod toolchain;
