//! Reading the small JSON files of a model folder.

use std::path::Path;

use candle_transformers::models::bert;

use crate::error::{io_error, EmbedError};

fn read_json(path: &Path) -> Result<serde_json::Value, EmbedError> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    serde_json::from_str(&text).map_err(|err| EmbedError::Config {
        path: path.to_owned(),
        message: err.to_string(),
    })
}

/// `config.json`: the BERT architecture (layers, hidden size, heads, ...).
pub fn read_bert_config(dir: &Path) -> Result<bert::Config, EmbedError> {
    let path = dir.join("config.json");
    serde_json::from_value(read_json(&path)?).map_err(|err| EmbedError::Config {
        path,
        message: err.to_string(),
    })
}

/// `max_seq_length` from `sentence_bert_config.json`: how many tokens
/// (`[CLS]` and `[SEP]` included) sentence-transformers feeds the model;
/// longer texts are truncated there. 256 for all-MiniLM-L6-v2, while its
/// `tokenizer.json` says 128.
pub fn read_max_seq_length(dir: &Path) -> Result<usize, EmbedError> {
    let path = dir.join("sentence_bert_config.json");
    let value = read_json(&path)?;
    match value
        .get("max_seq_length")
        .and_then(serde_json::Value::as_u64)
    {
        Some(n) if n >= 2 => Ok(n as usize),
        _ => Err(EmbedError::Config {
            path,
            message: "`max_seq_length` must be a whole number of at least 2".into(),
        }),
    }
}
