//! Lab 04, the memory calculator: how many parameters a transformer has, and how much memory
//! running, training and fine-tuning it takes, exactly and with units done right.
//!
//! It turns three Foundations lessons into code:
//!
//! - 06 Transformers (the scale table): [`gpt2_param_count`], [`llama_param_count`] and
//!   [`bert_param_count`] count a configuration's parameters exactly as Hugging Face
//!   `transformers` does (GPT-2 small: 124,439,808).
//! - 08 Parameters: [`Precision`] and [`weight_bytes`] (the 7B precision table) and
//!   [`inference_vram`] (the `params x bytes x 1.2` rule: LLaMA 3 8B at fp16 ~ 19 GB).
//! - 09 Training vs Inference: [`training_memory`] (weights + gradients + optimizer state +
//!   activations), [`lora_trainable_params`] and [`lora_memory`] (QLoRA on a gaming GPU), and
//!   [`kv_cache_bytes`] (what inference keeps besides the weights).
//!
//! Counts and sizes are `u64`; every calculator checks its inputs and arithmetic and returns
//! a [`CalcError`] naming the field instead of panicking, wrapping or answering 0.
//! [`Bytes`] shows sizes in both GB (10^9) and GiB (2^30).
//!
//! The `memcalc` binary reads a `config.json` and prints all of it (see [`cli`]).
//!
//! Your work is the functions marked `TODO(lab04)` (search for it): `Precision::bits`,
//! `weight_bytes`, `inference_vram`, `Optimizer::state_copies`, `training_memory`, the three
//! parameter counts, `Architecture::projections`, `Architecture::kv_cache_config`,
//! `lora_trainable_params`, `lora_memory` and `kv_cache_bytes`. Types, config parsing, the
//! report and the command line are given.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The functions you write start as `todo!()` and do not use their arguments yet; this keeps
// the starter free of warnings. Remove it once every TODO(lab04) is done, if you like.
#![allow(unused_variables)]

pub mod architecture;
pub mod checked;
pub mod cli;
pub mod config;
pub mod error;
pub mod inference;
pub mod kv_cache;
pub mod lora;
pub mod params;
pub mod precision;
pub mod report;
pub mod safetensors;
pub mod training;
pub mod units;

pub use architecture::{Architecture, BertConfig, Gpt2Config, LlamaConfig, Projection};
pub use config::{parse_config, ConfigError};
pub use error::{CalcError, Family};
pub use inference::{inference_vram, weight_bytes};
pub use kv_cache::{kv_cache_bytes, KvCacheConfig};
pub use lora::{lora_memory, lora_trainable_params, LoraConfig, LoraMemory, LoraMemoryConfig};
pub use params::{bert_param_count, gpt2_param_count, llama_param_count};
pub use precision::{Precision, UnknownPrecision};
pub use training::{training_memory, Optimizer, TrainingConfig, TrainingMemory};
pub use units::{Bytes, ParseBytesError, GB, GIB};
