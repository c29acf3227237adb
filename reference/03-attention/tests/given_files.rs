// The starter hands students these modules complete; the reference must use
// exactly the same files, or students and grader disagree about what the
// given code (errors, input checks, the weights type, the heatmap and the
// lesson's example) does.

macro_rules! same_as_starter {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            assert!(
                include_str!(concat!("../src/", $file))
                    == include_str!(concat!("../../../labs/03-attention/src/", $file)),
                concat!("reference/03-attention/src/", $file, " differs from the starter's")
            );
        }
    )*};
}

same_as_starter! {
    error_module_is_identical_in_starter_and_reference => "error.rs",
    checks_module_is_identical_in_starter_and_reference => "checks.rs",
    weights_module_is_identical_in_starter_and_reference => "weights.rs",
    heatmap_module_is_identical_in_starter_and_reference => "heatmap.rs",
    example_module_is_identical_in_starter_and_reference => "example.rs",
}
