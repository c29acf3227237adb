//! The KV cache: keys and values a decoder keeps for every past token so it never recomputes them.

use serde::{Deserialize, Serialize};

use crate::error::CalcError;
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
    // TODO(lab04): check every field for 0 in declaration order (`crate::error::require_nonzero`),
    // then 2 (K and V) x layers x kv heads x head_dim x seq_len x batch x bits / 8, in u128
    // (`crate::checked::checked_product`, then `crate::checked::fit_u64(.., "kv cache")`).
    todo!("kv_cache_bytes")
}
