// Lab 04 public tests: each test name is a sentence about what your calculator must get right.
// Run with `cargo test` in this folder. The grader runs more cases than these (and never
// trusts this output), but a calculator that passes these is on the right track.
//
// The expected parameter counts were checked against Hugging Face transformers
// (sum(p.numel() for p in model.parameters())): see the README.

use memory_calculator::{
    bert_param_count, gpt2_param_count, inference_vram, kv_cache_bytes, llama_param_count,
    lora_memory, lora_trainable_params, parse_config, training_memory, weight_bytes, Architecture,
    BertConfig, Bytes, CalcError, Family, Gpt2Config, KvCacheConfig, LlamaConfig, LoraConfig,
    LoraMemoryConfig, Optimizer, Precision, TrainingConfig, GB,
};

// ---------------------------------------------------------------- models used below

fn gpt2_small() -> Gpt2Config {
    Gpt2Config {
        vocab_size: 50_257,
        n_positions: 1024,
        n_embd: 768,
        n_layer: 12,
        n_head: 12,
        n_inner: None,
        tie_word_embeddings: true,
    }
}

fn llama_3_8b() -> LlamaConfig {
    LlamaConfig {
        vocab_size: 128_256,
        hidden_size: 4096,
        intermediate_size: 14_336,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: Some(8),
        head_dim: None,
        max_position_embeddings: Some(8192),
        tie_word_embeddings: false,
        attention_bias: false,
        mlp_bias: false,
    }
}

fn bert_base(add_pooling_layer: bool) -> BertConfig {
    BertConfig {
        vocab_size: 30_522,
        hidden_size: 768,
        num_hidden_layers: 12,
        num_attention_heads: 12,
        intermediate_size: 3072,
        max_position_embeddings: 512,
        type_vocab_size: 2,
        add_pooling_layer,
    }
}

fn lora(rank: u64, targets: &[&str]) -> LoraConfig {
    LoraConfig {
        rank,
        target_modules: targets.iter().map(|target| target.to_string()).collect(),
    }
}

const LLAMA_3_8B_PARAMS: u64 = 8_030_261_248;
const ALL_LLAMA_PROJECTIONS: [&str; 7] = [
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
];

// ---------------------------------------------------------------- lesson 08: precisions

#[test]
fn each_precision_has_the_bits_of_the_lesson_table() {
    let bits: Vec<u64> = Precision::ALL.iter().map(|p| p.bits()).collect();
    assert_eq!(bits, [32, 16, 16, 8, 4]); // fp32, fp16, bf16, int8, int4
}

#[test]
fn a_7b_model_takes_28_14_14_7_and_3_point_5_gb_of_weights() {
    let expected = [28 * GB, 14 * GB, 14 * GB, 7 * GB, 3_500_000_000];
    for (precision, bytes) in Precision::ALL.into_iter().zip(expected) {
        assert_eq!(
            weight_bytes(7_000_000_000, precision),
            Ok(Bytes(bytes)),
            "{precision}"
        );
    }
}

#[test]
fn an_odd_number_of_4_bit_parameters_rounds_up_to_a_whole_byte() {
    assert_eq!(weight_bytes(3, Precision::Int4), Ok(Bytes(2)));
    assert_eq!(weight_bytes(1, Precision::Int4), Ok(Bytes(1)));
}

#[test]
fn the_real_llama_3_8b_needs_16_gb_of_fp16_weights_which_is_14_96_gib() {
    let bytes = weight_bytes(LLAMA_3_8B_PARAMS, Precision::Fp16).unwrap();
    assert_eq!(bytes, Bytes(16_060_522_496));
    assert!((bytes.gb() - 16.06).abs() < 0.01);
    assert!((bytes.gib() - 14.96).abs() < 0.01);
}

// ---------------------------------------------------------------- lesson 08: inference VRAM

#[test]
fn the_rule_of_thumb_gives_19_point_2_gb_for_8b_parameters_at_fp16() {
    let vram = inference_vram(8_000_000_000, Precision::Fp16);
    assert_eq!(vram, Ok(Bytes(19_200_000_000)));
}

#[test]
fn the_rule_of_thumb_gives_4_point_8_gb_for_8b_parameters_at_q4() {
    let q4: Precision = "Q4".parse().unwrap();
    assert_eq!(inference_vram(8_000_000_000, q4), Ok(Bytes(4_800_000_000)));
}

#[test]
fn the_rule_of_thumb_scales_the_exact_bits_and_rounds_up_once() {
    // 3 params x 4 bits x 1.2 = 14.4 bits = 1.8 bytes -> 2 bytes (not 2 bytes x 1.2 -> 3).
    assert_eq!(inference_vram(3, Precision::Int4), Ok(Bytes(2)));
    assert_eq!(
        inference_vram(LLAMA_3_8B_PARAMS, Precision::Fp16),
        Ok(Bytes(19_272_626_996)) // 19,272,626,995.2 rounded up
    );
}

#[test]
fn zero_parameters_are_an_error_not_zero_bytes() {
    let zero = Err(CalcError::Zero { field: "params" });
    assert_eq!(weight_bytes(0, Precision::Fp16), zero);
    assert_eq!(inference_vram(0, Precision::Fp16), zero);
}

#[test]
fn sizes_beyond_u64_are_overflow_errors_and_sizes_just_inside_are_exact() {
    assert_eq!(
        weight_bytes(u64::MAX, Precision::Fp16),
        Err(CalcError::Overflow {
            quantity: "weight memory"
        })
    );
    assert_eq!(weight_bytes(u64::MAX, Precision::Int8), Ok(Bytes(u64::MAX)));
    assert_eq!(
        inference_vram(u64::MAX, Precision::Int8),
        Err(CalcError::Overflow {
            quantity: "inference vram"
        })
    );
    let exact = (u128::from(u64::MAX) * 4 * 6).div_ceil(40);
    assert_eq!(
        inference_vram(u64::MAX, Precision::Int4),
        Ok(Bytes(exact as u64))
    );
}

// ---------------------------------------------------------------- lesson 09: training memory

#[test]
fn adam_keeps_two_moments_sgd_with_momentum_one_and_plain_sgd_none() {
    assert_eq!(Optimizer::Adam.state_copies(), 2);
    assert_eq!(Optimizer::SgdMomentum.state_copies(), 1);
    assert_eq!(Optimizer::Sgd.state_copies(), 0);
}

#[test]
fn the_lessons_fp16_adam_accounting_is_14_plus_14_plus_28_gb_for_7b_parameters() {
    let config = TrainingConfig::uniform(7_000_000_000, Precision::Fp16, Optimizer::Adam, 0);
    let memory = training_memory(&config).unwrap();
    assert_eq!(memory.weights, Bytes(14 * GB));
    assert_eq!(memory.gradients, Bytes(14 * GB));
    assert_eq!(memory.optimizer_state, Bytes(28 * GB));
    assert_eq!(memory.master_weights, Bytes(0));
    assert_eq!(memory.total, Bytes(56 * GB));
}

#[test]
fn activations_are_added_to_the_total_as_given() {
    let config = TrainingConfig::uniform(7_000_000_000, Precision::Fp16, Optimizer::Adam, 24 * GB);
    let memory = training_memory(&config).unwrap();
    assert_eq!(memory.activations, Bytes(24 * GB));
    assert_eq!(memory.total, Bytes(80 * GB)); // the lesson's "~80+ GB"
}

#[test]
fn mixed_precision_adam_takes_16_bytes_per_parameter() {
    let config = TrainingConfig::mixed_precision_adam(LLAMA_3_8B_PARAMS, 0);
    let memory = training_memory(&config).unwrap();
    assert_eq!(memory.weights, Bytes(2 * LLAMA_3_8B_PARAMS));
    assert_eq!(memory.gradients, Bytes(2 * LLAMA_3_8B_PARAMS));
    assert_eq!(memory.master_weights, Bytes(4 * LLAMA_3_8B_PARAMS));
    assert_eq!(memory.optimizer_state, Bytes(8 * LLAMA_3_8B_PARAMS));
    assert_eq!(memory.total, Bytes(16 * LLAMA_3_8B_PARAMS));
}

#[test]
fn fp32_sgd_takes_8_bytes_per_parameter_and_12_with_momentum() {
    let total = |optimizer| {
        let config = TrainingConfig::uniform(1000, Precision::Fp32, optimizer, 0);
        training_memory(&config).unwrap().total
    };
    assert_eq!(total(Optimizer::Sgd), Bytes(8000));
    assert_eq!(total(Optimizer::SgdMomentum), Bytes(12_000));
    assert_eq!(total(Optimizer::Adam), Bytes(16_000));
}

#[test]
fn training_memory_rejects_zero_parameters_and_overflow() {
    let config = TrainingConfig::uniform(0, Precision::Fp32, Optimizer::Adam, 0);
    assert_eq!(
        training_memory(&config),
        Err(CalcError::Zero { field: "params" })
    );
    let config = TrainingConfig::uniform(u64::MAX / 8, Precision::Fp32, Optimizer::Adam, 0);
    assert_eq!(
        training_memory(&config),
        Err(CalcError::Overflow {
            quantity: "training memory"
        })
    );
}

// ---------------------------------------------------------------- lesson 06/08: parameter counts

#[test]
fn gpt2_small_has_124_439_808_parameters() {
    assert_eq!(gpt2_param_count(&gpt2_small()), Ok(124_439_808));
}

#[test]
fn an_untied_gpt2_head_adds_one_more_vocab_by_hidden_matrix() {
    let untied = Gpt2Config {
        tie_word_embeddings: false,
        ..gpt2_small()
    };
    assert_eq!(gpt2_param_count(&untied), Ok(124_439_808 + 50_257 * 768));
}

#[test]
fn gpt2_large_from_the_lesson_06_table_has_774_030_080_parameters() {
    let large = Gpt2Config {
        n_embd: 1280,
        n_layer: 36,
        n_head: 20,
        ..gpt2_small()
    };
    assert_eq!(gpt2_param_count(&large), Ok(774_030_080));
}

#[test]
fn llama_3_8b_has_8_030_261_248_parameters() {
    assert_eq!(llama_param_count(&llama_3_8b()), Ok(LLAMA_3_8B_PARAMS));
}

#[test]
fn llama_3_70b_has_70_553_706_496_parameters() {
    let big = LlamaConfig {
        hidden_size: 8192,
        intermediate_size: 28_672,
        num_hidden_layers: 80,
        num_attention_heads: 64,
        ..llama_3_8b()
    };
    assert_eq!(llama_param_count(&big), Ok(70_553_706_496));
}

#[test]
fn llama_2_7b_without_grouped_query_attention_has_6_738_415_616_parameters() {
    let llama_2 = LlamaConfig {
        vocab_size: 32_000,
        intermediate_size: 11_008,
        num_key_value_heads: None,
        ..llama_3_8b()
    };
    assert_eq!(llama_param_count(&llama_2), Ok(6_738_415_616));
}

#[test]
fn llama_3_2_1b_ties_its_head_and_sets_head_dim() {
    let small = LlamaConfig {
        hidden_size: 2048,
        intermediate_size: 8192,
        num_hidden_layers: 16,
        head_dim: Some(64),
        tie_word_embeddings: true,
        ..llama_3_8b()
    };
    assert_eq!(llama_param_count(&small), Ok(1_235_814_400));
}

#[test]
fn llama_biases_are_counted_when_switched_on() {
    let tiny = LlamaConfig {
        vocab_size: 97,
        hidden_size: 64,
        intermediate_size: 176,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: Some(2),
        head_dim: Some(24),
        max_position_embeddings: Some(64),
        tie_word_embeddings: false,
        attention_bias: true,
        mlp_bias: true,
    };
    assert_eq!(llama_param_count(&tiny), Ok(118_528));
}

#[test]
fn bert_base_uncased_has_109_482_240_parameters_with_its_pooler() {
    assert_eq!(bert_param_count(&bert_base(true)), Ok(109_482_240));
    assert_eq!(bert_param_count(&bert_base(false)), Ok(108_891_648));
}

#[test]
fn all_minilm_l6_v2_from_its_config_json_has_22_713_216_parameters() {
    let arch = parse_config(include_str!("../configs/all-minilm-l6-v2.json")).unwrap();
    assert_eq!(arch.param_count(), Ok(22_713_216));
}

#[test]
fn a_zero_count_is_an_error_naming_the_field() {
    let no_layers = Gpt2Config {
        n_layer: 0,
        ..gpt2_small()
    };
    assert_eq!(
        gpt2_param_count(&no_layers),
        Err(CalcError::Zero { field: "n_layer" })
    );
    let no_vocab = BertConfig {
        vocab_size: 0,
        ..bert_base(true)
    };
    assert_eq!(
        bert_param_count(&no_vocab),
        Err(CalcError::Zero {
            field: "vocab_size"
        })
    );
}

#[test]
fn query_heads_must_be_a_multiple_of_key_value_heads() {
    let bad = LlamaConfig {
        num_key_value_heads: Some(5),
        ..llama_3_8b()
    };
    assert_eq!(
        llama_param_count(&bad),
        Err(CalcError::NotDivisible {
            field: "num_attention_heads",
            value: 32,
            divisor_field: "num_key_value_heads",
            divisor: 5
        })
    );
}

#[test]
fn a_parameter_count_beyond_u64_is_an_overflow_error() {
    let huge = LlamaConfig {
        vocab_size: u64::MAX,
        ..llama_3_8b()
    };
    assert_eq!(
        llama_param_count(&huge),
        Err(CalcError::Overflow {
            quantity: "parameter count"
        })
    );
}

// ---------------------------------------------------------------- lesson 09: LoRA

#[test]
fn grouped_query_attention_makes_k_and_v_projections_narrower() {
    let projections = Architecture::Llama(llama_3_8b()).projections().unwrap();
    let shapes: Vec<(&str, u64, u64)> = projections
        .iter()
        .map(|p| (p.name, p.in_features, p.out_features))
        .collect();
    assert_eq!(
        shapes,
        [
            ("q_proj", 4096, 4096),
            ("k_proj", 4096, 1024),
            ("v_proj", 4096, 1024),
            ("o_proj", 4096, 4096),
            ("gate_proj", 4096, 14_336),
            ("up_proj", 4096, 14_336),
            ("down_proj", 14_336, 4096),
        ]
    );
}

#[test]
fn lora_rank_16_on_q_and_v_of_llama_3_8b_trains_6_815_744_parameters() {
    let arch = Architecture::Llama(llama_3_8b());
    let count = lora_trainable_params(&arch, &lora(16, &["q_proj", "v_proj"]));
    assert_eq!(count, Ok(6_815_744)); // 0.085% of 8B
}

#[test]
fn lora_rank_16_on_every_llama_projection_trains_41_943_040_parameters() {
    let arch = Architecture::Llama(llama_3_8b());
    let count = lora_trainable_params(&arch, &lora(16, &ALL_LLAMA_PROJECTIONS));
    assert_eq!(count, Ok(41_943_040));
}

#[test]
fn lora_on_gpt2_and_bert_uses_their_module_names() {
    let gpt2 = Architecture::Gpt2(gpt2_small());
    assert_eq!(
        lora_trainable_params(&gpt2, &lora(16, &["c_attn"])),
        Ok(589_824)
    );
    let bert = Architecture::Bert(bert_base(true));
    assert_eq!(
        lora_trainable_params(&bert, &lora(8, &["query", "value"])),
        Ok(294_912)
    );
}

#[test]
fn a_lora_target_named_twice_counts_once() {
    let arch = Architecture::Llama(llama_3_8b());
    let count = lora_trainable_params(&arch, &lora(16, &["q_proj", "v_proj", "q_proj"]));
    assert_eq!(count, Ok(6_815_744));
}

#[test]
fn an_unknown_lora_target_lists_the_known_ones() {
    let arch = Architecture::Gpt2(gpt2_small());
    assert_eq!(
        lora_trainable_params(&arch, &lora(8, &["c_attn", "q_proj"])),
        Err(CalcError::UnknownTarget {
            name: "q_proj".to_string(),
            known: vec!["c_attn", "attn.c_proj", "c_fc", "mlp.c_proj"],
        })
    );
}

#[test]
fn lora_needs_a_rank_and_at_least_one_target() {
    let arch = Architecture::Llama(llama_3_8b());
    assert_eq!(
        lora_trainable_params(&arch, &lora(0, &["q_proj"])),
        Err(CalcError::Zero { field: "rank" })
    );
    assert_eq!(
        lora_trainable_params(&arch, &lora(8, &[])),
        Err(CalcError::Empty {
            field: "target_modules"
        })
    );
}

#[test]
fn qlora_on_llama_3_8b_fits_a_gaming_gpu() {
    let adapters = 41_943_040; // rank 16 on every projection
    let config = LoraMemoryConfig::qlora(LLAMA_3_8B_PARAMS, adapters, 0);
    let memory = lora_memory(&config).unwrap();
    assert_eq!(memory.base_weights, Bytes(4_015_130_624)); // 8.03e9 x 0.5 byte
    assert_eq!(memory.adapter_weights, Bytes(4 * adapters)); // fp32
    assert_eq!(memory.adapter_gradients, Bytes(4 * adapters));
    assert_eq!(memory.optimizer_state, Bytes(8 * adapters)); // two fp32 Adam moments
    assert_eq!(memory.total, Bytes(4_015_130_624 + 16 * adapters));
    assert!(memory.total.gb() < 8.0);
}

#[test]
fn lora_memory_rejects_zero_adapters() {
    let config = LoraMemoryConfig::qlora(LLAMA_3_8B_PARAMS, 0, 0);
    assert_eq!(
        lora_memory(&config),
        Err(CalcError::Zero {
            field: "adapter_params"
        })
    );
}

// ---------------------------------------------------------------- KV cache

#[test]
fn llama_3_8b_caches_exactly_one_gib_for_8192_tokens_at_fp16() {
    let arch = Architecture::Llama(llama_3_8b());
    let config = arch.kv_cache_config(8192, 1, Precision::Fp16).unwrap();
    assert_eq!(
        config,
        KvCacheConfig {
            num_hidden_layers: 32,
            num_key_value_heads: 8, // not the 32 query heads
            head_dim: 128,
            seq_len: 8192,
            batch_size: 1,
            precision: Precision::Fp16,
        }
    );
    assert_eq!(kv_cache_bytes(&config), Ok(Bytes(1 << 30)));
}

#[test]
fn gpt2_caches_every_attention_head() {
    let arch = Architecture::Gpt2(gpt2_small());
    let config = arch.kv_cache_config(1024, 1, Precision::Fp16).unwrap();
    assert_eq!((config.num_key_value_heads, config.head_dim), (12, 64));
    assert_eq!(kv_cache_bytes(&config), Ok(Bytes(37_748_736)));
}

#[test]
fn the_kv_cache_grows_linearly_with_tokens_and_batch() {
    let arch = Architecture::Llama(llama_3_8b());
    let bytes = |seq_len, batch| {
        let config = arch
            .kv_cache_config(seq_len, batch, Precision::Fp16)
            .unwrap();
        kv_cache_bytes(&config).unwrap().0
    };
    assert_eq!(bytes(1, 1), 131_072); // 128 KiB per token
    assert_eq!(bytes(4096, 8), 8 * bytes(4096, 1));
    assert_eq!(bytes(8192, 1), 2 * bytes(4096, 1));
}

#[test]
fn an_encoder_like_bert_has_no_kv_cache() {
    let arch = Architecture::Bert(bert_base(true));
    assert_eq!(
        arch.kv_cache_config(512, 1, Precision::Fp16),
        Err(CalcError::NoKvCache {
            family: Family::Bert
        })
    );
}

#[test]
fn a_kv_cache_of_zero_tokens_or_beyond_u64_is_an_error() {
    let mut config = Architecture::Llama(llama_3_8b())
        .kv_cache_config(0, 1, Precision::Fp16)
        .unwrap();
    assert_eq!(
        kv_cache_bytes(&config),
        Err(CalcError::Zero { field: "seq_len" })
    );
    config.seq_len = u64::MAX;
    assert_eq!(
        kv_cache_bytes(&config),
        Err(CalcError::Overflow {
            quantity: "kv cache"
        })
    );
}
