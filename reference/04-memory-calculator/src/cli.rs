//! The `memcalc` command line: argument parsing (std only) and running, kept out of the binary
//! so that tests drive it with in-memory output.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::PathBuf;

use crate::architecture::Architecture;
use crate::config::{parse_config, ConfigError};
use crate::error::CalcError;
use crate::precision::Precision;
use crate::report::{build_report, render_table, ReportOptions, SafetensorsCheck};
use crate::safetensors::{read_safetensors_header, SafetensorsError};
use crate::units::Bytes;

/// The help text.
pub const USAGE: &str = "\
Usage: memcalc CONFIG.json [options]

Reads a Hugging Face config.json (model_type gpt2, llama or bert) and prints the exact
parameter count, inference VRAM per precision (lesson 08's x 1.2 rule), training memory,
LoRA and KV cache figures. Sizes are shown in GB (10^9 bytes) and GiB (2^30 bytes).

Options:
  --json               print JSON instead of a table (all sizes in bytes)
  --seq-len N          KV cache tokens per sequence (default: the config's context length)
  --batch N            sequences in the KV cache (default 1)
  --kv-precision P     KV cache precision: fp32, fp16, bf16, int8, int4 (default fp16)
  --lora-rank R        LoRA rank (default 16)
  --lora-targets A,B   LoRA target modules (default: PEFT's for the family)
  --activations SIZE   activation memory for the training figures, e.g. 20GB (default 0)
  --no-pooler          BERT: count BertModel without its pooler
  --safetensors FILE   also count the numbers in FILE and compare with the parameter count
  -h, --help           show this help

Exit status: 0 success, 1 bad input (config, numbers, files), 2 bad usage.
";

/// Exit status for success.
pub const EXIT_OK: u8 = 0;
/// Exit status for input that could not be used: a config, a number or a file.
pub const EXIT_BAD_INPUT: u8 = 1;
/// Exit status for a command line that could not be parsed.
pub const EXIT_USAGE: u8 = 2;

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliArgs {
    /// The config.json to read.
    pub config_path: PathBuf,
    /// JSON output instead of a table.
    pub json: bool,
    /// Count BERT without the pooler.
    pub no_pooler: bool,
    /// A safetensors file to compare with.
    pub safetensors: Option<PathBuf>,
    /// The report's choices.
    pub options: ReportOptions,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the help.
    Help,
    /// Compute a report.
    Run(CliArgs),
}

/// Why `memcalc` failed.
#[derive(Debug)]
pub enum CliError {
    /// The command line could not be parsed.
    Usage(String),
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The config could not be used.
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        error: ConfigError,
    },
    /// A calculator rejected the numbers.
    Calc(CalcError),
    /// The safetensors file could not be read.
    Safetensors {
        /// The file.
        path: PathBuf,
        /// Why.
        error: SafetensorsError,
    },
    /// Writing the output failed.
    Output(std::io::Error),
}

impl CliError {
    /// [`EXIT_USAGE`] for usage errors, [`EXIT_BAD_INPUT`] otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            _ => EXIT_BAD_INPUT,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) => write!(f, "{message}"),
            CliError::Read { path, message } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
            CliError::Config { path, error } => write!(f, "{}: {error}", path.display()),
            CliError::Calc(error) => write!(f, "{error}"),
            CliError::Safetensors { path, error } => write!(f, "{}: {error}", path.display()),
            CliError::Output(error) => write!(f, "cannot write output: {error}"),
        }
    }
}

impl std::error::Error for CliError {}

fn usage(message: String) -> CliError {
    CliError::Usage(format!("{message}\n(run memcalc --help for usage)"))
}

fn count(option: &str, value: &str) -> Result<u64, CliError> {
    value.trim().parse().map_err(|_| {
        usage(format!(
            "{option}: `{value}` is not a non-negative whole number"
        ))
    })
}

/// Parses the arguments after the program name. `--opt value` and `--opt=value` both work.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, CliError> {
    let mut config_path = None;
    let mut parsed = CliArgs {
        config_path: PathBuf::new(),
        json: false,
        no_pooler: false,
        safetensors: None,
        options: ReportOptions::default(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        let options = &mut parsed.options;
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => parsed.json = true,
            "--no-pooler" => parsed.no_pooler = true,
            "--seq-len" => options.seq_len = Some(count(&name, &value()?)?),
            "--batch" => options.batch_size = count(&name, &value()?)?,
            "--lora-rank" => options.lora_rank = count(&name, &value()?)?,
            "--kv-precision" => {
                options.kv_precision = value()?
                    .parse::<Precision>()
                    .map_err(|error| usage(format!("{name}: {error}")))?;
            }
            "--lora-targets" => {
                let targets = value()?;
                options.lora_targets = Some(
                    targets
                        .split(',')
                        .map(str::trim)
                        .filter(|target| !target.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
            }
            "--activations" => {
                options.activation_bytes = value()?
                    .parse::<Bytes>()
                    .map_err(|error| usage(format!("{name}: {error}")))?
                    .0;
            }
            "--safetensors" => parsed.safetensors = Some(PathBuf::from(value()?)),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(usage(format!("unknown option {other}")))
            }
            _ if config_path.is_none() => config_path = Some(PathBuf::from(arg)),
            _ => return Err(usage(format!("unexpected extra argument `{arg}`"))),
        }
    }
    parsed.config_path = config_path.ok_or_else(|| usage("no CONFIG.json given".to_string()))?;
    Ok(Command::Run(parsed))
}

fn read(path: &PathBuf) -> Result<Vec<u8>, CliError> {
    fs::read(path).map_err(|error| CliError::Read {
        path: path.clone(),
        message: error.to_string(),
    })
}

/// Reads the config (and safetensors file), computes the report and writes it to `out`.
pub fn run(args: &CliArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let text = String::from_utf8_lossy(&read(&args.config_path)?).into_owned();
    let mut arch = parse_config(&text).map_err(|error| CliError::Config {
        path: args.config_path.clone(),
        error,
    })?;
    if let (true, Architecture::Bert(config)) = (args.no_pooler, &mut arch) {
        config.add_pooling_layer = false;
    }
    let mut report = build_report(&arch, &args.options).map_err(CliError::Calc)?;
    if let Some(path) = &args.safetensors {
        let file = fs::File::open(path).map_err(|error| CliError::Read {
            path: path.clone(),
            message: error.to_string(),
        })?;
        let summary = read_safetensors_header(std::io::BufReader::new(file)).map_err(|error| {
            CliError::Safetensors {
                path: path.clone(),
                error,
            }
        })?;
        report.safetensors = Some(SafetensorsCheck {
            path: path.display().to_string(),
            matches: summary.float_elements == report.params,
            summary,
        });
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(|error| CliError::Output(error.into()))?;
        writeln!(out).map_err(CliError::Output)
    } else {
        render_table(&report, out).map_err(CliError::Output)
    }
}

/// The whole program: parse, run, report errors on `err`; returns the exit status.
pub fn main<I: IntoIterator<Item = String>>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let result = parse_args(args).and_then(|command| match command {
        Command::Help => out.write_all(USAGE.as_bytes()).map_err(CliError::Output),
        Command::Run(args) => run(&args, out),
    });
    match result {
        Ok(()) => EXIT_OK,
        // A reader such as `head` that stops early is not an error.
        Err(CliError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(error) => {
            // Nothing useful remains to be done if stderr is gone too.
            let _ = writeln!(err, "memcalc: {error}");
            error.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, CliError> {
        parse_args(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn options_take_separate_or_inline_values() {
        let Ok(Command::Run(args)) = parse(&[
            "c.json",
            "--seq-len",
            "8192",
            "--batch=4",
            "--kv-precision",
            "bf16",
            "--lora-targets",
            "q_proj, k_proj",
            "--activations=1.5GiB",
            "--json",
        ]) else {
            panic!("should parse")
        };
        assert_eq!(args.config_path, PathBuf::from("c.json"));
        assert!(args.json);
        assert_eq!(args.options.seq_len, Some(8192));
        assert_eq!(args.options.batch_size, 4);
        assert_eq!(args.options.kv_precision, Precision::Bf16);
        assert_eq!(
            args.options.lora_targets,
            Some(vec!["q_proj".to_string(), "k_proj".to_string()])
        );
        assert_eq!(args.options.activation_bytes, 3 << 29);
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in [
            &[][..],
            &["c.json", "--seq-len", "-5"],
            &["c.json", "--seq-len"],
            &["c.json", "--batch", "NaN"],
            &["c.json", "--kv-precision", "fp8"],
            &["c.json", "--activations", "NaN GB"],
            &["c.json", "--frobnicate"],
            &["a.json", "b.json"],
        ] {
            let error = parse(bad).unwrap_err();
            assert_eq!(error.exit_code(), EXIT_USAGE, "{bad:?}: {error}");
        }
    }

    #[test]
    fn help_wins() {
        assert_eq!(parse(&["c.json", "--help"]).unwrap(), Command::Help);
    }

    #[test]
    fn a_missing_file_is_bad_input() {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = main(["/nonexistent/config.json".to_string()], &mut out, &mut err);
        assert_eq!(code, EXIT_BAD_INPUT);
        assert!(String::from_utf8(err)
            .unwrap()
            .starts_with("memcalc: cannot read"));
    }
}
