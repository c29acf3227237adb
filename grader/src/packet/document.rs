//! Reading `packet.md` without trusting it: a capped read, binary junk and
//! invalid UTF-8 recognised, optional front matter (`key: value` lines
//! between `---` fences), and sections and paragraphs by ATX headings.
//! Nothing here panics on any input.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Most bytes read from a packet; the rest is ignored and the report says so.
pub const MAX_PACKET_BYTES: usize = 256 * 1024;

/// A packet as the checks see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Front-matter fields (keys lowercased), values as written.
    pub front: BTreeMap<String, String>,
    /// Sections: split at headings of level 1 and 2; the text before the
    /// first heading is a section with an empty heading.
    pub sections: Vec<Section>,
    /// What the reader had to do (cap, invalid UTF-8, unclosed front matter).
    pub notes: Vec<String>,
}

/// One section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// The heading text, without the `#`s.
    pub heading: String,
    /// Its paragraphs: blocks between blank lines (deeper headings included
    /// as their own paragraph).
    pub paragraphs: Vec<String>,
}

/// Why a packet is not text.
#[derive(Debug, Clone, PartialEq)]
pub struct NotText(pub String);

/// Read `path` (at most [`MAX_PACKET_BYTES`]).
pub fn read(path: &Path) -> Result<Result<Document, NotText>, std::io::Error> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_PACKET_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(parse_bytes(&bytes))
}

/// Parse packet bytes (already read; capped here too).
pub fn parse_bytes(bytes: &[u8]) -> Result<Document, NotText> {
    let mut notes = Vec::new();
    let bytes = if bytes.len() > MAX_PACKET_BYTES {
        notes.push(format!(
            "the packet is longer than {} KiB: only the first {} KiB were read and scored",
            MAX_PACKET_BYTES / 1024,
            MAX_PACKET_BYTES / 1024
        ));
        &bytes[..MAX_PACKET_BYTES]
    } else {
        bytes
    };
    if bytes.contains(&0) {
        return Err(NotText(
            "packet.md holds NUL bytes: it is a binary file, not Markdown text".into(),
        ));
    }
    let text = String::from_utf8_lossy(bytes);
    let replaced = text.matches('\u{FFFD}').count();
    if replaced > 0 {
        let share = replaced as f64 / text.chars().count().max(1) as f64;
        if share > 0.05 {
            return Err(NotText(format!(
                "packet.md is not UTF-8 text ({replaced} invalid byte sequences): save it as UTF-8 Markdown"
            )));
        }
        // A cut at the cap may split the last character: not worth a note.
        if !(replaced == 1 && text.ends_with('\u{FFFD}') && !notes.is_empty()) {
            notes.push(format!(
                "{replaced} invalid UTF-8 sequences were replaced by U+FFFD: save the packet as UTF-8"
            ));
        }
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls * 20 > text.chars().count().max(1) {
        return Err(NotText(format!(
            "packet.md is mostly control characters ({controls}): it is not Markdown text"
        )));
    }
    let mut document = parse(&text);
    notes.append(&mut document.notes);
    document.notes = notes;
    Ok(document)
}

/// Parse packet text.
pub fn parse(text: &str) -> Document {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut notes = Vec::new();
    let (front, body) = split_front_matter(text, &mut notes);
    Document {
        front,
        sections: sections(body),
        notes,
    }
}

fn split_front_matter<'t>(
    text: &'t str,
    notes: &mut Vec<String>,
) -> (BTreeMap<String, String>, &'t str) {
    let mut fields = BTreeMap::new();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (fields, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let trimmed = line.trim();
        if trimmed == "---" || trimmed == "..." {
            return (fields, &rest[offset..]);
        }
        let content = strip_comment(trimmed);
        if content.is_empty() {
            continue;
        }
        match content.split_once(':') {
            Some((key, value)) => {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                fields.insert(key.trim().to_lowercase(), value.to_owned());
            }
            None => notes.push(format!(
                "front matter line `{}` is not `key: value`; ignored",
                cut(content, 60)
            )),
        }
    }
    notes.push("the front matter has no closing `---`: it was read as text".into());
    (BTreeMap::new(), text)
}

fn strip_comment(line: &str) -> &str {
    if line.starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(at) => line[..at].trim(),
        None => line,
    }
}

/// At most `n` characters of `text`.
pub fn cut(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let level = trimmed.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim()))
}

fn sections(body: &str) -> Vec<Section> {
    let mut sections = vec![Section::default()];
    let mut block: Vec<&str> = Vec::new();
    let mut fence: Option<&str> = None;
    let flush = |block: &mut Vec<&str>, sections: &mut Vec<Section>| {
        let text = block.join("\n").trim().to_owned();
        if !text.is_empty() {
            if let Some(last) = sections.last_mut() {
                last.paragraphs.push(text);
            }
        }
        block.clear();
    };
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
                flush(&mut block, &mut sections);
            } else {
                block.push(line);
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut block, &mut sections);
            fence = Some(if trimmed.starts_with("```") {
                "```"
            } else {
                "~~~"
            });
            continue;
        }
        if let Some((level, text)) = heading(line) {
            flush(&mut block, &mut sections);
            if level <= 2 {
                sections.push(Section {
                    heading: text.to_owned(),
                    paragraphs: Vec::new(),
                });
            } else if !text.is_empty() {
                block.push(text);
                flush(&mut block, &mut sections);
            }
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut block, &mut sections);
        } else {
            block.push(line);
        }
    }
    flush(&mut block, &mut sections);
    if sections[0].paragraphs.is_empty() && sections.len() > 1 {
        sections.remove(0);
    }
    sections
}

/// Lowercase alphanumeric words of `text` (apostrophes kept inside words).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Document {
    /// Every paragraph with its section's index.
    pub fn paragraphs(&self) -> impl Iterator<Item = (usize, &str)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.paragraphs.iter().map(move |p| (i, p.as_str())))
    }

    /// Whether there is no text at all outside the front matter.
    pub fn is_empty(&self) -> bool {
        self.sections
            .iter()
            .all(|s| s.paragraphs.is_empty() && s.heading.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_and_sections_are_read() {
        let doc = parse("---\nmodel_params: 8_030_261_248 # LLaMA 3 8B\nName: \"x\"\n---\n# Title\nintro\n\n## Use case\nfirst para\nsame para\n\nsecond\n### Sub\nthird\n```\n## not a heading\n```\n");
        assert_eq!(doc.front["model_params"], "8_030_261_248");
        assert_eq!(doc.front["name"], "x");
        let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["Title", "Use case"]);
        assert_eq!(
            doc.sections[1].paragraphs,
            [
                "first para\nsame para",
                "second",
                "Sub",
                "third",
                "## not a heading"
            ]
        );
    }

    #[test]
    fn an_empty_file_is_an_empty_document() {
        let doc = parse_bytes(b"").unwrap();
        assert!(doc.is_empty());
        assert!(doc.front.is_empty());
    }

    #[test]
    fn only_front_matter_is_an_empty_document_with_fields() {
        let doc = parse_bytes(b"---\na: 1\n---\n").unwrap();
        assert!(doc.is_empty());
        assert_eq!(doc.front["a"], "1");
    }

    #[test]
    fn unclosed_front_matter_is_text_with_a_note() {
        let doc = parse_bytes(b"---\na: 1\n## Use case\nhello").unwrap();
        assert!(doc.front.is_empty());
        assert!(doc.notes.iter().any(|n| n.contains("closing")));
    }

    #[test]
    fn binary_junk_is_not_text() {
        let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
        let err = parse_bytes(&junk).unwrap_err();
        assert!(
            err.0.contains("binary") || err.0.contains("UTF-8"),
            "{err:?}"
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_note_or_refused() {
        let mut bytes = b"## Use case\nsome text here that is long enough ".repeat(10);
        bytes.extend_from_slice(&[0xff, 0xfe]);
        let doc = parse_bytes(&bytes).unwrap();
        assert!(
            doc.notes.iter().any(|n| n.contains("UTF-8")),
            "{:?}",
            doc.notes
        );
        let err = parse_bytes(&[0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]).unwrap_err();
        assert!(err.0.contains("UTF-8"));
    }

    #[test]
    fn a_huge_file_is_capped_with_a_note() {
        let bytes = "## Section\nword word word\n\n".repeat(MAX_PACKET_BYTES / 10);
        let doc = parse_bytes(bytes.as_bytes()).unwrap();
        assert!(
            doc.notes.iter().any(|n| n.contains("KiB")),
            "{:?}",
            doc.notes
        );
    }

    #[test]
    fn odd_headings_never_panic() {
        for text in [
            "#",
            "####### seven",
            "#no space",
            "   ## indented",
            "##  ##",
            "é#",
            "\u{FEFF}## bom",
        ] {
            let _ = parse(text);
        }
        assert_eq!(parse("\u{FEFF}## bom\nx").sections[0].heading, "bom");
    }

    #[test]
    fn words_are_lowercase_alphanumerics() {
        assert_eq!(
            words("LLaMA-3 8B, it's $0.15/Mtok!"),
            ["llama", "3", "8b", "it's", "0", "15", "mtok"]
        );
    }
}
