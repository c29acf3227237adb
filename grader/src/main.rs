//! The `grader` binary: parse arguments, run, map errors to exit status 2.

use clap::Parser;
use grader::cli::{run, Cli, GraderExit};

fn main() -> GraderExit {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => exit,
        Err(err) => {
            eprintln!("error: {err:#}");
            GraderExit::Error
        }
    }
}
