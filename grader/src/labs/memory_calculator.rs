//! Lab 04, the memory calculator: hand-picked cases (published models, the
//! lessons' figures) and seeded random architectures and sizes per group.
//!
//! Every case calls at least one function the student writes (the given
//! parsers are only reached together with one), so the untouched starter
//! scores 0. Groups are cut so that one classic mistake costs the groups that
//! test it and nothing else: the GPT-2, Llama and BERT counts, the KV cache,
//! the x 1.2 rule and the GB/GiB units each have their own public and hidden
//! group, and no other group goes through them.
//!
//! Generated architectures are valid (heads divide the hidden size, key/value
//! heads divide the query heads) and range from a few hundred parameters to
//! about 400 billion, so counts pass `u32::MAX` and memory figures pass a
//! terabyte; the error groups build invalid ones on purpose.

use serde_json::{json, Map, Value};

use super::LabModule;
use crate::cases::{Case, CaseRng};

/// Lab `04-memory-calculator`.
pub struct MemoryCalculator;

impl LabModule for MemoryCalculator {
    fn id(&self) -> &'static str {
        "04-memory-calculator"
    }

    fn cases(&self, group: &str, rng: &mut CaseRng, generated: u32) -> Option<Vec<Case>> {
        let make: fn(&str, &str, &mut CaseRng, u32) -> Case = match group {
            "precision" => precision_case,
            "inference-vram" | "hidden-inference" => inference_case,
            "training" | "hidden-training" => training_case,
            "params-gpt2" | "hidden-gpt2" => gpt2_count_case,
            "params-llama" | "hidden-llama" => llama_count_case,
            "params-bert" | "hidden-bert" => bert_count_case,
            "kv-cache" | "hidden-kv-cache" => kv_case,
            "lora" | "hidden-lora" => lora_case,
            "units" | "hidden-units" => units_case,
            "errors" | "hidden-errors" => error_case,
            _ => return None,
        };
        let mut cases = match group {
            "precision" => precision(),
            "inference-vram" => inference_vram(),
            "training" => training(),
            "params-gpt2" => params_gpt2(),
            "params-llama" => params_llama(),
            "params-bert" => params_bert(),
            "kv-cache" => kv_cache(),
            "lora" => lora(),
            "units" => units(),
            "errors" => errors(),
            "hidden-inference" => hidden_inference(),
            "hidden-gpt2" => hidden_gpt2(),
            "hidden-llama" => hidden_llama(),
            "hidden-bert" => hidden_bert(),
            _ => Vec::new(),
        };
        for i in 0..generated {
            let name = format!("random-{i:02}");
            cases.push(make(group, &name, rng, i));
        }
        Some(cases)
    }
}

// ---------------------------------------------------------------- values

const PRECISIONS: [&str; 5] = ["fp32", "fp16", "bf16", "int8", "int4"];
const OPTIMIZERS: [&str; 3] = ["sgd", "sgd_momentum", "adam"];
const GPT2_TARGETS: [&str; 4] = ["c_attn", "attn.c_proj", "c_fc", "mlp.c_proj"];
const LLAMA_TARGETS: [&str; 7] = [
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
];
const BERT_TARGETS: [&str; 6] = [
    "query",
    "key",
    "value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
];

/// LLaMA 3 8B's exact parameter count (the lesson's "8B").
const LLAMA3_8B_PARAMS: u64 = 8_030_261_248;

fn pick<T: Copy>(rng: &mut CaseRng, items: &[T]) -> T {
    items[rng.int(0, items.len() as u64 - 1) as usize]
}

fn precision_of(rng: &mut CaseRng) -> &'static str {
    pick(rng, &PRECISIONS)
}

/// Precisions of at least 16 bits: `params > u64::MAX / 2` overflows their
/// weight memory whatever else a submission gets wrong.
fn wide_precision(rng: &mut CaseRng) -> &'static str {
    pick(rng, &["fp32", "fp16", "bf16"])
}

/// A parameter count of size tier `tier` (0 tiny ... 4 up to ~420 billion).
fn params_of_tier(rng: &mut CaseRng, tier: u32) -> u64 {
    match tier {
        0 => rng.int(1, 1_000),
        1 => rng.int(1_000, 100_000_000),
        2 => rng.int(100_000_000, 10_000_000_000),
        3 => rng.int(10_000_000_000, 100_000_000_000),
        _ => rng.int(100_000_000_000, 420_000_000_000),
    }
}

/// Drop `null` members, so optional config fields are absent rather than null.
fn compact_object(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<String, Value>>(),
        ),
        other => other,
    }
}

// ---------------------------------------------------------- architectures

/// A GPT-2 config (`Architecture` JSON, tagged by `model_type`).
#[derive(Debug, Clone, Copy)]
struct Gpt2 {
    vocab: u64,
    positions: u64,
    embd: u64,
    layers: u64,
    heads: u64,
    inner: Option<u64>,
    tied: bool,
}

impl Gpt2 {
    const fn new(vocab: u64, positions: u64, embd: u64, layers: u64, heads: u64) -> Gpt2 {
        Gpt2 {
            vocab,
            positions,
            embd,
            layers,
            heads,
            inner: None,
            tied: true,
        }
    }

    fn json(&self) -> Value {
        compact_object(json!({
            "model_type": "gpt2",
            "vocab_size": self.vocab,
            "n_positions": self.positions,
            "n_embd": self.embd,
            "n_layer": self.layers,
            "n_head": self.heads,
            "n_inner": self.inner,
            "tie_word_embeddings": self.tied,
        }))
    }
}

const GPT2_SMALL: Gpt2 = Gpt2::new(50_257, 1_024, 768, 12, 12);
const GPT2_MEDIUM: Gpt2 = Gpt2::new(50_257, 1_024, 1_024, 24, 16);
const GPT2_LARGE: Gpt2 = Gpt2::new(50_257, 1_024, 1_280, 36, 20);
const GPT2_XL: Gpt2 = Gpt2::new(50_257, 1_024, 1_600, 48, 25);
const GPT3_SHAPE: Gpt2 = Gpt2::new(50_257, 2_048, 12_288, 96, 96);

/// A Llama config.
#[derive(Debug, Clone, Copy)]
struct Llama {
    vocab: u64,
    hidden: u64,
    intermediate: u64,
    layers: u64,
    heads: u64,
    kv_heads: Option<u64>,
    head_dim: Option<u64>,
    max_positions: Option<u64>,
    tied: bool,
    attention_bias: bool,
    mlp_bias: bool,
}

impl Llama {
    #[allow(clippy::too_many_arguments)]
    const fn new(
        vocab: u64,
        hidden: u64,
        intermediate: u64,
        layers: u64,
        heads: u64,
        kv_heads: u64,
        max_positions: u64,
    ) -> Llama {
        Llama {
            vocab,
            hidden,
            intermediate,
            layers,
            heads,
            kv_heads: Some(kv_heads),
            head_dim: None,
            max_positions: Some(max_positions),
            tied: false,
            attention_bias: false,
            mlp_bias: false,
        }
    }

    fn json(&self) -> Value {
        compact_object(json!({
            "model_type": "llama",
            "vocab_size": self.vocab,
            "hidden_size": self.hidden,
            "intermediate_size": self.intermediate,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "num_key_value_heads": self.kv_heads,
            "head_dim": self.head_dim,
            "max_position_embeddings": self.max_positions,
            "tie_word_embeddings": self.tied,
            "attention_bias": self.attention_bias,
            "mlp_bias": self.mlp_bias,
        }))
    }
}

const LLAMA3_8B: Llama = Llama::new(128_256, 4_096, 14_336, 32, 32, 8, 8_192);
const LLAMA3_70B: Llama = Llama::new(128_256, 8_192, 28_672, 80, 64, 8, 8_192);
const LLAMA2_7B: Llama = Llama::new(32_000, 4_096, 11_008, 32, 32, 32, 4_096);
const LLAMA2_70B: Llama = Llama::new(32_000, 8_192, 28_672, 80, 64, 8, 4_096);
const LLAMA31_8B: Llama = Llama::new(128_256, 4_096, 14_336, 32, 32, 8, 131_072);
const LLAMA31_405B: Llama = Llama::new(128_256, 16_384, 53_248, 126, 128, 8, 131_072);
const MISTRAL_7B: Llama = Llama::new(32_000, 4_096, 14_336, 32, 32, 8, 32_768);
const TINYLLAMA: Llama = Llama::new(32_000, 2_048, 5_632, 22, 32, 4, 2_048);

fn llama32_1b() -> Llama {
    Llama {
        head_dim: Some(64),
        tied: true,
        ..Llama::new(128_256, 2_048, 8_192, 16, 32, 8, 131_072)
    }
}

/// A BERT config.
#[derive(Debug, Clone, Copy)]
struct Bert {
    vocab: u64,
    hidden: u64,
    layers: u64,
    heads: u64,
    intermediate: u64,
    positions: u64,
    types: u64,
    pooler: bool,
}

impl Bert {
    #[allow(clippy::too_many_arguments)]
    const fn new(
        vocab: u64,
        hidden: u64,
        layers: u64,
        heads: u64,
        intermediate: u64,
        positions: u64,
        types: u64,
    ) -> Bert {
        Bert {
            vocab,
            hidden,
            layers,
            heads,
            intermediate,
            positions,
            types,
            pooler: true,
        }
    }

    fn json(&self) -> Value {
        json!({
            "model_type": "bert",
            "vocab_size": self.vocab,
            "hidden_size": self.hidden,
            "num_hidden_layers": self.layers,
            "num_attention_heads": self.heads,
            "intermediate_size": self.intermediate,
            "max_position_embeddings": self.positions,
            "type_vocab_size": self.types,
            "add_pooling_layer": self.pooler,
        })
    }
}

const BERT_BASE: Bert = Bert::new(30_522, 768, 12, 12, 3_072, 512, 2);
const BERT_LARGE: Bert = Bert::new(30_522, 1_024, 24, 16, 4_096, 512, 2);
const MINILM_L6: Bert = Bert::new(30_522, 384, 6, 12, 1_536, 512, 2);

/// Uniform in `[lo, hi]`, rounded down to a multiple of `step` (at least `step`).
fn stepped(rng: &mut CaseRng, lo: u64, hi: u64, step: u64) -> u64 {
    (rng.int(lo, hi) / step).max(1) * step
}

/// The divisors of `n`, ascending.
fn divisors(n: u64) -> Vec<u64> {
    (1..=n).filter(|d| n.is_multiple_of(*d)).collect()
}

/// A random valid GPT-2 of size tier `tier` (0 tiny ... 4 up to ~400B).
fn random_gpt2(rng: &mut CaseRng, tier: u32) -> Gpt2 {
    let (heads, head_dim, layers, vocab, positions) = match tier {
        0 => (
            rng.int(1, 4),
            rng.int(1, 8),
            rng.int(1, 3),
            rng.int(2, 500),
            rng.int(1, 64),
        ),
        1 => (
            rng.int(4, 16),
            pick(rng, &[32, 64]),
            rng.int(2, 24),
            rng.int(1_000, 60_000),
            pick(rng, &[256, 512, 1_024, 2_048]),
        ),
        2 => (
            rng.int(16, 32),
            pick(rng, &[64, 80, 128]),
            rng.int(16, 48),
            rng.int(30_000, 160_000),
            pick(rng, &[1_024, 2_048, 4_096]),
        ),
        3 => (
            rng.int(32, 64),
            128,
            rng.int(40, 80),
            rng.int(30_000, 160_000),
            pick(rng, &[2_048, 4_096, 8_192]),
        ),
        _ => (
            rng.int(96, 120),
            128,
            rng.int(96, 120),
            rng.int(50_000, 260_000),
            pick(rng, &[2_048, 8_192, 32_768]),
        ),
    };
    let embd = heads * head_dim;
    let inner = if rng.chance(0.3) {
        Some(stepped(rng, embd, 5 * embd, if tier == 0 { 1 } else { 64 }))
    } else {
        None
    };
    Gpt2 {
        vocab,
        positions,
        embd,
        layers,
        heads,
        inner,
        tied: true,
    }
}

/// A random valid Llama of size tier `tier`; with `gqa`, fewer key/value
/// heads than query heads.
fn random_llama(rng: &mut CaseRng, tier: u32, gqa: bool) -> Llama {
    let (heads, head_dim, layers, vocab) = match tier {
        0 => (rng.int(2, 8), rng.int(1, 8), rng.int(1, 3), rng.int(2, 500)),
        1 => (
            rng.int(4, 16),
            pick(rng, &[32, 64]),
            rng.int(2, 24),
            rng.int(1_000, 64_000),
        ),
        2 => (
            rng.int(16, 32),
            pick(rng, &[64, 128]),
            rng.int(16, 40),
            rng.int(32_000, 160_000),
        ),
        3 => (
            rng.int(40, 64),
            128,
            rng.int(40, 80),
            rng.int(32_000, 160_000),
        ),
        _ => (
            rng.int(96, 120),
            128,
            rng.int(80, 126),
            rng.int(32_000, 260_000),
        ),
    };
    let choices: Vec<u64> = divisors(heads)
        .into_iter()
        .filter(|d| !gqa || *d < heads)
        .collect();
    let kv = pick(rng, &choices);
    let explicit_head_dim = tier > 0 && rng.chance(0.2);
    let hidden = if explicit_head_dim {
        // Gemma-style: head_dim set, hidden size not heads x head_dim.
        stepped(rng, heads * head_dim / 2, heads * head_dim, 64)
    } else {
        heads * head_dim
    };
    let step = if tier == 0 { 1 } else { 256 };
    let intermediate = stepped(rng, 2 * hidden, hidden * 7 / 2, step);
    let no_kv_field = !gqa && kv == heads && rng.chance(0.3);
    Llama {
        vocab,
        hidden,
        intermediate,
        layers,
        heads,
        kv_heads: (!no_kv_field).then_some(kv),
        head_dim: explicit_head_dim.then_some(head_dim),
        max_positions: rng
            .chance(0.7)
            .then(|| pick(rng, &[2_048, 4_096, 8_192, 32_768, 131_072])),
        tied: rng.chance(0.3),
        attention_bias: rng.chance(0.2),
        mlp_bias: rng.chance(0.15),
    }
}

/// A random valid BERT of size tier `tier`.
fn random_bert(rng: &mut CaseRng, tier: u32) -> Bert {
    let (heads, head_dim, layers, vocab) = match tier {
        0 => (rng.int(1, 4), rng.int(1, 8), rng.int(1, 3), rng.int(2, 500)),
        1 => (
            rng.int(4, 16),
            pick(rng, &[32, 64]),
            rng.int(2, 24),
            rng.int(1_000, 120_000),
        ),
        2 => (
            rng.int(16, 32),
            64,
            rng.int(12, 48),
            rng.int(20_000, 250_000),
        ),
        3 => (
            rng.int(32, 64),
            128,
            rng.int(24, 64),
            rng.int(20_000, 250_000),
        ),
        _ => (
            rng.int(96, 128),
            128,
            rng.int(80, 120),
            rng.int(20_000, 250_000),
        ),
    };
    let hidden = heads * head_dim;
    Bert {
        vocab,
        hidden,
        layers,
        heads,
        intermediate: stepped(rng, 2 * hidden, 4 * hidden, if tier == 0 { 1 } else { 64 }),
        positions: pick(rng, &[1, 128, 512, 1_024, 8_192]),
        types: rng.int(1, 4),
        pooler: rng.chance(0.6),
    }
}

/// A random valid architecture of any family.
fn random_arch(rng: &mut CaseRng, tier: u32) -> (Value, &'static [&'static str]) {
    match rng.int(0, 2) {
        0 => (random_gpt2(rng, tier).json(), &GPT2_TARGETS),
        1 => {
            let gqa = rng.chance(0.5);
            (random_llama(rng, tier, gqa).json(), &LLAMA_TARGETS)
        }
        _ => (random_bert(rng, tier).json(), &BERT_TARGETS),
    }
}

// ------------------------------------------------------------ precision

fn weight_args(params: u64, precision: &str) -> Value {
    json!({ "params": params, "precision": precision })
}

fn precision() -> Vec<Case> {
    let g = "precision";
    let mut cases: Vec<Case> = PRECISIONS
        .iter()
        .map(|p| Case::new(g, &format!("bits-{p}"), "bits", json!({ "precision": p })))
        .collect();
    let lists: [(&str, &[&str]); 3] = [
        (
            "usual-spellings",
            &[
                "fp16", "Float16", " half ", "BF16", "bfloat16", "float32", "f32", "Q8", "i8",
                "8bit", "q4", "4bit", "INT4",
            ],
        ),
        (
            "gguf-block-formats-are-not-4-bits",
            &["int4", "q4_0", "Q4_K_M", "nf4", "q8_0"],
        ),
        (
            "unknown-spellings",
            &["fp16", "fp8", "float64", "", "int 4", "bf-16"],
        ),
    ];
    for (name, spellings) in lists {
        cases.push(Case::new(
            g,
            name,
            "parse_precisions",
            json!({ "spellings": spellings }),
        ));
    }
    // Lesson 08's precision table: 7B parameters take 28 / 14 / 14 / 7 / 3.5 GB.
    for p in PRECISIONS {
        cases.push(Case::new(
            g,
            &format!("7b-weights-{p}"),
            "weight_bytes",
            weight_args(7_000_000_000, p),
        ));
    }
    for (name, params, p) in [
        ("three-int4-weights-need-two-bytes", 3, "int4"),
        ("one-int4-weight-needs-a-whole-byte", 1, "int4"),
        ("one-fp32-weight", 1, "fp32"),
        ("llama-3-8b-bf16-weights", LLAMA3_8B_PARAMS, "bf16"),
    ] {
        cases.push(Case::new(g, name, "weight_bytes", weight_args(params, p)));
    }
    cases
}

/// A known spelling in random case with random padding.
fn respell(rng: &mut CaseRng, spelling: &str) -> String {
    let cased: String = spelling
        .chars()
        .map(|c| {
            if rng.chance(0.5) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    let pad = |rng: &mut CaseRng| if rng.chance(0.3) { "  " } else { "" };
    format!("{}{cased}{}", pad(rng), pad(rng))
}

fn precision_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    if i.is_multiple_of(2) {
        let known = [
            "fp32", "float32", "f32", "fp16", "float16", "f16", "half", "bf16", "bfloat16", "int8",
            "i8", "q8", "8bit", "int4", "i4", "q4", "4bit",
        ];
        let unknown = ["q4_0", "nf4", "fp8", "int2", "q5_k", "float", "bits16"];
        let count = rng.int(2, 6);
        let mut spellings: Vec<String> = (0..count)
            .map(|_| {
                let spelling = pick(rng, &known);
                respell(rng, spelling)
            })
            .collect();
        let at = rng.int(0, count) as usize;
        spellings.insert(at, (pick(rng, &unknown)).to_owned());
        Case::new(
            g,
            name,
            "parse_precisions",
            json!({ "spellings": spellings }),
        )
    } else {
        let tier = rng.int(0, 4) as u32;
        let params = params_of_tier(rng, tier);
        let p = precision_of(rng);
        Case::new(g, name, "weight_bytes", weight_args(params, p))
    }
}

// ------------------------------------------------------- inference VRAM

fn inference_vram() -> Vec<Case> {
    let g = "inference-vram";
    let c = "inference_vram";
    let mut cases = vec![
        // Lesson 08: "8B" at fp16 ~ 19 GB, at int4 ~ 4.8 GB (exactly, with 8e9).
        Case::new(g, "lesson-8e9-fp16", c, weight_args(8_000_000_000, "fp16")),
        Case::new(g, "lesson-8e9-int4", c, weight_args(8_000_000_000, "int4")),
        Case::new(
            g,
            "llama-3-8b-fp16",
            c,
            weight_args(LLAMA3_8B_PARAMS, "fp16"),
        ),
        Case::new(
            g,
            "llama-3-8b-int4",
            c,
            weight_args(LLAMA3_8B_PARAMS, "int4"),
        ),
        Case::new(g, "7b-fp32", c, weight_args(7_000_000_000, "fp32")),
        Case::new(g, "7b-int8", c, weight_args(7_000_000_000, "int8")),
        Case::new(g, "gpt2-small-bf16", c, weight_args(124_439_808, "bf16")),
        Case::new(g, "one-int4-parameter-rounds-up", c, weight_args(1, "int4")),
        Case::new(
            g,
            "from-params-not-from-rounded-weights",
            c,
            weight_args(5, "int4"),
        ),
    ];
    // 1.2 x params x 1 byte fits u64 up to floor(u64::MAX * 5 / 6) parameters.
    let largest = (u128::from(u64::MAX) * 5 / 6) as u64;
    cases.push(Case::new(
        g,
        "int8-largest-that-fits",
        c,
        weight_args(largest, "int8"),
    ));
    cases.push(Case::new(
        g,
        "int8-one-more-overflows",
        c,
        weight_args(largest + 1, "int8"),
    ));
    cases
}

fn hidden_inference() -> Vec<Case> {
    let g = "hidden-inference";
    let c = "inference_vram";
    vec![
        Case::new(
            g,
            "llama-3-70b-fp16",
            c,
            weight_args(70_553_706_496, "fp16"),
        ),
        Case::new(
            g,
            "llama-3-70b-int4",
            c,
            weight_args(70_553_706_496, "int4"),
        ),
        Case::new(
            g,
            "gpt3-shape-fp32",
            c,
            weight_args(174_604_259_328, "fp32"),
        ),
    ]
}

fn inference_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let params = params_of_tier(rng, i % 5);
    let p = precision_of(rng);
    Case::new(g, name, "inference_vram", weight_args(params, p))
}

// --------------------------------------------------------------- training

#[allow(clippy::too_many_arguments)]
fn training_config(
    params: u64,
    weights: &str,
    gradients: &str,
    optimizer: &str,
    state: &str,
    master: Option<&str>,
    activations: u64,
) -> Value {
    compact_object(json!({
        "params": params,
        "weight_precision": weights,
        "gradient_precision": gradients,
        "optimizer": optimizer,
        "optimizer_state_precision": state,
        "master_weights": master,
        "activation_bytes": activations,
    }))
}

fn training() -> Vec<Case> {
    let g = "training";
    let t = "training_memory";
    let p = LLAMA3_8B_PARAMS;
    let run = |name: &str, config: Value| Case::new(g, name, t, json!({ "config": config }));
    let mut cases: Vec<Case> = OPTIMIZERS
        .iter()
        .chain(&["adamw"])
        .map(|o| {
            Case::new(
                g,
                &format!("state-copies-{o}"),
                "state_copies",
                json!({ "optimizer": o }),
            )
        })
        .collect();
    cases.extend([
        // Lesson 09's accounting: weights, gradients and both Adam moments in fp16.
        run(
            "llama-3-8b-fp16-adam",
            training_config(p, "fp16", "fp16", "adam", "fp16", None, 0),
        ),
        run(
            "llama-3-8b-fp16-adam-with-16gb-activations",
            training_config(p, "fp16", "fp16", "adam", "fp16", None, 16_000_000_000),
        ),
        run(
            "llama-3-8b-mixed-precision-adam",
            training_config(p, "fp16", "fp16", "adam", "fp32", Some("fp32"), 0),
        ),
        run(
            "llama-3-8b-fp32-adamw",
            training_config(p, "fp32", "fp32", "adamw", "fp32", None, 0),
        ),
        run(
            "llama-3-8b-fp32-sgd-momentum",
            training_config(p, "fp32", "fp32", "sgd_momentum", "fp32", None, 0),
        ),
        run(
            "llama-3-8b-fp32-sgd-keeps-no-state",
            training_config(p, "fp32", "fp32", "sgd", "fp32", None, 0),
        ),
        run(
            "lesson-7b-fp16-adam",
            training_config(7_000_000_000, "fp16", "fp16", "adam", "fp16", None, 0),
        ),
        run(
            "bf16-weights-fp32-moments",
            training_config(
                1_235_814_400,
                "bf16",
                "bf16",
                "adam",
                "fp32",
                Some("fp32"),
                2_147_483_648,
            ),
        ),
        run(
            "each-part-rounds-up",
            training_config(3, "int4", "int4", "sgd_momentum", "int4", Some("int4"), 1),
        ),
    ]);
    cases
}

fn random_training(rng: &mut CaseRng, tier: u32, mixed: bool) -> Value {
    let params = params_of_tier(rng, tier);
    let optimizer = pick(rng, &["sgd", "sgd_momentum", "adam", "adamw"]);
    let (w, gr, s, m) = if mixed {
        let half = pick(rng, &["fp16", "bf16"]);
        (half, half, "fp32", Some("fp32"))
    } else {
        let w = precision_of(rng);
        let gr = if rng.chance(0.7) {
            w
        } else {
            precision_of(rng)
        };
        let s = if rng.chance(0.7) {
            w
        } else {
            precision_of(rng)
        };
        let m = rng.chance(0.2).then(|| precision_of(rng));
        (w, gr, s, m)
    };
    let activations = match rng.int(0, 3) {
        0 => 0,
        1 => rng.int(1, 1_000_000_000),
        2 => rng.int(1, 100) * 1_000_000_000,
        _ => rng.int(1, 64) << 30,
    };
    training_config(params, w, gr, optimizer, s, m, activations)
}

fn training_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    // Every other one is mixed precision with an fp32 master copy.
    let config = random_training(rng, i % 5, i.is_multiple_of(2));
    Case::new(g, name, "training_memory", json!({ "config": config }))
}

// ------------------------------------------------------- parameter counts

fn count(g: &str, name: &str, arch: Value) -> Case {
    Case::new(g, name, "param_count", json!({ "arch": arch }))
}

fn params_gpt2() -> Vec<Case> {
    let g = "params-gpt2";
    let tiny = Gpt2::new(1_000, 32, 64, 2, 4);
    vec![
        count(g, "gpt2-small", GPT2_SMALL.json()),
        count(
            g,
            "gpt2-small-untied",
            Gpt2 {
                tied: false,
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(g, "gpt2-large", GPT2_LARGE.json()),
        count(g, "gpt3-175b-shape", GPT3_SHAPE.json()),
        count(g, "tiny-gpt2", tiny.json()),
        count(
            g,
            "tiny-gpt2-untied-n_inner",
            Gpt2 {
                inner: Some(96),
                tied: false,
                ..Gpt2::new(100, 16, 32, 2, 2)
            }
            .json(),
        ),
    ]
}

fn hidden_gpt2() -> Vec<Case> {
    let g = "hidden-gpt2";
    vec![
        count(g, "gpt2-medium", GPT2_MEDIUM.json()),
        count(g, "gpt2-xl", GPT2_XL.json()),
        count(
            g,
            "gpt2-xl-untied",
            Gpt2 {
                tied: false,
                ..GPT2_XL
            }
            .json(),
        ),
    ]
}

fn gpt2_count_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let mut arch = random_gpt2(rng, i % 5);
    // Every third one unties the head, so both kinds are always present.
    arch.tied = i % 3 != 2;
    count(g, name, arch.json())
}

fn params_llama() -> Vec<Case> {
    let g = "params-llama";
    let tiny = Llama::new(100, 32, 64, 2, 4, 2, 64);
    vec![
        count(g, "llama-3-8b", LLAMA3_8B.json()),
        count(
            g,
            "llama-3-8b-if-it-had-no-gqa",
            Llama {
                kv_heads: Some(32),
                ..LLAMA3_8B
            }
            .json(),
        ),
        count(g, "llama-3-70b", LLAMA3_70B.json()),
        count(g, "llama-2-7b", LLAMA2_7B.json()),
        count(g, "llama-3.2-1b-tied", llama32_1b().json()),
        count(
            g,
            "llama-3.2-1b-untied",
            Llama {
                tied: false,
                ..llama32_1b()
            }
            .json(),
        ),
        count(
            g,
            "kv-heads-default-to-attention-heads",
            Llama {
                kv_heads: None,
                max_positions: None,
                ..tiny
            }
            .json(),
        ),
        count(g, "tiny-llama-gqa", tiny.json()),
        count(
            g,
            "tiny-llama-head_dim-and-biases",
            Llama {
                head_dim: Some(12),
                attention_bias: true,
                mlp_bias: true,
                ..tiny
            }
            .json(),
        ),
        count(
            g,
            "tiny-llama-attention-bias-only",
            Llama {
                attention_bias: true,
                tied: true,
                ..tiny
            }
            .json(),
        ),
    ]
}

fn hidden_llama() -> Vec<Case> {
    let g = "hidden-llama";
    vec![
        count(g, "llama-3.1-405b", LLAMA31_405B.json()),
        count(g, "llama-2-70b", LLAMA2_70B.json()),
        count(g, "mistral-7b", MISTRAL_7B.json()),
        count(g, "tinyllama-1.1b", TINYLLAMA.json()),
    ]
}

fn llama_count_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    // Two of every three use grouped-query attention; every fourth is tied.
    let mut arch = random_llama(rng, i % 5, i % 3 != 2);
    arch.tied = i % 4 == 1;
    count(g, name, arch.json())
}

fn params_bert() -> Vec<Case> {
    let g = "params-bert";
    let tiny = Bert::new(100, 32, 2, 4, 64, 16, 2);
    let no_pooler = |b: Bert| Bert { pooler: false, ..b };
    vec![
        count(g, "bert-base-uncased", BERT_BASE.json()),
        count(
            g,
            "bert-base-uncased-without-pooler",
            no_pooler(BERT_BASE).json(),
        ),
        count(g, "all-minilm-l6-v2", MINILM_L6.json()),
        count(
            g,
            "all-minilm-l6-v2-without-pooler",
            no_pooler(MINILM_L6).json(),
        ),
        count(g, "tiny-bert", tiny.json()),
        count(g, "tiny-bert-without-pooler", no_pooler(tiny).json()),
    ]
}

fn hidden_bert() -> Vec<Case> {
    let g = "hidden-bert";
    vec![
        count(g, "bert-large-uncased", BERT_LARGE.json()),
        count(
            g,
            "bert-base-cased",
            Bert {
                vocab: 28_996,
                ..BERT_BASE
            }
            .json(),
        ),
        count(
            g,
            "bert-base-multilingual-cased-without-pooler",
            Bert {
                vocab: 119_547,
                pooler: false,
                ..BERT_BASE
            }
            .json(),
        ),
    ]
}

fn bert_count_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let mut arch = random_bert(rng, i % 5);
    arch.pooler = i.is_multiple_of(2);
    count(g, name, arch.json())
}

// --------------------------------------------------------------- KV cache

fn kv_args(arch: Value, seq_len: u64, batch_size: u64, precision: &str) -> Value {
    json!({ "arch": arch, "seq_len": seq_len, "batch_size": batch_size, "precision": precision })
}

fn kv_cache() -> Vec<Case> {
    let g = "kv-cache";
    let mut cases = vec![
        // 128 KiB per token: exactly 1 GiB for 8,192 tokens.
        Case::new(
            g,
            "llama-3-8b-8k-tokens-fp16-is-1-gib",
            "kv_cache",
            kv_args(LLAMA3_8B.json(), 8_192, 1, "fp16"),
        ),
        Case::new(
            g,
            "llama-3-8b-caches-its-8-kv-heads",
            "kv_cache_config",
            kv_args(LLAMA3_8B.json(), 8_192, 1, "fp16"),
        ),
        Case::new(
            g,
            "llama-2-7b-4k-tokens-has-no-gqa",
            "kv_cache",
            kv_args(LLAMA2_7B.json(), 4_096, 1, "fp16"),
        ),
        Case::new(
            g,
            "llama-3.1-8b-128k-tokens",
            "kv_cache",
            kv_args(LLAMA31_8B.json(), 131_072, 1, "bf16"),
        ),
        Case::new(
            g,
            "llama-3.2-1b-head_dim-64",
            "kv_cache_config",
            kv_args(llama32_1b().json(), 2_048, 4, "int8"),
        ),
        Case::new(
            g,
            "llama-3-70b-batch-8",
            "kv_cache",
            kv_args(LLAMA3_70B.json(), 8_192, 8, "fp16"),
        ),
        Case::new(
            g,
            "gpt2-caches-every-head",
            "kv_cache_config",
            kv_args(GPT2_SMALL.json(), 1_024, 8, "fp32"),
        ),
        Case::new(
            g,
            "gpt2-small-1024-tokens",
            "kv_cache",
            kv_args(GPT2_SMALL.json(), 1_024, 8, "fp32"),
        ),
        Case::new(
            g,
            "bert-is-an-encoder-without-kv-cache",
            "kv_cache_config",
            kv_args(BERT_BASE.json(), 512, 1, "fp16"),
        ),
    ];
    let direct = |layers: u64, kv: u64, head_dim: u64, seq: u64, batch: u64, p: &str| {
        json!({ "config": {
            "num_hidden_layers": layers, "num_key_value_heads": kv, "head_dim": head_dim,
            "seq_len": seq, "batch_size": batch, "precision": p,
        }})
    };
    cases.push(Case::new(
        g,
        "direct-int4-one-token",
        "kv_cache_bytes",
        direct(1, 1, 1, 1, 1, "int4"),
    ));
    cases.push(Case::new(
        g,
        "direct-fp32",
        "kv_cache_bytes",
        direct(2, 2, 4, 7, 3, "fp32"),
    ));
    cases
}

fn kv_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let tier = rng.int(0, 4) as u32;
    // Three of every four are Llamas with grouped-query attention.
    let arch = if i % 4 == 3 {
        random_gpt2(rng, tier).json()
    } else {
        random_llama(rng, tier, true).json()
    };
    let seq = match rng.int(0, 2) {
        0 => rng.int(1, 512),
        1 => pick(rng, &[1_024, 2_048, 4_096, 8_192, 32_768, 131_072]),
        _ => rng.int(1, 131_072),
    };
    let batch = if rng.chance(0.5) { 1 } else { rng.int(1, 64) };
    let call = if i.is_multiple_of(2) {
        "kv_cache"
    } else {
        "kv_cache_config"
    };
    Case::new(g, name, call, kv_args(arch, seq, batch, precision_of(rng)))
}

// ------------------------------------------------------------------- LoRA

fn lora_args(arch: Value, rank: u64, targets: &[&str]) -> Value {
    json!({ "arch": arch, "lora": { "rank": rank, "target_modules": targets } })
}

#[allow(clippy::too_many_arguments)]
fn lora_memory_config(
    base: u64,
    base_precision: &str,
    adapters: u64,
    adapter_precision: &str,
    optimizer: &str,
    state: &str,
    activations: u64,
) -> Value {
    json!({ "config": {
        "base_params": base,
        "base_precision": base_precision,
        "adapter_params": adapters,
        "adapter_precision": adapter_precision,
        "optimizer": optimizer,
        "optimizer_state_precision": state,
        "activation_bytes": activations,
    }})
}

fn lora() -> Vec<Case> {
    let g = "lora";
    let t = "lora_trainable_params";
    let m = "lora_memory";
    let arch = |a: Value| json!({ "arch": a });
    vec![
        Case::new(
            g,
            "projections-gpt2",
            "projections",
            arch(GPT2_SMALL.json()),
        ),
        Case::new(
            g,
            "projections-llama-3-8b-gqa",
            "projections",
            arch(LLAMA3_8B.json()),
        ),
        Case::new(
            g,
            "projections-llama-3.2-1b-head_dim",
            "projections",
            arch(llama32_1b().json()),
        ),
        Case::new(g, "projections-bert", "projections", arch(BERT_BASE.json())),
        Case::new(
            g,
            "llama-3-8b-r16-q-v",
            t,
            lora_args(LLAMA3_8B.json(), 16, &["q_proj", "v_proj"]),
        ),
        Case::new(
            g,
            "llama-3-8b-r16-all-seven",
            t,
            lora_args(LLAMA3_8B.json(), 16, &LLAMA_TARGETS),
        ),
        Case::new(
            g,
            "llama-3-8b-r64-all-seven",
            t,
            lora_args(LLAMA3_8B.json(), 64, &LLAMA_TARGETS),
        ),
        Case::new(
            g,
            "llama-3-8b-k-and-v-are-gqa-sized",
            t,
            lora_args(LLAMA3_8B.json(), 8, &["k_proj", "v_proj"]),
        ),
        Case::new(
            g,
            "a-target-named-twice-counts-once",
            t,
            lora_args(LLAMA3_8B.json(), 16, &["q_proj", "v_proj", "q_proj"]),
        ),
        Case::new(
            g,
            "gpt2-r16-c_attn",
            t,
            lora_args(GPT2_SMALL.json(), 16, &["c_attn"]),
        ),
        Case::new(
            g,
            "bert-r8-query-value",
            t,
            lora_args(BERT_BASE.json(), 8, &["query", "value"]),
        ),
        Case::new(
            g,
            "qlora-llama-3-8b-r16-all-seven",
            m,
            lora_memory_config(
                LLAMA3_8B_PARAMS,
                "int4",
                41_943_040,
                "fp32",
                "adam",
                "fp32",
                0,
            ),
        ),
        Case::new(
            g,
            "lora-bf16-base-sgd-keeps-no-state",
            m,
            lora_memory_config(
                LLAMA3_8B_PARAMS,
                "bf16",
                6_815_744,
                "bf16",
                "sgd",
                "fp32",
                1_000_000_000,
            ),
        ),
        Case::new(
            g,
            "odd-int4-counts-round-up",
            m,
            lora_memory_config(7, "int4", 3, "int4", "sgd_momentum", "int4", 0),
        ),
    ]
}

fn random_targets(rng: &mut CaseRng, names: &[&'static str]) -> Vec<&'static str> {
    let mut targets: Vec<&'static str> =
        names.iter().copied().filter(|_| rng.chance(0.4)).collect();
    if targets.is_empty() {
        targets.push(pick(rng, names));
    }
    if rng.chance(0.15) {
        let again = pick(rng, &targets);
        targets.push(again);
    }
    targets
}

fn lora_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let tier = rng.int(0, 3) as u32;
    let rank = 1 << rng.int(0, 8);
    match i % 4 {
        // A Llama with grouped-query attention and a k or v target.
        0 => {
            let arch = random_llama(rng, tier, true).json();
            let mut targets = random_targets(rng, &LLAMA_TARGETS);
            if !targets.iter().any(|t| *t == "k_proj" || *t == "v_proj") {
                targets.push(pick(rng, &["k_proj", "v_proj"]));
            }
            Case::new(
                g,
                name,
                "lora_trainable_params",
                lora_args(arch, rank, &targets),
            )
        }
        1 => {
            let (arch, names) = random_arch(rng, tier);
            let targets = random_targets(rng, names);
            Case::new(
                g,
                name,
                "lora_trainable_params",
                lora_args(arch, rank, &targets),
            )
        }
        2 => {
            let (arch, _) = random_arch(rng, tier);
            Case::new(g, name, "projections", json!({ "arch": arch }))
        }
        _ => {
            let tier = rng.int(1, 4) as u32;
            let base = params_of_tier(rng, tier);
            let adapters = rng.int(1, (base / 100).max(1));
            let optimizer = pick(rng, &["sgd", "sgd_momentum", "adam", "adamw"]);
            let activations = if rng.chance(0.5) {
                0
            } else {
                rng.int(1, 16) << 30
            };
            let (bp, ap, sp) = (precision_of(rng), precision_of(rng), precision_of(rng));
            Case::new(
                g,
                name,
                "lora_memory",
                lora_memory_config(base, bp, adapters, ap, optimizer, sp, activations),
            )
        }
    }
}

// ------------------------------------------------------------------ units

fn units_args(params: u64, precision: &str, budget: Option<&str>) -> Value {
    compact_object(json!({ "params": params, "precision": precision, "budget": budget }))
}

fn units() -> Vec<Case> {
    let g = "units";
    let u = "weight_memory_units";
    vec![
        // The same LLaMA 3 8B fp16 weights: 16.06 GB, 14.96 GiB.
        Case::new(
            g,
            "llama-3-8b-fp16-does-not-fit-16-gb",
            u,
            units_args(LLAMA3_8B_PARAMS, "fp16", Some("16GB")),
        ),
        Case::new(
            g,
            "llama-3-8b-fp16-fits-16-gib",
            u,
            units_args(LLAMA3_8B_PARAMS, "fp16", Some("16 GiB")),
        ),
        Case::new(
            g,
            "7b-fp16-is-14-gb-and-13.04-gib",
            u,
            units_args(7_000_000_000, "fp16", Some("14GB")),
        ),
        Case::new(
            g,
            "8e9-fp16-in-gib-is-14.90",
            u,
            units_args(8_000_000_000, "fp16", Some("15 GiB")),
        ),
        Case::new(
            g,
            "llama-3-70b-int4-on-a-24-gb-card",
            u,
            units_args(70_553_706_496, "int4", Some("24GB")),
        ),
        Case::new(
            g,
            "gpt2-small-fp32-in-mb",
            u,
            units_args(124_439_808, "fp32", Some("512MiB")),
        ),
        Case::new(g, "below-1000-bytes", u, units_args(3, "int4", None)),
        Case::new(
            g,
            "a-negative-budget-is-rejected",
            u,
            units_args(7_000_000_000, "int8", Some("-1GB")),
        ),
    ]
}

fn units_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let tier = rng.int(1, 4) as u32;
    let params = params_of_tier(rng, tier);
    let p = precision_of(rng);
    // Half the budgets are in GB (where GB vs GiB decides "fits"), the rest
    // in another unit; some have no budget at all.
    let unit = if i.is_multiple_of(2) {
        "GB"
    } else {
        pick(rng, &["GiB", "MB", "MiB", "TB", ""])
    };
    let budget = match rng.int(0, 3) {
        0 if i % 2 == 1 => None,
        1 => Some(format!("{}{unit}", rng.int(1, 2_000))),
        2 => Some(format!("{} {unit}", rng.int(1, 200))),
        _ => Some(format!("{}.{} {unit}", rng.int(0, 99), rng.int(0, 99))),
    };
    Case::new(
        g,
        name,
        "weight_memory_units",
        units_args(params, p, budget.as_deref()),
    )
}

// ----------------------------------------------------------------- errors

/// A list of config.json texts: one valid (LLaMA 2 7B, without grouped-query
/// attention or a tied head, so no counting mistake changes its answer)
/// followed by broken ones.
fn config_list(broken: &[Value]) -> Value {
    let mut configs = vec![LLAMA2_7B.json().to_string()];
    configs.extend(broken.iter().map(|v| match v {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }));
    json!({ "configs": configs })
}

fn without(mut config: Value, field: &str) -> Value {
    config.as_object_mut().expect("object").remove(field);
    config
}

fn with(mut config: Value, field: &str, value: Value) -> Value {
    config[field] = value;
    config
}

fn errors() -> Vec<Case> {
    let g = "errors";
    let max = u64::MAX;
    let mut cases = vec![
        Case::new(
            g,
            "weight-bytes-of-zero-params",
            "weight_bytes",
            weight_args(0, "fp16"),
        ),
        Case::new(
            g,
            "vram-of-zero-params",
            "inference_vram",
            weight_args(0, "int4"),
        ),
        Case::new(
            g,
            "weight-bytes-overflow",
            "weight_bytes",
            weight_args(max, "fp32"),
        ),
        Case::new(
            g,
            "u64-max-int8-weights-fit-only-with-u128-intermediates",
            "weight_bytes",
            weight_args(max, "int8"),
        ),
        Case::new(
            g,
            "vram-overflow",
            "inference_vram",
            weight_args(max / 2 + 1, "fp16"),
        ),
        Case::new(
            g,
            "training-zero-params",
            "training_memory",
            json!({ "config": training_config(0, "fp32", "fp32", "adam", "fp32", None, 5) }),
        ),
        Case::new(
            g,
            "training-a-part-overflows",
            "training_memory",
            json!({ "config": training_config(max / 2 + 1, "fp16", "fp16", "sgd", "fp16", None, 0) }),
        ),
        Case::new(
            g,
            "training-parts-fit-but-the-total-overflows",
            "training_memory",
            json!({ "config": training_config(max / 4, "fp16", "fp16", "sgd_momentum", "fp16", None, 0) }),
        ),
        count(
            g,
            "gpt2-zero-layers",
            Gpt2 {
                layers: 0,
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(
            g,
            "gpt2-heads-do-not-divide-n_embd",
            Gpt2 {
                heads: 7,
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(
            g,
            "gpt2-zero-n_inner",
            Gpt2 {
                inner: Some(0),
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(
            g,
            "gpt2-count-overflows-u64",
            Gpt2 {
                vocab: 1 << 40,
                embd: 1 << 28,
                heads: 1 << 4,
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(
            g,
            "gpt2-4-x-n_embd-overflows",
            Gpt2 {
                embd: max / 2,
                heads: 1,
                ..GPT2_SMALL
            }
            .json(),
        ),
        count(
            g,
            "llama-kv-heads-do-not-divide-heads",
            Llama {
                kv_heads: Some(6),
                ..LLAMA3_8B
            }
            .json(),
        ),
        count(
            g,
            "llama-heads-do-not-divide-hidden",
            Llama {
                heads: 24,
                kv_heads: Some(8),
                ..Llama::new(1_000, 1_000, 2_000, 2, 24, 8, 512)
            }
            .json(),
        ),
        count(
            g,
            "llama-zero-kv-heads",
            Llama {
                kv_heads: Some(0),
                ..LLAMA3_8B
            }
            .json(),
        ),
        count(
            g,
            "bert-zero-type-vocab",
            Bert {
                types: 0,
                ..BERT_BASE
            }
            .json(),
        ),
        Case::new(
            g,
            "projections-of-bert-with-bad-heads",
            "projections",
            json!({ "arch": Bert { heads: 5, ..BERT_BASE }.json() }),
        ),
        Case::new(
            g,
            "kv-cache-zero-seq-len",
            "kv_cache",
            kv_args(LLAMA3_8B.json(), 0, 1, "fp16"),
        ),
        Case::new(
            g,
            "kv-cache-zero-batch",
            "kv_cache",
            kv_args(GPT2_SMALL.json(), 1_024, 0, "fp16"),
        ),
        Case::new(
            g,
            "kv-cache-overflows",
            "kv_cache",
            kv_args(LLAMA3_8B.json(), 1 << 40, 1 << 20, "fp32"),
        ),
        Case::new(
            g,
            "lora-rank-zero",
            "lora_trainable_params",
            lora_args(LLAMA3_8B.json(), 0, &["q_proj"]),
        ),
        Case::new(
            g,
            "lora-no-targets",
            "lora_trainable_params",
            lora_args(LLAMA3_8B.json(), 16, &[]),
        ),
        Case::new(
            g,
            "lora-unknown-target-lists-the-known-ones",
            "lora_trainable_params",
            lora_args(GPT2_SMALL.json(), 16, &["c_attn", "q_proj", "lm_head"]),
        ),
        Case::new(
            g,
            "lora-memory-zero-adapters",
            "lora_memory",
            lora_memory_config(LLAMA3_8B_PARAMS, "int4", 0, "fp32", "adam", "fp32", 0),
        ),
    ];
    let gpt2 = GPT2_SMALL.json();
    let llama = LLAMA3_8B.json();
    let bert = without(BERT_BASE.json(), "add_pooling_layer");
    cases.push(Case::new(
        g,
        "configs-with-missing-fields",
        "config_param_counts",
        config_list(&[
            without(gpt2.clone(), "vocab_size"),
            without(llama.clone(), "hidden_size"),
            without(bert.clone(), "type_vocab_size"),
            without(llama.clone(), "model_type"),
            with(llama.clone(), "num_hidden_layers", Value::Null),
        ]),
    ));
    cases.push(Case::new(
        g,
        "configs-with-wrong-types",
        "config_param_counts",
        config_list(&[
            with(gpt2.clone(), "n_layer", json!(-12)),
            with(llama.clone(), "hidden_size", json!(4096.5)),
            with(bert.clone(), "num_attention_heads", json!("12")),
            with(llama.clone(), "vocab_size", json!(1e20)),
            with(gpt2.clone(), "tie_word_embeddings", json!("yes")),
            Value::String("{\"model_type\": \"gpt2\", \"n_embd\": NaN}".into()),
            json!([1, 2, 3]),
        ]),
    ));
    cases.push(Case::new(
        g,
        "configs-unknown-unsupported-or-invalid",
        "config_param_counts",
        config_list(&[
            with(llama.clone(), "model_type", json!("mistral")),
            with(gpt2.clone(), "add_cross_attention", json!(true)),
            with(
                bert.clone(),
                "position_embedding_type",
                json!("relative_key"),
            ),
            with(llama.clone(), "num_hidden_layers", json!(0)),
            with(gpt2, "n_head", json!(7)),
        ]),
    ));
    cases
}

/// A random valid architecture with one count set to zero, or its heads
/// made not to divide.
fn broken_arch(rng: &mut CaseRng) -> Value {
    let tier = rng.int(0, 3) as u32;
    let (mut arch, _) = random_arch(rng, tier);
    let object = arch.as_object_mut().expect("object");
    if rng.chance(0.5) {
        let counts: Vec<String> = object
            .iter()
            .filter(|(k, v)| v.is_u64() && *k != "head_dim")
            .map(|(k, _)| k.clone())
            .collect();
        let field = counts[rng.int(0, counts.len() as u64 - 1) as usize].clone();
        object.insert(field, json!(0));
        return arch;
    }
    match object["model_type"].as_str().expect("tagged") {
        "gpt2" => {
            let heads = object["n_head"].as_u64().expect("count") + 1 + rng.int(0, 3);
            let embd = object["n_embd"].as_u64().expect("count");
            let heads = if embd.is_multiple_of(heads) {
                embd + 1
            } else {
                heads
            };
            object.insert("n_head".into(), json!(heads));
        }
        "llama" => {
            let heads = object["num_attention_heads"].as_u64().expect("count");
            // More key/value heads than query heads never divides.
            object.insert("num_key_value_heads".into(), json!(heads + rng.int(1, 4)));
        }
        _ => {
            let hidden = object["hidden_size"].as_u64().expect("count");
            let heads = (hidden + 1..hidden + 6)
                .find(|h| !hidden.is_multiple_of(*h))
                .expect("a larger number never divides");
            object.insert("num_attention_heads".into(), json!(heads));
        }
    }
    arch
}

fn error_case(g: &str, name: &str, rng: &mut CaseRng, i: u32) -> Case {
    let max = u64::MAX;
    match i % 6 {
        0 | 1 => {
            let arch = broken_arch(rng);
            let family = arch["model_type"].as_str().expect("tagged").to_owned();
            match rng.int(0, 3) {
                0 => count(g, name, arch),
                1 => Case::new(g, name, "projections", json!({ "arch": arch })),
                2 if family != "bert" => Case::new(
                    g,
                    name,
                    "kv_cache",
                    kv_args(arch, rng.int(1, 4_096), 1, "fp16"),
                ),
                _ => {
                    let targets: &[&str] = match family.as_str() {
                        "gpt2" => &GPT2_TARGETS,
                        "llama" => &LLAMA_TARGETS,
                        _ => &BERT_TARGETS,
                    };
                    let targets = random_targets(rng, targets);
                    Case::new(
                        g,
                        name,
                        "lora_trainable_params",
                        lora_args(arch, 8, &targets),
                    )
                }
            }
        }
        2 => {
            // Counts far past u64: the embedding table alone is over 2^64.
            let (vocab, hidden) = (rng.int(1 << 34, 1 << 40), rng.int(1 << 31, 1 << 33));
            let arch = match rng.int(0, 2) {
                0 => Gpt2 {
                    vocab,
                    embd: hidden,
                    heads: 1,
                    ..GPT2_SMALL
                }
                .json(),
                1 => Llama {
                    vocab,
                    hidden,
                    heads: 1,
                    kv_heads: Some(1),
                    ..LLAMA3_8B
                }
                .json(),
                _ => Bert {
                    vocab,
                    hidden,
                    heads: 1,
                    ..BERT_BASE
                }
                .json(),
            };
            count(g, name, arch)
        }
        3 => {
            // Memory past u64 for any precision of 16 bits or more.
            let params = rng.int(max / 2 + 1, max);
            let p = wide_precision(rng);
            match rng.int(0, 2) {
                0 => Case::new(g, name, "weight_bytes", weight_args(params, p)),
                1 => Case::new(g, name, "inference_vram", weight_args(params, p)),
                _ => Case::new(
                    g,
                    name,
                    "training_memory",
                    json!({ "config": training_config(params, p, p, "adam", p, None, 0) }),
                ),
            }
        }
        4 => {
            // A zero among the KV cache fields, or a product far past u64.
            let mut fields = [
                rng.int(1, 128),
                rng.int(1, 64),
                rng.int(1, 256),
                rng.int(1, 1 << 20),
                rng.int(1, 256),
            ];
            if rng.chance(0.5) {
                let at = rng.int(0, 4) as usize;
                fields[at] = 0;
            } else {
                // At least 2 x 2^44 x 2^24 x 4 bits = 2^68 bytes.
                fields[3] = rng.int(1 << 44, 1 << 50);
                fields[4] = rng.int(1 << 24, 1 << 30);
            }
            let [layers, kv, head_dim, seq, batch] = fields;
            Case::new(
                g,
                name,
                "kv_cache_bytes",
                json!({ "config": {
                    "num_hidden_layers": layers, "num_key_value_heads": kv, "head_dim": head_dim,
                    "seq_len": seq, "batch_size": batch, "precision": precision_of(rng),
                }}),
            )
        }
        _ => {
            let arch = LLAMA3_8B.json();
            match rng.int(0, 3) {
                0 => Case::new(
                    g,
                    name,
                    "lora_trainable_params",
                    lora_args(arch, 0, &["q_proj"]),
                ),
                1 => Case::new(g, name, "lora_trainable_params", lora_args(arch, 16, &[])),
                2 => {
                    let mut targets = random_targets(rng, &LLAMA_TARGETS);
                    let at = rng.int(0, targets.len() as u64) as usize;
                    targets.insert(at, pick(rng, &["c_attn", "query", "lm_head", "Q_PROJ"]));
                    Case::new(
                        g,
                        name,
                        "lora_trainable_params",
                        lora_args(arch, 16, &targets),
                    )
                }
                _ => {
                    let (base, adapters) = if rng.chance(0.5) {
                        (0, rng.int(1, 1_000_000))
                    } else {
                        (rng.int(1, 10_000_000_000), 0)
                    };
                    Case::new(
                        g,
                        name,
                        "lora_memory",
                        lora_memory_config(base, "int4", adapters, "fp32", "adam", "fp32", 0),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parameter count of a generated config, by the lab's formulas (only to
    /// check the generator's size range; the grader's expected values come
    /// from the reference).
    fn approx_params(arch: &Value) -> u128 {
        let n = |k: &str| u128::from(arch[k].as_u64().unwrap_or(0));
        match arch["model_type"].as_str().unwrap() {
            "gpt2" => {
                let (h, l) = (n("n_embd"), n("n_layer"));
                let i = arch["n_inner"].as_u64().map_or(4 * h, u128::from);
                let head = if arch["tie_word_embeddings"] == true {
                    1
                } else {
                    2
                };
                head * n("vocab_size") * h + n("n_positions") * h + l * (4 * h * h + 2 * h * i)
            }
            "llama" => {
                let (h, l, i) = (
                    n("hidden_size"),
                    n("num_hidden_layers"),
                    n("intermediate_size"),
                );
                let heads = n("num_attention_heads");
                let kv = arch["num_key_value_heads"]
                    .as_u64()
                    .map_or(heads, u128::from);
                let hd = arch["head_dim"].as_u64().map_or(h / heads, u128::from);
                let head = if arch["tie_word_embeddings"] == true {
                    1
                } else {
                    2
                };
                head * n("vocab_size") * h + l * (2 * h * heads * hd + 2 * h * kv * hd + 3 * h * i)
            }
            _ => {
                let (h, l, i) = (
                    n("hidden_size"),
                    n("num_hidden_layers"),
                    n("intermediate_size"),
                );
                n("vocab_size") * h + l * (4 * h * h + 2 * h * i)
            }
        }
    }

    #[test]
    fn random_architectures_are_valid_and_span_tiny_to_about_400b() {
        let mut smallest = u128::MAX;
        let mut largest = 0u128;
        for seed in 0..60 {
            let mut rng = CaseRng::new(seed, "04-memory-calculator", "test");
            for tier in 0..5 {
                let gpt2 = random_gpt2(&mut rng, tier);
                assert_eq!(gpt2.embd % gpt2.heads, 0, "{gpt2:?}");
                assert!(gpt2.inner != Some(0));
                for gqa in [false, true] {
                    let llama = random_llama(&mut rng, tier, gqa);
                    let kv = llama.kv_heads.unwrap_or(llama.heads);
                    assert_eq!(llama.heads % kv, 0, "{llama:?}");
                    assert!(!gqa || kv < llama.heads, "{llama:?}");
                    if llama.head_dim.is_none() {
                        assert_eq!(llama.hidden % llama.heads, 0, "{llama:?}");
                    }
                    assert!(llama.intermediate > 0 && llama.hidden > 0);
                    for arch in [gpt2.json(), llama.json()] {
                        let p = approx_params(&arch);
                        smallest = smallest.min(p);
                        largest = largest.max(p);
                        assert!(p < 450_000_000_000, "{p} {arch}");
                        if tier == 4 {
                            assert!(p > 50_000_000_000, "{p} {arch}");
                        }
                    }
                }
                let bert = random_bert(&mut rng, tier);
                assert_eq!(bert.hidden % bert.heads, 0, "{bert:?}");
                assert!(approx_params(&bert.json()) < 450_000_000_000);
            }
        }
        assert!(smallest < 10_000, "{smallest}");
        assert!(largest > u128::from(u32::MAX) * 50, "{largest}");
    }

    #[test]
    fn broken_architectures_are_broken() {
        for seed in 0..200 {
            let mut rng = CaseRng::new(seed, "04-memory-calculator", "broken");
            let arch = broken_arch(&mut rng);
            let n = |k: &str| arch[k].as_u64();
            let zero = arch
                .as_object()
                .unwrap()
                .values()
                .any(|v| v.as_u64() == Some(0));
            let not_divisible = match arch["model_type"].as_str().unwrap() {
                "gpt2" => n("n_embd").unwrap().checked_rem(n("n_head").unwrap()) != Some(0),
                "llama" => {
                    let heads = n("num_attention_heads").unwrap();
                    heads.checked_rem(n("num_key_value_heads").unwrap_or(heads)) != Some(0)
                }
                _ => {
                    let heads = n("num_attention_heads").unwrap();
                    n("hidden_size").unwrap().checked_rem(heads) != Some(0)
                }
            };
            assert!(zero || not_divisible, "{arch}");
        }
    }

    #[test]
    fn every_group_makes_uniquely_named_cases_the_driver_knows() {
        const CALLS: [&str; 15] = [
            "bits",
            "parse_precisions",
            "weight_bytes",
            "inference_vram",
            "weight_memory_units",
            "state_copies",
            "training_memory",
            "param_count",
            "config_param_counts",
            "projections",
            "kv_cache_config",
            "kv_cache_bytes",
            "kv_cache",
            "lora_trainable_params",
            "lora_memory",
        ];
        let groups = [
            "precision",
            "inference-vram",
            "training",
            "params-gpt2",
            "params-llama",
            "params-bert",
            "kv-cache",
            "lora",
            "units",
            "errors",
            "hidden-inference",
            "hidden-training",
            "hidden-gpt2",
            "hidden-llama",
            "hidden-bert",
            "hidden-kv-cache",
            "hidden-lora",
            "hidden-units",
            "hidden-errors",
        ];
        for group in groups {
            let mut rng = CaseRng::new(7, "04-memory-calculator", group);
            let cases = MemoryCalculator.cases(group, &mut rng, 12).unwrap();
            assert!(!cases.is_empty());
            let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), cases.len(), "{group}");
            for case in &cases {
                assert_eq!(case.group, group);
                assert!(CALLS.contains(&case.call.as_str()), "{}", case.call);
            }
        }
        let mut rng = CaseRng::new(7, "04-memory-calculator", "x");
        assert!(MemoryCalculator.cases("nope", &mut rng, 1).is_none());
    }
}
