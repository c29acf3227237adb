extern crate attention_reference as attention;
include!("../../../labs/03-attention/tests/lab.rs");
