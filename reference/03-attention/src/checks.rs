//! Small input checks shared by the attention functions: each turns one kind
//! of caller mistake into its [`AttentionError`]. The TODOs say which to call
//! and in which order.
//!
//! GIVEN: this file is identical in the starter (labs/03-attention) and the
//! reference; a test in the reference checks that they stay equal.

use candle_core::{DType, Tensor};

use crate::AttentionError;

/// `Err(Rank)` unless `t` has exactly `rank` dimensions.
pub fn expect_rank(t: &Tensor, name: &'static str, rank: usize) -> Result<(), AttentionError> {
    if t.rank() == rank {
        Ok(())
    } else {
        Err(AttentionError::Rank {
            name,
            expected: rank,
            found: t.rank(),
        })
    }
}

/// `Err(NotFloat)` unless `t` holds f16, bf16, f32 or f64.
pub fn expect_float(t: &Tensor, name: &'static str) -> Result<(), AttentionError> {
    if t.dtype().is_float() {
        Ok(())
    } else {
        Err(AttentionError::NotFloat {
            name,
            found: t.dtype(),
        })
    }
}

/// `Err(DTypeMismatch)` unless `t` has dtype `expected`.
pub fn expect_dtype(t: &Tensor, name: &'static str, expected: DType) -> Result<(), AttentionError> {
    if t.dtype() == expected {
        Ok(())
    } else {
        Err(AttentionError::DTypeMismatch {
            name,
            expected,
            found: t.dtype(),
        })
    }
}

/// `Err(Empty)` if any dimension of `t` is 0.
pub fn expect_nonempty(t: &Tensor, name: &'static str) -> Result<(), AttentionError> {
    if t.dims().contains(&0) {
        Err(AttentionError::Empty { name })
    } else {
        Ok(())
    }
}

/// `Err(Dim)` unless axis `axis` of `t` has size `expected` (the rank must
/// already have been checked).
pub fn expect_dim(
    t: &Tensor,
    name: &'static str,
    axis: usize,
    expected: usize,
) -> Result<(), AttentionError> {
    let found = t.dims()[axis];
    if found == expected {
        Ok(())
    } else {
        Err(AttentionError::Dim {
            name,
            axis,
            expected,
            found,
        })
    }
}

/// `Err(Zero)` if `n` is 0.
pub fn expect_positive(n: usize, name: &'static str) -> Result<(), AttentionError> {
    if n == 0 {
        Err(AttentionError::Zero { name })
    } else {
        Ok(())
    }
}
