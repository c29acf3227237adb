//! The ways an attention computation can refuse its inputs.
//!
//! GIVEN: this file is identical in the starter (labs/03-attention) and the
//! reference; a test in the reference checks that they stay equal.

use std::fmt;

use candle_core::DType;

/// Why an attention function could not compute its result.
///
/// Every shape or dtype mistake of the caller is one of these, never a panic.
/// `name` is the argument at fault (`"q"`, `"k"`, `"v"`, `"mask"`, `"x"`,
/// `"w_q"`, `"b_o"`, ...), `axis` counts from 0.
#[derive(Debug)]
pub enum AttentionError {
    /// A tensor has the wrong number of dimensions.
    Rank {
        /// The argument.
        name: &'static str,
        /// The rank it must have.
        expected: usize,
        /// The rank it has.
        found: usize,
    },
    /// A tensor is not floating point (f16, bf16, f32 or f64).
    NotFloat {
        /// The argument.
        name: &'static str,
        /// Its dtype.
        found: DType,
    },
    /// A tensor's dtype differs from the one it must have (the mask is u8;
    /// everything else has the dtype of the first input, `q` or `x`).
    DTypeMismatch {
        /// The argument.
        name: &'static str,
        /// The dtype it must have.
        expected: DType,
        /// The dtype it has.
        found: DType,
    },
    /// A tensor has a dimension of size 0.
    Empty {
        /// The argument.
        name: &'static str,
    },
    /// One dimension of a tensor does not fit the others.
    Dim {
        /// The argument.
        name: &'static str,
        /// The axis, from 0.
        axis: usize,
        /// The size it must have.
        expected: usize,
        /// The size it has.
        found: usize,
    },
    /// A count that must be positive is 0 (`seq_len`, `d_model`, `heads`).
    Zero {
        /// The argument.
        name: &'static str,
    },
    /// The model width cannot be split evenly between the heads.
    HeadsDoNotDivide {
        /// The model width.
        d_model: usize,
        /// The number of heads.
        heads: usize,
    },
    /// A row of the mask lets its query see no key at all: softmax over
    /// nothing has no answer.
    EmptyMaskRow {
        /// The query position.
        row: usize,
    },
    /// candle itself failed (a device error, an allocation): not a shape or
    /// dtype mistake.
    Candle(candle_core::Error),
}

impl fmt::Display for AttentionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rank {
                name,
                expected,
                found,
            } => write!(
                f,
                "`{name}` must have {expected} dimensions, it has {found}"
            ),
            Self::NotFloat { name, found } => {
                write!(f, "`{name}` must hold floats, it holds {found:?}")
            }
            Self::DTypeMismatch {
                name,
                expected,
                found,
            } => write!(f, "`{name}` must be {expected:?}, it is {found:?}"),
            Self::Empty { name } => write!(f, "`{name}` has a dimension of size 0"),
            Self::Dim {
                name,
                axis,
                expected,
                found,
            } => write!(
                f,
                "axis {axis} of `{name}` must have size {expected}, it has {found}"
            ),
            Self::Zero { name } => write!(f, "`{name}` must be at least 1"),
            Self::HeadsDoNotDivide { d_model, heads } => write!(
                f,
                "{heads} heads do not divide the model width {d_model} evenly"
            ),
            Self::EmptyMaskRow { row } => {
                write!(f, "mask row {row} lets query {row} see no key at all")
            }
            Self::Candle(error) => write!(f, "candle failed: {error}"),
        }
    }
}

impl std::error::Error for AttentionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Candle(error) => Some(error),
            _ => None,
        }
    }
}

impl From<candle_core::Error> for AttentionError {
    fn from(error: candle_core::Error) -> Self {
        Self::Candle(error)
    }
}
