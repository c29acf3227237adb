//! The reference agrees with an independent implementation: PyTorch's
//! `scaled_dot_product_attention` (causal and not), softmax(QK^T/sqrt(d)) in
//! float64, `nn.MultiheadAttention` and the sinusoidal table, recorded by
//! tests/torch/make_fixture.py in tests/torch/torch_attention.json. Every
//! value must agree within 1e-5 absolute.

use attention_reference::{
    attention_weights, causal_mask, multi_head_attention, scaled_dot_product_attention,
    sinusoidal_positional_encoding, Device, MultiHeadWeights, Tensor,
};
use serde_json::Value;

const TOLERANCE: f32 = 1e-5;

fn fixture() -> Value {
    serde_json::from_str(include_str!("torch/torch_attention.json")).expect("valid fixture")
}

fn floats(value: &Value) -> Vec<f32> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

fn tensor(value: &Value) -> Tensor {
    let shape: Vec<usize> = serde_json::from_value(value["shape"].clone()).unwrap();
    Tensor::from_vec(floats(&value["data"]), shape, &Device::Cpu).unwrap()
}

/// The largest absolute difference, after checking the lengths.
fn max_difference(what: &str, actual: &Tensor, expected: &[f32]) -> f32 {
    let actual = actual.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert_eq!(actual.len(), expected.len(), "{what}: number of values");
    actual
        .iter()
        .zip(expected)
        .map(|(a, e)| (a - e).abs())
        .fold(0.0, f32::max)
}

#[test]
fn attention_agrees_with_torch_scaled_dot_product_attention() {
    let fixture = fixture();
    let cases = fixture["attention"].as_array().unwrap();
    assert!(cases.len() >= 10);
    let mut worst = 0f32;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (q, k, v) = (tensor(&case["q"]), tensor(&case["k"]), tensor(&case["v"]));
        let mask = case["causal"]
            .as_bool()
            .unwrap()
            .then(|| causal_mask(q.dims()[2], &Device::Cpu).unwrap());
        let out = scaled_dot_product_attention(&q, &k, &v, mask.as_ref()).unwrap();
        let diff = max_difference(name, &out, &floats(&case["sdpa"]));
        assert!(diff <= TOLERANCE, "{name}: output off by {diff}");
        let weights = attention_weights(&q, &k, mask.as_ref()).unwrap();
        let diff_w = max_difference(name, &weights, &floats(&case["weights"]));
        assert!(diff_w <= TOLERANCE, "{name}: weights off by {diff_w}");
        worst = worst.max(diff).max(diff_w);
    }
    println!(
        "largest difference from torch over {} cases: {worst:e}",
        cases.len()
    );
}

#[test]
fn multi_head_attention_agrees_with_torch_multihead_attention() {
    let fixture = fixture();
    for case in fixture["multi_head"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let w = &case["weights"];
        let weights = MultiHeadWeights {
            w_q: tensor(&w["w_q"]),
            b_q: tensor(&w["b_q"]),
            w_k: tensor(&w["w_k"]),
            b_k: tensor(&w["b_k"]),
            w_v: tensor(&w["w_v"]),
            b_v: tensor(&w["b_v"]),
            w_o: tensor(&w["w_o"]),
            b_o: tensor(&w["b_o"]),
        };
        let heads = case["heads"].as_u64().unwrap() as usize;
        let causal = case["causal"].as_bool().unwrap();
        let out = multi_head_attention(&tensor(&case["x"]), &weights, heads, causal).unwrap();
        let diff = max_difference(name, &out, &floats(&case["out"]));
        assert!(diff <= TOLERANCE, "{name}: off by {diff}");
    }
}

#[test]
fn positional_encoding_agrees_with_torch_in_float64() {
    let fixture = fixture();
    for case in fixture["positional"].as_array().unwrap() {
        let (seq, d) = (
            case["seq_len"].as_u64().unwrap() as usize,
            case["d_model"].as_u64().unwrap() as usize,
        );
        let table = sinusoidal_positional_encoding(seq, d, &Device::Cpu).unwrap();
        let diff = max_difference("positional", &table, &floats(&case["table"]));
        assert!(diff <= 1e-6, "({seq}, {d}): off by {diff}");
    }
}
