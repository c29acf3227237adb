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
    // TODO(lab05): the sentence vector is the mean of the REAL tokens' vectors.
    // Padding tokens have vectors too; averaging them in changes the result
    // with the batch a text happens to be in.
    // 1. mask -> f32 (`to_dtype(DType::F32)`), shape [b, t, 1] (`unsqueeze`).
    // 2. Sum `hidden * mask` over the token axis (`broadcast_mul`, `sum(1)`).
    // 3. Divide by the number of real tokens per row (`mask.sum(1)`), clamped
    //    below at 1e-9 (`clamp`) so an all-padding row gives zeros, not NaN.
    todo!("lab05: mean pooling over the attention mask")
}

/// Each row divided by its L2 norm, `x / max(|x|, 1e-12)`: unit vectors, so
/// a dot product is the cosine similarity. A zero row stays zero.
pub fn l2_normalize(x: &Tensor) -> Result<Tensor, EmbedError> {
    // TODO(lab05): divide each row by its L2 norm, so every embedding has
    // length 1 and a dot product is a cosine similarity (lab 02).
    // norm = sqrt(sum of squares over the last axis, keepdim), clamped below at
    // 1e-12 (a zero row stays zero); then `broadcast_div`.
    todo!("lab05: L2 normalisation of each row")
}
