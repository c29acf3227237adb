//! Training memory (lesson 09): weights + gradients + optimizer state (+ master weights) + activations.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CalcError;
use crate::precision::Precision;
use crate::units::Bytes;

/// The optimizer that updates the weights, which decides how much state it keeps per parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// Plain stochastic gradient descent: `w -= lr * g`. Keeps nothing between steps.
    Sgd,
    /// SGD with momentum: keeps a running velocity per parameter.
    SgdMomentum,
    /// Adam (and AdamW, which only changes weight decay): keeps two moments per parameter,
    /// the running mean of gradients and the running mean of their squares.
    #[serde(alias = "adamw")]
    Adam,
}

impl Optimizer {
    /// Every optimizer, by the state it keeps.
    pub const ALL: [Optimizer; 3] = [Optimizer::Sgd, Optimizer::SgdMomentum, Optimizer::Adam];

    /// The canonical name: `"sgd"`, `"sgd_momentum"` or `"adam"`.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::SgdMomentum => "sgd_momentum",
            Optimizer::Adam => "adam",
        }
    }

    /// How many numbers of optimizer state it keeps per parameter: 0, 1 or 2.
    pub fn state_copies(self) -> u64 {
        // TODO(lab04): numbers of optimizer state per parameter: Adam keeps two moments (the
        // running mean of gradients and of their squares), SGD with momentum one velocity, plain
        // SGD none.
        todo!("Optimizer::state_copies")
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Optimizer {
    type Err = String;

    /// Reads `sgd`, `sgd_momentum` (or `momentum`), `adam` or `adamw`, ignoring case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sgd" => Ok(Optimizer::Sgd),
            "sgd_momentum" | "sgd-momentum" | "momentum" => Ok(Optimizer::SgdMomentum),
            "adam" | "adamw" => Ok(Optimizer::Adam),
            _ => Err(format!(
                "unknown optimizer `{text}`; known: sgd, sgd_momentum, adam (adamw)"
            )),
        }
    }
}

/// What is kept in memory while training all parameters of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingConfig {
    /// Number of parameters (all trained).
    pub params: u64,
    /// Precision of the weights used in the forward and backward pass.
    pub weight_precision: Precision,
    /// Precision of the gradients (one per parameter).
    pub gradient_precision: Precision,
    /// The optimizer, which decides how many state copies are kept.
    pub optimizer: Optimizer,
    /// Precision of each optimizer state copy (Adam's moments, SGD's momentum).
    pub optimizer_state_precision: Precision,
    /// Mixed precision keeps an extra full-precision copy of the weights for the update
    /// (`Some(Precision::Fp32)`); `None` when the weights are updated in place.
    #[serde(default)]
    pub master_weights: Option<Precision>,
    /// Activations saved for the backward pass, in bytes. They depend on batch size, sequence
    /// length and checkpointing, not on the parameter count, so they are an input here.
    #[serde(default)]
    pub activation_bytes: u64,
}

impl TrainingConfig {
    /// Everything at one precision, no master copy: the accounting of lesson 09
    /// ("14 GB weights + 14 GB gradients + 28 GB optimizer" at fp16 with Adam).
    pub fn uniform(
        params: u64,
        precision: Precision,
        optimizer: Optimizer,
        activation_bytes: u64,
    ) -> Self {
        TrainingConfig {
            params,
            weight_precision: precision,
            gradient_precision: precision,
            optimizer,
            optimizer_state_precision: precision,
            master_weights: None,
            activation_bytes,
        }
    }

    /// The usual mixed-precision Adam setup: fp16 weights and gradients, an fp32 master copy
    /// of the weights and fp32 Adam moments: 2 + 2 + 4 + 4 + 4 = 16 bytes per parameter.
    pub fn mixed_precision_adam(params: u64, activation_bytes: u64) -> Self {
        TrainingConfig {
            params,
            weight_precision: Precision::Fp16,
            gradient_precision: Precision::Fp16,
            optimizer: Optimizer::Adam,
            optimizer_state_precision: Precision::Fp32,
            master_weights: Some(Precision::Fp32),
            activation_bytes,
        }
    }
}

/// Training memory by part. Every part is in bytes; `total` is their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingMemory {
    /// `weight_bytes(params, weight_precision)`.
    pub weights: Bytes,
    /// `weight_bytes(params, gradient_precision)`: one gradient per parameter.
    pub gradients: Bytes,
    /// `state_copies x weight_bytes(params, optimizer_state_precision)` (0 for plain SGD).
    pub optimizer_state: Bytes,
    /// `weight_bytes(params, master)` when there is a master copy, else 0.
    pub master_weights: Bytes,
    /// The activation bytes as given.
    pub activations: Bytes,
    /// The sum of the five parts above.
    pub total: Bytes,
}

/// Memory to train every parameter: weights + gradients + optimizer state + master weights +
/// activations, each part computed with [`crate::weight_bytes`] (so rounded up
/// per part).
///
/// Errors: `Zero { field: "params" }` (activations may be 0: not counted);
/// `Overflow { quantity: "training memory" }` if any part or the total exceeds `u64`.
pub fn training_memory(config: &TrainingConfig) -> Result<TrainingMemory, CalcError> {
    // TODO(lab04): check params (Zero { field: "params" }). Compute each part with
    // `crate::weight_bytes`: weights, gradients, state_copies x one copy of optimizer state (0 for
    // plain SGD, without computing a copy nobody keeps), the master copy if there is one; take the
    // activations as given; sum with checked_add. Any overflow: Overflow { quantity: "training
    // memory" }.
    todo!("training_memory: weights + gradients + optimizer state + master + activations")
}
