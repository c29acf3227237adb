//! Sinusoidal positional encoding ("Attention Is All You Need", 3.5).

use candle_core::{Device, Tensor};

#[allow(unused_imports)] // you will want this one
use crate::checks::expect_positive;
use crate::AttentionError;

/// The sinusoidal positional encoding, a `(seq_len, d_model)` f32 tensor:
/// for position `pos` and column `j`, with `i = j / 2` (integer division),
///
/// ```text
/// angle = pos / 10000^(2i / d_model)
/// PE[pos][j] = sin(angle) for even j, cos(angle) for odd j
/// ```
///
/// so columns `2i` and `2i + 1` share one frequency. The angle is computed
/// in f64 and only the sine or cosine is rounded to f32: in f32, `pos` of a
/// few hundred already loses ~1e-5 of the angle. An odd `d_model` ends with
/// a sine column. `Zero { name: "seq_len" }`, then `Zero { name: "d_model" }`.
pub fn sinusoidal_positional_encoding(
    seq_len: usize,
    d_model: usize,
    device: &Device,
) -> Result<Tensor, AttentionError> {
    // TODO(lab03): the lesson's "positional encoding adds a unique signal to
    // each token based on its position".
    // 1. expect_positive for seq_len, then d_model.
    // 2. For each pos, each column j: i = j / 2, the angle as above in f64
    //    (`10000f64.powf(...)`), sin for even j and cos for odd j, pushed
    //    as f32 into one Vec, row by row.
    // 3. Tensor::from_vec(values, (seq_len, d_model), device).
    todo!("lab03: sinusoidal positional encoding")
}
