//! Exact parameter counts (lesson 08: where parameters live), equal to what Hugging Face
//! `transformers` reports with `sum(p.numel() for p in model.parameters())`.
//!
//! Every count is a sum of products: embedding tables, then per block the attention and MLP
//! matrices with their biases and the norms' scales (and shifts), then the final norm and head.

use crate::architecture::{BertConfig, Gpt2Config, LlamaConfig};
use crate::error::CalcError;

/// Parameters of `GPT2LMHeadModel`.
///
/// `wte` (V x H) + `wpe` (P x H) + per block [`ln_1` (2H) + `c_attn` (H x 3H + 3H) +
/// `attn.c_proj` (H x H + H) + `ln_2` (2H) + `c_fc` (H x I + I) + `mlp.c_proj` (I x H + H)]
/// + `ln_f` (2H) + `lm_head` (V x H, only when not tied: a tied head is the same tensor as `wte`).
///
/// GPT-2 small (V 50,257, P 1,024, H 768, 12 blocks): 124,439,808.
///
/// Errors: [`Gpt2Config::validate`]; `Overflow { quantity: "parameter count" }`.
pub fn gpt2_param_count(config: &Gpt2Config) -> Result<u64, CalcError> {
    // TODO(lab04): `config.validate()?` first. Then add up the pieces listed above with
    // `crate::checked::sum_of_products`: each term is a list of factors, e.g. `vec![l, h, h]` for
    // one H x H matrix in each of l blocks. Use `config.intermediate_size()` for I. Finish with
    // `crate::checked::exact_u64(.., "parameter count")`.
    todo!("gpt2_param_count")
}

/// Parameters of `LlamaForCausalLM`.
///
/// With Q = heads x head_dim and K = kv_heads x head_dim: `embed_tokens` (V x H) + per block
/// [`q_proj` (H x Q) + `k_proj` (H x K) + `v_proj` (H x K) + `o_proj` (Q x H) (+ biases Q + K + K + H
/// when `attention_bias`) + `gate_proj`, `up_proj` (H x I each) + `down_proj` (I x H) (+ biases
/// I + I + H when `mlp_bias`) + two RMSNorm weights (H each)] + `norm` (H) + `lm_head`
/// (V x H unless tied).
///
/// LLaMA 3 8B: 8,030,261,248.
///
/// Errors: [`LlamaConfig::validate`]; `Overflow { quantity: "parameter count" }`.
pub fn llama_param_count(config: &LlamaConfig) -> Result<u64, CalcError> {
    // TODO(lab04): like gpt2_param_count, with `config.kv_heads()` and `config.head_dim()`. RMSNorm
    // has a weight and no bias; Linear layers have no bias unless the flags say so.
    todo!("llama_param_count")
}

/// Parameters of `BertModel(config, add_pooling_layer)`.
///
/// Embeddings [`word` (V x H) + `position` (P x H) + `token_type` (T x H) + LayerNorm (2H)] + per
/// block [`query`, `key`, `value`, `attention.output.dense` (H x H + H each) + LayerNorm (2H) +
/// `intermediate.dense` (H x I + I) + `output.dense` (I x H + H) + LayerNorm (2H)] + pooler
/// (H x H + H, only with `add_pooling_layer`).
///
/// bert-base-uncased: 109,482,240 with the pooler, 108,891,648 without.
///
/// Errors: [`BertConfig::validate`]; `Overflow { quantity: "parameter count" }`.
pub fn bert_param_count(config: &BertConfig) -> Result<u64, CalcError> {
    // TODO(lab04): like gpt2_param_count. Every Linear and LayerNorm here has a bias; the pooler
    // counts only when `config.add_pooling_layer`.
    todo!("bert_param_count")
}
