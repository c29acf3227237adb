//! From token vectors to one unit vector per text.

use candle_core::{DType, Tensor, D};

use crate::error::EmbedError;

/// Mean of each text's token vectors, counting only real tokens:
/// `sum_t hidden[b, t, :] * mask[b, t] / max(sum_t mask[b, t], 1e-9)`.
///
/// `hidden` is `[batch, seq_len, hidden]` (f32), `mask` is `[batch, seq_len]`
/// (any numeric dtype, 1 for a real token, 0 for padding); the result is
/// `[batch, hidden]`. A row whose mask is all zeros pools to zeros.
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Result<Tensor, EmbedError> {
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?;
    Ok(summed.broadcast_div(&counts)?)
}

/// Each row divided by its L2 norm, `x / max(|x|, 1e-12)`: unit vectors, so
/// a dot product is the cosine similarity. A zero row stays zero.
pub fn l2_normalize(x: &Tensor) -> Result<Tensor, EmbedError> {
    let norms = x
        .sqr()?
        .sum_keepdim(D::Minus1)?
        .sqrt()?
        .clamp(1e-12f32, f32::MAX)?;
    Ok(x.broadcast_div(&norms)?)
}
