//! Random text and conversations for lab 01, and the token counter the
//! driver uses for budget and fit cases (the comparator counts the same way).

use serde_json::{json, Value};

use crate::cases::CaseRng;

/// English words, so tokenizers with English merges have something to merge.
const ENGLISH: [&str; 64] = [
    "the",
    "a",
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
    "documents",
    "retrieved",
    "budget",
    "cost",
    "price",
    "turn",
    "turns",
    "answer",
    "question",
    "memory",
    "attention",
    "middle",
    "beginning",
    "end",
    "long",
    "short",
    "please",
    "book",
    "a",
    "table",
    "for",
    "two",
    "at",
    "seven",
    "the",
    "trip",
    "to",
    "Rome",
    "museum",
    "train",
    "ticket",
    "weather",
    "today",
    "and",
    "or",
    "with",
    "without",
    "can",
    "you",
    "explain",
    "why",
    "how",
    "what",
    "is",
    "are",
    "more",
    "less",
    "every",
    "once",
];

/// Words outside ASCII: accents, combining marks, other scripts, emoji
/// (with and without skin tones and joiners).
const UNICODE: [&str; 32] = [
    "naïve",
    "café",
    "Grüße",
    "Köln",
    "façade",
    "Zürich",
    "São",
    "ñandú",
    "e\u{301}te\u{301}",
    "日本語",
    "テキスト",
    "中文",
    "привет",
    "мир",
    "Ελληνικά",
    "עברית",
    "हिन्दी",
    "한국어",
    "สวัสดี",
    "العربية",
    "👋🏽",
    "🤖",
    "🚀",
    "👍",
    "👩‍💻",
    "🇮🇹",
    "∑",
    "≈",
    "€",
    "—",
    "“quoted”",
    "½",
];

fn pick<'a>(rng: &mut CaseRng, items: &[&'a str]) -> &'a str {
    items[rng.int(0, items.len() as u64 - 1) as usize]
}

/// One word: non-ASCII with probability `unicode`.
pub fn word(rng: &mut CaseRng, unicode: f32) -> &'static str {
    if rng.chance(unicode) {
        pick(rng, &UNICODE)
    } else {
        pick(rng, &ENGLISH)
    }
}

/// Sentences of `words` words in all, each ending in `.`, `?`, `!` or `。`,
/// sometimes on a new line.
pub fn text(rng: &mut CaseRng, words: usize, unicode: f32) -> String {
    let mut out = String::new();
    let mut left = words;
    while left > 0 {
        let n = (rng.int(3, 14) as usize).min(left);
        left -= n;
        if !out.is_empty() {
            out.push(if rng.chance(0.15) { '\n' } else { ' ' });
        }
        let sentence: Vec<&str> = (0..n).map(|_| word(rng, unicode)).collect();
        out.push_str(&sentence.join(" "));
        out.push(match rng.int(0, 9) {
            0 => '?',
            1 => '!',
            2 => '。',
            _ => '.',
        });
    }
    out
}

/// A random text of `lo..=hi` words.
pub fn text_between(rng: &mut CaseRng, lo: u64, hi: u64, unicode: f32) -> String {
    let words = rng.int(lo, hi) as usize;
    text(rng, words, unicode)
}

/// A chat message as the driver reads it.
pub fn message(role: &str, content: &str) -> Value {
    json!({ "role": role, "content": content })
}

/// A conversation as the driver reads it.
pub fn conversation(system: Option<&str>, history: Vec<Value>, new_message: &str) -> Value {
    json!({ "system_prompt": system, "history": history, "new_message": new_message })
}

/// A random conversation: a system prompt (usually), `turns` history
/// messages alternating user and assistant (rarely a system note), and a
/// new user message.
pub fn random_conversation(rng: &mut CaseRng, turns: usize, max_words: u64) -> Value {
    let unicode = [0.0, 0.1, 0.3, 0.7][rng.int(0, 3) as usize];
    let system = rng
        .chance(0.85)
        .then(|| text_between(rng, 3, max_words, unicode));
    let history = (0..turns)
        .map(|i| {
            let role = if rng.chance(0.03) {
                "system"
            } else if i % 2 == 0 {
                "user"
            } else {
                "assistant"
            };
            // Now and then an empty or one-word message.
            let content = match rng.int(0, 19) {
                0 => String::new(),
                1 => word(rng, unicode).to_owned(),
                _ => text_between(rng, 2, max_words, unicode),
            };
            message(role, &content)
        })
        .collect();
    let new_message = text_between(rng, 1, max_words, unicode);
    conversation(system.as_deref(), history, &new_message)
}

/// How the driver counts tokens in budget and fit cases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counter {
    /// `ceil(chars / per_token) * scale`.
    Chars {
        /// Characters per token.
        per_token: u64,
        /// Tokens each counted token stands for (lets short texts stand for
        /// long documents, up to 1,000,000-token windows).
        scale: u64,
    },
    /// Whitespace-separated words.
    Words,
}

impl Counter {
    /// The lesson's approximation: 4 characters per token.
    pub const APPROX: Counter = Counter::Chars {
        per_token: 4,
        scale: 1,
    };

    /// One token per character.
    pub const CHARS: Counter = Counter::Chars {
        per_token: 1,
        scale: 1,
    };

    /// The driver's JSON for this counter.
    pub fn json(self) -> Value {
        match self {
            Counter::Chars { per_token, scale } => {
                json!({ "kind": "chars", "per_token": per_token, "scale": scale })
            }
            Counter::Words => json!({ "kind": "words" }),
        }
    }

    /// Read the driver's JSON back.
    pub fn parse(spec: &Value) -> Option<Counter> {
        match spec["kind"].as_str()? {
            "chars" => Some(Counter::Chars {
                per_token: spec["per_token"].as_u64().filter(|&k| k > 0)?,
                scale: spec["scale"].as_u64()?,
            }),
            "words" => Some(Counter::Words),
            _ => None,
        }
    }

    /// Tokens of `text`.
    pub fn count(self, text: &str) -> u64 {
        match self {
            Counter::Chars { per_token, scale } => {
                (text.chars().count() as u64).div_ceil(per_token) * scale
            }
            Counter::Words => text.split_whitespace().count() as u64,
        }
    }

    /// A random counter; `scale` up to `max_scale`.
    pub fn random(rng: &mut CaseRng, max_scale: u64) -> Counter {
        if rng.chance(0.2) {
            return Counter::Words;
        }
        let per_token = [1, 2, 3, 4, 4, 4, 5, 8][rng.int(0, 7) as usize];
        let scale = match rng.int(0, 5) {
            0 if max_scale >= 1_000 => 1_000,
            1 if max_scale >= 10 => 10,
            _ => 1,
        };
        Counter::Chars { per_token, scale }
    }
}

/// Tokens of the parts of a conversation (as JSON) under `counter`:
/// `(required, history counts)` where required is the system prompt plus
/// the new message.
pub fn token_parts(conversation: &Value, counter: Counter) -> (u64, Vec<u64>) {
    let system = conversation["system_prompt"]
        .as_str()
        .map_or(0, |s| counter.count(s));
    let new = counter.count(conversation["new_message"].as_str().unwrap_or(""));
    let history = conversation["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|m| counter.count(m["content"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    (system + new, history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_round_up_and_scale() {
        let c = Counter::Chars {
            per_token: 4,
            scale: 10,
        };
        assert_eq!(c.count(""), 0);
        assert_eq!(c.count("abcde"), 20);
        assert_eq!(c.count("日本語"), 10);
        assert_eq!(Counter::Words.count(" a  b\nc "), 3);
        assert_eq!(Counter::parse(&c.json()), Some(c));
        assert_eq!(Counter::parse(&Counter::Words.json()), Some(Counter::Words));
    }

    #[test]
    fn texts_have_the_words_asked_for() {
        let mut rng = CaseRng::new(1, "lab", "g");
        let t = text(&mut rng, 40, 0.5);
        assert_eq!(t.split_whitespace().count(), 40);
        assert_eq!(text(&mut rng, 0, 0.5), "");
    }
}
