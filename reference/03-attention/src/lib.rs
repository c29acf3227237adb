//! Lab 03, attention: the causal mask, scaled dot-product attention
//! `softmax(Q K^T / sqrt(d)) V` on candle tensors, multi-head attention and
//! the sinusoidal positional encoding, with typed errors for every shape or
//! dtype mistake.
//!
//! Reference solution: the same public API as the starter in
//! labs/03-attention, with every TODO filled in.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attention;
pub mod checks;
mod error;
pub mod example;
mod heads;
pub mod heatmap;
mod mask;
mod positional;
mod softmax;
mod weights;

pub use attention::{attention_weights, scaled_dot_product_attention};
pub use candle_core;
pub use candle_core::{DType, Device, Tensor};
pub use error::AttentionError;
pub use heads::{merge_heads, multi_head_attention, split_heads};
pub use mask::causal_mask;
pub use positional::sinusoidal_positional_encoding;
pub use softmax::softmax_last_dim;
pub use weights::MultiHeadWeights;
