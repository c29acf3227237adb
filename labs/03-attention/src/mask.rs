//! The causal mask: each position sees itself and the positions before it.

use candle_core::{Device, Tensor};

#[allow(unused_imports)] // you will want this one
use crate::checks::expect_positive;
use crate::AttentionError;

/// The causal mask for `seq_len` positions: a `(seq_len, seq_len)` `u8`
/// tensor where `mask[i][j]` is 1 when query `i` may attend to key `j`
/// (`j <= i`: itself and earlier positions) and 0 for every later key.
///
/// `Err(Zero { name: "seq_len" })` when `seq_len` is 0.
pub fn causal_mask(seq_len: usize, device: &Device) -> Result<Tensor, AttentionError> {
    // TODO(lab03): the lesson's "Token 3: can see -> [1, 2, 3]".
    // 1. `expect_positive(seq_len, "seq_len")?`.
    // 2. Fill a Vec<u8> row by row (row i = query i, column j = key j) with 1
    //    where j <= i (the diagonal included: a token sees itself) and 0
    //    where j > i (the future).
    // 3. `Tensor::from_vec(values, (seq_len, seq_len), device)?`.
    todo!("lab03: causal mask")
}
