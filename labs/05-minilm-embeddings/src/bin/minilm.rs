//! `minilm`: the lab's text-similarity app. All
//! logic lives in the library's `app` module.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = minilm_embeddings::app::main(
        std::env::args().skip(1),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
