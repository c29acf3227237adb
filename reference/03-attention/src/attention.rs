//! Scaled dot-product attention: `softmax(Q K^T / sqrt(d)) V`, with an
//! optional mask.

use candle_core::{DType, Tensor};

use crate::checks::{expect_dim, expect_dtype, expect_float, expect_nonempty, expect_rank};
use crate::softmax::softmax_last_dim;
use crate::AttentionError;

/// The attention weights `softmax(q k^T / sqrt(head_dim))`, shape
/// `(batch, heads, seq_q, seq_k)`: row `i` says how much query `i` takes
/// from each key; every row sums to 1.
///
/// `q` is `(batch, heads, seq_q, head_dim)`, `k` is `(batch, heads, seq_k,
/// head_dim)`. `mask`, if given, is a `(seq_q, seq_k)` `u8` tensor shared by
/// every batch and head: where it is 0 the key is hidden from the query
/// (its score becomes `-inf` before the softmax, so its weight is exactly 0).
///
/// Checks, in order: `q` then `k` have rank 4; `q` is float and `k` has
/// `q`'s dtype; `q` then `k` are non-empty; `k`'s axes 0, 1 and 3 equal
/// `q`'s; then the mask: rank 2, dtype `u8`, axis 0 = `seq_q`, axis 1 =
/// `seq_k`, and no row without a single 1 (`EmptyMaskRow`).
pub fn attention_weights(
    q: &Tensor,
    k: &Tensor,
    mask: Option<&Tensor>,
) -> Result<Tensor, AttentionError> {
    check_query_key(q, k)?;
    let (seq_q, head_dim) = (q.dims()[2], q.dims()[3]);
    if let Some(mask) = mask {
        check_mask(mask, seq_q, k.dims()[2])?;
    }
    let scale = 1.0 / (head_dim as f64).sqrt();
    let scores = (q.matmul(&k.t()?)? * scale)?;
    let scores = match mask {
        Some(mask) => hide(&scores, mask)?,
        None => scores,
    };
    softmax_last_dim(&scores)
}

/// Scaled dot-product attention `softmax(q k^T / sqrt(head_dim)) v`: each
/// query's output is the mix of the values weighted by
/// [`attention_weights`]. Shape `(batch, heads, seq_q, head_dim_v)`.
///
/// `v` is `(batch, heads, seq_k, head_dim_v)`; its last axis may differ
/// from `head_dim`. Checks, in order: `q` and `k` as in
/// [`attention_weights`] (without the mask); then `v`: rank 4, `q`'s dtype,
/// non-empty, axes 0 and 1 equal `q`'s and axis 2 equals `k`'s `seq_k`;
/// then the mask as in [`attention_weights`].
pub fn scaled_dot_product_attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    mask: Option<&Tensor>,
) -> Result<Tensor, AttentionError> {
    check_query_key(q, k)?;
    check_value(q, k, v)?;
    let weights = attention_weights(q, k, mask)?;
    Ok(weights.matmul(v)?)
}

fn check_query_key(q: &Tensor, k: &Tensor) -> Result<(), AttentionError> {
    expect_rank(q, "q", 4)?;
    expect_rank(k, "k", 4)?;
    expect_float(q, "q")?;
    expect_dtype(k, "k", q.dtype())?;
    expect_nonempty(q, "q")?;
    expect_nonempty(k, "k")?;
    for axis in [0, 1, 3] {
        expect_dim(k, "k", axis, q.dims()[axis])?;
    }
    Ok(())
}

fn check_value(q: &Tensor, k: &Tensor, v: &Tensor) -> Result<(), AttentionError> {
    expect_rank(v, "v", 4)?;
    expect_dtype(v, "v", q.dtype())?;
    expect_nonempty(v, "v")?;
    expect_dim(v, "v", 0, q.dims()[0])?;
    expect_dim(v, "v", 1, q.dims()[1])?;
    expect_dim(v, "v", 2, k.dims()[2])
}

fn check_mask(mask: &Tensor, seq_q: usize, seq_k: usize) -> Result<(), AttentionError> {
    expect_rank(mask, "mask", 2)?;
    expect_dtype(mask, "mask", DType::U8)?;
    expect_dim(mask, "mask", 0, seq_q)?;
    expect_dim(mask, "mask", 1, seq_k)?;
    let row_allows_some = mask.max(1)?.to_vec1::<u8>()?;
    match row_allows_some.iter().position(|&m| m == 0) {
        Some(row) => Err(AttentionError::EmptyMaskRow { row }),
        None => Ok(()),
    }
}

/// `scores` with every position the mask hides set to `-inf`.
fn hide(scores: &Tensor, mask: &Tensor) -> Result<Tensor, AttentionError> {
    let shape = scores.shape();
    let hidden = Tensor::new(f32::NEG_INFINITY, scores.device())?
        .to_dtype(scores.dtype())?
        .broadcast_as(shape)?;
    Ok(mask.broadcast_as(shape)?.where_cond(scores, &hidden)?)
}
