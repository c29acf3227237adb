//! Multi-head attention: project, split into heads, attend, merge, project.

use candle_core::Tensor;

#[allow(unused_imports)] // you will want these
use crate::attention::scaled_dot_product_attention;
#[allow(unused_imports)]
use crate::checks::{expect_float, expect_nonempty, expect_positive, expect_rank};
#[allow(unused_imports)]
use crate::mask::causal_mask;
use crate::{AttentionError, MultiHeadWeights};

/// `(batch, seq, d_model)` to `(batch, heads, seq, d_model / heads)`: head
/// `h` gets columns `h * head_dim .. (h + 1) * head_dim` of every position.
/// The result is contiguous.
///
/// Checks, in order: `Rank { name: "x", expected: 3, .. }`, `Zero { name:
/// "heads" }`, `HeadsDoNotDivide`.
pub fn split_heads(x: &Tensor, heads: usize) -> Result<Tensor, AttentionError> {
    // TODO(lab03): the lesson's "many heads running in parallel", each on
    // its own slice of the model width.
    // 1. The checks above, in order.
    // 2. reshape to (batch, seq, heads, head_dim): each position's d_model
    //    columns become `heads` rows of head_dim columns.
    // 3. transpose(1, 2) to (batch, heads, seq, head_dim), then
    //    .contiguous(). Reshaping straight to (batch, heads, seq, head_dim)
    //    has the right shape but mixes positions into the heads.
    todo!("lab03: split into heads")
}

/// The inverse of [`split_heads`]: `(batch, heads, seq, head_dim)` to
/// `(batch, seq, heads * head_dim)`, head `h` back in columns `h * head_dim
/// .. (h + 1) * head_dim`. `Rank { name: "x", expected: 4, .. }` otherwise.
pub fn merge_heads(x: &Tensor) -> Result<Tensor, AttentionError> {
    // TODO(lab03): "then all heads' outputs are combined".
    // Undo split_heads step by step, in reverse: transpose(1, 2),
    // contiguous(), reshape to (batch, seq, heads * head_dim).
    todo!("lab03: merge the heads")
}

/// Multi-head self-attention of `x` `(batch, seq, d_model)` with the given
/// weights: `q = x w_q + b_q` (likewise k and v), each split into `heads`
/// heads, scaled dot-product attention per head (with the causal mask when
/// `causal`), the heads merged back, and `merged w_o + b_o`. Shape
/// `(batch, seq, d_model)`.
///
/// Checks, in order: `x` has rank 3, is float and non-empty; `Zero { name:
/// "heads" }`; `HeadsDoNotDivide`; then `weights.validate(d_model,
/// x.dtype())`.
pub fn multi_head_attention(
    x: &Tensor,
    weights: &MultiHeadWeights,
    heads: usize,
    causal: bool,
) -> Result<Tensor, AttentionError> {
    // TODO(lab03): the lesson's transformer block, "[Multi-Head Attention]".
    // 1. The checks above, in order.
    // 2. q = x.broadcast_matmul(&weights.w_q)?.broadcast_add(&weights.b_q)?,
    //    the same for k and v; split each into heads.
    // 3. With `causal`, causal_mask(seq, x.device()); attend with
    //    scaled_dot_product_attention.
    // 4. merge_heads, then the output projection w_o, b_o.
    todo!("lab03: multi-head attention")
}
