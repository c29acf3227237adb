//! Exact parameter counts (lesson 08: where parameters live), equal to what Hugging Face
//! `transformers` reports with `sum(p.numel() for p in model.parameters())`.
//!
//! Every count is a sum of products: embedding tables, then per block the attention and MLP
//! matrices with their biases and the norms' scales (and shifts), then the final norm and head.

use crate::architecture::{BertConfig, Gpt2Config, LlamaConfig};
use crate::checked::{exact_u64, sum_of_products};
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
    config.validate()?;
    let (v, p, h, l) = (
        config.vocab_size,
        config.n_positions,
        config.n_embd,
        config.n_layer,
    );
    let i = config.intermediate_size();
    let mut terms: Vec<Vec<u64>> = vec![
        vec![v, h],       // wte
        vec![p, h],       // wpe
        vec![l, 2, h],    // ln_1: weight + bias
        vec![l, h, 3, h], // c_attn weight
        vec![l, 3, h],    // c_attn bias
        vec![l, h, h],    // attn.c_proj weight
        vec![l, h],       // attn.c_proj bias
        vec![l, 2, h],    // ln_2
        vec![l, h, i],    // c_fc weight
        vec![l, i],       // c_fc bias
        vec![l, i, h],    // mlp.c_proj weight
        vec![l, h],       // mlp.c_proj bias
        vec![2, h],       // ln_f
    ];
    if !config.tie_word_embeddings {
        terms.push(vec![v, h]); // lm_head, no bias
    }
    exact_u64(sum_of_products(&terms), "parameter count")
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
    config.validate()?;
    let (v, h, i, l) = (
        config.vocab_size,
        config.hidden_size,
        config.intermediate_size,
        config.num_hidden_layers,
    );
    let (heads, kv_heads, head_dim) = (
        config.num_attention_heads,
        config.kv_heads(),
        config.head_dim(),
    );
    let mut terms: Vec<Vec<u64>> = vec![
        vec![v, h],                     // embed_tokens
        vec![l, h, heads, head_dim],    // q_proj
        vec![l, h, kv_heads, head_dim], // k_proj
        vec![l, h, kv_heads, head_dim], // v_proj
        vec![l, heads, head_dim, h],    // o_proj
        vec![l, 3, h, i],               // gate_proj, up_proj, down_proj
        vec![l, 2, h],                  // input_layernorm, post_attention_layernorm
        vec![h],                        // norm
    ];
    if config.attention_bias {
        terms.push(vec![l, heads, head_dim]); // q bias
        terms.push(vec![l, 2, kv_heads, head_dim]); // k and v biases
        terms.push(vec![l, h]); // o bias
    }
    if config.mlp_bias {
        terms.push(vec![l, 2, i]); // gate and up biases
        terms.push(vec![l, h]); // down bias
    }
    if !config.tie_word_embeddings {
        terms.push(vec![v, h]); // lm_head, no bias
    }
    exact_u64(sum_of_products(&terms), "parameter count")
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
    config.validate()?;
    let (v, h, i, l) = (
        config.vocab_size,
        config.hidden_size,
        config.intermediate_size,
        config.num_hidden_layers,
    );
    let (p, t) = (config.max_position_embeddings, config.type_vocab_size);
    let mut terms: Vec<Vec<u64>> = vec![
        vec![v, h],       // word_embeddings
        vec![p, h],       // position_embeddings
        vec![t, h],       // token_type_embeddings
        vec![2, h],       // embeddings LayerNorm
        vec![l, 4, h, h], // query, key, value, attention.output.dense weights
        vec![l, 4, h],    // and their biases
        vec![l, 2, h],    // attention.output.LayerNorm
        vec![l, h, i],    // intermediate.dense weight
        vec![l, i],       // intermediate.dense bias
        vec![l, i, h],    // output.dense weight
        vec![l, h],       // output.dense bias
        vec![l, 2, h],    // output.LayerNorm
    ];
    if config.add_pooling_layer {
        terms.push(vec![h, h]); // pooler.dense weight
        terms.push(vec![h]); // pooler.dense bias
    }
    exact_u64(sum_of_products(&terms), "parameter count")
}
