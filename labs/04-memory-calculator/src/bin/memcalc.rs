//! `memcalc CONFIG.json [options]`: parameters, inference VRAM, training, LoRA and KV cache
//! figures for a Hugging Face config. All logic lives in the library's `cli` module.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = memory_calculator::cli::main(
        std::env::args().skip(1),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
