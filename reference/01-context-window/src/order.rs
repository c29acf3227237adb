//! Ordering retrieved documents for a long context ("lost in the middle").

/// Reorders documents ranked by relevance (most relevant first) so that the
/// most relevant sit at the start and the end of the context and the least
/// relevant in the middle.
///
/// Ranks 1, 3, 5, ... fill the front in order and ranks 2, 4, 6, ... the
/// back, so rank 1 is first, rank 2 last, rank 3 second, rank 4 second to
/// last: `[r1, r2, r3, r4, r5]` becomes `[r1, r3, r5, r4, r2]`.
pub fn order_for_long_context<T: Clone>(ranked: &[T]) -> Vec<T> {
    let front = ranked.iter().step_by(2);
    let back = ranked.iter().skip(1).step_by(2).rev();
    front.chain(back).cloned().collect()
}
