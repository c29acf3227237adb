//! From texts to a padded batch of token ids and its attention mask.

use candle_core::{Device, Tensor};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::error::{tokenizer_error, EmbedError};

/// A batch of tokenised texts, every row padded to the same length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Token ids, one row per text: `[CLS] pieces... [SEP]` then `[PAD]`s.
    pub input_ids: Vec<Vec<u32>>,
    /// 1 for a real token (including `[CLS]` and `[SEP]`), 0 for padding.
    pub attention_mask: Vec<Vec<u32>>,
}

impl Batch {
    /// Number of texts.
    pub fn len(&self) -> usize {
        self.input_ids.len()
    }

    /// Whether the batch holds no text.
    pub fn is_empty(&self) -> bool {
        self.input_ids.is_empty()
    }

    /// Length of every row (0 for an empty batch).
    pub fn seq_len(&self) -> usize {
        self.input_ids.first().map_or(0, Vec::len)
    }

    /// `(input_ids, attention_mask, token_type_ids)` as `[batch, seq_len]`
    /// u32 tensors on `device` (token types are all 0: one sentence per row).
    pub fn tensors(&self, device: &Device) -> Result<(Tensor, Tensor, Tensor), EmbedError> {
        let shape = (self.len(), self.seq_len());
        if self
            .input_ids
            .iter()
            .chain(&self.attention_mask)
            .any(|row| row.len() != shape.1)
            || self.attention_mask.len() != shape.0
        {
            return Err(EmbedError::BadArgument("the batch is ragged".into()));
        }
        let flat = |rows: &[Vec<u32>]| rows.concat();
        let ids = Tensor::from_vec(flat(&self.input_ids), shape, device)?;
        let mask = Tensor::from_vec(flat(&self.attention_mask), shape, device)?;
        let types = ids.zeros_like()?;
        Ok((ids, mask, types))
    }
}

/// Set up `tokenizer` the way sentence-transformers uses it: pad each batch
/// to its longest text (not to a fixed length), truncate at
/// `max_seq_length` tokens (special tokens included).
pub fn configure_tokenizer(
    tokenizer: &mut Tokenizer,
    max_seq_length: usize,
) -> Result<(), EmbedError> {
    let pad_id = tokenizer.token_to_id("[PAD]").unwrap_or(0);
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        pad_id,
        pad_token: "[PAD]".into(),
        ..PaddingParams::default()
    }));
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: max_seq_length,
            ..TruncationParams::default()
        }))
        .map_err(tokenizer_error)?;
    Ok(())
}

/// Tokenise `texts` (with `[CLS]`/`[SEP]`) into one padded batch, using the
/// tokenizer's padding and truncation settings.
pub fn tokenize_batch(tokenizer: &Tokenizer, texts: &[&str]) -> Result<Batch, EmbedError> {
    let encodings = tokenizer
        .encode_batch(texts.to_vec(), true)
        .map_err(tokenizer_error)?;
    Ok(Batch {
        input_ids: encodings.iter().map(|e| e.get_ids().to_vec()).collect(),
        attention_mask: encodings
            .iter()
            .map(|e| e.get_attention_mask().to_vec())
            .collect(),
    })
}
