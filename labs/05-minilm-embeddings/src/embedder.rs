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
        // TODO(lab05): load the four files of the model folder.
        // 1. `read_bert_config(dir)` and `read_max_seq_length(dir)` (given, in
        //    files.rs); never use more tokens than the model has positions
        //    (`config.max_position_embeddings`).
        // 2. `Tokenizer::from_file(dir.join("tokenizer.json"))`, then
        //    `configure_tokenizer` (tokenize.rs) with that max_seq_length.
        // 3. The weights: `candle_core::safetensors::load(path, device)` gives a
        //    HashMap of tensors; `VarBuilder::from_tensors(weights, DType::F32,
        //    device)` feeds `BertModel::load(vb, &config)`.
        // 4. dim is `config.hidden_size`.
        todo!("lab05: load the model folder")
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
        // TODO(lab05): the whole pipeline for one batch. No texts -> Ok(vec![]).
        // 1. `tokenize_batch`, then `batch.tensors(&self.device)` gives
        //    (input_ids, attention_mask, token_type_ids).
        // 2. `self.model.forward(&ids, &types, Some(&mask))` -> [b, t, hidden].
        // 3. `mean_pool` with the mask, then `l2_normalize`.
        // 4. `to_vec2::<f32>()` gives one Vec per text, in input order.
        todo!("lab05: embed one batch")
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
        // TODO(lab05): many texts, a batch at a time. batch_size 0 ->
        // Err(EmbedError::BadArgument(..)).
        // Sort the indices by text length (chars), longest first, so texts of
        // similar length share a batch and little padding is computed; embed each
        // chunk of batch_size with `self.embed`, and put every embedding back at
        // its text's ORIGINAL position.
        todo!("lab05: embed in length-sorted batches")
    }
}
