//! A numerically stable softmax over the last axis.

use candle_core::{Tensor, D};

use crate::checks::{expect_float, expect_nonempty};
use crate::AttentionError;

/// Softmax over the last axis: `exp(x_j) / sum_k exp(x_k)` along each row,
/// so every row is non-negative and sums to 1. Stable: the row maximum is
/// subtracted first, so logits of 1000 give the same answer as logits of 0
/// (a naive `exp(1000)` overflows to infinity and the row becomes NaN).
/// `-inf` entries (masked positions) get weight exactly 0; a row of only
/// `-inf` has no answer and becomes NaN.
///
/// Checks, in order: `NotFloat { name: "x" }`, `Rank { name: "x", expected:
/// 1, found: 0 }` for a scalar, `Empty { name: "x" }`. The result has `x`'s
/// shape and dtype.
pub fn softmax_last_dim(x: &Tensor) -> Result<Tensor, AttentionError> {
    expect_float(x, "x")?;
    if x.rank() == 0 {
        return Err(AttentionError::Rank {
            name: "x",
            expected: 1,
            found: 0,
        });
    }
    expect_nonempty(x, "x")?;
    let max = x.max_keepdim(D::Minus1)?;
    let exp = x.broadcast_sub(&max)?.exp()?;
    let sum = exp.sum_keepdim(D::Minus1)?;
    Ok(exp.broadcast_div(&sum)?)
}
