//! Memory to hold the weights, and lesson 08's rule of thumb for inference VRAM (x 1.2).

use crate::error::CalcError;
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
    // TODO(lab04): reject 0 with `require_nonzero("params", params)?` (crate::error). Multiply
    // params x bits in u128 (`crate::checked::checked_product`), divide by 8 rounding up
    // (`u128::div_ceil`), and convert with `crate::checked::fit_u64(.., "weight memory")`.
    todo!("weight_bytes: params x bits / 8, rounded up")
}

/// Lesson 08's rule of thumb: minimum VRAM for inference = `params x bytes_per_param x 1.2`.
///
/// Computed exactly as `ceil(params x bits x 6 / (8 x 5))` bytes, from the parameter count
/// (not from the already rounded [`weight_bytes`]). LLaMA 3 8B taken as 8e9 parameters gives
/// 19,200,000,000 bytes at fp16 (the lesson's "~19 GB") and 4,800,000,000 at int4 ("~4.8 GB").
///
/// Errors: `Zero { field: "params" }`; `Overflow { quantity: "inference vram" }`.
pub fn inference_vram(params: u64, precision: Precision) -> Result<Bytes, CalcError> {
    // TODO(lab04): params x bytes/param x 1.2, exactly: ceil(params x bits x 6 / (8 x 5)), with 6/5
    // = OVERHEAD_NUMERATOR / OVERHEAD_DENOMINATOR. Multiply first and divide once, in u128. Errors:
    // Zero { field: "params" }; Overflow { quantity: "inference vram" }.
    todo!("inference_vram: the x 1.2 rule of thumb")
}
