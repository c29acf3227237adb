//! Driver for lab 03 (attention): answers case requests by calling the
//! linked lab crate. Owned by the grader; never edited by students.
//!
//! Tensors travel as `{"shape": [..], "data": [..], "dtype": "f32"}` with
//! the data flattened in row-major order (`dtype` defaults to f32; error
//! cases send other dtypes). Results come back the same way, converted to
//! f32 for the wire but with the dtype the student's code returned. Typed
//! errors travel as `{"kind": "...", ...fields}`.
//!
//! `attention_digest` is the timing call: its args are a seed and a shape;
//! the driver generates q, k and v (and the causal mask) itself, keeps them
//! for later requests with the same args, and replies a small digest of the
//! output (mean, root mean square, 16 sampled values), so that a timed
//! request is the student's `scaled_dot_product_attention` and little else.
//!
//! Every case says its device in `"device"` (`"cpu"` when absent); `"cuda"`
//! uses GPU 0 and needs a driver built with the `cuda` feature on a machine
//! with an NVIDIA GPU, else the request is refused as a grader error.

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;

use lab::{AttentionError, DType, Device, MultiHeadWeights, Tensor};
use lab_protocol::{float, serve, unknown_call, ArgError, Args, GuardedAlloc, Reply};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: GuardedAlloc = GuardedAlloc;

fn main() -> ExitCode {
    serve(dispatch)
}

fn dispatch(call: &str, args: &Args) -> Result<Reply, ArgError> {
    let device = device(args)?;
    let d = &device;
    Ok(match call {
        "causal_mask" => tensor_reply(lab::causal_mask(args.usize("seq_len")?, d)),
        "softmax" => tensor_reply(lab::softmax_last_dim(&tensor(args, "x", d)?)),
        "attention_weights" => {
            let mask = optional_tensor(args, "mask", d)?;
            tensor_reply(lab::attention_weights(
                &tensor(args, "q", d)?,
                &tensor(args, "k", d)?,
                mask.as_ref(),
            ))
        }
        "attention" => {
            let mask = optional_tensor(args, "mask", d)?;
            tensor_reply(lab::scaled_dot_product_attention(
                &tensor(args, "q", d)?,
                &tensor(args, "k", d)?,
                &tensor(args, "v", d)?,
                mask.as_ref(),
            ))
        }
        "split_heads" => tensor_reply(lab::split_heads(
            &tensor(args, "x", d)?,
            args.usize("heads")?,
        )),
        "merge_heads" => tensor_reply(lab::merge_heads(&tensor(args, "x", d)?)),
        "multi_head_attention" => {
            let w = Args::new(args.raw("weights")?);
            let weights = MultiHeadWeights {
                w_q: tensor(&w, "w_q", d)?,
                b_q: tensor(&w, "b_q", d)?,
                w_k: tensor(&w, "w_k", d)?,
                b_k: tensor(&w, "b_k", d)?,
                w_v: tensor(&w, "w_v", d)?,
                b_v: tensor(&w, "b_v", d)?,
                w_o: tensor(&w, "w_o", d)?,
                b_o: tensor(&w, "b_o", d)?,
            };
            tensor_reply(lab::multi_head_attention(
                &tensor(args, "x", d)?,
                &weights,
                args.usize("heads")?,
                args.parse::<bool>("causal")?,
            ))
        }
        "positional_encoding" => tensor_reply(lab::sinusoidal_positional_encoding(
            args.usize("seq_len")?,
            args.usize("d_model")?,
            d,
        )),
        "attention_digest" => attention_digest(args, d)?,
        other => return unknown_call(other),
    })
}

fn device(args: &Args) -> Result<Device, ArgError> {
    match args
        .raw("device")
        .ok()
        .and_then(Value::as_str)
        .unwrap_or("cpu")
    {
        "cpu" => Ok(Device::Cpu),
        "cuda" => Device::new_cuda(0).map_err(|err| {
            ArgError(format!(
                "this case needs a CUDA GPU and the driver cannot use one: {err}"
            ))
        }),
        other => Err(ArgError(format!("unknown device `{other}`"))),
    }
}

fn parse_dtype(name: &str) -> Result<DType, ArgError> {
    Ok(match name {
        "f32" => DType::F32,
        "f64" => DType::F64,
        "f16" => DType::F16,
        "bf16" => DType::BF16,
        "u8" => DType::U8,
        "u32" => DType::U32,
        "i64" => DType::I64,
        other => return Err(ArgError(format!("unknown dtype `{other}`"))),
    })
}

fn dtype_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "f32",
        DType::F64 => "f64",
        DType::F16 => "f16",
        DType::BF16 => "bf16",
        DType::U8 => "u8",
        DType::U32 => "u32",
        DType::I64 => "i64",
        _ => "other",
    }
}

/// Argument `name`: `{"shape", "data", "dtype"?}` as a tensor on `device`.
fn tensor(args: &Args, name: &str, device: &Device) -> Result<Tensor, ArgError> {
    let t = Args::new(args.raw(name)?);
    let shape: Vec<usize> = t.parse("shape")?;
    let data = t.f32_vec("data")?;
    let dtype = match t.raw("dtype") {
        Ok(value) => parse_dtype(value.as_str().unwrap_or(""))?,
        Err(_) => DType::F32,
    };
    let bad = |err: lab::candle_core::Error| ArgError(format!("argument `{name}`: {err}"));
    Tensor::from_vec(data, shape, device)
        .and_then(|t| t.to_dtype(dtype))
        .map_err(bad)
}

fn optional_tensor(args: &Args, name: &str, device: &Device) -> Result<Option<Tensor>, ArgError> {
    match args.raw(name) {
        Ok(Value::Null) | Err(_) => Ok(None),
        Ok(_) => tensor(args, name, device).map(Some),
    }
}

fn tensor_reply(result: Result<Tensor, AttentionError>) -> Reply {
    match result.and_then(|t| encode(&t)) {
        Ok(value) => Reply::Ok(value),
        Err(err) => Reply::Err(error_value(&err)),
    }
}

fn encode(t: &Tensor) -> Result<Value, AttentionError> {
    let data = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    Ok(json!({
        "dtype": dtype_name(t.dtype()),
        "shape": t.dims(),
        "data": data.iter().map(|&x| float(f64::from(x))).collect::<Vec<_>>(),
    }))
}

fn error_value(err: &AttentionError) -> Value {
    match err {
        AttentionError::Rank {
            name,
            expected,
            found,
        } => json!({ "kind": "rank", "name": name, "expected": expected, "found": found }),
        AttentionError::NotFloat { name, found } => {
            json!({ "kind": "not_float", "name": name, "found": dtype_name(*found) })
        }
        AttentionError::DTypeMismatch {
            name,
            expected,
            found,
        } => json!({
            "kind": "dtype_mismatch", "name": name,
            "expected": dtype_name(*expected), "found": dtype_name(*found),
        }),
        AttentionError::Empty { name } => json!({ "kind": "empty", "name": name }),
        AttentionError::Dim {
            name,
            axis,
            expected,
            found,
        } => json!({
            "kind": "dim", "name": name, "axis": axis, "expected": expected, "found": found,
        }),
        AttentionError::Zero { name } => json!({ "kind": "zero", "name": name }),
        AttentionError::HeadsDoNotDivide { d_model, heads } => {
            json!({ "kind": "heads_do_not_divide", "d_model": d_model, "heads": heads })
        }
        AttentionError::EmptyMaskRow { row } => json!({ "kind": "empty_mask_row", "row": row }),
        AttentionError::Candle(err) => json!({ "kind": "candle", "message": err.to_string() }),
    }
}

type Inputs = (Tensor, Tensor, Tensor, Option<Tensor>);

thread_local! {
    /// Inputs of `attention_digest`, by their args: only the warm-up
    /// request generates them.
    static INPUTS: RefCell<HashMap<String, Inputs>> = RefCell::new(HashMap::new());
}

fn attention_digest(args: &Args, device: &Device) -> Result<Reply, ArgError> {
    let key = serde_json::to_string(args.raw("seed")?).unwrap_or_default()
        + &format!(
            "/{}/{}/{}/{}/{}",
            args.usize("batch")?,
            args.usize("heads")?,
            args.usize("seq")?,
            args.usize("head_dim")?,
            args.parse::<bool>("causal")?
        );
    let cached = INPUTS.with(|inputs| inputs.borrow().get(&key).cloned());
    let (q, k, v, mask) = match cached {
        Some(inputs) => inputs,
        None => {
            let inputs = generate(args, device)?;
            INPUTS.with(|all| all.borrow_mut().insert(key, inputs.clone()));
            inputs
        }
    };
    Ok(
        match lab::scaled_dot_product_attention(&q, &k, &v, mask.as_ref())
            .and_then(|out| digest(&out))
        {
            Ok(value) => Reply::Ok(value),
            Err(err) => Reply::Err(error_value(&err)),
        },
    )
}

fn generate(args: &Args, device: &Device) -> Result<Inputs, ArgError> {
    let (b, h, s, d) = (
        args.usize("batch")?,
        args.usize("heads")?,
        args.usize("seq")?,
        args.usize("head_dim")?,
    );
    let mut state = args.u64("seed")?;
    let mut next = move || {
        // splitmix64, 24 bits -> uniform in [-1, 1), exact in f32.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 40) as f32 / (1u32 << 23) as f32 - 1.0
    };
    let bad = |err: lab::candle_core::Error| ArgError(format!("generating inputs: {err}"));
    let mut make = || {
        let data: Vec<f32> = (0..b * h * s * d).map(|_| next()).collect();
        Tensor::from_vec(data, (b, h, s, d), device).map_err(bad)
    };
    let (q, k, v) = (make()?, make()?, make()?);
    let mask = if args.parse::<bool>("causal")? {
        let tril: Vec<u8> = (0..s * s).map(|n| u8::from(n % s <= n / s)).collect();
        Some(Tensor::from_vec(tril, (s, s), device).map_err(bad)?)
    } else {
        None
    };
    Ok((q, k, v, mask))
}

fn digest(out: &Tensor) -> Result<Value, AttentionError> {
    let data = out.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    let n = data.len().max(1) as f64;
    let mean = data.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let rms = (data.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / n).sqrt();
    let samples: Vec<Value> = (0..16)
        .filter_map(|i| data.get(i * data.len().saturating_sub(1) / 15))
        .map(|&x| float(f64::from(x)))
        .collect();
    Ok(json!({
        "dtype": dtype_name(out.dtype()),
        "shape": out.dims(),
        "mean": float(mean),
        "rms": float(rms),
        "samples": samples,
    }))
}
