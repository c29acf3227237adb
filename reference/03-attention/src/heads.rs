//! Multi-head attention: project, split into heads, attend, merge, project.

use candle_core::Tensor;

use crate::attention::scaled_dot_product_attention;
use crate::checks::{expect_float, expect_nonempty, expect_positive, expect_rank};
use crate::mask::causal_mask;
use crate::{AttentionError, MultiHeadWeights};

/// `(batch, seq, d_model)` to `(batch, heads, seq, d_model / heads)`: head
/// `h` gets columns `h * head_dim .. (h + 1) * head_dim` of every position.
/// The result is contiguous.
///
/// Checks, in order: `Rank { name: "x", expected: 3, .. }`, `Zero { name:
/// "heads" }`, `HeadsDoNotDivide`.
pub fn split_heads(x: &Tensor, heads: usize) -> Result<Tensor, AttentionError> {
    expect_rank(x, "x", 3)?;
    expect_positive(heads, "heads")?;
    let (batch, seq, d_model) = x.dims3()?;
    if d_model % heads != 0 {
        return Err(AttentionError::HeadsDoNotDivide { d_model, heads });
    }
    Ok(x.reshape((batch, seq, heads, d_model / heads))?
        .transpose(1, 2)?
        .contiguous()?)
}

/// The inverse of [`split_heads`]: `(batch, heads, seq, head_dim)` to
/// `(batch, seq, heads * head_dim)`, head `h` back in columns `h * head_dim
/// .. (h + 1) * head_dim`. `Rank { name: "x", expected: 4, .. }` otherwise.
pub fn merge_heads(x: &Tensor) -> Result<Tensor, AttentionError> {
    expect_rank(x, "x", 4)?;
    let (batch, heads, seq, head_dim) = x.dims4()?;
    Ok(x.transpose(1, 2)?
        .contiguous()?
        .reshape((batch, seq, heads * head_dim))?)
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
    expect_rank(x, "x", 3)?;
    expect_float(x, "x")?;
    expect_nonempty(x, "x")?;
    expect_positive(heads, "heads")?;
    let (_, seq, d_model) = x.dims3()?;
    if d_model % heads != 0 {
        return Err(AttentionError::HeadsDoNotDivide { d_model, heads });
    }
    weights.validate(d_model, x.dtype())?;
    let project = |w: &Tensor, b: &Tensor| -> Result<Tensor, AttentionError> {
        Ok(x.broadcast_matmul(w)?.broadcast_add(b)?)
    };
    let q = split_heads(&project(&weights.w_q, &weights.b_q)?, heads)?;
    let k = split_heads(&project(&weights.w_k, &weights.b_k)?, heads)?;
    let v = split_heads(&project(&weights.w_v, &weights.b_v)?, heads)?;
    let mask = if causal {
        Some(causal_mask(seq, x.device())?)
    } else {
        None
    };
    let attended = scaled_dot_product_attention(&q, &k, &v, mask.as_ref())?;
    let merged = merge_heads(&attended)?;
    Ok(merged
        .broadcast_matmul(&weights.w_o)?
        .broadcast_add(&weights.b_o)?)
}
