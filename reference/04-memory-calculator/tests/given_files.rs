// The starter hands students these modules complete; the reference must use
// exactly the same files, or students and grader disagree about what the
// given code (units, parsing, errors, the report and the CLI) does.

macro_rules! same_as_starter {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            assert!(
                include_str!(concat!("../src/", $file))
                    == include_str!(concat!("../../../labs/04-memory-calculator/src/", $file)),
                concat!("reference/04-memory-calculator/src/", $file, " differs from the starter's")
            );
        }
    )*};
}

same_as_starter! {
    units_module_is_identical_in_starter_and_reference => "units.rs",
    checked_module_is_identical_in_starter_and_reference => "checked.rs",
    error_module_is_identical_in_starter_and_reference => "error.rs",
    config_module_is_identical_in_starter_and_reference => "config.rs",
    report_module_is_identical_in_starter_and_reference => "report.rs",
    cli_module_is_identical_in_starter_and_reference => "cli.rs",
    safetensors_module_is_identical_in_starter_and_reference => "safetensors.rs",
}
