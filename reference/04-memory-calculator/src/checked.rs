//! Exact integer arithmetic that reports overflow instead of wrapping or panicking.
//!
//! Counts and byte sizes are `u64`. Products are formed in `u128` with checked operations,
//! and only the final result must fit a `u64`: a calculator returns
//! `CalcError::Overflow` exactly when the true result exceeds `u64::MAX`.

use crate::error::CalcError;

/// The product of `factors` in `u128`, or `None` if even `u128` overflows (then the result,
/// whatever it is later divided by here, cannot fit in a `u64` either).
pub fn checked_product(factors: &[u64]) -> Option<u128> {
    factors.iter().try_fold(1u128, |product, &factor| {
        product.checked_mul(u128::from(factor))
    })
}

/// The sum of products: `sum_of_products(&[&[2, 3], &[4]])` is `2 x 3 + 4 = 10`.
///
/// Each term is a list of factors, which keeps a formula readable:
/// `&[num_layers, hidden_size, intermediate_size]` is one matrix per layer.
/// `None` when the `u128` arithmetic overflows.
pub fn sum_of_products<T: AsRef<[u64]>>(terms: &[T]) -> Option<u128> {
    terms.iter().try_fold(0u128, |sum, term| {
        sum.checked_add(checked_product(term.as_ref())?)
    })
}

/// Converts an exact `u128` result to `u64`, or `CalcError::Overflow { quantity }`.
pub fn fit_u64(value: u128, quantity: &'static str) -> Result<u64, CalcError> {
    u64::try_from(value).map_err(|_| CalcError::Overflow { quantity })
}

/// Converts an optional `u128` result (from [`checked_product`] or [`sum_of_products`]) to
/// `u64`, or `CalcError::Overflow { quantity }` if it is `None` or too large.
pub fn exact_u64(value: Option<u128>, quantity: &'static str) -> Result<u64, CalcError> {
    value
        .ok_or(CalcError::Overflow { quantity })
        .and_then(|value| fit_u64(value, quantity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_sums_are_exact_beyond_u64() {
        assert_eq!(checked_product(&[]), Some(1));
        assert_eq!(
            checked_product(&[u64::MAX, 2]),
            Some(u128::from(u64::MAX) * 2)
        );
        assert_eq!(checked_product(&[u64::MAX, u64::MAX, 2]), None);
        assert_eq!(sum_of_products(&[&[2u64, 3][..], &[4]]), Some(10));
        assert_eq!(sum_of_products::<&[u64]>(&[]), Some(0));
    }

    #[test]
    fn only_the_final_result_must_fit_u64() {
        let huge = checked_product(&[u64::MAX, 8]).map(|bits| bits / 8);
        assert_eq!(exact_u64(huge, "x"), Ok(u64::MAX));
        assert_eq!(
            exact_u64(checked_product(&[u64::MAX, 2]), "kv cache"),
            Err(CalcError::Overflow {
                quantity: "kv cache"
            })
        );
        assert_eq!(
            exact_u64(None, "kv cache"),
            Err(CalcError::Overflow {
                quantity: "kv cache"
            })
        );
    }
}
