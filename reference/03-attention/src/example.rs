//! The lesson's sentence, "The cat sat on the mat because it was
//! comfortable", with one hand-set attention head, drawn with and without
//! the causal mask by the `attention-map` binary.
//!
//! A trained model learns its query and key projections; this head is set
//! by hand so that the picture shows the lesson's illustration (when
//! processing "it": "mat" 60%, "cat" 25%, "sat" 10%, others 5%). The keys
//! are one-hot token positions, so `Q K^T` picks out of each query row the
//! score it gives each key: a query row is `sqrt(d)` times the log of the
//! weights it wants, and the softmax turns those scores back into them.
//! With the causal mask the same head can no longer look ahead: a row's
//! visible weights are renormalised over itself and the earlier tokens.
//!
//! GIVEN: this file is identical in the starter (labs/03-attention) and the
//! reference; a test in the reference checks that they stay equal.

use candle_core::{Device, Tensor};

use crate::heatmap::{render_svg, Panel};
use crate::{attention_weights, causal_mask, AttentionError};

/// The lesson's sentence, one token per word.
pub const SENTENCE: [&str; 10] = [
    "The",
    "cat",
    "sat",
    "on",
    "the",
    "mat",
    "because",
    "it",
    "was",
    "comfortable",
];

/// For each query token, the weights (in percent) it gives to some keys,
/// by position; the rest of its 100% is shared equally by the other keys.
const PREFERENCES: [&[(usize, f64)]; 10] = [
    &[(1, 70.0), (0, 20.0)],            // The -> cat (the noun it introduces)
    &[(2, 40.0), (1, 30.0), (0, 20.0)], // cat -> sat (its verb)
    &[(1, 55.0), (2, 20.0), (3, 10.0), (5, 10.0)], // sat -> cat (its subject)
    &[(5, 60.0), (2, 25.0)],            // on -> mat (its object)
    &[(5, 75.0), (4, 15.0)],            // the -> mat
    &[(3, 35.0), (2, 25.0), (5, 25.0)], // mat -> on, sat
    &[(2, 30.0), (8, 30.0), (6, 20.0)], // because -> the two clauses' verbs
    &[(5, 60.0), (1, 25.0), (2, 10.0)], // it -> mat 60%, cat 25%, sat 10% (the lesson)
    &[(7, 50.0), (9, 30.0), (8, 10.0)], // was -> it, comfortable
    &[(7, 45.0), (5, 35.0)],            // comfortable -> it 45%, mat 35% (the lesson)
];

/// The query and key tensors of the hand-set head, each `(1, 1, 10, 10)`.
pub fn lesson_head(device: &Device) -> Result<(Tensor, Tensor), AttentionError> {
    let n = SENTENCE.len();
    let scale = (n as f64).sqrt();
    let mut queries = Vec::with_capacity(n * n);
    for wanted in PREFERENCES {
        let named: f64 = wanted.iter().map(|(_, p)| p).sum();
        let rest = (100.0 - named) / (n - wanted.len()) as f64;
        for key in 0..n {
            let percent = wanted
                .iter()
                .find(|(j, _)| *j == key)
                .map_or(rest, |(_, p)| *p);
            queries.push((scale * (percent / 100.0).ln()) as f32);
        }
    }
    let mut keys = vec![0f32; n * n];
    for i in 0..n {
        keys[i * n + i] = 1.0;
    }
    let q = Tensor::from_vec(queries, (1, 1, n, n), device)?;
    let k = Tensor::from_vec(keys, (1, 1, n, n), device)?;
    Ok((q, k))
}

/// A square matrix of attention weights, one row per query token.
pub type WeightRows = Vec<Vec<f32>>;

/// The head's weights without a mask and with the causal mask, as rows.
pub fn lesson_weights() -> Result<(WeightRows, WeightRows), AttentionError> {
    let device = Device::Cpu;
    let (q, k) = lesson_head(&device)?;
    let full = attention_weights(&q, &k, None)?;
    let mask = causal_mask(SENTENCE.len(), &device)?;
    let causal = attention_weights(&q, &k, Some(&mask))?;
    let rows = |t: Tensor| -> Result<WeightRows, AttentionError> {
        Ok(t.squeeze(0)?.squeeze(0)?.to_vec2::<f32>()?)
    };
    Ok((rows(full)?, rows(causal)?))
}

/// The SVG heatmap of [`lesson_weights`]: two panels, no mask and causal.
pub fn lesson_svg() -> Result<String, AttentionError> {
    let (full, causal) = lesson_weights()?;
    let tokens: Vec<String> = SENTENCE.iter().map(|t| t.to_string()).collect();
    Ok(render_svg(
        "Who looks at whom: one hand-set attention head",
        &tokens,
        &[
            Panel {
                title: "No mask (an encoder, e.g. BERT)".into(),
                weights: full,
            },
            Panel {
                title: "Causal mask (a decoder, e.g. GPT)".into(),
                weights: causal,
            },
        ],
    ))
}
