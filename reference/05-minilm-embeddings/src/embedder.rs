//! The embedding model: load a model folder, turn texts into unit vectors.

use std::path::Path;

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::BertModel;
use tokenizers::Tokenizer;

use crate::error::{tokenizer_error, EmbedError};
use crate::files::{read_bert_config, read_max_seq_length};
use crate::pooling::{l2_normalize, mean_pool};
use crate::tokenize::{configure_tokenizer, tokenize_batch};

/// A sentence-embedding model (all-MiniLM-L6-v2, or the tiny test model) on
/// one device.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    max_seq_length: usize,
    dim: usize,
}

impl Embedder {
    /// Load the model folder `dir` onto `device`.
    pub fn load(dir: &Path, device: &Device) -> Result<Embedder, EmbedError> {
        let config = read_bert_config(dir)?;
        let max_seq_length = read_max_seq_length(dir)?.min(config.max_position_embeddings);
        let mut tokenizer =
            Tokenizer::from_file(dir.join("tokenizer.json")).map_err(tokenizer_error)?;
        configure_tokenizer(&mut tokenizer, max_seq_length)?;
        let weights = candle_core::safetensors::load(dir.join("model.safetensors"), device)?;
        let model = BertModel::load(
            VarBuilder::from_tensors(weights, DType::F32, device),
            &config,
        )?;
        Ok(Embedder {
            model,
            tokenizer,
            device: device.clone(),
            max_seq_length,
            dim: config.hidden_size,
        })
    }

    /// The tokenizer, set up by [`configure_tokenizer`].
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The device the model runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Tokens per text the model sees at most (`max_seq_length`).
    pub fn max_seq_length(&self) -> usize {
        self.max_seq_length
    }

    /// Length of every embedding (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Embed `texts` as one padded batch: tokenise, run BERT, mean-pool over
    /// the real tokens, L2-normalise. One unit vector per text, in order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let batch = tokenize_batch(&self.tokenizer, texts)?;
        let (ids, mask, types) = batch.tensors(&self.device)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        let pooled = l2_normalize(&mean_pool(&hidden, &mask)?)?;
        Ok(pooled.to_dtype(DType::F32)?.to_vec2::<f32>()?)
    }

    /// Embed `texts` in batches of at most `batch_size`, as
    /// sentence-transformers' `encode` does: longest texts first so each
    /// batch holds texts of similar length (little padding), results back in
    /// the input order.
    pub fn embed_batched(
        &self,
        texts: &[&str],
        batch_size: usize,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        if batch_size == 0 {
            return Err(EmbedError::BadArgument(
                "batch_size must be at least 1".into(),
            ));
        }
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(texts[i].chars().count()));
        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(batch_size) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, embedding) in chunk.iter().zip(self.embed(&batch)?) {
                out[i] = embedding;
            }
        }
        Ok(out)
    }
}
