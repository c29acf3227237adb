//! The causal mask: each position sees itself and the positions before it.

use candle_core::{Device, Tensor};

use crate::checks::expect_positive;
use crate::AttentionError;

/// The causal mask for `seq_len` positions: a `(seq_len, seq_len)` `u8`
/// tensor where `mask[i][j]` is 1 when query `i` may attend to key `j`
/// (`j <= i`: itself and earlier positions) and 0 for every later key.
///
/// `Err(Zero { name: "seq_len" })` when `seq_len` is 0.
pub fn causal_mask(seq_len: usize, device: &Device) -> Result<Tensor, AttentionError> {
    expect_positive(seq_len, "seq_len")?;
    let mut allowed = Vec::with_capacity(seq_len * seq_len);
    for i in 0..seq_len {
        for j in 0..seq_len {
            allowed.push(u8::from(j <= i));
        }
    }
    Ok(Tensor::from_vec(allowed, (seq_len, seq_len), device)?)
}
