//! LoRA (lesson 09): freeze the base model, train two thin matrices beside chosen projections.
//!
//! A LoRA adapter of rank r on a `d_in -> d_out` matrix W adds `A` (r x d_in) and `B` (d_out x r)
//! and computes `W x + B A x`. It trains `r x (d_in + d_out)` numbers instead of `d_in x d_out`.

use serde::{Deserialize, Serialize};

use crate::architecture::Architecture;
use crate::checked::{exact_u64, sum_of_products};
use crate::error::{require_nonzero, CalcError};
use crate::inference::weight_bytes;
use crate::precision::Precision;
use crate::training::Optimizer;
use crate::units::Bytes;

/// Where LoRA adapters go and how thin they are (PEFT's `r` and `target_modules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoraConfig {
    /// The adapter rank r.
    pub rank: u64,
    /// Projection names from [`Architecture::projections`], e.g. `["q_proj", "v_proj"]`.
    /// A name given twice counts once, as in PEFT, which treats them as a set.
    pub target_modules: Vec<String>,
}

/// Trainable LoRA parameters: for each distinct target projection,
/// `rank x (in_features + out_features)`, times the number of blocks. No biases are trained.
///
/// LLaMA 3 8B, rank 16 on `q_proj` and `v_proj`: 16 x ((4096 + 4096) + (4096 + 1024)) x 32 =
/// 6,815,744.
///
/// Errors, in this order: those of [`Architecture::projections`]; `Zero { field: "rank" }`;
/// `Empty { field: "target_modules" }`; `UnknownTarget` for the first unknown name in list order
/// (with `known` = the projection names in block order); `Overflow { quantity: "lora parameters" }`.
pub fn lora_trainable_params(arch: &Architecture, lora: &LoraConfig) -> Result<u64, CalcError> {
    let projections = arch.projections()?;
    require_nonzero("rank", lora.rank)?;
    if lora.target_modules.is_empty() {
        return Err(CalcError::Empty {
            field: "target_modules",
        });
    }
    if let Some(unknown) = lora
        .target_modules
        .iter()
        .find(|name| !projections.iter().any(|p| p.name == name.as_str()))
    {
        return Err(CalcError::UnknownTarget {
            name: unknown.clone(),
            known: projections.iter().map(|p| p.name).collect(),
        });
    }
    let layers = arch.num_layers();
    let terms: Vec<[u64; 3]> = projections
        .iter()
        .filter(|p| lora.target_modules.iter().any(|name| name == p.name))
        .flat_map(|p| {
            [
                [lora.rank, p.in_features, layers],  // A: r x in
                [lora.rank, p.out_features, layers], // B: out x r
            ]
        })
        .collect();
    exact_u64(sum_of_products(&terms), "lora parameters")
}

/// What is kept in memory while fine-tuning with LoRA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoraMemoryConfig {
    /// Parameters of the frozen base model.
    pub base_params: u64,
    /// Precision of the frozen base (int4 for QLoRA).
    pub base_precision: Precision,
    /// Trainable adapter parameters (see [`lora_trainable_params`]).
    pub adapter_params: u64,
    /// Precision of the adapter weights and of their gradients.
    pub adapter_precision: Precision,
    /// The optimizer; its state is kept for the adapters only.
    pub optimizer: Optimizer,
    /// Precision of each optimizer state copy.
    pub optimizer_state_precision: Precision,
    /// Activations saved for the backward pass, in bytes (an input, may be 0).
    #[serde(default)]
    pub activation_bytes: u64,
}

impl LoraMemoryConfig {
    /// QLoRA as the lesson describes it: an int4 base, fp32 adapters and gradients, fp32 Adam.
    pub fn qlora(base_params: u64, adapter_params: u64, activation_bytes: u64) -> Self {
        LoraMemoryConfig {
            base_params,
            base_precision: Precision::Int4,
            adapter_params,
            adapter_precision: Precision::Fp32,
            optimizer: Optimizer::Adam,
            optimizer_state_precision: Precision::Fp32,
            activation_bytes,
        }
    }
}

/// LoRA fine-tuning memory by part, in bytes; `total` is their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoraMemory {
    /// `weight_bytes(base_params, base_precision)`: frozen, so no gradients or optimizer state.
    pub base_weights: Bytes,
    /// `weight_bytes(adapter_params, adapter_precision)`.
    pub adapter_weights: Bytes,
    /// Same size as the adapter weights.
    pub adapter_gradients: Bytes,
    /// `state_copies x weight_bytes(adapter_params, optimizer_state_precision)` (0 for SGD).
    pub optimizer_state: Bytes,
    /// The activation bytes as given.
    pub activations: Bytes,
    /// The sum of the five parts above.
    pub total: Bytes,
}

/// Memory to fine-tune with LoRA: the frozen base weights, plus the adapters with their
/// gradients and optimizer state, plus activations. Each part uses
/// [`crate::weight_bytes`].
///
/// Errors, in this order: `Zero { field: "base_params" }`, `Zero { field: "adapter_params" }`;
/// `Overflow { quantity: "lora memory" }` if any part or the total exceeds `u64`.
pub fn lora_memory(config: &LoraMemoryConfig) -> Result<LoraMemory, CalcError> {
    require_nonzero("base_params", config.base_params)?;
    require_nonzero("adapter_params", config.adapter_params)?;
    let overflow = CalcError::Overflow {
        quantity: "lora memory",
    };
    let part = |params: u64, precision: Precision| -> Result<Bytes, CalcError> {
        weight_bytes(params, precision).map_err(|_| overflow.clone())
    };
    let base_weights = part(config.base_params, config.base_precision)?;
    let adapter_weights = part(config.adapter_params, config.adapter_precision)?;
    let adapter_gradients = adapter_weights;
    let optimizer_state = match config.optimizer.state_copies() {
        0 => Bytes(0),
        copies => part(config.adapter_params, config.optimizer_state_precision)?
            .0
            .checked_mul(copies)
            .map(Bytes)
            .ok_or(overflow.clone())?,
    };
    let activations = Bytes(config.activation_bytes);
    let total = [
        base_weights,
        adapter_weights,
        adapter_gradients,
        optimizer_state,
        activations,
    ]
    .iter()
    .try_fold(0u64, |sum, part| sum.checked_add(part.0))
    .map(Bytes)
    .ok_or(overflow)?;
    Ok(LoraMemory {
        base_weights,
        adapter_weights,
        adapter_gradients,
        optimizer_state,
        activations,
        total,
    })
}
