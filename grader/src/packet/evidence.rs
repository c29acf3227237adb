//! Evidence: vendor and model claims carry an "as of" date and a source;
//! figures carry units.

use super::document::words;
use super::rubric::EvidenceSpec;

/// What one claim paragraph carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// An "as of <year...>" date.
    pub dated: bool,
    /// A URL, a Markdown link or a "source:" note.
    pub sourced: bool,
}

/// Whether `paragraph` makes a vendor or model claim (names one, or states a
/// price), and if so what evidence it carries.
pub fn claim(paragraph: &str, spec: &EvidenceSpec) -> Option<Claim> {
    let lower = paragraph.to_lowercase();
    (!names(paragraph, spec).is_empty() || states_price(&lower)).then(|| Claim {
        dated: has_as_of_date(&lower),
        sourced: lower.contains("http://")
            || lower.contains("https://")
            || lower.contains("source:")
            || lower.contains("sources:")
            || lower.contains("]("),
    })
}

/// The claim words (vendors, models, GPUs) `paragraph` names.
pub fn names<'s>(paragraph: &str, spec: &'s EvidenceSpec) -> Vec<&'s str> {
    let words = words(paragraph);
    spec.claim_words
        .iter()
        .map(String::as_str)
        .filter(|c| words.iter().any(|w| w.starts_with(c)))
        .collect()
}

/// Whether `text` states a price (`$0.15`).
pub fn states_price(text: &str) -> bool {
    text.char_indices()
        .any(|(i, c)| c == '$' && text[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
}

/// "as of" followed closely by a year 2000-2099 (`as of 2025-06`, `as of June 2025`).
pub fn has_as_of_date(lower: &str) -> bool {
    lower.match_indices("as of").any(|(at, m)| {
        let after: String = lower[at + m.len()..].chars().take(24).collect();
        after
            .as_bytes()
            .windows(4)
            .any(|w| w.starts_with(b"20") && w.iter().all(u8::is_ascii_digit))
    })
}

/// A figure found in text and whether a unit follows (or a currency sign precedes) it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The figure as written.
    pub text: String,
    /// Whether it carries a unit.
    pub has_unit: bool,
}

/// The figures of `paragraph` that need a unit: numbers with a decimal
/// point, a thousands separator or three or more digits, that are not part
/// of a name (`GPT-4o`, `L40S`, `v2`), a date or a year.
pub fn figures(paragraph: &str, spec: &EvidenceSpec) -> Vec<Figure> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',' | '_')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let text: String = chars[start..i].iter().collect();
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        // Part of an identifier or a date: not a figure.
        if before.is_some_and(|c| c.is_alphabetic() || c == '-' || c == '/' || c == '.')
            || after.is_some_and(|c| c == '-' || c == '/' || c == ':')
        {
            continue;
        }
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let plain_year = text.len() == 4 && (text.starts_with("19") || text.starts_with("20"));
        if plain_year || !(digits >= 3 || text.contains(['.', ','])) {
            continue;
        }
        let lead: String = chars[..start].iter().rev().take(12).collect::<String>();
        let lead = lead.trim_start();
        let previous_word: String = lead
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
            .to_lowercase();
        // `Llama 3.1`, `Claude 3`: a version, not a figure.
        if !previous_word.is_empty()
            && spec
                .claim_words
                .iter()
                .any(|w| previous_word.starts_with(w.as_str()))
        {
            continue;
        }
        let currency = lead.starts_with(['$', '€', '£']);
        // A factor of a product (`x 1.2`, `1.2 x`) is dimensionless.
        let factor = lead.starts_with(['x', '×', '*'])
            && lead.chars().nth(1).is_none_or(|c| !c.is_alphanumeric());
        let rest: String = chars[i..].iter().take(24).collect();
        out.push(Figure {
            has_unit: currency || factor || unit_follows(&rest, spec),
            text,
        });
    }
    out
}

fn unit_follows(rest: &str, spec: &EvidenceSpec) -> bool {
    let rest = rest.trim_start_matches([' ', '\u{a0}', '~']);
    if rest.starts_with(['%', '×', '$', '€', '£', '*']) || rest.starts_with("x ") {
        return true;
    }
    // The unit may follow one qualifier: `4,400 input tokens`, `30 research questions`.
    rest.split_whitespace().take(2).any(|word| {
        let word: String = word
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '/')
            .collect::<String>()
            .to_lowercase();
        let word = word.split('/').next().unwrap_or_default();
        !word.is_empty()
            && spec.units.iter().any(|u| {
                word == u || (u.len() >= 3 && word.len() > u.len() && word.starts_with(u.as_str()))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> EvidenceSpec {
        EvidenceSpec {
            claim_words: vec!["gpt".into(), "llama".into(), "openai".into()],
            units: ["gb", "tokens", "usd", "b", "requests", "h", "ms"]
                .map(String::from)
                .to_vec(),
            units_full: 0.9,
            units_zero: 0.5,
            min_figures: 5,
        }
    }

    #[test]
    fn a_claim_needs_a_date_and_a_source() {
        let s = spec();
        assert_eq!(claim("We like our lawyers.", &s), None);
        let c = claim("GPT-4o mini costs $0.15 per Mtok as of 2025-06 (source: https://openai.com/api/pricing).", &s).unwrap();
        assert!(c.dated && c.sourced);
        let c = claim("Llama 3.1 8B is good as of last year.", &s).unwrap();
        assert!(!c.dated && !c.sourced);
        assert!(claim("It costs $20 a month", &s).is_some());
    }

    #[test]
    fn as_of_dates_take_several_forms() {
        assert!(has_as_of_date("as of june 2025"));
        assert!(has_as_of_date("(as of 2025-06-01)"));
        assert!(!has_as_of_date("as of now"));
        assert!(!has_as_of_date("as of"));
    }

    #[test]
    fn figures_with_and_without_units() {
        let s = spec();
        let found = figures("It needs 19.27 GB and 4,400 input tokens for $23.76, or 4400 for lunch; GPT-4o in 2025 at 2025-06-01, 12 turns, Llama 3.1 at x 1.2 = 9.6.", &s);
        let shown: Vec<(&str, bool)> = found
            .iter()
            .map(|f| (f.text.as_str(), f.has_unit))
            .collect();
        assert_eq!(
            shown,
            [
                ("19.27", true),
                ("4,400", true),
                ("23.76", true),
                ("4400", false),
                ("1.2", true),
                ("9.6", false)
            ]
        );
    }

    #[test]
    fn figures_never_panic_on_odd_text() {
        let s = spec();
        for text in [
            "",
            "1",
            "1.",
            ".5",
            "$",
            "€1,000",
            "1,2,3,",
            "9".repeat(500).as_str(),
            "ü1.5ü",
        ] {
            let _ = figures(text, &s);
        }
    }
}
