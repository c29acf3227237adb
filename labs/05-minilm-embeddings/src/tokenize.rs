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
    // TODO(lab05): the shipped tokenizer.json pads EVERY text to 128 tokens and
    // truncates at 128; sentence-transformers instead pads each batch to its
    // longest text and truncates at max_seq_length (256 for this model).
    // 1. `tokenizer.with_padding(Some(PaddingParams { strategy:
    //    PaddingStrategy::BatchLongest, pad_id, pad_token: "[PAD]".into(),
    //    ..PaddingParams::default() }))`, with pad_id from
    //    `tokenizer.token_to_id("[PAD]")` (0 if absent).
    // 2. `tokenizer.with_truncation(Some(TruncationParams { max_length:
    //    max_seq_length, ..TruncationParams::default() }))`; it returns a
    //    Result: `.map_err(tokenizer_error)?`.
    todo!("lab05: pad to the longest text, truncate at max_seq_length")
}

/// Tokenise `texts` (with `[CLS]`/`[SEP]`) into one padded batch, using the
/// tokenizer's padding and truncation settings.
pub fn tokenize_batch(tokenizer: &Tokenizer, texts: &[&str]) -> Result<Batch, EmbedError> {
    // TODO(lab05): one padded batch, as the model wants it.
    // 1. `tokenizer.encode_batch(texts.to_vec(), true)` (true: add [CLS] and
    //    [SEP]); map its error with `tokenizer_error`.
    // 2. Collect each encoding's `get_ids()` into input_ids and its
    //    `get_attention_mask()` into attention_mask (1 = real token, 0 = pad).
    todo!("lab05: tokenise a batch")
}
