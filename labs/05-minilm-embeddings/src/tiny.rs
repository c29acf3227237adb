//! A tiny, randomly initialised BERT with the same file layout as
//! all-MiniLM-L6-v2: `config.json`, `model.safetensors` (written with
//! candle's safetensors saving), a small WordPiece `tokenizer.json` and
//! `sentence_bert_config.json`. Its numbers mean nothing, but everything the
//! lab computes around the model (tokenising, padding, truncation, masking,
//! pooling, normalisation, batching) behaves exactly as with the real one,
//! so tests and the grader exercise it on every machine, in milliseconds.
//!
//! Like the real files, the tokenizer pads every text to 128 and truncates
//! at 128, while `sentence_bert_config.json` says 256: the loader must
//! override both (README, "Loading"). Same seed, same model, everywhere: the
//! weights come from a small deterministic generator, not from a thread RNG.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use serde_json::{json, Value};

use crate::error::{io_error, EmbedError};

/// Hidden size of the tiny model.
pub const TINY_HIDDEN: usize = 32;
/// Its transformer layers.
pub const TINY_LAYERS: usize = 2;
/// Its attention heads.
pub const TINY_HEADS: usize = 4;
/// Width of its feed-forward layer.
pub const TINY_INTERMEDIATE: usize = 64;
/// Positions it has embeddings for (as many as the real model).
pub const TINY_MAX_POSITIONS: usize = 512;
/// `max_seq_length` in its `sentence_bert_config.json` (as the real model).
pub const TINY_MAX_SEQ_LENGTH: usize = 256;
/// Truncation and fixed padding length in its `tokenizer.json` (as the real one).
pub const TINY_TOKENIZER_LENGTH: usize = 128;

const SPECIALS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS: &[&str] = &[
    "the",
    "a",
    "i",
    "is",
    "my",
    "by",
    "to",
    "of",
    "and",
    "love",
    "enjoy",
    "cat",
    "cats",
    "kitten",
    "dog",
    "puppy",
    "car",
    "cars",
    "bus",
    "truck",
    "drive",
    "bank",
    "river",
    "loan",
    "money",
    "weather",
    "nice",
    "today",
    "programming",
    "coding",
    "king",
    "queen",
    "man",
    "woman",
    "automobile",
    "approved",
    "sat",
    "fast",
    "ran",
];
const PUNCTUATION: &str = ".,!?'-:;()";

/// The tiny vocabulary: specials, words, single characters, `##` pieces.
pub fn tiny_vocabulary() -> Vec<String> {
    let mut vocab: Vec<String> = SPECIALS.iter().map(|s| s.to_string()).collect();
    vocab.extend(WORDS.iter().map(|w| w.to_string()));
    let chars: Vec<char> = ('a'..='z').chain('0'..='9').collect();
    vocab.extend(chars.iter().map(char::to_string));
    vocab.extend(PUNCTUATION.chars().map(|c| c.to_string()));
    vocab.extend(chars.iter().map(|c| format!("##{c}")));
    vocab
}

/// Write the tiny model for `seed` into `dir` (created if needed).
pub fn write_tiny_model(dir: &Path, seed: u64) -> Result<(), EmbedError> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let vocab = tiny_vocabulary();
    write_json(&dir.join("config.json"), &config_json(vocab.len()))?;
    write_json(
        &dir.join("sentence_bert_config.json"),
        &json!({ "max_seq_length": TINY_MAX_SEQ_LENGTH, "do_lower_case": false }),
    )?;
    write_json(&dir.join("tokenizer.json"), &tokenizer_json(&vocab))?;
    let weights = tiny_weights(vocab.len(), seed)?;
    candle_core::safetensors::save(&weights, dir.join("model.safetensors"))?;
    Ok(())
}

fn write_json(path: &Path, value: &Value) -> Result<(), EmbedError> {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    std::fs::write(path, text).map_err(io_error(path))
}

fn config_json(vocab_size: usize) -> Value {
    json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": TINY_HIDDEN,
        "num_hidden_layers": TINY_LAYERS,
        "num_attention_heads": TINY_HEADS,
        "intermediate_size": TINY_INTERMEDIATE,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": TINY_MAX_POSITIONS,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "position_embedding_type": "absolute"
    })
}

/// A `tokenizer.json` shaped like all-MiniLM-L6-v2's: BERT normaliser
/// (lowercase), BERT pre-tokeniser, WordPiece, `[CLS] ... [SEP]`, and the
/// same fixed padding and truncation at 128.
fn tokenizer_json(vocab: &[String]) -> Value {
    let ids: serde_json::Map<String, Value> = vocab
        .iter()
        .enumerate()
        .map(|(i, token)| (token.clone(), json!(i)))
        .collect();
    let added: Vec<Value> = SPECIALS
        .iter()
        .enumerate()
        .map(|(id, content)| {
            json!({ "id": id, "content": content, "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true })
        })
        .collect();
    let special = |name: &str, id: usize| json!({ "id": name, "ids": [id], "tokens": [name] });
    json!({
        "version": "1.0",
        "truncation": { "direction": "Right", "max_length": TINY_TOKENIZER_LENGTH,
                        "strategy": "LongestFirst", "stride": 0 },
        "padding": { "strategy": { "Fixed": TINY_TOKENIZER_LENGTH }, "direction": "Right",
                     "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]" },
        "added_tokens": added,
        "normalizer": { "type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                        "strip_accents": null, "lowercase": true },
        "pre_tokenizer": { "type": "BertPreTokenizer" },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [ { "SpecialToken": { "id": "[CLS]", "type_id": 0 } },
                        { "Sequence": { "id": "A", "type_id": 0 } },
                        { "SpecialToken": { "id": "[SEP]", "type_id": 0 } } ],
            "pair": [ { "SpecialToken": { "id": "[CLS]", "type_id": 0 } },
                      { "Sequence": { "id": "A", "type_id": 0 } },
                      { "SpecialToken": { "id": "[SEP]", "type_id": 0 } },
                      { "Sequence": { "id": "B", "type_id": 1 } },
                      { "SpecialToken": { "id": "[SEP]", "type_id": 1 } } ],
            "special_tokens": { "[CLS]": special("[CLS]", 2), "[SEP]": special("[SEP]", 3) }
        },
        "decoder": { "type": "WordPiece", "prefix": "##", "cleanup": true },
        "model": { "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                   "max_input_chars_per_word": 100, "vocab": ids }
    })
}

/// SplitMix64: small, fast and the same on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-scale, scale).
    fn uniform(&mut self, scale: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        (2.0 * unit - 1.0) * scale
    }
}

/// Draws named tensors from one generator, in a fixed order.
struct Weights {
    rng: SplitMix64,
    tensors: HashMap<String, Tensor>,
}

impl Weights {
    /// A tensor of `shape`, uniform in `[offset - scale, offset + scale)`.
    fn put(
        &mut self,
        name: String,
        shape: &[usize],
        offset: f32,
        scale: f32,
    ) -> Result<(), EmbedError> {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| offset + self.rng.uniform(scale)).collect();
        let tensor = Tensor::from_vec(data, shape, &Device::Cpu)?;
        self.tensors.insert(name, tensor);
        Ok(())
    }

    /// A LayerNorm's weight (near 1) and bias (near 0).
    fn layer_norm(&mut self, prefix: &str) -> Result<(), EmbedError> {
        self.put(format!("{prefix}.weight"), &[TINY_HIDDEN], 1.0, 0.1)?;
        self.put(format!("{prefix}.bias"), &[TINY_HIDDEN], 0.0, 0.1)
    }

    /// A linear layer `inputs -> outputs`.
    fn linear(
        &mut self,
        prefix: &str,
        outputs: usize,
        inputs: usize,
        scale: f32,
    ) -> Result<(), EmbedError> {
        self.put(format!("{prefix}.weight"), &[outputs, inputs], 0.0, scale)?;
        self.put(format!("{prefix}.bias"), &[outputs], 0.0, 0.1)
    }
}

/// The weights of the tiny model for `seed`, named as candle-transformers'
/// BERT loads them. Linear scales keep activations of order 1 and attention
/// far from uniform, so masking mistakes show in the results.
pub fn tiny_weights(vocab_size: usize, seed: u64) -> Result<HashMap<String, Tensor>, EmbedError> {
    let (h, i) = (TINY_HIDDEN, TINY_INTERMEDIATE);
    let mut w = Weights {
        rng: SplitMix64(seed),
        tensors: HashMap::new(),
    };
    w.put(
        "embeddings.word_embeddings.weight".into(),
        &[vocab_size, h],
        0.0,
        1.0,
    )?;
    w.put(
        "embeddings.position_embeddings.weight".into(),
        &[TINY_MAX_POSITIONS, h],
        0.0,
        0.5,
    )?;
    w.put(
        "embeddings.token_type_embeddings.weight".into(),
        &[2, h],
        0.0,
        0.1,
    )?;
    w.layer_norm("embeddings.LayerNorm")?;
    for layer in 0..TINY_LAYERS {
        let p = format!("encoder.layer.{layer}");
        for part in ["query", "key", "value"] {
            w.linear(&format!("{p}.attention.self.{part}"), h, h, 0.6)?;
        }
        w.linear(&format!("{p}.attention.output.dense"), h, h, 0.3)?;
        w.layer_norm(&format!("{p}.attention.output.LayerNorm"))?;
        w.linear(&format!("{p}.intermediate.dense"), i, h, 0.3)?;
        w.linear(&format!("{p}.output.dense"), h, i, 0.2)?;
        w.layer_norm(&format!("{p}.output.LayerNorm"))?;
    }
    Ok(w.tensors)
}
