// The token counts of `HfTokenCounter` agree with Hugging Face's own
// encoding of the same text:
//
// - with Python's `tokenizers` package (PyPI), whose counts for the lab's
//   tiny tokenizer are stored in tools/tiny_tokenizer_counts.json by
//   tools/tiny_tokenizer.py: `encode(text, add_special_tokens=False)` with
//   padding and truncation off;
// - with the `tokenizers` crate called directly, `encode(text, false)`
//   after switching padding and truncation off, on those texts and more;
// - and the counts differ from what the file's own settings (padding to
//   16 and truncation at 16, as shipped) would give, for the texts where
//   they should.

use context_window_reference::{HfTokenCounter, TokenCounter};
use serde_json::Value;
use tokenizers::Tokenizer;

const TINY_TOKENIZER: &[u8] =
    include_bytes!("../../../labs/01-context-window/tests/tiny-tokenizer.json");
const PYTHON_COUNTS: &str = include_str!("../tools/tiny_tokenizer_counts.json");

fn python_cases() -> Vec<(String, usize, usize)> {
    let record: Value = serde_json::from_str(PYTHON_COUNTS).unwrap();
    record["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            (
                case["text"].as_str().unwrap().to_owned(),
                case["tokens"].as_u64().unwrap() as usize,
                case["as_shipped"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

/// The crate's own count: padding and truncation off, no special tokens.
fn crate_count(tokenizer: &Tokenizer, text: &str) -> usize {
    let mut tokenizer = tokenizer.clone();
    tokenizer.with_padding(None);
    tokenizer.with_truncation(None).unwrap();
    tokenizer.encode(text, false).unwrap().len()
}

#[test]
fn counts_agree_with_python_tokenizers() {
    let counter = HfTokenCounter::from_bytes(TINY_TOKENIZER).unwrap();
    let cases = python_cases();
    assert!(cases.len() >= 10);
    for (text, tokens, _) in &cases {
        assert_eq!(counter.count(text), Ok(*tokens), "{text:?}");
    }
}

#[test]
fn the_file_as_shipped_pads_and_truncates_as_python_says() {
    let tokenizer = Tokenizer::from_bytes(TINY_TOKENIZER).unwrap();
    for (text, tokens, as_shipped) in python_cases() {
        let shipped = tokenizer.encode(text.as_str(), false).unwrap().len();
        assert_eq!(shipped, as_shipped, "{text:?}");
        // Every text is padded or truncated to 16 unless it has exactly 16.
        assert_eq!(shipped, 16);
        assert_eq!(tokens == 16, as_shipped == tokens, "{text:?}");
    }
}

#[test]
fn counts_agree_with_the_crates_own_encoding() {
    let tokenizer = Tokenizer::from_bytes(TINY_TOKENIZER).unwrap();
    let counter = HfTokenCounter::from_bytes(TINY_TOKENIZER).unwrap();
    let mut texts: Vec<String> = python_cases().into_iter().map(|(t, _, _)| t).collect();
    texts.extend(
        [
            "Summary of previous conversation: user: hi.",
            "Ελληνικά, русский, עברית, हिन्दी",
            "e\u{301} vs é",
            "\t\r\n",
            "a b  c   d    e",
        ]
        .map(str::to_owned),
    );
    texts.push("The context window ".repeat(200));
    for text in &texts {
        assert_eq!(
            counter.count(text),
            Ok(crate_count(&tokenizer, text)),
            "{text:?}"
        );
    }
    // 200 x "The", "Ġcontext", "Ġwindow", "Ġ": far past the file's 16.
    assert_eq!(counter.count(&texts[texts.len() - 1]), Ok(800));
}
