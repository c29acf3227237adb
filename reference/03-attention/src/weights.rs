//! The learned weights of one multi-head attention layer.
//!
//! GIVEN: this file is identical in the starter (labs/03-attention) and the
//! reference; a test in the reference checks that they stay equal.

use candle_core::{DType, Tensor};

use crate::checks::{expect_dim, expect_dtype, expect_rank};
use crate::AttentionError;

/// The four projections of a multi-head attention layer with model width
/// `d_model`. Each matrix is `(d_model, d_model)` in `(in, out)` layout, so
/// a projection is `x.matmul(w) + b` (the transpose of PyTorch's
/// `nn.Linear` storage); each bias is `(d_model,)`.
#[derive(Debug, Clone)]
pub struct MultiHeadWeights {
    /// Query projection.
    pub w_q: Tensor,
    /// Query bias.
    pub b_q: Tensor,
    /// Key projection.
    pub w_k: Tensor,
    /// Key bias.
    pub b_k: Tensor,
    /// Value projection.
    pub w_v: Tensor,
    /// Value bias.
    pub b_v: Tensor,
    /// Output projection, applied after the heads are merged.
    pub w_o: Tensor,
    /// Output bias.
    pub b_o: Tensor,
}

impl MultiHeadWeights {
    /// The tensors with their names, in the order they are checked.
    pub fn named(&self) -> [(&'static str, &Tensor); 8] {
        [
            ("w_q", &self.w_q),
            ("b_q", &self.b_q),
            ("w_k", &self.w_k),
            ("b_k", &self.b_k),
            ("w_v", &self.w_v),
            ("b_v", &self.b_v),
            ("w_o", &self.w_o),
            ("b_o", &self.b_o),
        ]
    }

    /// Check every tensor, in the order of [`named`](Self::named): a matrix
    /// has rank 2, dtype `dtype` and shape `(d_model, d_model)`; a bias has
    /// rank 1, dtype `dtype` and shape `(d_model,)`.
    pub fn validate(&self, d_model: usize, dtype: DType) -> Result<(), AttentionError> {
        for (name, tensor) in self.named() {
            let rank = if name.starts_with('w') { 2 } else { 1 };
            expect_rank(tensor, name, rank)?;
            expect_dtype(tensor, name, dtype)?;
            for axis in 0..rank {
                expect_dim(tensor, name, axis, d_model)?;
            }
        }
        Ok(())
    }
}
