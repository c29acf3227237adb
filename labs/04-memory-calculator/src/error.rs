//! The calculators' error type: a bad input is a value naming the field, never a panic or a silent 0.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The model families this lab knows, named as Hugging Face's `model_type` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// GPT-2: learned positions, LayerNorm, GELU MLP, tied embeddings.
    Gpt2,
    /// Llama: rotary positions, RMSNorm, SwiGLU MLP, grouped-query attention.
    Llama,
    /// BERT: an encoder with learned positions, token types and an optional pooler.
    Bert,
}

impl Family {
    /// Every family, in the order used in messages.
    pub const ALL: [Family; 3] = [Family::Gpt2, Family::Llama, Family::Bert];

    /// The `model_type` string of a Hugging Face config.json.
    pub fn name(self) -> &'static str {
        match self {
            Family::Gpt2 => "gpt2",
            Family::Llama => "llama",
            Family::Bert => "bert",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a count or a memory figure could not be computed.
///
/// Field names are the input struct's field names (`"num_hidden_layers"`, `"params"`,
/// `"rank"`, ...), so a message points at the exact value to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalcError {
    /// A count that must be at least 1 is 0.
    Zero {
        /// The input field that is 0.
        field: &'static str,
    },
    /// `field` must be a multiple of `divisor_field` (e.g. `hidden_size` of `num_attention_heads`).
    NotDivisible {
        /// The field that must be a multiple.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The field it must be a multiple of.
        divisor_field: &'static str,
        /// That field's value.
        divisor: u64,
    },
    /// The result does not fit in a `u64` (the name says which function's result).
    Overflow {
        /// What was being computed, e.g. `"parameter count"` or `"kv cache"`.
        quantity: &'static str,
    },
    /// A list that must name at least one thing is empty.
    Empty {
        /// The empty field.
        field: &'static str,
    },
    /// A LoRA target module that the architecture does not have.
    UnknownTarget {
        /// The name as given.
        name: String,
        /// The projection names the architecture has, in block order.
        known: Vec<&'static str>,
    },
    /// The family has no KV cache: an encoder reads its whole input at once and never decodes
    /// token by token, so there is nothing to cache.
    NoKvCache {
        /// The encoder family.
        family: Family,
    },
}

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalcError::Zero { field } => write!(f, "`{field}` must be at least 1, got 0"),
            CalcError::NotDivisible {
                field,
                value,
                divisor_field,
                divisor,
            } => write!(
                f,
                "`{field}` ({value}) must be a multiple of `{divisor_field}` ({divisor})"
            ),
            CalcError::Overflow { quantity } => {
                write!(f, "{quantity} does not fit in 64 bits (u64)")
            }
            CalcError::Empty { field } => write!(f, "`{field}` must name at least one entry"),
            CalcError::UnknownTarget { name, known } => write!(
                f,
                "unknown LoRA target module `{name}`; this architecture has: {}",
                known.join(", ")
            ),
            CalcError::NoKvCache { family } => write!(
                f,
                "{family} is an encoder: it reads the whole input at once and keeps no kv cache"
            ),
        }
    }
}

impl std::error::Error for CalcError {}

/// Returns `CalcError::Zero { field }` when `value` is 0.
///
/// The calculators check their inputs with this, in the order of the input struct's fields.
pub fn require_nonzero(field: &'static str, value: u64) -> Result<u64, CalcError> {
    if value == 0 {
        Err(CalcError::Zero { field })
    } else {
        Ok(value)
    }
}
