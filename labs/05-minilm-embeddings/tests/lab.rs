// Lab 05 tests: readable checks to run with `cargo test` while you work.
// They are a study aid; `grader check` gives the scored verdict.
//
// Most tests use the tiny random BERT of `minilm_embeddings::tiny` (no
// download needed). The last ones use the real all-MiniLM-L6-v2 when it is
// already on this machine (`$MINILM_MODEL_DIR`, the Hugging Face cache, or
// the course cache that `cargo run -p model-store --bin fetch-model` fills);
// otherwise they say why they skipped.

use minilm_embeddings::{
    dot, l2_normalize, mean_pool, search, tiny, tokenize_batch, Device, Embedder, Tensor,
};

fn tiny_embedder() -> Embedder {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_tiny_model(dir.path(), 5).unwrap();
    Embedder::load(dir.path(), &Device::Cpu).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    dot(a, b) / (dot(a, a).sqrt() * dot(b, b).sqrt())
}

#[test]
fn the_tiny_model_loads_with_max_seq_length_from_sentence_bert_config() {
    let embedder = tiny_embedder();
    assert_eq!(embedder.dim(), tiny::TINY_HIDDEN);
    assert_eq!(
        embedder.max_seq_length(),
        256,
        "not the tokenizer.json's 128"
    );
}

#[test]
fn a_batch_is_padded_to_its_longest_text_with_a_mask() {
    let embedder = tiny_embedder();
    let batch = tokenize_batch(embedder.tokenizer(), &["cat", "the cat sits"]).unwrap();
    // [CLS] the cat s ##i ##t ##s [SEP]: 8 tokens ("sits" is not in the tiny
    // vocabulary, so it is spelled out), and "cat" is padded to 8 as well.
    assert_eq!(batch.seq_len(), 8);
    assert_eq!(batch.attention_mask[0], [1, 1, 1, 0, 0, 0, 0, 0]);
    assert_eq!(batch.attention_mask[1], [1; 8]);
    let cls = embedder.tokenizer().token_to_id("[CLS]").unwrap();
    let sep = embedder.tokenizer().token_to_id("[SEP]").unwrap();
    assert_eq!((batch.input_ids[0][0], batch.input_ids[0][2]), (cls, sep));
}

#[test]
fn long_texts_are_truncated_at_256_tokens_not_128() {
    let embedder = tiny_embedder();
    let long = vec!["cat"; 300].join(" ");
    let batch = tokenize_batch(embedder.tokenizer(), &[&long]).unwrap();
    assert_eq!(batch.seq_len(), 256);
    let medium = vec!["cat"; 150].join(" ");
    let batch = tokenize_batch(embedder.tokenizer(), &[&medium]).unwrap();
    assert_eq!(batch.seq_len(), 152, "150 pieces + [CLS] + [SEP]");
}

#[test]
fn mean_pooling_leaves_padding_out() {
    let hidden = Tensor::new(&[[[1f32, 2.0], [3.0, 4.0], [100.0, -100.0]]], &Device::Cpu).unwrap();
    let mask = Tensor::new(&[[1u32, 1, 0]], &Device::Cpu).unwrap();
    let pooled = mean_pool(&hidden, &mask).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(pooled, [[2.0, 3.0]]);
}

#[test]
fn normalised_rows_have_length_one_and_zero_rows_stay_zero() {
    let x = Tensor::new(&[[3f32, 4.0], [0.0, 0.0]], &Device::Cpu).unwrap();
    let rows = l2_normalize(&x).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(rows, [[0.6, 0.8], [0.0, 0.0]]);
}

#[test]
fn a_text_gets_the_same_embedding_alone_and_in_a_padded_batch() {
    let embedder = tiny_embedder();
    let alone = embedder.embed(&["cat"]).unwrap().remove(0);
    let batch = embedder
        .embed(&["the river bank approved my loan today", "cat", ""])
        .unwrap();
    assert!((dot(&alone, &alone) - 1.0).abs() < 1e-5, "unit length");
    assert!(cosine(&alone, &batch[1]) > 0.9999);
}

#[test]
fn embed_batched_returns_embeddings_in_input_order() {
    let embedder = tiny_embedder();
    let texts = [
        "a",
        "the longest text of all here",
        "dog",
        "nice weather today",
    ];
    let one_batch = embedder.embed(&texts).unwrap();
    let batched = embedder.embed_batched(&texts, 2).unwrap();
    for (a, b) in one_batch.iter().zip(&batched) {
        assert!(cosine(a, b) > 0.9999);
    }
    assert!(embedder.embed_batched(&texts, 0).is_err(), "batch size 0");
}

#[test]
fn search_puts_an_identical_text_first() {
    let embedder = tiny_embedder();
    let corpus = ["my car", "the river bank", "a kitten", "the cat"];
    let hits = search(&embedder, "the cat", &corpus, 2, 2).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].index, 3);
    assert!((hits[0].score - 1.0).abs() < 1e-4);
    assert!(hits[0].score >= hits[1].score);
}

/// The real model if it is already here (no download from a test).
fn real_embedder() -> Option<Embedder> {
    match model_store::find(None) {
        Ok(Some(found)) => Some(Embedder::load(&found.dir, &Device::Cpu).unwrap()),
        Ok(None) => {
            eprintln!("skipped: all-MiniLM-L6-v2 is not on this machine (cargo run -p model-store --bin fetch-model)");
            None
        }
        Err(err) => {
            eprintln!("skipped: {err}");
            None
        }
    }
}

#[test]
fn with_the_real_model_the_lesson_pairs_rank_as_the_lesson_says() {
    let Some(embedder) = real_embedder() else {
        return;
    };
    let texts = [
        "I love programming",
        "I enjoy coding",
        "The weather is nice today",
        "cat",
        "kitten",
        "automobile",
    ];
    let e = embedder.embed_batched(&texts, 32).unwrap();
    assert_eq!(e[0].len(), 384);
    let similar = dot(&e[0], &e[1]);
    let unrelated = dot(&e[0], &e[2]);
    assert!(similar > 0.8 && unrelated < 0.5, "{similar} {unrelated}");
    assert!(
        dot(&e[3], &e[4]) > dot(&e[3], &e[5]),
        "cat is nearer kitten than automobile"
    );
}
