// The starter hands students these modules complete; the reference must use
// exactly the same files, or students and grader disagree about what the
// given code (errors, model files, the tiny model, the app and its map) does.

macro_rules! same_as_starter {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            assert!(
                include_str!(concat!("../src/", $file))
                    == include_str!(concat!("../../../labs/05-minilm-embeddings/src/", $file)),
                concat!("reference/05-minilm-embeddings/src/", $file, " differs from the starter's")
            );
        }
    )*};
}

same_as_starter! {
    error_module_is_identical_in_starter_and_reference => "error.rs",
    files_module_is_identical_in_starter_and_reference => "files.rs",
    tiny_module_is_identical_in_starter_and_reference => "tiny.rs",
    app_module_is_identical_in_starter_and_reference => "app.rs",
    map_module_is_identical_in_starter_and_reference => "map.rs",
}
