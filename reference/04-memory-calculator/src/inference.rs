//! Memory to hold the weights, and lesson 08's rule of thumb for inference VRAM (x 1.2).

use crate::checked::{checked_product, fit_u64};
use crate::error::{require_nonzero, CalcError};
use crate::precision::Precision;
use crate::units::Bytes;

/// The rule of thumb's overhead factor 1.2, as the exact fraction 6/5 so that integer
/// arithmetic reproduces the lesson's figures to the byte.
pub const OVERHEAD_NUMERATOR: u64 = 6;
/// See [`OVERHEAD_NUMERATOR`].
pub const OVERHEAD_DENOMINATOR: u64 = 5;

/// Bytes to store `params` parameters at `precision`: `params x bits / 8`, rounded up to a
/// whole byte (two 4-bit values share a byte; an odd one out still needs a whole byte).
///
/// This is lesson 08's precision table: 7e9 parameters take 28 GB at fp32, 14 GB at
/// fp16/bf16, 7 GB at int8 and 3.5 GB at int4 (decimal GB).
///
/// Errors: `Zero { field: "params" }`; `Overflow { quantity: "weight memory" }`.
pub fn weight_bytes(params: u64, precision: Precision) -> Result<Bytes, CalcError> {
    require_nonzero("params", params)?;
    let bits = checked_product(&[params, precision.bits()]).ok_or(CalcError::Overflow {
        quantity: "weight memory",
    })?;
    fit_u64(bits.div_ceil(8), "weight memory").map(Bytes)
}

/// Lesson 08's rule of thumb: minimum VRAM for inference = `params x bytes_per_param x 1.2`.
///
/// Computed exactly as `ceil(params x bits x 6 / (8 x 5))` bytes, from the parameter count
/// (not from the already rounded [`weight_bytes`]). LLaMA 3 8B taken as 8e9 parameters gives
/// 19,200,000,000 bytes at fp16 (the lesson's "~19 GB") and 4,800,000,000 at int4 ("~4.8 GB").
///
/// Errors: `Zero { field: "params" }`; `Overflow { quantity: "inference vram" }`.
pub fn inference_vram(params: u64, precision: Precision) -> Result<Bytes, CalcError> {
    require_nonzero("params", params)?;
    let numerator = checked_product(&[params, precision.bits(), OVERHEAD_NUMERATOR]).ok_or(
        CalcError::Overflow {
            quantity: "inference vram",
        },
    )?;
    let denominator = 8 * u128::from(OVERHEAD_DENOMINATOR);
    fit_u64(numerator.div_ceil(denominator), "inference vram").map(Bytes)
}
