//! Driver for lab 04 (memory calculator): answers case requests by calling
//! the linked lab crate. Owned by the grader; never edited by students.
//!
//! Counts and byte sizes travel as JSON integers (compared exactly); the only
//! floats are the GB/GiB figures of `weight_memory_units` (compared within
//! the lab's relative tolerance). Typed errors travel as
//! `{"kind": "...", ...fields}`. Every call reaches at least one function the
//! student writes, so the untouched starter answers none of them.

use std::process::ExitCode;

use lab::{
    Architecture, Bytes, CalcError, ConfigError, KvCacheConfig, LoraConfig, LoraMemoryConfig,
    Optimizer, Precision, TrainingConfig,
};
use lab_protocol::{float, serve, unknown_call, ArgError, Args, GuardedAlloc, Reply};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: GuardedAlloc = GuardedAlloc;

fn main() -> ExitCode {
    serve(dispatch)
}

fn dispatch(call: &str, args: &Args) -> Result<Reply, ArgError> {
    Ok(match call {
        "bits" => Reply::Ok(json!(args.parse::<Precision>("precision")?.bits())),
        "parse_precisions" => parse_precisions(args)?,
        "weight_bytes" => bytes(lab::weight_bytes(
            args.u64("params")?,
            args.parse("precision")?,
        )),
        "inference_vram" => bytes(lab::inference_vram(
            args.u64("params")?,
            args.parse("precision")?,
        )),
        "weight_memory_units" => weight_memory_units(args)?,
        "state_copies" => Reply::Ok(json!(args.parse::<Optimizer>("optimizer")?.state_copies())),
        "training_memory" => {
            let config: TrainingConfig = args.parse("config")?;
            match lab::training_memory(&config) {
                Ok(m) => Reply::Ok(json!({
                    "weights": m.weights.get(),
                    "gradients": m.gradients.get(),
                    "optimizer_state": m.optimizer_state.get(),
                    "master_weights": m.master_weights.get(),
                    "activations": m.activations.get(),
                    "total": m.total.get(),
                })),
                Err(err) => Reply::Err(calc_error(&err)),
            }
        }
        "param_count" => count(args.parse::<Architecture>("arch")?.param_count()),
        "config_param_counts" => config_param_counts(args)?,
        "projections" => match args.parse::<Architecture>("arch")?.projections() {
            Ok(projections) => Reply::Ok(Value::Array(
                projections
                    .iter()
                    .map(|p| {
                        json!({
                            "name": p.name,
                            "in_features": p.in_features,
                            "out_features": p.out_features,
                        })
                    })
                    .collect(),
            )),
            Err(err) => Reply::Err(calc_error(&err)),
        },
        "kv_cache_config" => match kv_config(args)? {
            Ok(config) => Reply::Ok(kv_config_json(&config)),
            Err(err) => Reply::Err(calc_error(&err)),
        },
        "kv_cache_bytes" => bytes(lab::kv_cache_bytes(&args.parse::<KvCacheConfig>("config")?)),
        "kv_cache" => match kv_config(args)? {
            Ok(config) => bytes(lab::kv_cache_bytes(&config)),
            Err(err) => Reply::Err(calc_error(&err)),
        },
        "lora_trainable_params" => {
            let arch: Architecture = args.parse("arch")?;
            let lora: LoraConfig = args.parse("lora")?;
            count(lab::lora_trainable_params(&arch, &lora))
        }
        "lora_memory" => {
            let config: LoraMemoryConfig = args.parse("config")?;
            match lab::lora_memory(&config) {
                Ok(m) => Reply::Ok(json!({
                    "base_weights": m.base_weights.get(),
                    "adapter_weights": m.adapter_weights.get(),
                    "adapter_gradients": m.adapter_gradients.get(),
                    "optimizer_state": m.optimizer_state.get(),
                    "activations": m.activations.get(),
                    "total": m.total.get(),
                })),
                Err(err) => Reply::Err(calc_error(&err)),
            }
        }
        other => return unknown_call(other),
    })
}

/// Each spelling parsed (given code) and, when known, its bits (a TODO).
fn parse_precisions(args: &Args) -> Result<Reply, ArgError> {
    let spellings: Vec<String> = args.parse("spellings")?;
    let results = spellings
        .iter()
        .map(|spelling| match spelling.parse::<Precision>() {
            Ok(precision) => {
                json!({ "ok": { "precision": precision.name(), "bits": precision.bits() } })
            }
            Err(err) => json!({ "err": { "kind": "unknown_precision", "spelling": err.spelling } }),
        })
        .collect();
    Ok(Reply::Ok(Value::Array(results)))
}

/// `weight_bytes` shown in both units, and whether it fits a memory budget
/// written like `"24GB"` or `"16 GiB"` (parsed by the lab's `Bytes`).
fn weight_memory_units(args: &Args) -> Result<Reply, ArgError> {
    let weights = match lab::weight_bytes(args.u64("params")?, args.parse("precision")?) {
        Ok(weights) => weights,
        Err(err) => return Ok(Reply::Err(calc_error(&err))),
    };
    let mut out = json!({
        "bytes": weights.get(),
        "gb": float(weights.gb()),
        "gib": float(weights.gib()),
        "decimal": weights.decimal(),
        "binary": weights.binary(),
        "display": weights.to_string(),
    });
    if let Some(budget) = args.raw("budget").ok().and_then(Value::as_str) {
        match budget.parse::<Bytes>() {
            Ok(budget) => {
                out["budget"] = json!(budget.get());
                out["fits"] = json!(weights <= budget);
            }
            Err(err) => {
                return Ok(Reply::Err(json!({
                    "kind": "parse_bytes",
                    "input": err.input,
                    "reason": err.reason,
                })))
            }
        }
    }
    Ok(Reply::Ok(out))
}

/// Each config.json text parsed (given code) and counted (a TODO).
fn config_param_counts(args: &Args) -> Result<Reply, ArgError> {
    let configs: Vec<String> = args.parse("configs")?;
    let results = configs
        .iter()
        .map(|text| match lab::parse_config(text) {
            Ok(arch) => match arch.param_count() {
                Ok(n) => json!({ "ok": { "model_type": arch.family().name(), "params": n } }),
                Err(err) => json!({ "err": calc_error(&err) }),
            },
            Err(err) => json!({ "err": config_error(&err) }),
        })
        .collect();
    Ok(Reply::Ok(Value::Array(results)))
}

fn kv_config(args: &Args) -> Result<Result<KvCacheConfig, CalcError>, ArgError> {
    let arch: Architecture = args.parse("arch")?;
    Ok(arch.kv_cache_config(
        args.u64("seq_len")?,
        args.u64("batch_size")?,
        args.parse("precision")?,
    ))
}

fn kv_config_json(config: &KvCacheConfig) -> Value {
    json!({
        "num_hidden_layers": config.num_hidden_layers,
        "num_key_value_heads": config.num_key_value_heads,
        "head_dim": config.head_dim,
        "seq_len": config.seq_len,
        "batch_size": config.batch_size,
        "precision": config.precision.name(),
    })
}

fn count(result: Result<u64, CalcError>) -> Reply {
    match result {
        Ok(n) => Reply::Ok(json!(n)),
        Err(err) => Reply::Err(calc_error(&err)),
    }
}

fn bytes(result: Result<Bytes, CalcError>) -> Reply {
    match result {
        Ok(b) => Reply::Ok(json!(b.get())),
        Err(err) => Reply::Err(calc_error(&err)),
    }
}

fn calc_error(err: &CalcError) -> Value {
    match err {
        CalcError::Zero { field } => json!({ "kind": "zero", "field": field }),
        CalcError::NotDivisible {
            field,
            value,
            divisor_field,
            divisor,
        } => json!({
            "kind": "not_divisible",
            "field": field,
            "value": value,
            "divisor_field": divisor_field,
            "divisor": divisor,
        }),
        CalcError::Overflow { quantity } => json!({ "kind": "overflow", "quantity": quantity }),
        CalcError::Empty { field } => json!({ "kind": "empty", "field": field }),
        CalcError::UnknownTarget { name, known } => {
            json!({ "kind": "unknown_target", "name": name, "known": known })
        }
        CalcError::NoKvCache { family } => {
            json!({ "kind": "no_kv_cache", "family": family.name() })
        }
    }
}

fn config_error(err: &ConfigError) -> Value {
    match err {
        ConfigError::Json { message } => json!({ "kind": "json", "message": message }),
        ConfigError::NotAnObject => json!({ "kind": "not_an_object" }),
        ConfigError::MissingField { field } => json!({ "kind": "missing_field", "field": field }),
        ConfigError::WrongType {
            field,
            expected,
            found,
        } => json!({
            "kind": "wrong_type",
            "field": field,
            "expected": expected,
            "found": found,
        }),
        ConfigError::UnknownFamily { model_type } => {
            json!({ "kind": "unknown_family", "model_type": model_type })
        }
        ConfigError::Unsupported { field, found } => {
            json!({ "kind": "unsupported", "field": field, "found": found })
        }
        ConfigError::Invalid(err) => json!({ "kind": "invalid", "error": calc_error(err) }),
    }
}
