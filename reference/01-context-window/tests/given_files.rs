// The starter hands students error.rs, message.rs, summarize.rs and
// models.rs complete; the reference must use exactly the same files, or
// students and grader disagree about what the given code does.

macro_rules! identical {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            assert!(
                include_str!(concat!("../src/", $file))
                    == include_str!(concat!("../../../labs/01-context-window/src/", $file)),
                "reference/01-context-window/src/{} differs from the starter's",
                $file
            );
        }
    };
}

identical!(
    error_module_is_identical_in_starter_and_reference,
    "error.rs"
);
identical!(
    message_module_is_identical_in_starter_and_reference,
    "message.rs"
);
identical!(
    summarize_module_is_identical_in_starter_and_reference,
    "summarize.rs"
);
identical!(
    models_module_is_identical_in_starter_and_reference,
    "models.rs"
);
