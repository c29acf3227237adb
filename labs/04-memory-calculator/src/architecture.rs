//! Model architectures as Hugging Face configures them (GPT-2, Llama, BERT), with their
//! per-block projection matrices and KV cache shape.
//!
//! Field names are those of a Hugging Face `config.json`, so a config deserialises directly.
//! Optional fields default the way `transformers` defaults them.

use serde::{Deserialize, Serialize};

use crate::error::{require_nonzero, CalcError, Family};
use crate::kv_cache::KvCacheConfig;
use crate::params::{bert_param_count, gpt2_param_count, llama_param_count};
use crate::precision::Precision;

fn default_true() -> bool {
    true
}

/// A GPT-2 style decoder (`GPT2LMHeadModel`): learned token and position embeddings,
/// LayerNorm, a 4x GELU MLP, biases everywhere, and an output head tied to the token embeddings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gpt2Config {
    /// Tokens in the vocabulary (50,257 for GPT-2).
    pub vocab_size: u64,
    /// Learned positions, i.e. the context length (1,024 for GPT-2).
    pub n_positions: u64,
    /// Hidden size.
    pub n_embd: u64,
    /// Transformer blocks.
    pub n_layer: u64,
    /// Attention heads per block.
    pub n_head: u64,
    /// MLP inner size; `None` (null or absent) means `4 x n_embd`.
    #[serde(default)]
    pub n_inner: Option<u64>,
    /// Whether the output head reuses the token embedding matrix (default true).
    #[serde(default = "default_true")]
    pub tie_word_embeddings: bool,
}

impl Gpt2Config {
    /// The MLP inner size: `n_inner`, or `4 x n_embd` (saturating; [`Gpt2Config::validate`]
    /// rejects a config where it would not fit).
    pub fn intermediate_size(&self) -> u64 {
        self.n_inner.unwrap_or(self.n_embd.saturating_mul(4))
    }

    /// Numbers per head: `n_embd / n_head` (0 if `n_head` is 0).
    pub fn head_dim(&self) -> u64 {
        self.n_embd.checked_div(self.n_head).unwrap_or(0)
    }

    /// Checks, in field order: every count at least 1 (`n_inner` when set), then `n_embd` a
    /// multiple of `n_head`, then that `4 x n_embd` fits (`Overflow { quantity: "parameter count" }`).
    pub fn validate(&self) -> Result<(), CalcError> {
        require_nonzero("vocab_size", self.vocab_size)?;
        require_nonzero("n_positions", self.n_positions)?;
        require_nonzero("n_embd", self.n_embd)?;
        require_nonzero("n_layer", self.n_layer)?;
        require_nonzero("n_head", self.n_head)?;
        if let Some(n_inner) = self.n_inner {
            require_nonzero("n_inner", n_inner)?;
        }
        require_multiple("n_embd", self.n_embd, "n_head", self.n_head)?;
        if self.n_inner.is_none() && self.n_embd.checked_mul(4).is_none() {
            return Err(CalcError::Overflow {
                quantity: "parameter count",
            });
        }
        Ok(())
    }
}

/// A Llama style decoder (`LlamaForCausalLM`): rotary positions (no position parameters),
/// RMSNorm (a weight, no bias), a SwiGLU MLP (gate, up and down projections), grouped-query
/// attention, no biases by default, and an output head that is untied by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlamaConfig {
    /// Tokens in the vocabulary (128,256 for LLaMA 3).
    pub vocab_size: u64,
    /// Hidden size.
    pub hidden_size: u64,
    /// SwiGLU inner size.
    pub intermediate_size: u64,
    /// Transformer blocks.
    pub num_hidden_layers: u64,
    /// Query heads per block.
    pub num_attention_heads: u64,
    /// Key/value heads; `None` means `num_attention_heads` (no grouping).
    #[serde(default)]
    pub num_key_value_heads: Option<u64>,
    /// Numbers per head; `None` means `hidden_size / num_attention_heads`.
    #[serde(default)]
    pub head_dim: Option<u64>,
    /// Context length (used only as the default KV cache length; rotary positions have no parameters).
    #[serde(default)]
    pub max_position_embeddings: Option<u64>,
    /// Whether the output head reuses the token embedding matrix (default false).
    #[serde(default)]
    pub tie_word_embeddings: bool,
    /// Biases on q, k, v and o projections (default false).
    #[serde(default)]
    pub attention_bias: bool,
    /// Biases on gate, up and down projections (default false).
    #[serde(default)]
    pub mlp_bias: bool,
}

impl LlamaConfig {
    /// Key/value heads: `num_key_value_heads`, or `num_attention_heads` when unset.
    pub fn kv_heads(&self) -> u64 {
        self.num_key_value_heads.unwrap_or(self.num_attention_heads)
    }

    /// Numbers per head: `head_dim`, or `hidden_size / num_attention_heads` (0 if no heads).
    pub fn head_dim(&self) -> u64 {
        self.head_dim.unwrap_or_else(|| {
            self.hidden_size
                .checked_div(self.num_attention_heads)
                .unwrap_or(0)
        })
    }

    /// Checks, in field order: every count at least 1 (optional ones when set); then, when
    /// `head_dim` is unset, `hidden_size` a multiple of `num_attention_heads`; then
    /// `num_attention_heads` a multiple of the key/value heads.
    pub fn validate(&self) -> Result<(), CalcError> {
        require_nonzero("vocab_size", self.vocab_size)?;
        require_nonzero("hidden_size", self.hidden_size)?;
        require_nonzero("intermediate_size", self.intermediate_size)?;
        require_nonzero("num_hidden_layers", self.num_hidden_layers)?;
        require_nonzero("num_attention_heads", self.num_attention_heads)?;
        let optional = [
            ("num_key_value_heads", self.num_key_value_heads),
            ("head_dim", self.head_dim),
            ("max_position_embeddings", self.max_position_embeddings),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                require_nonzero(field, value)?;
            }
        }
        if self.head_dim.is_none() {
            require_multiple(
                "hidden_size",
                self.hidden_size,
                "num_attention_heads",
                self.num_attention_heads,
            )?;
        }
        require_multiple(
            "num_attention_heads",
            self.num_attention_heads,
            "num_key_value_heads",
            self.kv_heads(),
        )
    }
}

/// A BERT style encoder (`BertModel`): learned token, position and token-type embeddings with
/// a LayerNorm, post-norm blocks with biases, and an optional pooler (a dense layer on `[CLS]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BertConfig {
    /// Tokens in the vocabulary (30,522 for bert-base-uncased).
    pub vocab_size: u64,
    /// Hidden size.
    pub hidden_size: u64,
    /// Transformer blocks.
    pub num_hidden_layers: u64,
    /// Attention heads per block.
    pub num_attention_heads: u64,
    /// MLP inner size.
    pub intermediate_size: u64,
    /// Learned positions (512 for BERT).
    pub max_position_embeddings: u64,
    /// Token types, i.e. segments A and B (2 for BERT).
    pub type_vocab_size: u64,
    /// Whether the pooler is built. Not a config.json key: `transformers` takes it as
    /// `BertModel(config, add_pooling_layer=True)`, true by default; task heads such as
    /// `BertForMaskedLM` build the model without it.
    #[serde(default = "default_true")]
    pub add_pooling_layer: bool,
}

impl BertConfig {
    /// Checks, in field order: every count at least 1, then `hidden_size` a multiple of
    /// `num_attention_heads`.
    pub fn validate(&self) -> Result<(), CalcError> {
        require_nonzero("vocab_size", self.vocab_size)?;
        require_nonzero("hidden_size", self.hidden_size)?;
        require_nonzero("num_hidden_layers", self.num_hidden_layers)?;
        require_nonzero("num_attention_heads", self.num_attention_heads)?;
        require_nonzero("intermediate_size", self.intermediate_size)?;
        require_nonzero("max_position_embeddings", self.max_position_embeddings)?;
        require_nonzero("type_vocab_size", self.type_vocab_size)?;
        require_multiple(
            "hidden_size",
            self.hidden_size,
            "num_attention_heads",
            self.num_attention_heads,
        )
    }
}

/// `CalcError::NotDivisible` unless `value` is a multiple of `divisor` (both already non-zero).
fn require_multiple(
    field: &'static str,
    value: u64,
    divisor_field: &'static str,
    divisor: u64,
) -> Result<(), CalcError> {
    if divisor != 0 && value.is_multiple_of(divisor) {
        Ok(())
    } else {
        Err(CalcError::NotDivisible {
            field,
            value,
            divisor_field,
            divisor,
        })
    }
}

/// One of the three families. In JSON, tagged by `model_type` like a config.json:
/// `{"model_type": "llama", "vocab_size": 128256, ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "model_type", rename_all = "lowercase")]
pub enum Architecture {
    /// GPT-2 style.
    Gpt2(Gpt2Config),
    /// Llama style.
    Llama(LlamaConfig),
    /// BERT style.
    Bert(BertConfig),
}

/// A weight matrix inside each transformer block: `in_features -> out_features`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// The module name as in the Hugging Face model (and as a LoRA target).
    pub name: &'static str,
    /// Input width.
    pub in_features: u64,
    /// Output width.
    pub out_features: u64,
}

impl Projection {
    /// A projection named `name` from `in_features` to `out_features`.
    pub fn new(name: &'static str, in_features: u64, out_features: u64) -> Self {
        Projection {
            name,
            in_features,
            out_features,
        }
    }
}

impl Architecture {
    /// Which family this is.
    pub fn family(&self) -> Family {
        match self {
            Architecture::Gpt2(_) => Family::Gpt2,
            Architecture::Llama(_) => Family::Llama,
            Architecture::Bert(_) => Family::Bert,
        }
    }

    /// The family's `validate`.
    pub fn validate(&self) -> Result<(), CalcError> {
        match self {
            Architecture::Gpt2(config) => config.validate(),
            Architecture::Llama(config) => config.validate(),
            Architecture::Bert(config) => config.validate(),
        }
    }

    /// The exact parameter count, as `sum(p.numel() for p in model.parameters())` reports it.
    pub fn param_count(&self) -> Result<u64, CalcError> {
        match self {
            Architecture::Gpt2(config) => gpt2_param_count(config),
            Architecture::Llama(config) => llama_param_count(config),
            Architecture::Bert(config) => bert_param_count(config),
        }
    }

    /// Transformer blocks.
    pub fn num_layers(&self) -> u64 {
        match self {
            Architecture::Gpt2(config) => config.n_layer,
            Architecture::Llama(config) => config.num_hidden_layers,
            Architecture::Bert(config) => config.num_hidden_layers,
        }
    }

    /// The context length the config declares, if it declares one.
    pub fn context_length(&self) -> Option<u64> {
        match self {
            Architecture::Gpt2(config) => Some(config.n_positions),
            Architecture::Llama(config) => config.max_position_embeddings,
            Architecture::Bert(config) => Some(config.max_position_embeddings),
        }
    }

    /// PEFT's default LoRA targets for the family.
    pub fn default_lora_targets(&self) -> &'static [&'static str] {
        match self {
            Architecture::Gpt2(_) => &["c_attn"],
            Architecture::Llama(_) => &["q_proj", "v_proj"],
            Architecture::Bert(_) => &["query", "value"],
        }
    }

    /// The weight matrices of one transformer block, in this order:
    ///
    /// - GPT-2: `c_attn` (H -> 3H, fused q/k/v), `attn.c_proj` (H -> H), `c_fc` (H -> I),
    ///   `mlp.c_proj` (I -> H), with H = `n_embd`, I = [`Gpt2Config::intermediate_size`].
    /// - Llama: `q_proj` (H -> heads x head_dim), `k_proj` and `v_proj` (H -> kv_heads x head_dim),
    ///   `o_proj` (heads x head_dim -> H), `gate_proj` and `up_proj` (H -> I), `down_proj` (I -> H).
    /// - BERT: `query`, `key`, `value`, `attention.output.dense` (H -> H), `intermediate.dense`
    ///   (H -> I), `output.dense` (I -> H).
    ///
    /// Errors: the family's `validate` errors; `Overflow { quantity: "projection size" }` if a
    /// width does not fit in `u64`.
    pub fn projections(&self) -> Result<Vec<Projection>, CalcError> {
        // TODO(lab04): `self.validate()?`, then one `Projection::new(name, in, out)` per matrix in
        // the order listed above. Compute widths that are products (3 x n_embd, heads x head_dim)
        // with `crate::checked::checked_product` and `crate::checked::exact_u64(.., "projection
        // size")`. Llama's k_proj and v_proj output kv_heads x head_dim: that is grouped-query
        // attention.
        todo!("Architecture::projections")
    }

    /// The KV cache shape for `seq_len` tokens in each of `batch_size` sequences.
    ///
    /// GPT-2 caches `n_head` heads of `n_embd / n_head`; Llama caches its key/value heads
    /// ([`LlamaConfig::kv_heads`], not the query heads) of [`LlamaConfig::head_dim`].
    /// `seq_len` and `batch_size` are copied as given (checked by `kv_cache_bytes`).
    ///
    /// Errors: the family's `validate` errors; `NoKvCache { family: Bert }` for BERT.
    pub fn kv_cache_config(
        &self,
        seq_len: u64,
        batch_size: u64,
        precision: Precision,
    ) -> Result<KvCacheConfig, CalcError> {
        // TODO(lab04): `self.validate()?`; BERT has no cache (CalcError::NoKvCache). GPT-2 caches
        // all n_head heads; Llama caches `kv_heads()` heads, not its query heads.
        todo!("Architecture::kv_cache_config")
    }
}
