//! Numeric precisions and how many bits each parameter takes (lesson 08's precision table).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How each number of a tensor is stored.
///
/// Serialised as its canonical name (`"fp16"`); deserialised from any known spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Precision {
    /// 32-bit IEEE float: 4 bytes per parameter.
    Fp32,
    /// 16-bit IEEE half float: 2 bytes per parameter.
    Fp16,
    /// 16-bit brain float (fp32's exponent range, fewer mantissa bits): 2 bytes per parameter.
    Bf16,
    /// 8-bit integer quantisation (Q8): 1 byte per parameter.
    Int8,
    /// 4-bit integer quantisation (Q4): half a byte per parameter.
    Int4,
}

impl Precision {
    /// Every precision, widest first (the order of lesson 08's table).
    pub const ALL: [Precision; 5] = [
        Precision::Fp32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Int8,
        Precision::Int4,
    ];

    /// The canonical name: `"fp32"`, `"fp16"`, `"bf16"`, `"int8"` or `"int4"`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Fp16 => "fp16",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
        }
    }

    /// The other accepted spellings (matched case-insensitively, like the name).
    ///
    /// GGUF block formats such as `q4_0` are deliberately absent: they store a scale per
    /// block of 32 weights and so take 4.5 bits per weight, not 4.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Precision::Fp32 => &["float32", "f32"],
            Precision::Fp16 => &["float16", "f16", "half"],
            Precision::Bf16 => &["bfloat16"],
            Precision::Int8 => &["i8", "q8", "8bit"],
            Precision::Int4 => &["i4", "q4", "4bit"],
        }
    }

    /// Bits per parameter: 32, 16, 16, 8 or 4.
    pub fn bits(self) -> u64 {
        // TODO(lab04): bits per parameter, from lesson 08's table: fp32 32, fp16 and bf16 16, int8
        // 8, int4 4. (Bytes per parameter are bits / 8, so int4 is half a byte.)
        todo!("Precision::bits: bits per parameter")
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// A precision spelling that is not known. Its message lists every known spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPrecision {
    /// The spelling as given.
    pub spelling: String,
}

impl UnknownPrecision {
    /// `"fp32 (float32, f32), fp16 (float16, f16, half), ..."`.
    pub fn known() -> String {
        Precision::ALL
            .iter()
            .map(|precision| format!("{} ({})", precision.name(), precision.aliases().join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for UnknownPrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown precision `{}`; known: {}",
            self.spelling,
            Self::known()
        )
    }
}

impl std::error::Error for UnknownPrecision {}

impl FromStr for Precision {
    type Err = UnknownPrecision;

    /// Reads a name or alias, ignoring case and surrounding spaces.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        Precision::ALL
            .into_iter()
            .find(|precision| {
                precision.name() == wanted || precision.aliases().contains(&wanted.as_str())
            })
            .ok_or_else(|| UnknownPrecision {
                spelling: text.to_string(),
            })
    }
}

impl TryFrom<String> for Precision {
    type Error = UnknownPrecision;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Precision> for &'static str {
    fn from(precision: Precision) -> Self {
        precision.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_spellings_parse_case_insensitively() {
        assert_eq!("fp16".parse(), Ok(Precision::Fp16));
        assert_eq!(" Float16 ".parse(), Ok(Precision::Fp16));
        assert_eq!("half".parse(), Ok(Precision::Fp16));
        assert_eq!("BF16".parse(), Ok(Precision::Bf16));
        assert_eq!("bfloat16".parse(), Ok(Precision::Bf16));
        assert_eq!("float32".parse(), Ok(Precision::Fp32));
        assert_eq!("Q8".parse(), Ok(Precision::Int8));
        assert_eq!("q4".parse(), Ok(Precision::Int4));
        assert_eq!("4bit".parse(), Ok(Precision::Int4));
    }

    #[test]
    fn unknown_spellings_list_the_known_ones() {
        let error = "q4_0".parse::<Precision>().unwrap_err();
        assert_eq!(error.spelling, "q4_0");
        assert_eq!(
            error.to_string(),
            "unknown precision `q4_0`; known: fp32 (float32, f32), fp16 (float16, f16, half), \
             bf16 (bfloat16), int8 (i8, q8, 8bit), int4 (i4, q4, 4bit)"
        );
    }

    #[test]
    fn serde_uses_the_canonical_name_and_accepts_aliases() {
        assert_eq!(serde_json::to_string(&Precision::Bf16).unwrap(), "\"bf16\"");
        let parsed: Precision = serde_json::from_str("\"bfloat16\"").unwrap();
        assert_eq!(parsed, Precision::Bf16);
        let error = serde_json::from_str::<Precision>("\"fp8\"").unwrap_err();
        assert!(error.to_string().contains("unknown precision `fp8`"));
    }
}
