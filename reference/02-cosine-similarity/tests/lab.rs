// Runs the lab's public tests (labs/02-cosine-similarity/tests/lab.rs)
// against the reference solution, without a copy that could drift.
extern crate cosine_similarity_reference as cosine_similarity;

include!("../../../labs/02-cosine-similarity/tests/lab.rs");
