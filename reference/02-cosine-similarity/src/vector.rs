//! Dot product, L2 norm, cosine similarity and normalisation of `f32` vectors.
//!
//! Every sum is accumulated in `f64`. The product of two `f32` values is exact
//! in `f64` (24 + 24 significand bits fit in 53), and `f64`'s range holds the
//! square of any `f32`: `f32::MAX^2` is about 1.2e77 and the smallest `f32`
//! subnormal squared is about 2e-90, both far inside `f64`. In `f32` the
//! squares overflow above about 1.8e19 and underflow to 0 below about 1e-23.

use crate::SimilarityError;

/// Dot product `sum(a[i] * b[i])`, accumulated in `f64`.
///
/// Checks, in order: lengths differ, vectors empty, a NaN or infinity (in `a`
/// first, then `b`). A finite result larger than `f32::MAX` rounds to
/// infinity when converted back to `f32`; that is the honest `f32` answer.
pub fn dot(a: &[f32], b: &[f32]) -> Result<f32, SimilarityError> {
    check_pair(a, b)?;
    Ok(dot_f64(a, b) as f32)
}

/// L2 norm `sqrt(sum(v[i]^2))`, accumulated in `f64`.
///
/// Errors for an empty vector or a NaN or infinity; a zero vector has norm
/// 0.0, which is a valid answer here.
pub fn norm(v: &[f32]) -> Result<f32, SimilarityError> {
    check_vector(v)?;
    Ok(norm_f64(v) as f32)
}

/// Cosine similarity `dot(a, b) / (|a| |b|)`: the cosine of the angle between
/// `a` and `b`, from -1 (opposite) through 0 (orthogonal) to 1 (same
/// direction). Scaling either vector by a positive factor does not change it.
///
/// Checks, in order: lengths differ, vectors empty, a NaN or infinity (in `a`
/// first, then `b`), a zero norm. Computed in `f64` and clamped to `[-1, 1]`,
/// because rounding can push `dot / (|a| |b|)` a hair past 1.
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> Result<f32, SimilarityError> {
    check_pair(a, b)?;
    let a_norm = nonzero(norm_f64(a))?;
    let b_norm = nonzero(norm_f64(b))?;
    Ok(cosine_from_parts(dot_f64(a, b), a_norm, b_norm))
}

/// `v / |v|`: the unit vector with `v`'s direction. Each element is divided
/// by the norm in `f64`, so huge and tiny vectors normalise correctly.
///
/// Errors for an empty vector, a NaN or infinity, or a zero norm.
pub fn l2_normalize(v: &[f32]) -> Result<Vec<f32>, SimilarityError> {
    let length = checked_norm(v)?;
    Ok(v.iter()
        .map(|&value| (f64::from(value) / length) as f32)
        .collect())
}

/// The `f64` norm of a vector that is non-empty, finite and not all zeros:
/// the checks a cosine makes of one of its two vectors.
pub(crate) fn checked_norm(v: &[f32]) -> Result<f64, SimilarityError> {
    check_vector(v)?;
    nonzero(norm_f64(v))
}

/// Cosine of `query` (already checked, with norm `query_norm`) and `row`,
/// checking `row` as `cosine_similarity(query, row)` would: length, NaN or
/// infinity, zero norm. Bit for bit the value `cosine_similarity` returns.
pub(crate) fn cosine_with_checked_query(
    query: &[f32],
    query_norm: f64,
    row: &[f32],
) -> Result<f32, SimilarityError> {
    check_lengths(query, row)?;
    check_finite(row)?;
    let row_norm = nonzero(norm_f64(row))?;
    Ok(cosine_from_parts(dot_f64(query, row), query_norm, row_norm))
}

fn cosine_from_parts(dot: f64, a_norm: f64, b_norm: f64) -> f32 {
    (dot / (a_norm * b_norm)).clamp(-1.0, 1.0) as f32
}

/// Starts from +0.0 (`Iterator::sum` starts from -0.0), so a zero dot product
/// is +0.0 and orthogonal vectors score exactly 0.0, never -0.0.
fn dot_f64(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |sum, (&x, &y)| sum + f64::from(x) * f64::from(y))
}

fn norm_f64(v: &[f32]) -> f64 {
    v.iter()
        .fold(0.0, |sum, &x| sum + f64::from(x) * f64::from(x))
        .sqrt()
}

fn nonzero(norm: f64) -> Result<f64, SimilarityError> {
    if norm == 0.0 {
        Err(SimilarityError::ZeroNorm)
    } else {
        Ok(norm)
    }
}

fn check_pair(a: &[f32], b: &[f32]) -> Result<(), SimilarityError> {
    check_lengths(a, b)?;
    if a.is_empty() {
        return Err(SimilarityError::Empty);
    }
    check_finite(a)?;
    check_finite(b)
}

fn check_lengths(a: &[f32], b: &[f32]) -> Result<(), SimilarityError> {
    if a.len() == b.len() {
        Ok(())
    } else {
        Err(SimilarityError::LengthMismatch {
            left: a.len(),
            right: b.len(),
        })
    }
}

fn check_vector(v: &[f32]) -> Result<(), SimilarityError> {
    if v.is_empty() {
        return Err(SimilarityError::Empty);
    }
    check_finite(v)
}

fn check_finite(v: &[f32]) -> Result<(), SimilarityError> {
    match v.iter().position(|value| !value.is_finite()) {
        Some(index) => Err(SimilarityError::NonFinite { index }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2^100, about 1.27e30: scaling by a power of two is exact, so the
    /// scaled vectors must give bit-for-bit the same cosine.
    const HUGE: f32 = 1_267_650_600_228_229_401_496_703_205_376.0;

    fn scaled(v: &[f32], factor: f32) -> Vec<f32> {
        v.iter().map(|&x| x * factor).collect()
    }

    #[test]
    fn huge_and_tiny_vectors_score_exactly_like_their_rescaled_versions() {
        let a = [1.0, -2.0, 3.0, 0.5];
        let b = [4.0, 5.0, -6.0, 0.25];
        let expected = cosine_similarity(&a, &b).unwrap();
        for factor in [HUGE, 1.0 / HUGE] {
            let (big_a, big_b) = (scaled(&a, factor), scaled(&b, factor));
            assert_eq!(cosine_similarity(&big_a, &big_b), Ok(expected));
            assert_eq!(cosine_similarity(&big_a, &b), Ok(expected));
        }
    }

    #[test]
    fn magnitudes_of_1e30_and_1e_minus_30_do_not_break_the_norm() {
        assert_eq!(norm(&[3e30, 4e30]), Ok(5e30));
        assert_eq!(norm(&[3e-30, 4e-30]), Ok(5e-30));
        // The smallest f32 subnormal still has a non-zero norm in f64.
        let tiny = f32::from_bits(1);
        assert_eq!(norm(&[tiny]), Ok(tiny));
        assert_eq!(
            cosine_similarity(&[tiny, 0.0], &[tiny, tiny]),
            Ok(0.70710677)
        );
    }

    #[test]
    fn largest_f32_values_normalise_without_overflow() {
        let unit = l2_normalize(&[f32::MAX, f32::MAX]).unwrap();
        assert_eq!(unit, [std::f32::consts::FRAC_1_SQRT_2; 2]);
        assert_eq!(cosine_similarity(&[f32::MAX], &[-f32::MAX]), Ok(-1.0));
    }

    #[test]
    fn dot_that_exceeds_f32_rounds_to_infinity_but_cancellation_is_exact() {
        assert_eq!(dot(&[1e30], &[1e30]), Ok(f32::INFINITY));
        assert_eq!(dot(&[1e20, 1e20], &[1e20, -1e20]), Ok(0.0));
    }

    #[test]
    fn similarity_is_clamped_to_one() {
        // For these values dot / (|a| |a|) rounds to just above 1 in f64.
        let v = [0.1_f32, 0.1, 0.3];
        let raw = dot_f64(&v, &v) / (norm_f64(&v) * norm_f64(&v));
        assert!(raw > 1.0, "pick a vector that rounds above 1 (got {raw})");
        assert_eq!(cosine_similarity(&v, &v), Ok(1.0));
        let negated = scaled(&v, -1.0);
        assert_eq!(cosine_similarity(&v, &negated), Ok(-1.0));
    }

    #[test]
    fn orthogonal_vectors_score_positive_zero() {
        let score = cosine_similarity(&[1.0, -0.0], &[-0.0, 1.0]).unwrap();
        assert_eq!(score.to_bits(), 0.0_f32.to_bits());
    }

    #[test]
    fn errors_come_in_the_documented_order() {
        use SimilarityError::*;
        let nan = f32::NAN;
        let mismatch = LengthMismatch { left: 0, right: 1 };
        assert_eq!(cosine_similarity(&[], &[nan]), Err(mismatch));
        assert_eq!(cosine_similarity(&[], &[]), Err(Empty));
        assert_eq!(dot(&[], &[]), Err(Empty));
        // Non-finite before zero norm; `a` before `b`; first bad index.
        let a = [0.0, 1.0, f32::INFINITY, nan];
        let b = [nan, 0.0, 0.0, 0.0];
        assert_eq!(cosine_similarity(&a, &b), Err(NonFinite { index: 2 }));
        assert_eq!(
            cosine_similarity(&[0.0; 4], &b),
            Err(NonFinite { index: 0 })
        );
        assert_eq!(dot(&[1.0; 4], &b), Err(NonFinite { index: 0 }));
        assert_eq!(cosine_similarity(&[0.0], &[1.0]), Err(ZeroNorm));
        assert_eq!(cosine_similarity(&[1.0], &[0.0]), Err(ZeroNorm));
    }

    #[test]
    fn norm_and_normalise_check_their_one_vector() {
        use SimilarityError::*;
        assert_eq!(norm(&[]), Err(Empty));
        assert_eq!(norm(&[0.0, f32::NEG_INFINITY]), Err(NonFinite { index: 1 }));
        assert_eq!(norm(&[0.0, 0.0]), Ok(0.0));
        assert_eq!(l2_normalize(&[]), Err(Empty));
        assert_eq!(l2_normalize(&[f32::NAN, 0.0]), Err(NonFinite { index: 0 }));
        assert_eq!(l2_normalize(&[0.0, -0.0]), Err(ZeroNorm));
    }

    #[test]
    fn cosine_with_checked_query_matches_cosine_similarity_bit_for_bit() {
        let query = [0.3_f32, -1.7, 2.9, 1e-3];
        let rows = [[1.0, 2.0, 3.0, 4.0], [-0.3, 1.7, -2.9, -1e-3], query];
        let query_norm = checked_norm(&query).unwrap();
        for row in rows {
            let expected = cosine_similarity(&query, &row).unwrap();
            let score = cosine_with_checked_query(&query, query_norm, &row).unwrap();
            assert_eq!(score.to_bits(), expected.to_bits());
        }
    }
}
