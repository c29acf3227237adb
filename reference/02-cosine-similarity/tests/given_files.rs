// The starter hands students error.rs and vocab.rs complete; the reference
// must use exactly the same files, or students and grader disagree about
// what the given code does.

#[test]
fn error_module_is_identical_in_starter_and_reference() {
    assert!(
        include_str!("../src/error.rs")
            == include_str!("../../../labs/02-cosine-similarity/src/error.rs"),
        "reference/02-cosine-similarity/src/error.rs differs from the starter's"
    );
}

#[test]
fn vocab_module_is_identical_in_starter_and_reference() {
    assert!(
        include_str!("../src/vocab.rs")
            == include_str!("../../../labs/02-cosine-similarity/src/vocab.rs"),
        "reference/02-cosine-similarity/src/vocab.rs differs from the starter's"
    );
}
