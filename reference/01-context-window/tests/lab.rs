// Runs the lab's public tests (labs/01-context-window/tests/lab.rs) against
// the reference solution, without a copy that could drift.
extern crate context_window_reference as context_window;

include!("../../../labs/01-context-window/tests/lab.rs");
