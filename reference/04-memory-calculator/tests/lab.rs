extern crate memory_calculator_reference as memory_calculator;
include!("../../../labs/04-memory-calculator/tests/lab.rs");
