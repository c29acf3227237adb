//! Lab 03, attention: the causal mask, scaled dot-product attention
//! `softmax(Q K^T / sqrt(d)) V` on candle tensors, multi-head attention and
//! the sinusoidal positional encoding, with typed errors for every shape or
//! dtype mistake.
//!
//! Fill in the eight `todo!()` bodies, in this order: `causal_mask`
//! (mask.rs), `softmax_last_dim` (softmax.rs), `attention_weights` and
//! `scaled_dot_product_attention` (attention.rs), `split_heads`,
//! `merge_heads` and `multi_head_attention` (heads.rs), and
//! `sinusoidal_positional_encoding` (positional.rs); each has a
//! `TODO(lab03)` comment. The errors (`error.rs`), the input checks
//! (`checks.rs`), the weights type (`weights.rs`), the heatmap
//! (`heatmap.rs`) and the lesson's example (`example.rs`) are given
//! complete. Read README.md first.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The TODO bodies below do not use their arguments yet. Remove this line when
// you are done: the compiler will then point at any argument you forgot.
#![allow(unused_variables)]

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
