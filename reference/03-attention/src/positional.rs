//! Sinusoidal positional encoding ("Attention Is All You Need", 3.5).

use candle_core::{Device, Tensor};

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
    expect_positive(seq_len, "seq_len")?;
    expect_positive(d_model, "d_model")?;
    let mut table = Vec::with_capacity(seq_len * d_model);
    for pos in 0..seq_len {
        for j in 0..d_model {
            let i = j / 2;
            let angle = pos as f64 / 10000f64.powf((2 * i) as f64 / d_model as f64);
            let value = if j % 2 == 0 { angle.sin() } else { angle.cos() };
            table.push(value as f32);
        }
    }
    Ok(Tensor::from_vec(table, (seq_len, d_model), device)?)
}
