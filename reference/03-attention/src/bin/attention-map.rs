//! `attention-map [OUT.svg]`: draws the attention weights of the lesson's
//! sentence, without a mask and with the causal mask, as an SVG heatmap
//! (default `attention-map.svg`), and prints the row of "it". The drawing
//! lives in the library's `example` and `heatmap` modules; it runs your
//! `attention_weights` and `causal_mask`, so it works once they do.

use std::process::ExitCode;

use attention_reference as attention;

fn main() -> ExitCode {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "attention-map.svg".to_owned());
    if out == "--help" || out == "-h" {
        println!("usage: attention-map [OUT.svg]   (default: attention-map.svg)");
        return ExitCode::SUCCESS;
    }
    let svg = match attention::example::lesson_svg() {
        Ok(svg) => svg,
        Err(err) => {
            eprintln!("attention-map: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = std::fs::write(&out, svg) {
        eprintln!("attention-map: cannot write {out}: {err}");
        return ExitCode::FAILURE;
    }
    if let Ok((full, causal)) = attention::example::lesson_weights() {
        let it = 7;
        println!("when processing \"it\" (no mask | causal mask):");
        for (j, token) in attention::example::SENTENCE.iter().enumerate() {
            println!(
                "  {token:<12} {:5.1}% | {:5.1}%",
                full[it][j] * 100.0,
                causal[it][j] * 100.0
            );
        }
    }
    println!("wrote {out}");
    ExitCode::SUCCESS
}
