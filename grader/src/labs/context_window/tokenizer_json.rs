//! Small byte-level BPE `tokenizer.json` files, built from a seed.
//!
//! The GPT-2 family's scheme: every byte is a base token (written with
//! GPT-2's printable stand-ins, `Ġ` for a space), plus merges that build
//! common English words letter by letter, with and without a leading
//! space. Each file also switches fixed padding and truncation ON and adds a
//! `<s> ... </s>` template, as files prepared for batched training do: a
//! counter that leaves padding, truncation or special tokens on gets wrong
//! counts. The driver receives the file's text in the case arguments (it may
//! read no files).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::cases::CaseRng;

/// Words the merges can build.
const MERGE_WORDS: [&str; 40] = [
    "the",
    "context",
    "window",
    "model",
    "token",
    "tokens",
    "prompt",
    "system",
    "user",
    "assistant",
    "message",
    "history",
    "summary",
    "document",
    "retrieved",
    "budget",
    "cost",
    "turn",
    "answer",
    "question",
    "memory",
    "attention",
    "middle",
    "beginning",
    "end",
    "long",
    "and",
    "for",
    "with",
    "you",
    "what",
    "is",
    "are",
    "more",
    "every",
    "once",
    "table",
    "trip",
    "train",
    "today",
];

/// GPT-2's map from bytes to printable characters (`bytes_to_unicode`):
/// printable Latin-1 bytes stand for themselves, the rest are shifted to
/// U+0100 and up in byte order.
pub fn byte_chars() -> Vec<char> {
    let printable = |b: u32| {
        (u32::from(b'!')..=u32::from(b'~')).contains(&b)
            || (0xA1..=0xAC).contains(&b)
            || (0xAE..=0xFF).contains(&b)
    };
    let mut shifted = 0;
    (0u32..256)
        .map(|b| {
            if printable(b) {
                char::from_u32(b).expect("Latin-1")
            } else {
                shifted += 1;
                char::from_u32(255 + shifted).expect("valid")
            }
        })
        .collect()
}

/// The options of one generated tokenizer.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenizerSpec {
    /// How many of [`MERGE_WORDS`] get merges (a random subset).
    pub words: Vec<&'static str>,
    /// `ByteLevel.add_prefix_space`.
    pub add_prefix_space: bool,
    /// Lowercase the text first.
    pub lowercase: bool,
    /// Fixed padding length (and truncation length) set in the file.
    pub pad_to: u64,
    /// Truncation max length set in the file.
    pub truncate_at: u64,
}

impl TokenizerSpec {
    /// A random spec.
    pub fn random(rng: &mut CaseRng) -> TokenizerSpec {
        let mut words: Vec<&'static str> = MERGE_WORDS
            .iter()
            .copied()
            .filter(|_| rng.chance(0.6))
            .collect();
        if words.is_empty() {
            words.push("the");
        }
        TokenizerSpec {
            words,
            add_prefix_space: rng.chance(0.3),
            lowercase: rng.chance(0.3),
            pad_to: rng.int(8, 32),
            truncate_at: rng.int(8, 32),
        }
    }

    /// A fixed spec for hand-written cases: every merge word, padding and
    /// truncation at 16.
    pub fn fixed() -> TokenizerSpec {
        TokenizerSpec {
            words: MERGE_WORDS.to_vec(),
            add_prefix_space: false,
            lowercase: false,
            pad_to: 16,
            truncate_at: 16,
        }
    }

    /// The `tokenizer.json` text.
    pub fn to_json(&self) -> String {
        let alphabet = byte_chars();
        let mut vocab: Vec<String> = alphabet.iter().map(char::to_string).collect();
        let mut known: BTreeSet<String> = vocab.iter().cloned().collect();
        let mut merges: Vec<[String; 2]> = Vec::new();
        let space = alphabet[usize::from(b' ')].to_string();
        for word in &self.words {
            for start in [String::new(), space.clone()] {
                let mut left = start;
                for c in word.chars() {
                    let right = c.to_string();
                    if left.is_empty() {
                        left = right;
                        continue;
                    }
                    let merged = format!("{left}{right}");
                    if known.insert(merged.clone()) {
                        vocab.push(merged.clone());
                        merges.push([left, right]);
                    }
                    left = merged;
                }
            }
        }
        let n = vocab.len() as u64;
        let (bos, eos, pad) = (n, n + 1, n + 2);
        let vocab: Map<String, Value> = vocab
            .into_iter()
            .enumerate()
            .map(|(id, token)| (token, json!(id)))
            .collect();
        let added = |id: u64, content: &str| {
            json!({
                "id": id, "content": content, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": true,
            })
        };
        let special = |name: &str| json!({ "SpecialToken": { "id": name, "type_id": 0 } });
        let sequence =
            |id: &str, type_id: u32| json!({ "Sequence": { "id": id, "type_id": type_id } });
        let tokenizer = json!({
            "version": "1.0",
            "truncation": {
                "direction": "Right", "max_length": self.truncate_at,
                "strategy": "LongestFirst", "stride": 0,
            },
            "padding": {
                "strategy": { "Fixed": self.pad_to }, "direction": "Right",
                "pad_to_multiple_of": null, "pad_id": pad, "pad_type_id": 0, "pad_token": "<pad>",
            },
            "added_tokens": [added(bos, "<s>"), added(eos, "</s>"), added(pad, "<pad>")],
            "normalizer": if self.lowercase { json!({ "type": "Lowercase" }) } else { Value::Null },
            "pre_tokenizer": {
                "type": "ByteLevel", "add_prefix_space": self.add_prefix_space,
                "trim_offsets": true, "use_regex": true,
            },
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [special("<s>"), sequence("A", 0), special("</s>")],
                "pair": [special("<s>"), sequence("A", 0), special("</s>"), sequence("B", 1), special("</s>")],
                "special_tokens": {
                    "<s>": { "id": "<s>", "ids": [bos], "tokens": ["<s>"] },
                    "</s>": { "id": "</s>", "ids": [eos], "tokens": ["</s>"] },
                },
            },
            "decoder": { "type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true },
            "model": {
                "type": "BPE", "dropout": null, "unk_token": null,
                "continuing_subword_prefix": null, "end_of_word_suffix": null,
                "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocab, "merges": merges,
            },
        });
        tokenizer.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_alphabet_is_gpt2s() {
        let chars = byte_chars();
        assert_eq!(chars.len(), 256);
        assert_eq!(chars[usize::from(b' ')], 'Ġ');
        assert_eq!(chars[usize::from(b'a')], 'a');
        assert_eq!(chars[usize::from(b'\n')], 'Ċ');
        assert_eq!(chars.iter().collect::<BTreeSet<_>>().len(), 256);
    }

    #[test]
    fn merges_build_words_from_known_tokens() {
        let spec = TokenizerSpec {
            words: vec!["the", "then"],
            ..TokenizerSpec::fixed()
        };
        let json: Value = serde_json::from_str(&spec.to_json()).unwrap();
        let merges = json["model"]["merges"].as_array().unwrap();
        let pairs: Vec<String> = merges
            .iter()
            .map(|m| format!("{} {}", m[0].as_str().unwrap(), m[1].as_str().unwrap()))
            .collect();
        assert_eq!(
            pairs,
            ["t h", "th e", "Ġ t", "Ġt h", "Ġth e", "the n", "Ġthe n"]
        );
        assert_eq!(json["model"]["vocab"]["Ġthen"], 262);
        assert_eq!(json["added_tokens"][2]["id"], 265);
        assert_eq!(json["padding"]["strategy"]["Fixed"], 16);
    }
}
