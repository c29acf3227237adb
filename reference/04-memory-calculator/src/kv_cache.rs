//! The KV cache: keys and values a decoder keeps for every past token so it never recomputes them.

use serde::{Deserialize, Serialize};

use crate::checked::{checked_product, fit_u64};
use crate::error::{require_nonzero, CalcError};
use crate::precision::Precision;
use crate::units::Bytes;

/// The shape of a KV cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvCacheConfig {
    /// Transformer blocks; each keeps its own keys and values.
    pub num_hidden_layers: u64,
    /// Key/value heads. With grouped-query attention this is fewer than the query heads
    /// (LLaMA 3 8B: 32 query heads share 8 key/value heads); with multi-head attention
    /// (GPT-2, LLaMA 2 7B) it equals the number of attention heads.
    pub num_key_value_heads: u64,
    /// Numbers per head per token (`hidden_size / num_attention_heads` unless set).
    pub head_dim: u64,
    /// Tokens cached per sequence (prompt + generated so far).
    pub seq_len: u64,
    /// Sequences decoded at once.
    pub batch_size: u64,
    /// Precision of the cached numbers.
    pub precision: Precision,
}

/// KV cache bytes: `2 (K and V) x num_hidden_layers x num_key_value_heads x head_dim x
/// seq_len x batch_size x bits / 8`.
///
/// LLaMA 3 8B (32 layers, 8 KV heads, head_dim 128) at 8,192 tokens, batch 1, fp16:
/// exactly 1 GiB. Counting its 32 query heads instead would give 4 GiB.
///
/// Errors: `Zero { field }` for the first zero among the fields, in declaration order;
/// `Overflow { quantity: "kv cache" }`.
pub fn kv_cache_bytes(config: &KvCacheConfig) -> Result<Bytes, CalcError> {
    require_nonzero("num_hidden_layers", config.num_hidden_layers)?;
    require_nonzero("num_key_value_heads", config.num_key_value_heads)?;
    require_nonzero("head_dim", config.head_dim)?;
    require_nonzero("seq_len", config.seq_len)?;
    require_nonzero("batch_size", config.batch_size)?;
    let bits = checked_product(&[
        2,
        config.num_hidden_layers,
        config.num_key_value_heads,
        config.head_dim,
        config.seq_len,
        config.batch_size,
        config.precision.bits(),
    ])
    .ok_or(CalcError::Overflow {
        quantity: "kv cache",
    })?;
    fit_u64(bits.div_ceil(8), "kv cache").map(Bytes)
}
