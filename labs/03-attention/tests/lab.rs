// Lab 03 public tests: run `cargo test` in this folder for quick feedback
// (`cargo test --release` runs them faster).
//
// These tests are a study aid, not your grade: `grader check --lab
// 03-attention` (from the course root) runs the scored cases, which include
// hidden ones and a speed test. Every test below fails until you replace the
// todo!()s in src/.
//
// The reference solution runs this same file (reference/03-attention/
// tests/lab.rs includes it), so keep to `attention::` paths here.

use attention::{
    attention_weights, causal_mask, merge_heads, multi_head_attention,
    scaled_dot_product_attention, sinusoidal_positional_encoding, softmax_last_dim, split_heads,
    AttentionError, DType, Device, MultiHeadWeights, Tensor,
};

const CPU: Device = Device::Cpu;

fn t(shape: &[usize], data: &[f32]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape, &CPU).expect("a valid tensor")
}

/// `n` deterministic values in [-1, 1).
fn numbers(n: usize, seed: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| {
            ((i.wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40_503)) % 2000) as f32 / 1000.0
                - 1.0
        })
        .collect()
}

fn values(x: &Tensor) -> Vec<f32> {
    x.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn assert_all_close(actual: &[f32], expected: &[f32]) {
    assert_eq!(actual.len(), expected.len(), "number of values");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= 1e-5, "value {i}: expected {e}, got {a}");
    }
}

// -------------------------------------------------------------- causal mask

#[test]
fn the_causal_mask_lets_each_token_see_itself_and_the_past() {
    let mask = causal_mask(4, &CPU).unwrap();
    assert_eq!(mask.dtype(), DType::U8);
    assert_eq!(
        mask.to_vec2::<u8>().unwrap(),
        vec![
            vec![1, 0, 0, 0], // token 1 sees [1]
            vec![1, 1, 0, 0], // token 2 sees [1, 2]
            vec![1, 1, 1, 0],
            vec![1, 1, 1, 1], // token 4 sees [1, 2, 3, 4]
        ]
    );
}

#[test]
fn a_causal_mask_of_no_tokens_is_an_error() {
    assert!(matches!(
        causal_mask(0, &CPU),
        Err(AttentionError::Zero { name: "seq_len" })
    ));
}

// ------------------------------------------------------------------ softmax

#[test]
fn softmax_turns_scores_into_probabilities() {
    let p = values(&softmax_last_dim(&t(&[3], &[1.0, 2.0, 3.0])).unwrap());
    assert_all_close(&p, &[0.090_030_57, 0.244_728_47, 0.665_240_96]);
}

#[test]
fn softmax_survives_huge_logits() {
    // exp(1000) is infinite in f32: only a stable softmax gets this right.
    let p = values(&softmax_last_dim(&t(&[3], &[1000.0, 1001.0, 1002.0])).unwrap());
    assert_all_close(&p, &[0.090_030_57, 0.244_728_47, 0.665_240_96]);
}

#[test]
fn softmax_gives_minus_infinity_exactly_zero() {
    let p = values(&softmax_last_dim(&t(&[3], &[0.0, f32::NEG_INFINITY, 0.0])).unwrap());
    assert_eq!(p, vec![0.5, 0.0, 0.5]);
}

#[test]
fn softmax_works_along_the_last_axis_of_every_row() {
    let p = softmax_last_dim(&t(&[2, 2], &[0.0, 0.0, 5.0, 5.0])).unwrap();
    assert_all_close(&values(&p), &[0.5, 0.5, 0.5, 0.5]);
}

// ---------------------------------------------------------------- attention

#[test]
fn weights_are_softmax_of_scores_scaled_by_one_over_sqrt_d() {
    // One query [2, 0, 0, 0], keys [1, 0, 0, 0] and [0, 0, 0, 0]: scores 2 and
    // 0, divided by sqrt(4) = 2 -> 1 and 0 -> softmax [e/(e+1), 1/(e+1)].
    let q = t(&[1, 1, 1, 4], &[2.0, 0.0, 0.0, 0.0]);
    let k = t(&[1, 1, 2, 4], &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    let w = values(&attention_weights(&q, &k, None).unwrap());
    let e = std::f32::consts::E;
    assert_all_close(&w, &[e / (e + 1.0), 1.0 / (e + 1.0)]);
}

#[test]
fn every_row_of_weights_sums_to_one() {
    let q = t(&[2, 3, 5, 4], &numbers(120, 1));
    let k = t(&[2, 3, 7, 4], &numbers(168, 2));
    let w = attention_weights(&q, &k, None).unwrap();
    assert_eq!(w.dims(), &[2, 3, 5, 7]);
    for row in values(&w).chunks(7) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
    }
}

#[test]
fn under_the_causal_mask_no_token_looks_ahead() {
    let q = t(&[1, 2, 6, 4], &numbers(48, 3));
    let k = t(&[1, 2, 6, 4], &numbers(48, 4));
    let mask = causal_mask(6, &CPU).unwrap();
    let w = attention_weights(&q, &k, Some(&mask)).unwrap();
    for (r, row) in values(&w).chunks(6).enumerate() {
        let i = r % 6;
        assert!(
            row[i + 1..].iter().all(|&x| x == 0.0),
            "row {i} looks ahead: {row:?}"
        );
        assert!(
            row[..=i].iter().all(|&x| x > 0.0),
            "row {i} must see 0..={i}: {row:?}"
        );
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}

#[test]
fn the_first_token_under_the_causal_mask_copies_its_own_value() {
    let q = t(&[1, 1, 3, 2], &numbers(6, 5));
    let k = t(&[1, 1, 3, 2], &numbers(6, 6));
    let v = t(&[1, 1, 3, 1], &[10.0, 20.0, 30.0]);
    let mask = causal_mask(3, &CPU).unwrap();
    let out = values(&scaled_dot_product_attention(&q, &k, &v, Some(&mask)).unwrap());
    assert!((out[0] - 10.0).abs() < 1e-5, "{out:?}");
    assert!(out[1] > 10.0 && out[1] < 20.0, "{out:?}");
}

#[test]
fn attention_output_mixes_the_values() {
    let q = t(&[1, 1, 1, 2], &[1.0, 1.0]);
    let k = t(&[1, 1, 2, 2], &[1.0, 0.0, 0.0, 0.0]);
    let v = t(&[1, 1, 2, 3], &[1.0, 2.0, 3.0, -1.0, 0.0, 1.0]);
    let w = values(&attention_weights(&q, &k, None).unwrap());
    let out = scaled_dot_product_attention(&q, &k, &v, None).unwrap();
    assert_eq!(out.dims(), &[1, 1, 1, 3], "v's width, not head_dim");
    let expected: Vec<f32> = (0..3)
        .map(|c| w[0] * [1.0, 2.0, 3.0][c] + w[1] * [-1.0, 0.0, 1.0][c])
        .collect();
    assert_all_close(&values(&out), &expected);
}

// ------------------------------------------------------------------- errors

#[test]
fn shape_and_dtype_mistakes_are_typed_errors() {
    let ok = t(&[1, 2, 3, 4], &numbers(24, 7));
    assert!(matches!(
        scaled_dot_product_attention(&t(&[2, 3, 4], &numbers(24, 7)), &ok, &ok, None),
        Err(AttentionError::Rank {
            name: "q",
            expected: 4,
            found: 3
        })
    ));
    assert!(matches!(
        scaled_dot_product_attention(&ok, &t(&[1, 2, 3, 5], &numbers(30, 7)), &ok, None),
        Err(AttentionError::Dim {
            name: "k",
            axis: 3,
            expected: 4,
            found: 5
        })
    ));
    let k64 = ok.to_dtype(DType::F64).unwrap();
    assert!(matches!(
        attention_weights(&ok, &k64, None),
        Err(AttentionError::DTypeMismatch { name: "k", .. })
    ));
    let float_mask = t(&[3, 3], &[1.0; 9]);
    assert!(matches!(
        attention_weights(&ok, &ok, Some(&float_mask)),
        Err(AttentionError::DTypeMismatch {
            name: "mask",
            expected: DType::U8,
            ..
        })
    ));
    let blind = Tensor::from_vec(vec![1u8, 0, 0, 0, 0, 0, 1, 1, 1], (3, 3), &CPU).unwrap();
    assert!(matches!(
        attention_weights(&ok, &ok, Some(&blind)),
        Err(AttentionError::EmptyMaskRow { row: 1 })
    ));
}

// -------------------------------------------------------------------- heads

#[test]
fn split_heads_gives_each_head_its_own_columns() {
    // One sequence of 2 positions, 4 columns, 2 heads of 2 columns.
    let x = t(&[1, 2, 4], &[0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0]);
    let heads = split_heads(&x, 2).unwrap();
    assert_eq!(heads.dims(), &[1, 2, 2, 2]);
    // head 0: columns 0-1 of both positions; head 1: columns 2-3.
    assert_eq!(
        values(&heads),
        vec![0.0, 1.0, 10.0, 11.0, 2.0, 3.0, 12.0, 13.0]
    );
    assert_eq!(values(&merge_heads(&heads).unwrap()), values(&x));
}

#[test]
fn heads_must_divide_the_model_width() {
    let x = t(&[1, 2, 10], &numbers(20, 8));
    assert!(matches!(
        split_heads(&x, 3),
        Err(AttentionError::HeadsDoNotDivide {
            d_model: 10,
            heads: 3
        })
    ));
}

// --------------------------------------------------------------- multi-head

fn identity_weights(d: usize) -> MultiHeadWeights {
    let eye = Tensor::eye(d, DType::F32, &CPU).unwrap();
    let zero = Tensor::zeros(d, DType::F32, &CPU).unwrap();
    MultiHeadWeights {
        w_q: eye.clone(),
        b_q: zero.clone(),
        w_k: eye.clone(),
        b_k: zero.clone(),
        w_v: eye.clone(),
        b_v: zero.clone(),
        w_o: eye,
        b_o: zero,
    }
}

#[test]
fn multi_head_with_identity_weights_is_attention_per_head() {
    let x = t(&[1, 3, 4], &numbers(12, 9));
    let out = multi_head_attention(&x, &identity_weights(4), 2, true).unwrap();
    assert_eq!(out.dims(), &[1, 3, 4]);
    let heads = split_heads(&x, 2).unwrap();
    let mask = causal_mask(3, &CPU).unwrap();
    let per_head = scaled_dot_product_attention(&heads, &heads, &heads, Some(&mask)).unwrap();
    assert_all_close(&values(&out), &values(&merge_heads(&per_head).unwrap()));
    // The first position sees only itself: its output is its own value.
    assert_all_close(&values(&out)[..4], &values(&x)[..4]);
}

// --------------------------------------------------------------- positional

#[test]
fn positional_encoding_alternates_sine_and_cosine() {
    let pe = sinusoidal_positional_encoding(3, 4, &CPU).unwrap();
    assert_eq!(pe.dims(), &[3, 4]);
    let row = |pos: f64| -> Vec<f32> {
        let slow = pos / 100.0; // 10000^(2/4) = 100
        vec![
            pos.sin() as f32,
            pos.cos() as f32,
            slow.sin() as f32,
            slow.cos() as f32,
        ]
    };
    let expected: Vec<f32> = (0..3).flat_map(|p| row(f64::from(p))).collect();
    assert_all_close(&values(&pe), &expected);
}

#[test]
fn positional_encoding_of_position_zero_is_zero_one_zero_one() {
    let pe = sinusoidal_positional_encoding(1, 6, &CPU).unwrap();
    assert_eq!(values(&pe), vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
}
