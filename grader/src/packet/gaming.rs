//! Anti-gaming: paragraphs pasted from the rubric, the template or the
//! lessons, and paragraphs repeated within the packet. Deterministic: word
//! shingles (n consecutive words, hashed), containment against the sources
//! and Jaccard similarity between the packet's own paragraphs.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::document::{words, Document};
use super::rubric::GamingSpec;

/// Where a copied paragraph came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Flag {
    /// Mostly contained in a source text (`rubric`, `template`, `lessons`).
    Copied {
        /// The source.
        source: &'static str,
        /// Share of the paragraph's shingles found in it.
        containment: f64,
    },
    /// Repeats an earlier paragraph of the packet.
    Repeat {
        /// Index (in [`Document::paragraphs`] order) of the earlier one.
        of: usize,
        /// Their Jaccard similarity.
        jaccard: f64,
    },
}

/// A source text's shingles.
pub struct Source {
    name: &'static str,
    shingles: HashSet<u64>,
}

impl Source {
    /// The shingles of `text`, named `name`.
    pub fn new(name: &'static str, text: &str, n: usize) -> Source {
        Source {
            name,
            shingles: shingles(&words(text), n),
        }
    }
}

fn shingles(words: &[String], n: usize) -> HashSet<u64> {
    let n = n.max(1);
    if words.len() < n {
        return HashSet::new();
    }
    words
        .windows(n)
        .map(|w| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// The result for the whole packet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// One entry per paragraph (in [`Document::paragraphs`] order): its flag.
    pub flags: Vec<Option<Flag>>,
    /// Words in flagged paragraphs.
    pub flagged_words: usize,
    /// Words in judged paragraphs (long enough).
    pub judged_words: usize,
}

impl Findings {
    /// Share of the packet's judged words that are copies or repeats.
    pub fn flagged_share(&self) -> f64 {
        if self.judged_words == 0 {
            0.0
        } else {
            self.flagged_words as f64 / self.judged_words as f64
        }
    }

    /// Whether paragraph `index` is original (not flagged).
    pub fn original(&self, index: usize) -> bool {
        self.flags.get(index).is_none_or(Option::is_none)
    }

    /// Copied words by source, and repeated words.
    pub fn breakdown(&self, document: &Document) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for ((_, text), flag) in document.paragraphs().zip(&self.flags) {
            let key = match flag {
                Some(Flag::Copied { source, .. }) => format!("copied from the {source}"),
                Some(Flag::Repeat { .. }) => "repeated paragraphs".to_owned(),
                None => continue,
            };
            let n = words(text).len();
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => *total += n,
                None => out.push((key, n)),
            }
        }
        out
    }
}

/// Judge every paragraph of `document` against `sources`.
pub fn judge(document: &Document, sources: &[Source], spec: &GamingSpec) -> Findings {
    let mut findings = Findings::default();
    let mut earlier: Vec<(usize, HashSet<u64>)> = Vec::new();
    let mut index_of: HashMap<u64, Vec<usize>> = HashMap::new();
    for (index, (_, text)) in document.paragraphs().enumerate() {
        let paragraph_words = words(text);
        if paragraph_words.len() < spec.min_paragraph_words {
            findings.flags.push(None);
            continue;
        }
        findings.judged_words += paragraph_words.len();
        let own = shingles(&paragraph_words, spec.shingle_words);
        let mut flag = None;
        if !own.is_empty() {
            for source in sources {
                let shared = own.intersection(&source.shingles).count();
                let containment = shared as f64 / own.len() as f64;
                if containment >= spec.copy_containment {
                    flag = Some(Flag::Copied {
                        source: source.name,
                        containment,
                    });
                    break;
                }
            }
            if flag.is_none() {
                flag = repeat_of(&own, &earlier, &index_of, spec.repeat_jaccard);
            }
            // Only originals are indexed: copies of one paragraph all point
            // to the first, so a packet of one repeated line stays linear.
            if flag.is_none() {
                for shingle in &own {
                    index_of.entry(*shingle).or_default().push(earlier.len());
                }
                earlier.push((index, own));
            }
        }
        if flag.is_some() {
            findings.flagged_words += paragraph_words.len();
        }
        findings.flags.push(flag);
    }
    findings
}

/// The earlier paragraph `own` repeats (Jaccard at least `threshold`),
/// found through the shingle index.
fn repeat_of(
    own: &HashSet<u64>,
    earlier: &[(usize, HashSet<u64>)],
    index_of: &HashMap<u64, Vec<usize>>,
    threshold: f64,
) -> Option<Flag> {
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for shingle in own {
        for slot in index_of.get(shingle).into_iter().flatten() {
            *shared.entry(*slot).or_default() += 1;
        }
    }
    let mut best: Option<(usize, f64)> = None;
    for (slot, common) in shared {
        let theirs = &earlier[slot].1;
        let jaccard = common as f64 / (own.len() + theirs.len() - common).max(1) as f64;
        if jaccard >= threshold
            && best.is_none_or(|(s, j)| jaccard > j || (jaccard == j && slot < s))
        {
            best = Some((slot, jaccard));
        }
    }
    best.map(|(slot, jaccard)| Flag::Repeat {
        of: earlier[slot].0,
        jaccard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::document::parse;

    fn spec() -> GamingSpec {
        GamingSpec {
            shingle_words: 5,
            copy_containment: 0.5,
            repeat_jaccard: 0.8,
            min_paragraph_words: 8,
            gamed_share: 0.3,
            clean_share: 0.1,
        }
    }

    const LESSON: &str = "Training needs to store the model weights, the gradients which are the same size as weights, optimizer states at twice the weights for Adam, and activations per batch.";

    #[test]
    fn a_pasted_lesson_paragraph_is_a_copy_and_an_own_one_is_not() {
        let sources = [Source::new("lessons", LESSON, 5)];
        let doc = parse(&format!(
            "## Hardware\n{LESSON}\n\nWe fine-tune on one rented L4 with QLoRA because our adapters are small and the base stays frozen in int4."
        ));
        let found = judge(&doc, &sources, &spec());
        assert!(matches!(
            found.flags[0],
            Some(Flag::Copied {
                source: "lessons",
                ..
            })
        ));
        assert_eq!(found.flags[1], None);
        assert!(found.flagged_share() > 0.3 && found.flagged_share() < 0.7);
    }

    #[test]
    fn a_lightly_edited_copy_is_still_a_copy() {
        let sources = [Source::new("lessons", LESSON, 5)];
        let edited = LESSON
            .replace("Adam", "AdamW")
            .replace("batch", "micro-batch");
        let doc = parse(&format!("## Hardware\n{edited}"));
        assert!(judge(&doc, &sources, &spec()).flags[0].is_some());
    }

    #[test]
    fn a_repeated_paragraph_is_flagged_once() {
        let para = "Our evaluation set has two hundred real clauses labelled by two lawyers, and we track exact match weekly.";
        let doc = parse(&format!("## A\n{para}\n\n## B\n{para}"));
        let found = judge(&doc, &[], &spec());
        assert_eq!(found.flags[0], None);
        assert!(matches!(found.flags[1], Some(Flag::Repeat { of: 0, .. })));
    }

    #[test]
    fn short_paragraphs_are_not_judged() {
        let doc = parse("## A\nSee below.\n\n## B\nSee below.");
        let found = judge(&doc, &[], &spec());
        assert_eq!(found.flags, [None, None]);
        assert_eq!(found.judged_words, 0);
        assert_eq!(found.flagged_share(), 0.0);
    }
}
