//! The calculator's report for one model: the figures (built from the library's functions) and
//! their rendering as a text table. JSON output is the same [`Report`] serialised.

use std::io::{self, Write};

use serde::Serialize;

use crate::architecture::Architecture;
use crate::error::{CalcError, Family};
use crate::inference::{inference_vram, weight_bytes};
use crate::kv_cache::{kv_cache_bytes, KvCacheConfig};
use crate::lora::{lora_memory, lora_trainable_params, LoraConfig, LoraMemory, LoraMemoryConfig};
use crate::precision::Precision;
use crate::safetensors::SafetensorsSummary;
use crate::training::{training_memory, Optimizer, TrainingConfig, TrainingMemory};
use crate::units::{group_digits, Bytes};

/// The choices a report needs beyond the architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// KV cache tokens per sequence; `None` means the config's context length.
    pub seq_len: Option<u64>,
    /// Sequences in the KV cache.
    pub batch_size: u64,
    /// Precision of the KV cache.
    pub kv_precision: Precision,
    /// LoRA rank.
    pub lora_rank: u64,
    /// LoRA targets; `None` means the family's PEFT defaults.
    pub lora_targets: Option<Vec<String>>,
    /// Activation memory added to every training row.
    pub activation_bytes: u64,
}

impl Default for ReportOptions {
    /// Context-length KV cache for one sequence at fp16; LoRA rank 16 on PEFT's default
    /// targets; no activations.
    fn default() -> Self {
        ReportOptions {
            seq_len: None,
            batch_size: 1,
            kv_precision: Precision::Fp16,
            lora_rank: 16,
            lora_targets: None,
            activation_bytes: 0,
        }
    }
}

/// Weights and the 1.2 rule of thumb at one precision.
#[derive(Debug, Clone, Serialize)]
pub struct InferenceRow {
    /// The precision.
    pub precision: Precision,
    /// [`weight_bytes`].
    pub weights: Bytes,
    /// [`inference_vram`].
    pub vram: Bytes,
}

/// One training setup and its memory.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingRow {
    /// What the setup is.
    pub setup: &'static str,
    /// The inputs.
    pub config: TrainingConfig,
    /// [`training_memory`].
    pub memory: TrainingMemory,
}

/// LoRA figures.
#[derive(Debug, Clone, Serialize)]
pub struct LoraReport {
    /// Rank and targets.
    pub config: LoraConfig,
    /// [`lora_trainable_params`].
    pub trainable_params: u64,
    /// QLoRA memory inputs.
    pub memory_config: LoraMemoryConfig,
    /// [`lora_memory`].
    pub memory: LoraMemory,
}

/// KV cache figures, or why there are none.
#[derive(Debug, Clone, Serialize)]
pub struct KvCacheReport {
    /// The shape, when there is a cache.
    pub config: Option<KvCacheConfig>,
    /// [`kv_cache_bytes`], when there is a cache.
    pub bytes: Option<Bytes>,
    /// Why there is no figure, when there is none.
    pub skipped: Option<String>,
}

/// How a safetensors file's contents compare with the computed count.
#[derive(Debug, Clone, Serialize)]
pub struct SafetensorsCheck {
    /// The file as given.
    pub path: String,
    /// Its totals.
    pub summary: SafetensorsSummary,
    /// Whether its floating-point elements equal the computed parameter count.
    pub matches: bool,
}

/// Everything the calculator says about one model.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The family.
    pub family: Family,
    /// The exact parameter count.
    pub params: u64,
    /// What the count covers.
    pub counted_as: String,
    /// One row per precision.
    pub inference: Vec<InferenceRow>,
    /// Full-training setups.
    pub training: Vec<TrainingRow>,
    /// LoRA fine-tuning.
    pub lora: LoraReport,
    /// KV cache.
    pub kv_cache: KvCacheReport,
    /// The safetensors comparison, when a file was given.
    pub safetensors: Option<SafetensorsCheck>,
}

fn counted_as(arch: &Architecture) -> String {
    match arch {
        Architecture::Gpt2(c) if c.tie_word_embeddings => "GPT2LMHeadModel, lm_head tied to wte",
        Architecture::Gpt2(_) => "GPT2LMHeadModel, untied lm_head",
        Architecture::Llama(c) if c.tie_word_embeddings => "LlamaForCausalLM, tied lm_head",
        Architecture::Llama(_) => "LlamaForCausalLM, untied lm_head",
        Architecture::Bert(c) if c.add_pooling_layer => "BertModel with pooler",
        Architecture::Bert(_) => "BertModel without pooler",
    }
    .to_string()
}

fn training_rows(params: u64, activations: u64) -> Result<Vec<TrainingRow>, CalcError> {
    use Optimizer::{Adam, Sgd, SgdMomentum};
    use Precision::{Fp16, Fp32};
    let setups = [
        (
            "fp16 weights, gradients and Adam moments (lesson 09)",
            TrainingConfig::uniform(params, Fp16, Adam, activations),
        ),
        (
            "mixed precision Adam (fp16 + fp32 master and moments)",
            TrainingConfig::mixed_precision_adam(params, activations),
        ),
        (
            "fp32 Adam",
            TrainingConfig::uniform(params, Fp32, Adam, activations),
        ),
        (
            "fp32 SGD with momentum",
            TrainingConfig::uniform(params, Fp32, SgdMomentum, activations),
        ),
        (
            "fp32 SGD",
            TrainingConfig::uniform(params, Fp32, Sgd, activations),
        ),
    ];
    setups
        .into_iter()
        .map(|(setup, config)| {
            let memory = training_memory(&config)?;
            Ok(TrainingRow {
                setup,
                config,
                memory,
            })
        })
        .collect()
}

fn kv_cache_report(
    arch: &Architecture,
    options: &ReportOptions,
) -> Result<KvCacheReport, CalcError> {
    let skipped = |reason: String| KvCacheReport {
        config: None,
        bytes: None,
        skipped: Some(reason),
    };
    let Some(seq_len) = options.seq_len.or(arch.context_length()) else {
        return Ok(skipped(
            "the config declares no context length; pass --seq-len".to_string(),
        ));
    };
    match arch.kv_cache_config(seq_len, options.batch_size, options.kv_precision) {
        Ok(config) => Ok(KvCacheReport {
            bytes: Some(kv_cache_bytes(&config)?),
            config: Some(config),
            skipped: None,
        }),
        Err(error @ CalcError::NoKvCache { .. }) => Ok(skipped(error.to_string())),
        Err(error) => Err(error),
    }
}

/// Computes every figure of the report. The first calculator error is returned.
pub fn build_report(arch: &Architecture, options: &ReportOptions) -> Result<Report, CalcError> {
    let params = arch.param_count()?;
    let inference = Precision::ALL
        .into_iter()
        .map(|precision| {
            Ok(InferenceRow {
                precision,
                weights: weight_bytes(params, precision)?,
                vram: inference_vram(params, precision)?,
            })
        })
        .collect::<Result<Vec<_>, CalcError>>()?;
    let training = training_rows(params, options.activation_bytes)?;
    let lora_config = LoraConfig {
        rank: options.lora_rank,
        target_modules: options.lora_targets.clone().unwrap_or_else(|| {
            let defaults = arch.default_lora_targets();
            defaults.iter().map(|name| name.to_string()).collect()
        }),
    };
    let trainable_params = lora_trainable_params(arch, &lora_config)?;
    let memory_config = LoraMemoryConfig::qlora(params, trainable_params, options.activation_bytes);
    let lora = LoraReport {
        memory: lora_memory(&memory_config)?,
        config: lora_config,
        trainable_params,
        memory_config,
    };
    Ok(Report {
        family: arch.family(),
        params,
        counted_as: counted_as(arch),
        inference,
        training,
        lora,
        kv_cache: kv_cache_report(arch, options)?,
        safetensors: None,
    })
}

/// `8.03 billion`, `124.44 million`, `22.71 million`, `999`.
fn short_count(count: u64) -> String {
    match count {
        0..=999_999 => group_digits(count),
        1_000_000..=999_999_999 => format!("{:.2} million", count as f64 / 1e6),
        _ => format!("{:.2} billion", count as f64 / 1e9),
    }
}

/// Bytes per parameter of a precision, as the lesson writes it: 4, 2, 1, 0.5.
fn bytes_per_param(bits: u64) -> String {
    let whole = bits / 8;
    if bits.is_multiple_of(8) {
        whole.to_string()
    } else {
        format!("{}", bits as f64 / 8.0)
    }
}

fn training_bits(config: &TrainingConfig) -> u64 {
    config.weight_precision.bits()
        + config.gradient_precision.bits()
        + config.optimizer.state_copies() * config.optimizer_state_precision.bits()
        + config.master_weights.map_or(0, Precision::bits)
}

/// Writes the report as a human-readable table.
pub fn render_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Model        {} ({})",
        report.family, report.counted_as
    )?;
    writeln!(
        out,
        "Parameters   {} ({})",
        group_digits(report.params),
        short_count(report.params)
    )?;
    if let Some(check) = &report.safetensors {
        render_safetensors(check, report.params, out)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Inference VRAM (lesson 08 rule of thumb: params x bytes/param x 1.2)"
    )?;
    writeln!(
        out,
        "  {:<9}  {:>11}  {:>22}  {:>22}",
        "precision", "bytes/param", "weights alone", "x 1.2"
    )?;
    for row in &report.inference {
        writeln!(
            out,
            "  {:<9}  {:>11}  {:>22}  {:>22}",
            row.precision,
            bytes_per_param(row.precision.bits()),
            row.weights,
            row.vram
        )?;
    }
    writeln!(out)?;
    render_training(report, out)?;
    writeln!(out)?;
    render_lora(report, out)?;
    writeln!(out)?;
    render_kv_cache(&report.kv_cache, out)
}

fn render_training(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let activations = report
        .training
        .first()
        .map_or(Bytes(0), |row| row.memory.activations);
    writeln!(
        out,
        "Training memory (lesson 09), every parameter trained; activations {} in each total{}",
        activations.decimal(),
        if activations.0 == 0 {
            " (set --activations, e.g. 20GB)"
        } else {
            ""
        }
    )?;
    writeln!(
        out,
        "  {:<54}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}  {:>22}",
        "setup", "B/param", "weights", "gradients", "optimizer", "master", "total"
    )?;
    for row in &report.training {
        let memory = &row.memory;
        writeln!(
            out,
            "  {:<54}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}  {:>22}",
            row.setup,
            bytes_per_param(training_bits(&row.config)),
            memory.weights.decimal(),
            memory.gradients.decimal(),
            memory.optimizer_state.decimal(),
            memory.master_weights.decimal(),
            memory.total
        )?;
    }
    Ok(())
}

fn render_lora(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let lora = &report.lora;
    let memory = &lora.memory;
    let config = &lora.memory_config;
    writeln!(
        out,
        "LoRA rank {} on {} (lesson 09: frozen base, small trained adapters)",
        lora.config.rank,
        lora.config.target_modules.join(", ")
    )?;
    writeln!(
        out,
        "  trainable parameters  {} ({:.4}% of the base)",
        group_digits(lora.trainable_params),
        lora.trainable_params as f64 * 100.0 / report.params as f64
    )?;
    writeln!(
        out,
        "  QLoRA memory          base {} {} + adapters {} {} + gradients {} + {} state {} {} \
         + activations {}",
        config.base_precision,
        memory.base_weights.decimal(),
        config.adapter_precision,
        memory.adapter_weights.decimal(),
        memory.adapter_gradients.decimal(),
        config.optimizer,
        config.optimizer_state_precision,
        memory.optimizer_state.decimal(),
        memory.activations.decimal(),
    )?;
    writeln!(out, "                        = {}", memory.total)
}

fn render_kv_cache(kv: &KvCacheReport, out: &mut dyn Write) -> io::Result<()> {
    match (&kv.config, kv.bytes, &kv.skipped) {
        (Some(config), Some(bytes), _) => {
            writeln!(
                out,
                "KV cache: 2 (K, V) x {} layers x {} kv heads x {} head_dim x {} tokens x batch {} x {}",
                config.num_hidden_layers,
                config.num_key_value_heads,
                config.head_dim,
                group_digits(config.seq_len),
                config.batch_size,
                config.precision
            )?;
            writeln!(out, "  = {} ({} bytes)", bytes, group_digits(bytes.0))
        }
        (_, _, Some(reason)) => writeln!(out, "KV cache: none ({reason})"),
        _ => writeln!(out, "KV cache: none"),
    }
}

fn render_safetensors(
    check: &SafetensorsCheck,
    params: u64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let summary = &check.summary;
    writeln!(
        out,
        "Safetensors  {}: {} numbers in {} tensors, {} of them in floating-point tensors: {}",
        check.path,
        group_digits(summary.total_elements),
        summary.tensors.len(),
        group_digits(summary.float_elements),
        if check.matches {
            "equal to the parameter count".to_string()
        } else {
            format!(
                "DIFFERENT from the parameter count {}",
                group_digits(params)
            )
        }
    )?;
    for tensor in summary.tensors.iter().filter(|t| !t.is_floating_point()) {
        writeln!(
            out,
            "             not a parameter: {} ({}, {} elements, a buffer)",
            tensor.name,
            tensor.dtype,
            group_digits(tensor.elements)
        )?;
    }
    Ok(())
}
