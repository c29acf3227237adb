//! Scaled dot-product attention: `softmax(Q K^T / sqrt(d)) V`, with an
//! optional mask.

use candle_core::Tensor;

#[allow(unused_imports)] // you will want these
use crate::checks::{expect_dim, expect_dtype, expect_float, expect_nonempty, expect_rank};
#[allow(unused_imports)]
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
    // TODO(lab03): the lesson's "QK^T: how much does each query match each
    // key?", "/ sqrt(d): scale down", "softmax(): convert to probabilities".
    // 1. Check q and k (a private helper: `scaled_dot_product_attention`
    //    needs the same checks) with the functions of `checks`, in the order
    //    above, e.g. `expect_rank(q, "q", 4)?`, `expect_dtype(k, "k",
    //    q.dtype())?`, `expect_dim(k, "k", axis, q.dims()[axis])?`.
    // 2. Check the mask. A row with no 1: `mask.max(1)?.to_vec1::<u8>()?`
    //    gives each row's largest entry; the first 0 is Err(EmptyMaskRow).
    // 3. scores = q.matmul(&k.t()?)? * (1.0 / sqrt(head_dim))   (k.t() swaps
    //    the last two axes; `tensor * f64` scales). head_dim = q.dims()[3].
    // 4. With a mask: scores where the mask is 0 become -inf. Broadcast the
    //    mask to the scores' shape (`broadcast_as`) and use `where_cond`
    //    with a -inf tensor of the scores' dtype and shape.
    // 5. softmax_last_dim(&scores): over the keys, the last axis.
    todo!("lab03: attention weights")
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
    // TODO(lab03): the lesson's "x V: weight the values by those
    // probabilities".
    // 1. Check q and k (your helper), then v, in the order above.
    // 2. attention_weights(q, k, mask)? checks the mask and gives the weights.
    // 3. weights.matmul(v): one tensor operation for every batch, head and
    //    query at once. Loops over elements are far too slow: a hidden group
    //    times this function against the reference (README, "Speed").
    todo!("lab03: scaled dot-product attention")
}
